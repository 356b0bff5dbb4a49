import { randomBytes } from 'node:crypto';
import { constants, type Dirent } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { BlobStorage, BlobUpload } from '../../core/ports';

const SHA256 = /^[0-9a-f]{64}$/;
const STAGING = '.staging';
const TRASH = '.trash';

const isErr = (err: unknown, code: string) => (err as NodeJS.ErrnoException | null)?.code === code;

/** Makes a directory (and its parents) private to this account, also when it already existed. */
async function privateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700);
}

/** Flushes a directory's entries (a rename in it) to disk. */
async function syncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, constants.O_RDONLY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Blobs on the local disk under `dir` (`$DATA_DIR/attachments`), content-addressed:
 * `ab/abcdef…` by SHA-256, directories 0700 and files 0600 (they are inquiry documents). An upload
 * is written to `.staging/` and renamed into place only after an fsync, so a blob is never a half
 * file, and the folder is synced after the rename. The same bytes uploaded twice are one file.
 * Removing a blob renames it into `.trash/` first and looks at its time again there: a commit of
 * the same bytes touches the blob (or, once it is gone, puts its own copy in place), so the race
 * between the sweep and a new upload of the same bytes never loses a file a row names.
 *
 * One machine's disk: several API machines need a shared store (an S3-compatible adapter of the
 * same port).
 */
export function createLocalBlobStorage(dir: string): BlobStorage {
  const staging = path.join(dir, STAGING);
  const trash = path.join(dir, TRASH);
  const blobPath = (sha256: string) => {
    // The address comes from our own hash or row; checked anyway, so no path can be made of it.
    if (!SHA256.test(sha256)) throw new Error(`not a SHA-256 address: ${sha256.slice(0, 80)}`);
    return path.join(dir, sha256.slice(0, 2), sha256);
  };
  let ready: Promise<void> | null = null;
  const prepare = () => (ready ??= Promise.all([privateDir(staging), privateDir(trash)]).then(() => privateDir(dir)));

  return {
    async begin(): Promise<BlobUpload> {
      await prepare();
      const temp = path.join(staging, `${Date.now()}-${randomBytes(8).toString('hex')}.part`);
      let fh: FileHandle | null = await fs.open(temp, 'wx+', 0o600);
      let done = false;
      const close = async () => {
        const h = fh;
        fh = null;
        await h?.close();
      };
      return {
        async write(chunk) {
          for (let off = 0; off < chunk.length; ) off += (await fh!.write(chunk, off, chunk.length - off)).bytesWritten;
        },
        async read(position, length) {
          const buf = Buffer.alloc(length);
          const { bytesRead } = await fh!.read(buf, 0, length, position);
          return buf.subarray(0, bytesRead);
        },
        async commit(sha256) {
          const target = blobPath(sha256);
          await fh!.sync();
          await close();
          await privateDir(path.dirname(target));
          try {
            // Already stored (the same bytes): mark it used, so a sweep running now keeps it.
            const now = new Date();
            await fs.utimes(target, now, now);
            await fs.unlink(temp);
          } catch (err) {
            if (!isErr(err, 'ENOENT')) throw err;
            await fs.rename(temp, target);
            await syncDir(path.dirname(target));
          }
          done = true;
        },
        async abort() {
          await close().catch(() => undefined);
          if (done) return;
          done = true;
          await fs.unlink(temp).catch((err: unknown) => {
            if (!isErr(err, 'ENOENT')) throw err;
          });
        },
      };
    },

    async open(sha256) {
      let fh: FileHandle;
      try {
        fh = await fs.open(blobPath(sha256), 'r');
      } catch (err) {
        if (isErr(err, 'ENOENT')) return null;
        throw err;
      }
      // Open first, then measure: a sweep that removes the name now does not cut the read short.
      const { size } = await fh.stat();
      const stream = fh.createReadStream({ autoClose: true, highWaterMark: 256 * 1024 });
      return { size, stream, close: () => void stream.destroy() };
    },

    async *list() {
      await prepare();
      const shards = (await fs.readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory() && /^[0-9a-f]{2}$/.test(d.name));
      for (const shard of shards) {
        let files: Dirent[];
        try {
          files = await fs.readdir(path.join(dir, shard.name), { withFileTypes: true });
        } catch (err) {
          if (isErr(err, 'ENOENT')) continue;
          throw err;
        }
        for (const f of files) {
          if (!f.isFile() || !SHA256.test(f.name)) continue;
          try {
            const st = await fs.stat(path.join(dir, shard.name, f.name));
            yield { sha256: f.name, usedAt: st.mtime };
          } catch (err) {
            if (!isErr(err, 'ENOENT')) throw err;
          }
        }
      }
    },

    async remove(sha256, unusedSince) {
      await prepare();
      const target = blobPath(sha256);
      const aside = path.join(trash, `${sha256}.${randomBytes(4).toString('hex')}`);
      try {
        await fs.rename(target, aside);
      } catch (err) {
        if (isErr(err, 'ENOENT')) return false;
        throw err;
      }
      // Touched by an upload before it was moved aside: put it back (a commit after the move
      // found no blob and put its own copy in place; the same bytes either way).
      if ((await fs.stat(aside)).mtime.getTime() >= unusedSince.getTime()) {
        await fs.rename(aside, target);
        return false;
      }
      await fs.unlink(aside);
      return true;
    },

    async removeStaleUploads(before) {
      await prepare();
      let removed = 0;
      for (const name of await fs.readdir(staging)) {
        const file = path.join(staging, name);
        const st = await fs.stat(file).catch(() => null);
        if (st && st.mtime.getTime() < before.getTime()) {
          await fs.unlink(file).catch(() => undefined);
          removed += 1;
        }
      }
      // A removal cut short by a crash: the blob goes back; the next sweep judges it again.
      for (const name of await fs.readdir(trash)) {
        const sha256 = name.split('.')[0] ?? '';
        if (!SHA256.test(sha256)) continue;
        await fs.rename(path.join(trash, name), blobPath(sha256)).catch(() => undefined);
      }
      return removed;
    },
  };
}
