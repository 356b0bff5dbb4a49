/**
 * `Content-Disposition: attachment` with the file's own name, for every browser (RFC 6266): the
 * UTF-8 name percent-encoded in `filename*` (RFC 8187, formerly 5987), which current browsers use,
 * and an ASCII `filename` for the rest — the name with every character outside printable ASCII
 * (and `"`, `\`, `%`) replaced by `_`, or `attachment-<id>.<ext>` when nothing of it is left.
 */
export function contentDisposition(filename: string, id: number): string {
  return `attachment; filename="${asciiFallback(filename, id)}"; filename*=UTF-8''${encodeRfc8187(filename)}`;
}

/** Percent-encodes all but RFC 8187's attr-char (ALPHA, DIGIT and `!#$&+-.^_`|~`). */
export function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The name in printable ASCII for the quoted `filename` parameter. */
export function asciiFallback(filename: string, id: number): string {
  const replaced = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_').replace(/_+/g, '_');
  const dot = replaced.lastIndexOf('.');
  const stem = dot > 0 ? replaced.slice(0, dot) : replaced;
  const ext = dot > 0 ? replaced.slice(dot) : '';
  if (/^[_\s.]*$/.test(stem)) return `attachment-${id}${/^\.[A-Za-z0-9]{1,10}$/.test(ext) ? ext : ''}`;
  return replaced;
}
