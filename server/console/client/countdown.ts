/**
 * Ticks every deadline badge (`<time class="countdown">`, rendered by components/deadline.tsx)
 * once a second. The server rendered the clock's remaining seconds at `data-rendered-at`; while
 * the clock runs (`data-running`), each second of wall time is a second of clock time, until the
 * business calendar opens or closes (`data-changes-at`), when it flips. Badges that arrive later
 * (htmx swaps) are picked up on the next tick.
 */
import { countdownText, toneOf, type UiLocale } from './time-format';

function remainingNow(el: HTMLElement, now: number): number {
  const remaining = Number(el.dataset.remaining);
  const renderedAt = Number(el.dataset.renderedAt);
  let running = el.dataset.running === '1';
  const changesAt = el.dataset.changesAt ? Date.parse(el.dataset.changesAt) : Number.NaN;
  if (!Number.isFinite(remaining) || !Number.isFinite(renderedAt)) return Number.NaN;
  if (Number.isFinite(changesAt) && changesAt <= now) {
    // Count up to the change as before, then the other way round (the next change is not known here).
    const before = running ? Math.max(0, changesAt - renderedAt) : 0;
    const after = running ? 0 : now - Math.max(changesAt, renderedAt);
    return remaining - Math.floor((before + after) / 1000);
  }
  running = running && el.dataset.slaState !== 'paused';
  return running ? remaining - Math.floor((now - renderedAt) / 1000) : remaining;
}

export function tick(root: ParentNode = document): void {
  const now = Date.now();
  for (const el of root.querySelectorAll<HTMLElement>('time.countdown[data-remaining]')) {
    const state = el.dataset.slaState ?? 'running';
    if (state === 'met') continue;
    const left = remainingNow(el, now);
    if (!Number.isFinite(left)) continue;
    const locale: UiLocale = el.dataset.locale === 'en' ? 'en' : 'ko';
    const text = countdownText(left, state === 'paused', locale);
    if (el.textContent !== text) el.textContent = text;
    const tone = toneOf(left, state, Number(el.dataset.warn) || undefined);
    if (el.dataset.tone !== tone) el.dataset.tone = tone;
  }
}

export function startCountdowns(): void {
  tick();
  setInterval(tick, 1000);
}
