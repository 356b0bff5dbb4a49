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

/**
 * `text` with each known variable replaced by its value (the console does this when an agent
 * inserts a response); unknown names and variables without a value stay as written, so nothing
 * is silently dropped from an answer.
 */
export function fillVariables(text: string, values: Partial<Record<CannedVariable, string>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const v = (values as Record<string, string | undefined>)[name];
    return typeof v === 'string' && (CANNED_VARIABLES as readonly string[]).includes(name) ? v : whole;
  });
}
