import type { Clock } from './ports';

export type { Clock };

/** The process's wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance, so 48-hour stories run in milliseconds. */
export function manualClock(start: Date | string): Clock & { set(at: Date | string): void; advance(ms: number): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (at) => {
      current = new Date(at);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}
