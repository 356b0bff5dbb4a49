/**
 * The ports of attachments (core/attachments): the rows (db/ implements AttachmentStore), the
 * bytes (workers/attachments implements BlobStorage on the local disk; an S3-compatible store can
 * replace it so that several API machines share the files) and the magic-number sniffer
 * (workers/attachments wraps `file-type`).
 */
import type { Attachment } from '../model';

export type NewAttachment = Omit<Attachment, 'id' | 'ticketId' | 'messageId' | 'claimedAt'>;

/** Who claims uploads: the ticket, and the message (null: the inquiry itself). */
export interface ClaimTarget {
  ticketId: number;
  messageId: number | null;
}

/** An attachment with what decides who may read it: its ticket's requester and its message's visibility. */
export interface AttachmentAccess {
  attachment: Attachment;
  /** The requester of the ticket that claimed it (null: unclaimed). */
  requesterId: number | null;
  /** It belongs to an internal note. */
  internal: boolean;
}

export interface AttachmentStore {
  insert(a: NewAttachment): Promise<Attachment>;
  byId(id: number): Promise<Attachment | null>;
  access(id: number): Promise<AttachmentAccess | null>;
  /**
   * Gives these uploads to `target` in the caller's transaction: only the uploader's own, still
   * unclaimed and created at or after `notBefore`. Returns the rows it claimed, oldest first (a row
   * another transaction claimed first is not among them).
   */
  claim(ids: number[], uploaderId: number, target: ClaimTarget, notBefore: Date, at: Date): Promise<Attachment[]>;
  /** The inquiry's own attachments (message null) of each ticket, oldest first. */
  ofTickets(ticketIds: number[]): Promise<Map<number, Attachment[]>>;
  /** The attachments of each message, oldest first. */
  ofMessages(messageIds: number[]): Promise<Map<number, Attachment[]>>;
  /** Deletes unclaimed uploads created before `before`, at most `limit` of them; how many. */
  deleteUnclaimed(before: Date, limit: number): Promise<number>;
  /** Which of these blobs some row still names. */
  referenced(sha256s: string[]): Promise<Set<string>>;
}

/** Bytes being written; nothing is visible under a content address until `commit`. */
export interface BlobUpload {
  write(chunk: Uint8Array): Promise<void>;
  /** Reads back written bytes (container sniffing); shorter at the end of the data. */
  read(position: number, length: number): Promise<Uint8Array>;
  /**
   * Makes the bytes durable and stores them under `sha256`; when that address already holds a
   * blob (the same bytes, by the hash) it is kept, marked as just used, and this copy dropped.
   */
  commit(sha256: string): Promise<void>;
  /** Drops what was written (a refused or failed upload). Safe to call more than once. */
  abort(): Promise<void>;
}

/** A stored blob opened for reading. */
export interface BlobReader {
  size: number;
  /** The bytes; an adapter's Node stream is async-iterable, so HTTP can pipe it as it is. */
  stream: AsyncIterable<Uint8Array>;
  /** Lets go of a blob that will not be read (a 304, a HEAD). */
  close(): void;
}

/** Content-addressed bytes (SHA-256, lowercase hex). */
export interface BlobStorage {
  begin(): Promise<BlobUpload>;
  open(sha256: string): Promise<BlobReader | null>;
  /** Every stored blob with when it was last written or used (the sweep's orphan scan). */
  list(): AsyncIterable<{ sha256: string; usedAt: Date }>;
  /**
   * Deletes a blob unless it was written or used at or after `unusedSince` — checked so that a
   * commit of the same bytes racing the removal keeps its blob. True when it was deleted.
   */
  remove(sha256: string, unusedSince: Date): Promise<boolean>;
  /** Deletes staging leftovers (a process that died mid-upload) older than `before`; how many. */
  removeStaleUploads(before: Date): Promise<number>;
}

/** A type found by magic number: a MIME type and its usual extension. */
export interface SniffedType {
  mime: string;
  ext: string;
}

/** Finds a file's type from its first bytes (null: no known signature). */
export interface MagicSniffer {
  sniff(head: Uint8Array): Promise<SniffedType | null>;
}
