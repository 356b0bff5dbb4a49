import type { MagicSniffer } from '../ports';
import { CFB_MAGIC, cfbKind, cfbListing, type ReadAt, startsWith, ZIP_EMPTY_MAGIC, ZIP_MAGIC, zipKind, zipListing } from './containers';
import { extensionOf, FILE_KINDS, type Found, kind } from './file-kinds';

/** What the sniffing of one upload has to go on. */
export interface Sample {
  /** The first bytes (at least the first 4 KiB, or the whole file when shorter). */
  head: Uint8Array;
  size: number;
  read: ReadAt;
  /** The text probe's verdict on the whole file (null: not text). */
  text: string | null;
  /** The cleaned file name (a password-protected Office file says by its name which one it is). */
  filename: string;
}

/**
 * What the bytes of an upload are. Containers first, by our own bounded readers (ZIP: HWPX, OOXML,
 * OpenDocument or a plain archive; compound file: HWP, the binary Office formats), so the magic
 * sniffer never has to look inside an archive; then the sniffer's magic numbers; then text.
 */
export async function detectKind(sample: Sample, sniffer: MagicSniffer): Promise<Found> {
  const { head, size, read } = sample;
  if (startsWith(head, ZIP_MAGIC) || startsWith(head, ZIP_EMPTY_MAGIC)) {
    const k = zipKind(await zipListing(read, size));
    return 'id' in k ? { kind: kind(k.id) } : k;
  }
  if (startsWith(head, CFB_MAGIC)) {
    const k = cfbKind(await cfbListing(read, size));
    if ('encryptedOoxml' in k) {
      const ext = extensionOf(sample.filename);
      return ext === 'docx' || ext === 'xlsx' || ext === 'pptx'
        ? { kind: kind(ext) }
        : { refused: 'application/x-ooxml-encrypted', what: 'a password-protected Office document without a .docx, .xlsx or .pptx name' };
    }
    return 'id' in k ? { kind: kind(k.id) } : k;
  }
  const sniffed = await sniffer.sniff(head);
  if (sniffed) {
    const k = FILE_KINDS.find((x) => x.mime === sniffed.mime || x.aliases.includes(sniffed.mime));
    return k ? { kind: k } : { refused: sniffed.mime };
  }
  if (sample.text) return { textFamily: true, charset: sample.text };
  return { refused: 'application/octet-stream', what: 'binary data of an unrecognised type (application/octet-stream)' };
}
