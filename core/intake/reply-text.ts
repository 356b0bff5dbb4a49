/**
 * The text that matters in a reply: what the sender wrote above the quoted history their mail
 * program appended. Cut at the first of, in this order of trust:
 *
 * 1. our own separator line, which every mail we send starts with (`##- 이 줄 위에 … -##`);
 * 2. an attribution line: Gmail's `2026년 3월 2일 (월) 오후 3:00, 헬프데스크 <…>님이 작성:`
 *    (also wrapped over two lines), English `On Mon, … wrote:`;
 * 3. a header block of a quoted message: Outlook's `-----Original Message-----` /
 *    `-----원본 메시지-----` and its `From:`/`Sent:` or `보낸 사람:`/`보낸 날짜:` lines (often
 *    after a `____` rule), Naver's `-----Original Message-----` with `From:`/`To:`/`Sent:`, Daum's
 *    `------- Original Message -------` with `보낸사람:`/`받는사람:`/`날짜:`;
 * 4. a trailing block of `>`-quoted lines.
 *
 * Forwarded mail keeps its history: there the quoted message is the point.
 * Pure string functions; the whole text is kept elsewhere (inbound_mail.full_text, the raw file).
 */

/** The separator our mails start with, per language (templates/ writes it; this reads it). */
export const REPLY_SEPARATOR = {
  ko: '##- 이 줄 위에 답장을 써 주세요 -##',
  en: '##- Please type your reply above this line -##',
} as const;

const SEPARATOR = /##-.*-##/;
const ATTRIBUTION_END = /(님이\s*작성\s*[:：]?|wrote\s*:)\s*$/i;
const ATTRIBUTION_START = /^\s*(\d{4}\s*[년.\-/]|on\s|(19|20)\d\d-\d\d-\d\d|\d{1,2}\s*월)/i;
const ORIGINAL_RULE =
  /^\s*[-_=]{2,}\s*(original message|원본 메시지|원본 메일|forwarded message|전달된 메시지|전달된 메일|forwarded by)\s*[-_=]{2,}\s*$/i;
const FORWARD_RULE = /^\s*[-_=]{2,}\s*(forwarded message|전달된 메시지|전달된 메일|forwarded by)/i;
const UNDERSCORE_RULE = /^\s*_{10,}\s*$/;
const HEADER_FROM = /^\s*\**\s*(from|보낸\s*사람|보낸사람|발신자|발신)\s*\**\s*[:：]/i;
const HEADER_OTHER = /^\s*\**\s*(sent|date|to|cc|subject|보낸\s*날짜|날짜|받는\s*사람|받는사람|참조|제목|수신자|수신)\s*\**\s*[:：]/i;
const QUOTED = /^\s*>/;
const FORWARD_SUBJECT = /^\s*(fwd?|fw|전달|forward)\s*[:：]/i;

/** True when the subject says the mail is a forward (`Fwd:`, `FW:`, `전달:`). */
export function isForwardSubject(subject: string): boolean {
  return FORWARD_SUBJECT.test(subject);
}

/** Whether a quoted message's header block starts at line `i`: a `From:` line with at least two header lines after it. */
function headerBlockAt(lines: string[], i: number): boolean {
  if (!HEADER_FROM.test(lines[i]!)) return false;
  let others = 0;
  for (let k = i + 1; k < Math.min(lines.length, i + 6); k++) {
    if (HEADER_OTHER.test(lines[k]!)) others++;
    else if (lines[k]!.trim() !== '' && !HEADER_FROM.test(lines[k]!)) break;
  }
  return others >= 2;
}

/**
 * The start of an attribution (or a quoted message's rule) that ends right above line `at`,
 * blank and quoted lines between them skipped; `at` itself when there is none.
 */
function attributionAbove(lines: string[], at: number): number {
  let k = at - 1;
  while (k >= 0 && (lines[k]!.trim() === '' || QUOTED.test(lines[k]!))) k--;
  if (k < 0) return at;
  if (ORIGINAL_RULE.test(lines[k]!) || UNDERSCORE_RULE.test(lines[k]!)) return k;
  if (!ATTRIBUTION_END.test(lines[k]!)) return at;
  if (ATTRIBUTION_START.test(lines[k]!)) return k;
  for (let j = k - 1; j >= Math.max(0, k - 2); j--) {
    if (lines[j]!.trim() === '') break;
    if (ATTRIBUTION_START.test(lines[j]!)) return j;
  }
  return k;
}

