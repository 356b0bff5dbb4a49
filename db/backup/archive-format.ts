/**
 * The backup container: a gzip-compressed POSIX tar (ustar) of regular files only, so an operator
 * can look inside with `tar -tzvf backup.tar.gz`. Written and read here rather than through a tar
 * library: we write nothing but regular files with short names, and the reader must see every
 * byte of every entry anyway (each is hashed against the manifest before anything is restored),
 * so both sides stay small and no archive entry is ever written to disk by name.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';

const BLOCK = 512;
/** The largest size the 11 octal digits of a ustar header can hold; beyond it the GNU base-256 form. */
const OCTAL_MAX = 8 ** 11 - 1;

/** The archive cannot be read: not gzip, not tar, cut short, or a header that does not add up. */
export class ArchiveDamagedError extends Error {}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** One 512-byte ustar header for a regular file. */
function header(name: string, size: number, mtimeMs: number): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  if (Buffer.byteLength(name) > 100) throw new Error(`archive entry name too long: ${name}`);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o600, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  if (size <= OCTAL_MAX) h.write(octal(size, 12), 124, 'ascii');
  else {
    // GNU base-256: the high bit of the first byte set, the size big-endian in the rest.
    h[124] = 0x80;
    h.writeBigUInt64BE(BigInt(size), 128);
  }
  h.write(octal(Math.floor(mtimeMs / 1000), 12), 136, 'ascii');
  h.fill(0x20, 148, 156); // the checksum is summed with its own field as spaces
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

/** Writes entries into a new `.tar.gz` file; `finish()` ends it with the two zero blocks and flushes. */
export function createArchiveWriter(file: string) {
  const gzip = createGzip({ level: 6 });
  const out = createWriteStream(file, { mode: 0o600, flags: 'wx' });
  const piped = new Promise<void>((resolve, reject) => {
    gzip.on('error', reject);
    out.on('error', reject);
    out.on('finish', () => resolve());
  });
  gzip.pipe(out);
  piped.catch(() => undefined); // observed by finish(); a write fails on its own too

  const write = async (stream: Writable, chunk: Buffer) => {
    if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), piped]);
  };

  return {
    /** Adds one entry from a stream of `size` bytes; `onChunk` sees each piece (for hashing). */
    async add(name: string, size: number, body: AsyncIterable<Buffer> | Iterable<Buffer>, onChunk?: (b: Buffer) => void) {
      await write(gzip, header(name, size, Date.now()));
      let written = 0;
      for await (const chunk of body) {
        written += chunk.length;
        if (written > size) throw new Error(`${name} grew while it was being archived`);
        onChunk?.(chunk);
        await write(gzip, chunk);
      }
      if (written !== size) throw new Error(`${name} changed size while it was being archived (${written} of ${size} bytes)`);
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      if (pad) await write(gzip, Buffer.alloc(pad, 0));
    },
    async addBuffer(name: string, data: Buffer) {
      await this.add(name, data.length, [data]);
    },
    async finish() {
      await write(gzip, Buffer.alloc(2 * BLOCK, 0));
      gzip.end();
      await piped;
    },
    /** Stops writing after a failure (the caller removes the file). */
    abort() {
      gzip.destroy();
      out.destroy();
    },
  };
}

/** Reads exactly the bytes asked for from a stream of chunks. */
class ByteReader {
  private buffered: Buffer[] = [];
  private length = 0;
  private done = false;
  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(n: number): Promise<boolean> {
    while (this.length < n && !this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else {
        this.buffered.push(next.value);
        this.length += next.value.length;
      }
    }
    return this.length >= n;
  }

  /** Up to `max` bytes (at least one), or null at the end. */
  async chunk(max: number): Promise<Buffer | null> {
    if (!(await this.fill(1))) return null;
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered);
    const take = all.subarray(0, Math.min(max, all.length));
    const rest = all.subarray(take.length);
    this.buffered = rest.length ? [rest] : [];
    this.length = rest.length;
    return take;
  }

  async exactly(n: number): Promise<Buffer> {
    if (!(await this.fill(n))) throw new ArchiveDamagedError('the archive ends in the middle of an entry');
    const all = Buffer.concat(this.buffered);
    this.buffered = all.length > n ? [all.subarray(n)] : [];
    this.length = all.length - n;
    return all.subarray(0, n);
  }
}

function parseSize(field: Buffer): number {
  if (field[0]! & 0x80) {
    const n = field.readBigUInt64BE(4);
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new ArchiveDamagedError('an entry size is out of range');
    return Number(n);
  }
  const text = field.toString('ascii').replace(/\0.*$/s, '').trim();
  if (!/^[0-7]+$/.test(text)) throw new ArchiveDamagedError('an entry header is not a tar header');
  return Number.parseInt(text, 8);
}

/** A read failure as damage (gzip errors, cut-off data); a missing or unreadable file stays what it is. */
function asDamage(err: unknown): never {
  if (err instanceof ArchiveDamagedError) throw err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw err;
  throw new ArchiveDamagedError(`the archive cannot be read (${(err as Error).message})`);
}

/** One entry as it is read: its name, size and bytes (which must be consumed before the next entry). */
export interface ArchiveEntry {
  name: string;
  size: number;
  body: AsyncIterable<Buffer>;
}

/**
 * The entries of a `.tar.gz` archive in order, streamed. Anything but a regular file (a link, a
 * directory, a device) is refused as damage: our writer makes none, so one means the archive is
 * not ours or was altered. Gzip and truncation errors become ArchiveDamagedError.
 */
export async function* readArchive(file: string): AsyncGenerator<ArchiveEntry> {
  const gunzip = createGunzip();
  const input: Readable = createReadStream(file).on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  const iterator = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const reader = new ByteReader(iterator);
  try {
    for (;;) {
      const h = await reader.exactly(BLOCK);
      if (h.every((b) => b === 0)) return;
      let sum = 0;
      for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
      const stored = Number.parseInt(
        h
          .subarray(148, 156)
          .toString('ascii')
          .replace(/[\0 ].*$/s, ''),
        8,
      );
      if (stored !== sum) throw new ArchiveDamagedError('an entry header fails its checksum');
      const type = String.fromCharCode(h[156]!);
      const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
      if (type !== '0' && type !== '\0') throw new ArchiveDamagedError(`entry "${name.slice(0, 100)}" is not a regular file`);
      const size = parseSize(h.subarray(124, 136));
      let left = size;
      const body = (async function* () {
        while (left > 0) {
          const piece = await reader.chunk(Math.min(left, 1 << 16)).catch(asDamage);
          if (!piece) throw new ArchiveDamagedError('the archive ends in the middle of an entry');
          left -= piece.length;
          yield piece;
        }
      })();
      yield { name, size, body };
      // The consumer may have skipped or stopped early: the rest of this entry is read past.
      while (left > 0) {
        const piece = await reader.chunk(Math.min(left, 1 << 16));
        if (!piece) throw new ArchiveDamagedError('the archive ends in the middle of an entry');
        left -= piece.length;
      }
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      if (pad) await reader.exactly(pad);
    }
  } catch (err) {
    asDamage(err);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}
