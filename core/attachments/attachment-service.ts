import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import { fieldError, HiddenError, NotFoundError, PayloadTooLargeError, ValidationError } from '../errors';
import { atLeast, type Attachment, type User } from '../model';
import type { BlobReader, BlobStorage, ClaimTarget, Database, Logger, MagicSniffer, Stores } from '../ports';
import { detectKind } from './detect';
import { decideContentType } from './file-kinds';
import { cleanFilename } from './filename';
import { textProbe } from './text-probe';

/** Files one ticket or message may carry. */
export const MAX_FILES_PER_MESSAGE = 10;
/** How long an upload waits for a ticket or message to claim it before the sweep deletes it. */
export const UNCLAIMED_TTL_MS = 24 * 3600_000;
/**
 * A blob no row names is deleted only after this long unused, so that an upload of the same bytes
 * between its commit and its row's insert (or a claim racing the expiry) keeps its file.
 */
export const ORPHAN_GRACE_MS = 3600_000;
/** The bytes the magic sniffer sees (every signature it knows lies within them). */
const HEAD_BYTES = 64 * 1024;

/** One file as a person sent it: the name and type their program gave, and the bytes as they arrive. */
export interface UploadInput {
  filename: string;
  /** The declared Content-Type (may be empty or `application/octet-stream`). */
  declaredType: string;
  content: AsyncIterable<Uint8Array>;
}

/** `26214400` → `25 MiB`. */
export const sizeText = (bytes: number) =>
  bytes >= 2 ** 20 && bytes % 2 ** 20 === 0
    ? `${bytes / 2 ** 20} MiB`
    : bytes >= 1024
      ? `${Math.round(bytes / 1024)} KiB`
      : `${bytes} bytes`;

/** The 413 of a file over the limit, naming it. */
export function tooLarge(maxBytes: number): PayloadTooLargeError {
  const message = `the file is larger than the limit of ${sizeText(maxBytes)} (${maxBytes} bytes)`;
  return new PayloadTooLargeError(`file: ${message}`, { errors: [{ path: 'file', message }], members: { max_bytes: maxBytes } });
}

/**
 * Gives a ticket or message the uploads it names, in the caller's transaction: at most ten, each
 * listed once, each the actor's own upload of the last 24 hours that nothing claimed yet. Any
 * other id is a 422 naming its place in `field`, and the transaction (the ticket or message
 * with it) is rolled back.
 */
export async function claimUploads(
  s: Stores,
  actor: User,
  ids: number[] | undefined,
  target: ClaimTarget,
  now: Date,
  field = 'attachment_ids',
): Promise<Attachment[]> {
  if (!ids || ids.length === 0) return [];
  if (ids.length > MAX_FILES_PER_MESSAGE) throw fieldError(field, `at most ${MAX_FILES_PER_MESSAGE} files may go with one message`);
  const twice = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (twice >= 0) throw fieldError(`${field}.${twice}`, `upload ${ids[twice]} is listed twice`);
  const claimed = await s.attachments.claim(ids, actor.id, target, new Date(now.getTime() - UNCLAIMED_TTL_MS), now);
  const got = new Set(claimed.map((a) => a.id));
  const missing = ids.flatMap((id, i) =>
    got.has(id) ? [] : [{ path: `${field}.${i}`, message: `upload ${id} is not an unclaimed upload of yours from the last 24 hours` }],
  );
  if (missing.length) throw new ValidationError(`${field}: ${missing.map((m) => m.message).join('; ')}`, missing);
  return claimed;
}

/**
 * Uploads and downloads. An upload streams through once: counted against the limit (413 as soon
 * as it is over), hashed, probed for text and written to the blob storage's staging area; then
 * its type is sniffed from the bytes against the accepted kinds (415 naming the type found), the
 * blob is made durable under its SHA-256, and only then is its row committed. A download is
 * allowed exactly when the message (or inquiry) it belongs to is visible to the reader.
 */
