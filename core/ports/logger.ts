/**
 * Where use cases and adapters write their log lines: a structured object first, then an optional
 * message. pino's logger satisfies it as it is; tests may pass anything with these three methods.
 */
export interface Logger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}
