import { z } from 'zod';
import { ValidationError, type FieldProblem } from '../../core/errors';

/** Zod issues as problem-details `errors`, one per bad or unknown field. */
export function problemsOf(error: z.ZodError): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out.push({ path: base ? `${base}.${k}` : k, message: 'is not an accepted field here' });
    } else {
      out.push({ path: base || '(body)', message: issue.message });
    }
  }
  return out;
}

/** Parses input with a schema or throws a 422 naming every bad field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const errors = problemsOf(r.error);
  throw new ValidationError(`the ${what} is not valid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);
}

// C0 controls except tab, LF and CR, and DEL: PostgreSQL refuses NUL in text outright, and none of
// them belongs in a subject, a name or a search term (they would also reach mail headers).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's purpose
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * The paths of every string inside `value` (a parsed body, query or params) holding a control
 * character. Walks with its own stack: a 1 MiB body may nest deeper than the call stack goes.
 */
function controlCharacterProblems(value: unknown): FieldProblem[] {
  const out: FieldProblem[] = [];
  const todo: [string, unknown][] = [['', value]];
  for (let item = todo.pop(); item; item = todo.pop()) {
    const [path, v] = item;
    if (typeof v === 'string') {
      if (CONTROL.test(v))
        out.push({ path: path || '(body)', message: 'must not contain control characters (only tab, CR and LF are allowed)' });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) todo.push([path ? `${path}.${k}` : k, child]);
    }
  }
  return out.reverse();
}

/** Throws a 422 naming every field of the request that holds a control character. */
export function rejectControlCharacters(parts: { params: unknown; query: unknown; body: unknown }): void {
  const errors = [
    ...controlCharacterProblems(parts.params),
    ...controlCharacterProblems(parts.query),
    ...controlCharacterProblems(parts.body),
  ];
  if (errors.length)
    throw new ValidationError(`the request is not valid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);
}

/** RFC 3339 timestamp with an offset, as a Date. */
export const Timestamp = z.iso
  .datetime({ offset: true, message: 'must be an RFC 3339 timestamp with offset, e.g. 2026-02-13T10:00:00+09:00' })
  .transform((s) => new Date(s));

/** A positive integer id in a path. */
export const IdParam = z.coerce
  .number({ message: 'must be a positive integer id' })
  .int('must be a positive integer id')
  .positive('must be a positive integer id');

/** List paging: limit 1–200 (default 50) and an opaque cursor. */
export const PageQuerySchema = {
  limit: z.coerce.number().int().min(1, 'must be between 1 and 200').max(200, 'must be between 1 and 200').default(50),
  cursor: z.string().max(500).optional(),
};
