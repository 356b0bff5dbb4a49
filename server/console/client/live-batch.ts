/**
 * `live:batch` on `document.body`: at most one per second for any run of `live` events — at the
 * first one, and once more at the end of the second for those that arrived during it. Lists
 * refresh on it (`hx-trigger="live:batch from:body"`) rather than on `live` with htmx's
 * `throttle`, which drops the events inside its window: a change made a moment after another
 * would then wait for some later, unrelated event to show. The held-mail list batches its own
 * events the same way (`live:inbound` → `live:inbound-batch`).
 */
export function startLiveBatch(windowMs = 1000, from = 'live', to = 'live:batch'): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending = false;
  const fire = () => document.body.dispatchEvent(new CustomEvent(to));
  const close = () => {
    if (!pending) {
      timer = undefined;
      return;
    }
    pending = false;
    fire();
    timer = setTimeout(close, windowMs);
  };
  document.body.addEventListener(from, () => {
    if (timer !== undefined) {
      pending = true;
      return;
    }
    fire();
    timer = setTimeout(close, windowMs);
  });
}
