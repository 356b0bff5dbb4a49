// html-to-text 10 ships no type declarations; the one function the mail parser calls.
declare module 'html-to-text' {
  export function convert(html: string, options?: Record<string, unknown>): string;
}
