/** Column helpers shared by the stores: epoch-ms timestamps, JSON text, booleans, cursors. */

export type Row = Record<string, unknown>;

export const toMs = (d: Date | null | undefined): number | null => (d ? d.getTime() : null);
export const date = (v: unknown): Date => new Date(Number(v));
export const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(Number(v)));
// SQLite returns booleans as 0/1.
export const bool = (v: unknown): boolean => v === true || v === 1 || v === '1';
export const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** Opaque cursor: base64url JSON of the sort key of the last item. */
export function encodeCursor(parts: (number | string | null)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** Decodes a cursor; null when it is not one of ours. */
export function decodeCursor(cursor: string | undefined): (number | string | null)[] | null {
  if (!cursor) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** The id of the first row of an insert, on both engines. */
export function insertedId(result: unknown): number {
  const first = Array.isArray(result) ? result[0] : result;
  return typeof first === 'object' && first !== null ? Number((first as Row).id) : Number(first);
}
