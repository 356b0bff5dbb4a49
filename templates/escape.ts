/**
 * Output safety for mail: every value that reaches an HTML part, a text part or a header goes
 * through one of these, so a ticket subject or body can never add markup or a header line.
 */

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML element body or a double- or single-quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]!);
}

// C0/C1 controls (CR and LF among them), DEL, the Unicode line and paragraph separators (some
// clients break lines on them) and the bidi embedding/override/isolate marks, which can make a
// subject read differently from what it says ("trojan source" spoofing).
const HEADER_UNSAFE = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu;

/**
 * Makes a string safe for a one-line header (subject, display name): strips CR, LF and every
 * other control character and collapses runs of whitespace to one space.
 */
export function sanitizeHeader(value: string): string {
  // Replaced by a space, not removed, so "a\r\nb" stays two words instead of gluing into "ab".
  return value.replace(HEADER_UNSAFE, ' ').replace(/\s+/g, ' ').trim();
}

// Controls other than TAB and LF: a stray ESC or NUL in a body could drive a terminal mail
// reader or truncate a part in a fragile client.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's purpose
const BODY_UNSAFE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\u202A-\u202E\u2066-\u2069]/g;

/** Normalises free text from users (message bodies) to LF line ends without control characters. */
export function cleanText(value: string): string {
  return value
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(BODY_UNSAFE, '')
    .trim();
}
