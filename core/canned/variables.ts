/**
 * The variables a canned response's body may contain, written `{{ticket.number}}` (spaces inside
 * the braces allowed). The console fills them in when an agent inserts the response; the API only
 * checks that no other name appears. This list is the one place they are defined.
 */
export const CANNED_VARIABLES = ['ticket.number', 'requester.name', 'sla.due_at'] as const;
export type CannedVariable = (typeof CANNED_VARIABLES)[number];

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The names used in `text` that are not known variables, each once, in order of appearance. */
export function unknownVariables(text: string): string[] {
  const known = new Set<string>(CANNED_VARIABLES);
  const out: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    if (!known.has(name) && !out.includes(name)) out.push(name);
  }
  return out;
}
