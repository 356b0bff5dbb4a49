import { fieldError } from '../errors';

// C0 controls, DEL, and the bidirectional overrides and isolates that make `exe.pdf` read as
// `fdp.exe` (a classic way to disguise a file's type in its name).
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const FORBIDDEN = /[\u0000-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

/** The longest file name kept (characters, as most file systems allow). */
export const MAX_FILENAME_LENGTH = 255;

/**
 * A file name as the uploader's program sent it, made safe to store and offer again: without any
 * folder part (old browsers send `C:\…\견적서.hwp`), in NFC (macOS sends Hangul decomposed, which
 * would look the same and compare differently), trimmed. A name with control or bidi-override
 * characters, an empty one or one over 255 characters is refused (422 naming `field`).
 */
export function cleanFilename(raw: string, field = 'file'): string {
  const base = raw.slice(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
  const name = base.normalize('NFC').trim();
  if (FORBIDDEN.test(name)) throw fieldError(field, 'the file name must not contain control or text-direction characters');
  if (name === '' || name === '.' || name === '..') throw fieldError(field, 'the file has no name; send it with its file name');
  if (name.length > MAX_FILENAME_LENGTH) throw fieldError(field, `the file name must be at most ${MAX_FILENAME_LENGTH} characters`);
  return name;
}

// C0 controls, DEL and the bidi controls, as FORBIDDEN, but every occurrence (a mail's name is cleaned, not refused).
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const FORBIDDEN_ALL = /[\u0000-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;

/**
 * A file name as a mail program sent it (already decoded from RFC 2231 or encoded-words), made
 * safe as `cleanFilename` makes an upload's — but a mail is never refused for a name: control and
 * text-direction characters are removed and an overlong name is shortened keeping its ending.
 * Null when nothing usable is left (a nameless part; the caller names it after its type).
 */
export function mailFilename(raw: string | null): string | null {
  if (raw === null) return null;
  const base = raw.slice(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
  let name = base.normalize('NFC').replace(FORBIDDEN_ALL, '').trim();
  if (name === '' || name === '.' || name === '..') return null;
  if (name.length > MAX_FILENAME_LENGTH) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    // Never half a surrogate pair at the cut.
    name =
      name
        .slice(0, MAX_FILENAME_LENGTH - ext.length)
        .replace(/[\uD800-\uDBFF]$/, '')
        .trimEnd() + ext;
  }
  return name;
}
