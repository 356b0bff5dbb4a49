/**
 * What is inside the two container formats the accepted office files use, read by random access
 * with hard bounds (a hostile file cannot make these loop, allocate much or decompress anything):
 *
 * - ZIP (HWPX, OOXML, OpenDocument, plain ZIP): the central directory at the end of the file
 *   lists every entry's name, whatever order a producer wrote them in (streamed producers put
 *   `[Content_Types].xml` last), and the stored `mimetype` entry of HWPX and ODF is read as is.
 * - Compound File Binary (HWP 5, .doc, .xls, .ppt, password-protected OOXML): the directory's
 *   entry names, and for HWP the `FileHeader` stream's signature `HWP Document File`.
 */

/** Reads `length` bytes at `position` (fewer at the end of the data). */
export type ReadAt = (position: number, length: number) => Promise<Uint8Array>;

/** Entry names read at most (a real office file has a few hundred). */
const MAX_ENTRIES = 20_000;
/** The largest central directory read (an archive of 20,000 long names fits). */
const MAX_DIRECTORY_BYTES = 4 * 2 ** 20;

const u16 = (b: Uint8Array, o: number) => (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8);
const u32 = (b: Uint8Array, o: number) => (u16(b, o) | (u16(b, o + 2) << 16)) >>> 0;
const u64 = (b: Uint8Array, o: number) => u32(b, o) + u32(b, o + 4) * 2 ** 32;
const latin = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

export const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
export const ZIP_EMPTY_MAGIC = [0x50, 0x4b, 0x05, 0x06];
export const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Whether `head` starts with `magic`. */
export const startsWith = (head: Uint8Array, magic: number[]) => magic.every((b, i) => head[i] === b);

export interface ZipListing {
  names: string[];
  /** The content of a stored `mimetype` entry (HWPX, ODF, EPUB), when there is one. */
  mimetype: string | null;
}

/** The entries of a ZIP archive by its central directory; null when it has none that can be read. */
export async function zipListing(read: ReadAt, size: number): Promise<ZipListing | null> {
  // The end-of-central-directory record: 22 bytes plus a comment of up to 65,535.
  const tailLength = Math.min(size, 22 + 65_535);
  const tail = await read(size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  let count = u16(tail, eocd + 10);
  let dirSize = u32(tail, eocd + 12);
  let dirOffset = u32(tail, eocd + 16);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    // ZIP64: the locator just before the record points to the ZIP64 end record.
    const loc = eocd - 20;
    if (loc < 0 || u32(tail, loc) !== 0x07064b50) return null;
    const recordAt = u64(tail, loc + 8);
    const rec = await read(recordAt, 56);
    if (rec.length < 56 || u32(rec, 0) !== 0x06064b50) return null;
    count = u64(rec, 32);
    dirSize = u64(rec, 40);
    dirOffset = u64(rec, 48);
  }
  if (dirSize > MAX_DIRECTORY_BYTES || dirOffset + dirSize > size) return null;
  const dir = await read(dirOffset, dirSize);
  const names: string[] = [];
  let mimetypeAt: { offset: number; size: number; method: number } | null = null;
  for (let p = 0, n = 0; n < Math.min(count, MAX_ENTRIES) && p + 46 <= dir.length; n++) {
    if (u32(dir, p) !== 0x02014b50) break;
    const flags = u16(dir, p + 8);
    const method = u16(dir, p + 10);
    const compressed = u32(dir, p + 20);
    const nameLength = u16(dir, p + 28);
    const extraLength = u16(dir, p + 30);
    const commentLength = u16(dir, p + 32);
    const local = u32(dir, p + 42);
    const raw = dir.subarray(p + 46, p + 46 + nameLength);
    // Bit 11: the name is UTF-8; otherwise code page 437, whose ASCII part is all we compare.
    const name = (flags & 0x800 ? utf8 : latin).decode(raw);
    names.push(name);
    if (name === 'mimetype') mimetypeAt = { offset: local, size: compressed, method };
    p += 46 + nameLength + extraLength + commentLength;
  }
  let mimetype: string | null = null;
  // Stored (not compressed) and short, as HWPX and ODF write it: nothing is ever inflated here.
  if (mimetypeAt && mimetypeAt.method === 0 && mimetypeAt.size > 0 && mimetypeAt.size <= 200) {
    const header = await read(mimetypeAt.offset, 30);
    if (header.length === 30 && u32(header, 0) === 0x04034b50) {
      const data = await read(mimetypeAt.offset + 30 + u16(header, 26) + u16(header, 28), mimetypeAt.size);
      mimetype = latin.decode(data).trim();
    }
  }
  return { names, mimetype };
}

