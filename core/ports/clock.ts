/** The source of "now" for all domain logic; tests pass a fixed or steerable clock (core/clock.ts has both). */
export interface Clock {
  now(): Date;
}
