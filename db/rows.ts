import type { Knex } from 'knex';
import { BadRequestError } from '../core/errors';

/** Column helpers shared by the stores: epoch-ms timestamps, JSON text, booleans, cursors. */

export type Row = Record<string, unknown>;

/** Whether a knex instance (or transaction) speaks to PostgreSQL rather than SQLite. */
export const isPg = (knex: Knex): boolean => knex.client.dialect === 'postgresql';

export const toMs = (d: Date | null | undefined): number | null => (d ? d.getTime() : null);
export const date = (v: unknown): Date => new Date(Number(v));
export const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(Number(v)));
// SQLite returns booleans as 0/1.
export const bool = (v: unknown): boolean => v === true || v === 1 || v === '1';
export const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** Opaque cursor: base64url JSON of the integer sort key of the last item. */
export function encodeCursor(parts: number[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/**
 * Decodes a cursor of `arity` integers; null when there is none. Anything else (garbage, someone
 * else's JSON, a number PostgreSQL would refuse) is a 400 naming `cursor`, never reaches a query.
 */
export function decodeCursor(cursor: string | undefined, arity: number): number[] | null {
  if (!cursor) return null;
  let parts: unknown = null;
  if (/^[A-Za-z0-9_-]+$/.test(cursor)) {
    try {
      parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      /* not JSON: refused below */
    }
  }
  if (!Array.isArray(parts) || parts.length !== arity || !parts.every((p) => Number.isSafeInteger(p))) {
    throw new BadRequestError('cursor is not valid', {
      errors: [{ path: 'cursor', message: 'is not a cursor this list returned; start again without it' }],
    });
  }
  return parts as number[];
}

/** The id of the first row of an insert, on both engines. */
export function insertedId(result: unknown): number {
  const first = Array.isArray(result) ? result[0] : result;
  return typeof first === 'object' && first !== null ? Number((first as Row).id) : Number(first);
}