/** Which accepted ZIP-based kind an archive is (`zip` for any other archive), or a refusal. */
export function zipKind(listing: ZipListing | null): { id: string } | { refused: string; what: string } {
  if (!listing) return { id: 'zip' };
  const { names, mimetype } = listing;
  const has = (n: string) => names.includes(n);
  if (mimetype === 'application/hwp+zip' || (has('Contents/content.hpf') && names.some((n) => /^Contents\/section\d+\.xml$/.test(n))))
    return { id: 'hwpx' };
  if (mimetype === 'application/vnd.oasis.opendocument.text') return { id: 'odt' };
  if (mimetype === 'application/vnd.oasis.opendocument.spreadsheet') return { id: 'ods' };
  if (mimetype === 'application/vnd.oasis.opendocument.presentation') return { id: 'odp' };
  if (has('[Content_Types].xml')) {
    const part = names.some((n) => n.startsWith('word/'))
      ? 'word'
      : names.some((n) => n.startsWith('xl/'))
        ? 'xl'
        : names.some((n) => n.startsWith('ppt/'))
          ? 'ppt'
          : null;
    // Macros: a .docm renamed .docx still runs them in some programs; such files are refused.
    if (part && has(`${part}/vbaProject.bin`))
      return {
        refused: 'application/vnd.ms-office.vbaProject',
        what: 'an Office document with macros (application/vnd.ms-office.vbaProject)',
      };
    if (part === 'word') return { id: 'docx' };
    if (part === 'xl') return { id: 'xlsx' };
    if (part === 'ppt') return { id: 'pptx' };
  }
  return { id: 'zip' };
}

/** The names in a compound file's directory, and the first bytes of its `FileHeader` stream. */
export interface CfbListing {
  names: string[];
  fileHeader: Uint8Array | null;
}

const FREE = 0xffffffff;
const END_OF_CHAIN = 0xfffffffe;
const MAX_REGULAR_SECTOR = 0xfffffffa;

