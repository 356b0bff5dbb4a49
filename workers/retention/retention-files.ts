import { unlink } from 'node:fs/promises';
import path from 'node:path';
import type { BlobStorage, RetentionFiles } from '../../core/ports';

/** The raw store's keys (workers/intake/raw-mail-store.ts): `<2 hex>/<sha256>.eml`, so no key can name a path outside it. */
const RAW_KEY = /^([0-9a-f]{2})\/\1[0-9a-f]{62}\.eml$/;

/**
 * The files the purge removes: attachment blobs through the blob storage (which keeps a blob an
 * upload touched since the purge began), raw inbound messages on this machine's disk
 * (`$DATA_DIR/inbound/`). Run by the worker process, which shares DATA_DIR with the API.
 */
export function createRetentionFiles(o: { blobs: BlobStorage; inboundDir: string }): RetentionFiles {
  return {
    removeBlob: (sha256, unusedSince) => o.blobs.remove(sha256, unusedSince),
    async removeRawMail(key) {
      if (!RAW_KEY.test(key)) throw new Error(`not a raw-mail key: ${JSON.stringify(key.slice(0, 80))}`);
      try {
        await unlink(path.join(o.inboundDir, key));
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw err;
      }
    },
  };
}
