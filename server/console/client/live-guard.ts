/**
 * Live regions that hold forms (the board's assign selects, the escalations' notes) are marked
 * `data-live-guard`. A live refresh replaces their content, which would throw away a choice made
 * but not yet sent: so while a field of the region differs from what the server rendered (or a
 * select of it has focus), its refresh waits (htmx's `htmx:beforeRequest` is cancelled), and it
 * runs once the person leaves the field or sends the form (the region's `live:retry` trigger).
 */

/** What the guard reads of a form field (structural, so the rule is testable without a DOM). */
export interface GuardField {
  tagName: string;
  type?: string;
  value?: string;
  defaultValue?: string;
  checked?: boolean;
  defaultChecked?: boolean;
  options?: ArrayLike<{ selected: boolean; defaultSelected: boolean }>;
}

/** Whether a field differs from the value the server rendered. */
export function isDirty(f: GuardField): boolean {
  if (f.tagName === 'SELECT') {
    const options = Array.from(f.options ?? []);
    // No option marked selected in the HTML: the browser shows the first one, which is the default then.
    const anyDefault = options.some((o) => o.defaultSelected);
    return options.some((o, i) => o.selected !== (anyDefault ? o.defaultSelected : i === 0));
  }
  if (f.tagName === 'INPUT' && (f.type === 'checkbox' || f.type === 'radio')) return f.checked !== f.defaultChecked;
  if (f.tagName === 'INPUT' && (f.type === 'hidden' || f.type === 'submit' || f.type === 'button')) return false;
  return (f.value ?? '') !== (f.defaultValue ?? '');
}

/** How long a focused, unchanged select may hold its region's refresh (someone may have walked away from it). */
export const FOCUS_HOLD_MS = 60_000;

/**
 * Whether a region must not be replaced now: a field in it holds something unsent, or a select in
 * it has focus (its list may be open; replacing it would close the list under the pointer), for at
 * most FOCUS_HOLD_MS since the refresh was first held.
 */
export function isBusy(fields: Iterable<GuardField>, focused: GuardField | null, heldForMs = 0): boolean {
  for (const f of fields) if (isDirty(f)) return true;
  return focused?.tagName === 'SELECT' && heldForMs < FOCUS_HOLD_MS;
}

function busy(region: Element, heldForMs: number): boolean {
  const active = document.activeElement;
  const focused = active && region.contains(active) ? (active as unknown as GuardField) : null;
  return isBusy(region.querySelectorAll('input, select, textarea') as unknown as Iterable<GuardField>, focused, heldForMs);
}

export function startLiveGuard(): void {
  /** Regions whose refresh is held, with when it was first held. */
  const held = new Map<Element, number>();
  const heldFor = (region: Element) => Date.now() - (held.get(region) ?? Date.now());
  document.body.addEventListener('htmx:beforeRequest', (e) => {
    const elt = (e as CustomEvent<{ elt?: Element }>).detail?.elt;
    if (!elt?.hasAttribute('data-live-guard')) return;
    if (busy(elt, heldFor(elt))) {
      e.preventDefault();
      if (!held.has(elt)) held.set(elt, Date.now());
    } else held.delete(elt);
  });
  // Checked after focus has moved (focusout fires before the next element is focused).
  const release = () =>
    setTimeout(() => {
      for (const region of [...held.keys()]) {
        if (!region.isConnected) held.delete(region);
        else if (!busy(region, heldFor(region))) {
          held.delete(region);
          region.dispatchEvent(new CustomEvent('live:retry'));
        }
      }
    }, 0);
  document.addEventListener('focusout', release);
  document.addEventListener('change', release);
  document.body.addEventListener('htmx:afterSwap', release);
}
