import { UnsupportedMediaTypeError } from '../errors';

/**
 * The kinds of file the helpdesk accepts — what Korean public offices send: PDF, HWP and HWPX
 * (Hancom), the Office formats (binary and OOXML, and OpenDocument), images, plain text, CSV and
 * ZIP — each with its canonical MIME type, the name endings that mean it, and the other types
 * browsers and mail programs declare for it. Anything else is refused (415), whatever its name.
 */
export interface FileKind {
  id: string;
  /** What we answer as Content-Type (text kinds add the charset found). */
  mime: string;
  /** Name endings, lowercase, without the dot. */
  exts: readonly string[];
  /** Other declared types that mean this kind (Windows registry names, old x- types). */
  aliases: readonly string[];
  /** Kinds of one family may carry each other's endings (a PNG named .jpg is still an image). */
  family?: 'image' | 'text';
  /** Shown in the list of what is accepted. */
  label: string;
}

const OOXML = 'application/vnd.openxmlformats-officedocument';
const ODF = 'application/vnd.oasis.opendocument';

export const FILE_KINDS: readonly FileKind[] = [
  { id: 'pdf', mime: 'application/pdf', exts: ['pdf'], aliases: ['application/x-pdf', 'application/acrobat'], label: 'PDF' },
  {
    id: 'hwp',
    mime: 'application/x-hwp',
    exts: ['hwp'],
    aliases: ['application/haansofthwp', 'application/vnd.hancom.hwp', 'application/hwp'],
    label: 'HWP',
  },
  {
    id: 'hwpx',
    // The type an HWPX file names in its own `mimetype` entry.
    mime: 'application/hwp+zip',
    exts: ['hwpx'],
    aliases: ['application/haansofthwpx', 'application/vnd.hancom.hwpx', 'application/x-hwpx'],
    label: 'HWPX',
  },
  { id: 'doc', mime: 'application/msword', exts: ['doc', 'dot'], aliases: [], label: 'Word (.doc)' },
  { id: 'xls', mime: 'application/vnd.ms-excel', exts: ['xls', 'xlt'], aliases: [], label: 'Excel (.xls)' },
  { id: 'ppt', mime: 'application/vnd.ms-powerpoint', exts: ['ppt', 'pps', 'pot'], aliases: [], label: 'PowerPoint (.ppt)' },
  { id: 'docx', mime: `${OOXML}.wordprocessingml.document`, exts: ['docx'], aliases: [], label: 'Word (.docx)' },
  { id: 'xlsx', mime: `${OOXML}.spreadsheetml.sheet`, exts: ['xlsx'], aliases: [], label: 'Excel (.xlsx)' },
  { id: 'pptx', mime: `${OOXML}.presentationml.presentation`, exts: ['pptx', 'ppsx'], aliases: [], label: 'PowerPoint (.pptx)' },
  { id: 'odt', mime: `${ODF}.text`, exts: ['odt'], aliases: [], label: 'ODT' },
  { id: 'ods', mime: `${ODF}.spreadsheet`, exts: ['ods'], aliases: [], label: 'ODS' },
  { id: 'odp', mime: `${ODF}.presentation`, exts: ['odp'], aliases: [], label: 'ODP' },
  {
    id: 'zip',
    mime: 'application/zip',
    exts: ['zip'],
    aliases: ['application/x-zip-compressed', 'application/x-zip', 'multipart/x-zip'],
    label: 'ZIP',
  },
  { id: 'png', mime: 'image/png', exts: ['png'], aliases: ['image/x-png'], family: 'image', label: 'PNG' },
  { id: 'jpeg', mime: 'image/jpeg', exts: ['jpg', 'jpeg', 'jpe', 'jfif'], aliases: ['image/pjpeg'], family: 'image', label: 'JPEG' },
  { id: 'gif', mime: 'image/gif', exts: ['gif'], aliases: [], family: 'image', label: 'GIF' },
  { id: 'webp', mime: 'image/webp', exts: ['webp'], aliases: [], family: 'image', label: 'WebP' },
  { id: 'bmp', mime: 'image/bmp', exts: ['bmp'], aliases: ['image/x-ms-bmp', 'image/x-bmp'], family: 'image', label: 'BMP' },
  { id: 'tiff', mime: 'image/tiff', exts: ['tif', 'tiff'], aliases: [], family: 'image', label: 'TIFF' },
  { id: 'heic', mime: 'image/heic', exts: ['heic', 'heif'], aliases: ['image/heif'], family: 'image', label: 'HEIC' },
  { id: 'avif', mime: 'image/avif', exts: ['avif'], aliases: [], family: 'image', label: 'AVIF' },
  { id: 'txt', mime: 'text/plain', exts: ['txt', 'text', 'log'], aliases: [], family: 'text', label: 'text' },
  {
    id: 'csv',
    mime: 'text/csv',
    // Windows browsers declare a CSV by the program that opens it.
    exts: ['csv'],
    aliases: ['application/csv', 'text/x-csv', 'application/x-csv', 'text/comma-separated-values', 'application/vnd.ms-excel'],
    family: 'text',
    label: 'CSV',
  },
  { id: 'tsv', mime: 'text/tab-separated-values', exts: ['tsv'], aliases: ['text/tsv'], family: 'text', label: 'TSV' },
];

