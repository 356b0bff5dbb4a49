/**
 * The files a mail carries, kept the way uploads are: the same size limit, the same sniffing of
 * the bytes against the same accepted kinds, the same content-addressed blobs. A mail is never
 * refused for its files: a file that cannot be kept is dropped, and the message says which and why
 * (the raw message still holds it). The blobs are written before the intake's transaction; the
 * rows are made inside it, claimed at once by the new ticket or message, the sender as uploader.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '../errors';
import type { BlobStorage, MagicSniffer, MailAttachment, Stores } from '../ports';
import { MAX_FILES_PER_MESSAGE } from './attachment-service';
import { detectKind } from './detect';
import { decideContentType, extensionOf, FILE_KINDS } from './file-kinds';
import { mailFilename } from './filename';
import { textProbe } from './text-probe';

/** Where the intake keeps files, and the limit (ATTACHMENT_MAX_BYTES, as for uploads). */
export interface MailFileStorage {
  storage: BlobStorage;
  sniffer: MagicSniffer;
  maxBytes: number;
}

/** A file stored as a blob, waiting for its row. */
export interface KeptFile {
  sha256: string;
  size: number;
  filename: string;
  contentType: string;
}

/** A file not kept, and why. */
export interface DroppedFile {
  filename: string;
  why: { kind: 'size'; maxBytes: number } | { kind: 'count' } | { kind: 'empty' } | { kind: 'type'; found: string };
}

/** `26214400` → `25MB`: how Korean offices write a limit (binary megabytes, as mail programs count them). */
function koreanSize(bytes: number): string {
  if (bytes >= 2 ** 20) return `${Math.round((bytes / 2 ** 20) * 10) / 10}MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)}KB`;
  return `${bytes}바이트`;
}

/** The note a message gets for the files not kept, one line each (no particle after the name, so every name reads right). */
export function droppedNote(dropped: DroppedFile[]): string {
  // Bounded, so a mail of a thousand parts still leaves the body room for what its sender wrote.
  const shown = dropped.slice(0, MAX_NOTED);
  const more = dropped.length - shown.length;
  const lines = shown.map((d) => {
    const why =
      d.why.kind === 'size'
        ? `크기 제한 ${koreanSize(d.why.maxBytes)}를 넘어 저장하지 않았습니다`
        : d.why.kind === 'count'
          ? `한 메일의 첨부 파일은 ${MAX_FILES_PER_MESSAGE}개까지만 저장해 저장하지 않았습니다`
          : d.why.kind === 'empty'
            ? '빈 파일이라 저장하지 않았습니다'
            : `허용되지 않는 파일 형식(${d.why.found})이라 저장하지 않았습니다`;
    return `[첨부 파일 「${oneLine(d.filename)}」: ${why} (메일 원문에는 남아 있습니다)]`;
  });
  if (more > 0) lines.push(`[첨부 파일 ${more}개 더: 저장하지 않았습니다 (메일 원문에는 남아 있습니다)]`);
  return lines.join('\n');
}

/** Dropped files named one by one in the note; the rest are counted. */
const MAX_NOTED = 20;
/** A name on one line, at most 100 characters. */
const oneLine = (name: string) => (name.length > 100 ? `${name.slice(0, 99)}…` : name);

/** The extension an accepted kind is known by, for a nameless part: from its declared type, else from what its bytes are. */
const extOfType = (mime: string): string | null => {
  const essence = mime.split(';')[0]!.trim().toLowerCase();
  return FILE_KINDS.find((k) => k.mime === essence || k.aliases.includes(essence))?.exts[0] ?? null;
};

/** Sniffs one file's bytes as an upload's are sniffed: its Content-Type, or the type refused. */
async function contentTypeOf(
  content: Buffer,
  filename: string,
  declared: string,
  sniffer: MagicSniffer,
): Promise<{ ok: string } | { refused: string }> {
  const probe = textProbe();
  probe.push(content);
  const found = await detectKind(
    {
      head: content.subarray(0, 64 * 1024),
      size: content.length,
      read: async (position, length) => content.subarray(position, position + length),
      text: probe.undecided ? probe.finish() : null,
      filename,
    },
    sniffer,
  );
  try {
    return { ok: decideContentType(found, filename, declared) };
  } catch (err) {
    if (!(err instanceof DomainError) || err.status !== 415) throw err;
    return { refused: String(err.members?.found_type ?? 'application/octet-stream') };
  }
}

/**
 * Stores the files a person attached (not the images the HTML shows in place): the first ten
 * within the size limit whose type is accepted. The same bytes are one blob however often they
 * arrive (a second delivery of a mail writes nothing new).
 */
export async function storeMailFiles(
  files: MailFileStorage,
  attachments: MailAttachment[],
): Promise<{ kept: KeptFile[]; dropped: DroppedFile[] }> {
  const kept: KeptFile[] = [];
  const dropped: DroppedFile[] = [];
  let nameless = 0;
  for (const a of attachments.filter((x) => !x.inline)) {
    let filename = mailFilename(a.filename);
    if (filename === null) {
      nameless += 1;
      const ext = extOfType(a.contentType);
      filename = `첨부파일-${nameless}${ext ? `.${ext}` : ''}`;
    }
    if (kept.length >= MAX_FILES_PER_MESSAGE) {
      dropped.push({ filename, why: { kind: 'count' } });
      continue;
    }
    if (a.content.length > files.maxBytes) {
      dropped.push({ filename, why: { kind: 'size', maxBytes: files.maxBytes } });
      continue;
    }
    if (a.content.length === 0) {
      dropped.push({ filename, why: { kind: 'empty' } });
      continue;
    }
    const type = await contentTypeOf(a.content, filename, a.contentType, files.sniffer);
    if ('refused' in type) {
      dropped.push({ filename, why: { kind: 'type', found: type.refused } });
      continue;
    }
    // A nameless part whose declared type said nothing: named after what its bytes are.
    if (extensionOf(filename) === null) {
      const ext = extOfType(type.ok);
      if (ext) filename = `${filename}.${ext}`;
    }
    const sha256 = createHash('sha256').update(a.content).digest('hex');
    const blob = await files.storage.begin();
    try {
      await blob.write(a.content);
      await blob.commit(sha256);
    } catch (err) {
      await blob.abort().catch(() => undefined);
      throw err;
    }
    kept.push({ sha256, size: a.content.length, filename, contentType: type.ok });
  }
  return { kept, dropped };
}

/**
 * The rows of kept files, unclaimed, the sender as their uploader, in the caller's transaction:
 * their ids go to the ticket service as `attachment_ids`, which claims them as it claims uploads.
 */
export async function insertMailFiles(s: Stores, kept: KeptFile[], uploaderId: number, now: Date): Promise<number[]> {
  const ids: number[] = [];
  for (const k of kept) ids.push((await s.attachments.insert({ ...k, uploaderId, createdAt: now })).id);
  return ids;
}
