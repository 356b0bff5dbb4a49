/**
 * The RawMailStore port on the local disk: every inbound message as received, under
 * `$DATA_DIR/inbound/<2 hex>/<sha256>.eml` (directories 0700, files 0600: they hold inquiry
 * text), content-addressed so a mail delivered twice is stored once. A file is written under a
 * temporary name, synced and renamed, so a crash never leaves half a message under a real name;
 * the database row that names it commits only after that.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { RawMailStore } from '../../core/ports';

const KEY = /^[0-9a-f]{2}\/[0-9a-f]{64}\.eml$/;

export function createDiskRawMailStore(dir: string): RawMailStore {
  const fileOf = (key: string) => {
    if (!KEY.test(key)) throw new Error(`not a raw-mail key: ${JSON.stringify(key.slice(0, 80))}`);
    return path.join(dir, key);
  };
  return {
    async put(raw) {
      const sha256 = createHash('sha256').update(raw).digest('hex');
      const key = `${sha256.slice(0, 2)}/${sha256}.eml`;
      const file = fileOf(key);
      const existing = await stat(file).catch(() => null);
      if (existing?.size === raw.length) return { key, sha256, size: raw.length };
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const tmp = path.join(path.dirname(file), `.${sha256}.${randomUUID()}.tmp`);
      try {
        const handle = await open(tmp, 'wx', 0o600);
        try {
          await handle.writeFile(raw);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(tmp, file);
      } catch (err) {
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
      return { key, sha256, size: raw.length };
    },
    async get(key) {
      try {
        return await readFile(fileOf(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
  };
}