const BY_ID = new Map(FILE_KINDS.map((k) => [k.id, k]));
/** A kind by id (the sniffing code names kinds by id). */
export const kind = (id: string): FileKind => BY_ID.get(id)!;

/** What the accepted kinds are, for messages: `PDF, HWP, HWPX, …`. */
export const ACCEPTED_LABELS = FILE_KINDS.map((k) => k.label).join(', ');

/** The `accept` attribute of a file input: every accepted ending. */
export const ACCEPT_ATTRIBUTE = FILE_KINDS.flatMap((k) => k.exts.map((e) => `.${e}`)).join(',');

/** Declared types that say nothing about the content. */
const GENERIC = new Set([
  '',
  'application/octet-stream',
  'binary/octet-stream',
  'application/unknown',
  'application/x-unknown',
  'application/force-download',
  'application/download',
]);
/** Declared container types that fit every kind in that container. */
const CONTAINER_TYPES: Record<string, readonly string[]> = {
  'application/zip': ['hwpx', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'zip'],
  'application/x-zip-compressed': ['hwpx', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'zip'],
  'application/x-cfb': ['hwp', 'doc', 'xls', 'ppt'],
  'application/x-ole-storage': ['hwp', 'doc', 'xls', 'ppt'],
};

/** The lowercase ending of a file name (`보고서.HWP` → `hwp`), or null when it has none. */
export function extensionOf(filename: string): string | null {
  const dot = filename.lastIndexOf('.');
  if (dot <= 0 || dot === filename.length - 1) return null;
  return filename.slice(dot + 1).toLowerCase();
}

/** What the bytes turned out to be. */
export type Found =
  /** An accepted kind (text kinds: one of the family, chosen by the name; with the charset found). */
  | { kind: FileKind; charset?: string; textFamily?: false }
  /** Text without magic: which text kind is decided by the name. */
  | { textFamily: true; charset: string }
  /** A file type that is not accepted (or not recognised): its MIME type and what it is. */
  | { refused: string; what?: string };

const essence = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase();

function refuse(found: string, message: string): never {
  throw new UnsupportedMediaTypeError(`file: ${message}`, {
    errors: [{ path: 'file', message }],
    members: { found_type: found, accepted: ACCEPTED_LABELS },
  });
}

/**
 * The Content-Type to store for an upload, or a 415 naming the type found: the bytes decide what
 * the file is; its name's ending and the declared type must not say it is something else.
 * A text file (no magic) needs a text ending (`.txt`, `.csv`, `.tsv`, `.log`); an image may carry
 * another image's ending; a file without an ending is taken for what its bytes are.
 */
export function decideContentType(found: Found, filename: string, declared: string): string {
  if ('refused' in found)
    refuse(found.refused, `the file is ${found.what ?? found.refused}, which is not accepted (accepted: ${ACCEPTED_LABELS})`);
  const ext = extensionOf(filename);
  const byExt = ext === null ? [] : FILE_KINDS.filter((k) => k.exts.includes(ext));
  let k: FileKind;
  let charset: string | undefined;
  if (found.textFamily) {
    const textKind = byExt.find((x) => x.family === 'text');
    if (!textKind)
      refuse(
        'text/plain',
        ext === null
          ? 'the file is text (text/plain); a text file needs a name ending in .txt, .csv or .tsv'
          : `the file is text (text/plain), but its name ends in .${ext}`,
      );
    k = textKind;
    charset = found.charset;
  } else {
    k = found.kind;
    charset = found.charset;
    if (ext !== null) {
      const fits = byExt.some((x) => x.id === k.id || (k.family === 'image' && x.family === 'image'));
      if (!fits) {
        const says = byExt[0] ? `, which says ${byExt[0].mime}` : ', which is not an accepted type';
        refuse(k.mime, `the file is ${k.mime}, but its name ends in .${ext}${says}`);
      }
    }
  }
  const d = essence(declared);
  if (!GENERIC.has(d) && !fitsDeclared(k, d)) refuse(k.mime, `the file is ${k.mime}, but it was sent as ${d}`);
  return charset ? `${k.mime}; charset=${charset}` : k.mime;
}

/** Whether a declared type fits the kind: its own, an alias, its container, its family, or a type we do not know. */
function fitsDeclared(k: FileKind, d: string): boolean {
  if (d === k.mime || k.aliases.includes(d)) return true;
  if (CONTAINER_TYPES[d]?.includes(k.id)) return true;
  if (k.family === 'image' && d.startsWith('image/')) return true;
  if (k.family === 'text' && d === 'text/plain') return true;
  // A type naming another accepted kind contradicts the bytes; one we do not know says nothing.
  return !FILE_KINDS.some((x) => x.mime === d || x.aliases.includes(d));
}