export function createAttachmentService(deps: {
  db: Database;
  clock: Clock;
  storage: BlobStorage;
  sniffer: MagicSniffer;
  maxBytes: number;
  logger: Logger;
}) {
  const { db, clock, storage, sniffer, maxBytes } = deps;

  async function upload(actor: User, input: UploadInput): Promise<Attachment> {
    // Before any byte is stored: a name that cannot be kept refuses the file at once.
    const filename = cleanFilename(input.filename);
    const blob = await storage.begin();
    try {
      const hash = createHash('sha256');
      const probe = textProbe();
      const head = new Uint8Array(HEAD_BYTES);
      let headLength = 0;
      let size = 0;
      for await (const chunk of input.content) {
        size += chunk.length;
        if (size > maxBytes) throw tooLarge(maxBytes);
        hash.update(chunk);
        if (headLength < HEAD_BYTES) {
          const part = chunk.subarray(0, HEAD_BYTES - headLength);
          head.set(part, headLength);
          headLength += part.length;
        }
        if (probe.undecided) probe.push(chunk);
        await blob.write(chunk);
      }
      if (size === 0) throw fieldError('file', 'the file is empty');
      const found = await detectKind(
        {
          head: head.subarray(0, headLength),
          size,
          read: (position, length) => blob.read(position, length),
          text: probe.undecided ? probe.finish() : null,
          filename,
        },
        sniffer,
      );
      const contentType = decideContentType(found, filename, input.declaredType);
      const sha256 = hash.digest('hex');
      await blob.commit(sha256);
      return await db.stores.attachments.insert({ sha256, size, filename, contentType, uploaderId: actor.id, createdAt: clock.now() });
    } catch (err) {
      // After a commit this drops nothing; a blob whose row failed is an orphan the sweep removes.
      await blob.abort().catch((e: unknown) => deps.logger.warn({ err: e }, 'could not drop a refused upload'));
      throw err;
    }
  }

  /**
   * An attachment and its bytes, for a reader who may see it: its uploader while unclaimed; once
   * claimed, whoever may see the ticket — an officer only their own inquiries' files, and never an
   * internal note's. Anyone else gets the same 404 as for an id that does not exist.
   */
  async function open(actor: User, id: number): Promise<{ attachment: Attachment; blob: BlobReader }> {
    const found = await db.stores.attachments.access(id);
    if (!found) throw new NotFoundError(`attachment ${id} does not exist`);
    const { attachment: a, requesterId, internal } = found;
    const hidden = () => new HiddenError(`attachment ${id} does not exist`, { type: 'attachment', id: String(id) });
    if (a.ticketId === null) {
      if (a.uploaderId !== actor.id) throw hidden();
    } else if (!atLeast(actor.role, 'agent') && (requesterId !== actor.id || internal)) {
      throw hidden();
    }
    const blob = await storage.open(a.sha256);
    if (!blob) throw new Error(`the file of attachment ${id} is missing from the storage`);
    return { attachment: a, blob };
  }

  /**
   * The maintenance sweep: deletes uploads left unclaimed for 24 hours, then every blob that no row
   * names and that was not used for an hour (theirs and any a crash left behind), then staging
   * files of uploads that died midway.
   */
  async function sweep(): Promise<{ expired: number; blobsRemoved: number; stagingRemoved: number }> {
    const now = clock.now().getTime();
    let expired = 0;
    for (;;) {
      const n = await db.transaction((s) => s.attachments.deleteUnclaimed(new Date(now - UNCLAIMED_TTL_MS), 500));
      expired += n;
      if (n === 0) break;
    }
    const graceCutoff = new Date(now - ORPHAN_GRACE_MS);
    let blobsRemoved = 0;
    let batch: string[] = [];
    const flush = async () => {
      const named = await db.stores.attachments.referenced(batch);
      for (const sha of batch) if (!named.has(sha) && (await storage.remove(sha, graceCutoff))) blobsRemoved += 1;
      batch = [];
    };
    for await (const b of storage.list()) {
      if (b.usedAt.getTime() >= graceCutoff.getTime()) continue;
      batch.push(b.sha256);
      if (batch.length >= 500) await flush();
    }
    if (batch.length) await flush();
    const stagingRemoved = await storage.removeStaleUploads(new Date(now - UNCLAIMED_TTL_MS));
    if (expired || blobsRemoved || stagingRemoved) deps.logger.info({ expired, blobsRemoved, stagingRemoved }, 'attachment sweep');
    return { expired, blobsRemoved, stagingRemoved };
  }

  /** Which of these ids are the actor's own uploads still waiting to be claimed (a form shown again lists them). */
  async function unclaimed(actor: User, ids: number[]): Promise<Attachment[]> {
    const rows = await Promise.all(ids.slice(0, MAX_FILES_PER_MESSAGE).map((id) => db.stores.attachments.byId(id)));
    return rows.filter((a): a is Attachment => a !== null && a.uploaderId === actor.id && a.ticketId === null);
  }

  return { maxBytes, upload, open, sweep, unclaimed };
}

export type AttachmentService = ReturnType<typeof createAttachmentService>;