/** A compound file's directory (MS-CFB); null when the header or the directory chain is broken. */
export async function cfbListing(read: ReadAt, size: number): Promise<CfbListing | null> {
  const header = await read(0, 512);
  if (header.length < 512 || !startsWith(header, CFB_MAGIC)) return null;
  const shift = u16(header, 30);
  if (shift !== 9 && shift !== 12) return null;
  const sectorSize = 2 ** shift;
  const perSector = sectorSize / 4;
  const sectors = Math.ceil(Math.max(0, size - sectorSize) / sectorSize);
  const sectorAt = (s: number) => sectorSize * (s + 1);
  const fatCount = u32(header, 44);
  if (fatCount > sectors) return null;

  // The FAT sectors' locations: 109 in the header, the rest along the DIFAT chain (read lazily).
  const difat: number[] = [];
  for (let i = 0; i < 109; i++) difat.push(u32(header, 76 + 4 * i));
  let difatNext = u32(header, 68);
  let difatLeft = u32(header, 72);
  async function fatSectorLocation(i: number): Promise<number | null> {
    while (i >= difat.length && difatLeft > 0 && difatNext <= MAX_REGULAR_SECTOR && difatNext < sectors) {
      const b = await read(sectorAt(difatNext), sectorSize);
      for (let j = 0; j < perSector - 1; j++) difat.push(u32(b, 4 * j));
      difatNext = u32(b, sectorSize - 4);
      difatLeft -= 1;
    }
    const loc = difat[i];
    return loc === undefined || loc > MAX_REGULAR_SECTOR || loc >= sectors ? null : loc;
  }
  const fatCache = new Map<number, Uint8Array>();
  async function next(s: number): Promise<number | null> {
    const index = Math.floor(s / perSector);
    if (index >= fatCount) return null;
    let b = fatCache.get(index);
    if (!b) {
      const loc = await fatSectorLocation(index);
      if (loc === null) return null;
      b = await read(sectorAt(loc), sectorSize);
      fatCache.set(index, b);
    }
    return u32(b, 4 * (s % perSector));
  }
  /** The sectors of a chain, at most `limit`; null when it leaves the file or loops. */
  async function chain(start: number, limit: number): Promise<number[] | null> {
    const out: number[] = [];
    const seen = new Set<number>();
    for (let s = start; s !== END_OF_CHAIN && out.length < limit; ) {
      if (s === FREE || s > MAX_REGULAR_SECTOR || s >= sectors || seen.has(s)) return null;
      seen.add(s);
      out.push(s);
      const n = await next(s);
      if (n === null) return null;
      s = n;
    }
    return out;
  }

  const dirSectors = await chain(u32(header, 48), Math.ceil((MAX_ENTRIES * 128) / sectorSize));
  if (!dirSectors || dirSectors.length === 0) return null;
  const names: string[] = [];
  let root: { start: number; size: number } | null = null;
  let fileHeader: { start: number; size: number } | null = null;
  for (const s of dirSectors) {
    const b = await read(sectorAt(s), sectorSize);
    for (let o = 0; o + 128 <= b.length; o += 128) {
      const type = b[o + 66];
      if (type !== 1 && type !== 2 && type !== 5) continue;
      const nameBytes = Math.min(64, u16(b, o + 64));
      const name = new TextDecoder('utf-16le').decode(b.subarray(o, o + Math.max(0, nameBytes - 2)));
      names.push(name);
      const entry = { start: u32(b, o + 116), size: u32(b, o + 120) };
      if (type === 5) root = entry;
      else if (type === 2 && name === 'FileHeader') fileHeader = entry;
    }
  }
  let headerBytes: Uint8Array | null = null;
  if (fileHeader && fileHeader.size >= 32) {
    const cutoff = u32(header, 56) || 4096;
    if (fileHeader.size >= cutoff) {
      if (fileHeader.start < sectors) headerBytes = await read(sectorAt(fileHeader.start), 32);
    } else if (root) {
      // A short stream lives in the mini stream (the root entry's chain) in 64-byte mini sectors;
      // its first 32 bytes are in one mini sector, so only its place in that chain is needed.
      const offset = fileHeader.start * 64;
      const rootChain = await chain(root.start, Math.floor(offset / sectorSize) + 1);
      const s = rootChain?.[Math.floor(offset / sectorSize)];
      if (s !== undefined) headerBytes = await read(sectorAt(s) + (offset % sectorSize), 32);
    }
  }
  return { names, fileHeader: headerBytes };
}

/** Which accepted compound-file kind this is, or a refusal naming what it is. */
export function cfbKind(listing: CfbListing | null): { id: string } | { refused: string; what: string } | { encryptedOoxml: true } {
  if (!listing) return { refused: 'application/x-cfb', what: 'a damaged compound file (application/x-cfb)' };
  const has = (n: string) => listing.names.includes(n);
  const signature = listing.fileHeader ? latin.decode(listing.fileHeader.subarray(0, 17)) : '';
  if (has('FileHeader') && signature === 'HWP Document File') return { id: 'hwp' };
  if (has('WordDocument')) return { id: 'doc' };
  if (has('Workbook') || has('Book')) return { id: 'xls' };
  if (has('PowerPoint Document')) return { id: 'ppt' };
  // A password-protected .docx/.xlsx/.pptx is a compound file holding the encrypted package.
  if (has('EncryptedPackage') && has('EncryptionInfo')) return { encryptedOoxml: true };
  return { refused: 'application/x-cfb', what: 'a compound file of an unaccepted kind (application/x-cfb)' };
}
