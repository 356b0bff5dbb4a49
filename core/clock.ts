/** The source of "now" for all domain logic; tests pass a fixed or steerable clock. */
export interface Clock {
  now(): Date;
}

/** The process's wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance, so 48-hour stories run in milliseconds. */
export function manualClock(start: Date | string): Clock & { set(at: Date | string): void; advance(ms: number): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (at) => { current = new Date(at); },
    advance: (ms) => { current = new Date(current.getTime() + ms); },
  };
}