/** Where the quoted history starts (a line index), or lines.length when there is none. */
function historyStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/^[\s>]*/, '');
    // Our separator, quoted: the attribution the mail program wrote above the quote goes with it.
    if (SEPARATOR.test(line)) return attributionAbove(lines, i);
  }
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (QUOTED.test(raw)) continue;
    if (ATTRIBUTION_END.test(raw)) {
      if (ATTRIBUTION_START.test(raw)) return i;
      // Gmail wraps a long attribution: "2026년 3월 2일 (월) 오후 3:00, 헬프데스크 <" / "help@…>님이 작성:".
      for (let k = i - 1; k >= Math.max(0, i - 2); k--) {
        if (lines[k]!.trim() === '') break;
        if (ATTRIBUTION_START.test(lines[k]!)) return k;
      }
      // An attribution followed by quoted lines is one whatever its start looks like.
      if (
        lines
          .slice(i + 1)
          .find((l) => l.trim() !== '')
          ?.match(QUOTED)
      )
        return i;
    }
    if (ORIGINAL_RULE.test(raw)) return i;
    if (headerBlockAt(lines, i)) {
      // Outlook draws a rule of underscores above the block.
      let k = i - 1;
      while (k >= 0 && lines[k]!.trim() === '') k--;
      return k >= 0 && UNDERSCORE_RULE.test(lines[k]!) ? k : i;
    }
  }
  // A trailing run of quoted lines (with blank lines among them).
  let end = lines.length;
  while (end > 0 && (lines[end - 1]!.trim() === '' || QUOTED.test(lines[end - 1]!))) end--;
  return lines.slice(end).some((l) => QUOTED.test(l)) ? end : lines.length;
}

/**
 * The reply without its quoted history. A mail that is nothing but history (the sender wrote
 * below the quote, or forwarded it) keeps its whole text; so does a forward (`forwarded`).
 */
export function stripQuotedHistory(text: string, opts: { forwarded?: boolean } = {}): { text: string; stripped: boolean } {
  const normal = normaliseText(text);
  if (opts.forwarded) return { text: normal, stripped: false };
  const lines = normal.split('\n');
  // A forward inside a reply ("---------- Forwarded message ----------" at the very top) is kept whole too.
  const firstLine = lines.find((l) => l.trim() !== '');
  if (firstLine && FORWARD_RULE.test(firstLine)) return { text: normal, stripped: false };
  const at = historyStart(lines);
  const kept = lines.slice(0, at).join('\n').trim();
  if (at >= lines.length) {
    // Bottom-posting without an attribution: a leading block of quoted lines, the answer below it.
    let start = 0;
    while (start < lines.length && (lines[start]!.trim() === '' || QUOTED.test(lines[start]!))) start++;
    const below = lines.slice(start).join('\n').trim();
    return start > 0 && below ? { text: below, stripped: true } : { text: normal, stripped: false };
  }
  if (kept === '') {
    // Bottom-posting: the answer is below the quote. Keep what is not quoted.
    const unquoted = lines
      .filter((l) => !QUOTED.test(l))
      .join('\n')
      .trim();
    return { text: unquoted || normal, stripped: unquoted !== '' && unquoted !== normal };
  }
  return { text: kept, stripped: true };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's purpose
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;

/** LF line ends, no control characters (PostgreSQL refuses NUL), no trailing spaces, at most two blank lines in a row. */
export function normaliseText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(/\u00a0/g, ' ')
    .replace(CONTROL, '')
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n{4,}/g, '\n\n\n')
    .trim();
}

const REPLY_PREFIX = /^\s*((re|fwd?|fw|aw|sv|답장|회신|답변|전달)\s*(\[\d+\])?\s*[:：]\s*)+/i;

/** The subject without `Re:`/`Fwd:`/`회신:`/`답장:` prefixes and `[PQ-…]` tokens, for a follow-up inquiry. */
export function bareSubject(subject: string): string {
  let s = subject.replace(/\[PQ-\d{4}-\d{6}\]/gi, ' ');
  for (let i = 0; i < 5; i++) s = s.replace(REPLY_PREFIX, '');
  return s.replace(/\s+/g, ' ').trim();
}

/** The inquiry numbers a subject names (`[PQ-2026-000123]`), upper-cased, in order. */
export function subjectTicketNumbers(subject: string): string[] {
  return [...subject.matchAll(/\[(PQ-\d{4}-\d{6})\]/gi)].map((m) => m[1]!.toUpperCase());
}

/** A single line of at most `max` characters (a subject); empty becomes `fallback`. */
export function oneLine(text: string, max: number, fallback: string): string {
  const s = text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  if (!s) return fallback;
  return [...s].length > max ? `${[...s].slice(0, max - 1).join('')}…` : s;
}

/** Text cut to at most `max` characters, with `note` appended when it was cut. */
export function clip(text: string, max: number, note: string): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars
    .slice(0, max - note.length - 2)
    .join('')
    .trimEnd()}\n\n${note}`;
}
