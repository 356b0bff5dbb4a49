import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BlobStorage } from '../../core/ports';
import { createLocalBlobStorage } from '../../workers/attachments/local-blob-storage';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function put(store: BlobStorage, data: Buffer): Promise<string> {
  const up = await store.begin();
  await up.write(data.subarray(0, 3));
  await up.write(data.subarray(3));
  const h = sha(data);
  await up.commit(h);
  return h;
}
async function readAll(store: BlobStorage, h: string): Promise<Buffer> {
  const blob = await store.open(h);
  assert.ok(blob);
  const parts: Uint8Array[] = [];
  for await (const c of blob.stream) parts.push(c);
  return Buffer.concat(parts);
}

describe('attachments: the local blob storage', () => {
  let dir: string;
  let store: BlobStorage;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-blobs-'));
    store = createLocalBlobStorage(path.join(dir, 'attachments'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes through staging and renames into its address: readable back, 0600, nothing left in staging', async () => {
    const data = Buffer.from('견적서 내용');
    const up = await store.begin();
    await up.write(data);
    assert.deepEqual(Buffer.from(await up.read(0, 3)), data.subarray(0, 3));
    assert.equal(fs.readdirSync(path.join(dir, 'attachments', '.staging')).length, 1);
    await up.commit(sha(data));
    await up.abort(); // after a commit: drops nothing
    const file = path.join(dir, 'attachments', sha(data).slice(0, 2), sha(data));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(await readAll(store, sha(data)), data);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'attachments', '.staging')), []);
    assert.equal(await store.open('0'.repeat(64)), null);
    await assert.rejects(store.open('../../etc/passwd'), /not a SHA-256/);
  });

  it('an aborted upload leaves nothing', async () => {
    const up = await store.begin();
    await up.write(Buffer.from('half'));
    await up.abort();
    await up.abort();
    assert.deepEqual(fs.readdirSync(path.join(dir, 'attachments', '.staging')), []);
    const listed: string[] = [];
    for await (const b of store.list()) listed.push(b.sha256);
    assert.deepEqual(listed, []);
  });

  it('the same bytes again keep the one blob and mark it used; removal spares a blob used since the cut-off', async () => {
    const data = Buffer.from('같은 바이트');
    const h = await put(store, data);
    const file = path.join(dir, 'attachments', h.slice(0, 2), h);
    const old = new Date(Date.now() - 3 * 3600_000);
    fs.utimesSync(file, old, old);
    await put(store, data);
    assert.ok(fs.statSync(file).mtime.getTime() > old.getTime(), 'the second commit touched the blob');
    // The sweep judged the blob unused an hour ago; the upload since then saves it.
    assert.equal(await store.remove(h, new Date(Date.now() - 3600_000)), false);
    assert.deepEqual(await readAll(store, h), data);
    fs.utimesSync(file, old, old);
    assert.equal(await store.remove(h, new Date(Date.now() - 3600_000)), true);
    assert.equal(await store.open(h), null);
    assert.equal(await store.remove(h, new Date()), false, 'removing what is gone is a no-op');
  });

  it('a reader that opened the blob finishes even when the sweep removes it meanwhile', async () => {
    const data = Buffer.alloc(600 * 1024, 7);
    const h = await put(store, data);
    const blob = await store.open(h);
    fs.utimesSync(path.join(dir, 'attachments', h.slice(0, 2), h), new Date(0), new Date(0));
    assert.equal(await store.remove(h, new Date()), true);
    const parts: Uint8Array[] = [];
    for await (const c of blob!.stream) parts.push(c);
    assert.equal(Buffer.concat(parts).length, data.length);
  });

  it('clears staging files of uploads that died, and puts back a blob a crash left in the trash', async () => {
    const up = await store.begin();
    await up.write(Buffer.from('dead'));
    const data = Buffer.from('휴지통');
    const h = await put(store, data);
    const trash = path.join(dir, 'attachments', '.trash');
    fs.renameSync(path.join(dir, 'attachments', h.slice(0, 2), h), path.join(trash, `${h}.abcd1234`));
    assert.equal(await store.removeStaleUploads(new Date(Date.now() - 3600_000)), 0, 'a fresh upload is left alone');
    assert.deepEqual(await readAll(store, h), data);
    assert.equal(await store.removeStaleUploads(new Date(Date.now() + 1000)), 1);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'attachments', '.staging')), []);
    await up.abort();
  });
});
