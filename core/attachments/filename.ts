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
