import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { REDIS_URL, uniquePrefix } from '../helpers/test-app';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * `npm start` as a user runs it, in a child process: a startup problem must end the process
 * non-zero with one line on stderr, not leave it running half-started.
 */
describe('startup problems end the process with one line', function () {
  this.timeout(60_000);
  const children: ChildProcess[] = [];
  let dataDir: string;

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-start-'));
  });
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs app/main.ts with these settings; resolves with its exit code and stderr, or fails after 40 s. */
  function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATA_DIR: dataDir,
        REDIS_URL,
        QUEUE_PREFIX: uniquePrefix(),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`still running after 40 s; stderr: ${stderr}`)), 40_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
  }

  it('a port in use: exits non-zero naming the port, instead of running workers without an HTTP server', async () => {
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const { code, stderr } = await start({ PORT: String(port) });
      assert.notEqual(code, 0);
      const lines = stderr.trim().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0]!, new RegExp(`port ${port} is already in use`));
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });

  it('an inbound mail port in use: exits non-zero naming INBOUND_SMTP_PORT; a bad INBOUND_DOMAIN_MAP: one line naming it', async () => {
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const { code, stderr } = await start({ PORT: '0', INBOUND_SMTP_PORT: String(port) });
      assert.notEqual(code, 0);
      const lines = stderr.trim().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0]!, new RegExp(`cannot listen for inbound mail on 127\\.0\\.0\\.1:${port}: .*INBOUND_SMTP_PORT`));
    } finally {
      await new Promise((r) => holder.close(r));
    }
    const bad = await start({ PORT: '0', INBOUND_DOMAIN_MAP: '{"*.go.kr": 5}' });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr.trim(), /^helpdesk: invalid setting INBOUND_DOMAIN_MAP: entry "\*\.go\.kr" must map/);
  });

  it('a PostgreSQL database that does not exist: one line saying to create it with createdb', async function () {
    const url = new URL(process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test');
    const probe = knexFactory({ client: 'pg', connection: url.toString(), pool: { min: 0, max: 1 }, acquireConnectionTimeout: 3000 });
    const reachable = await probe.raw('select 1').then(
      () => true,
      () => false,
    );
    await probe.destroy();
    if (!reachable) this.skip();
    url.pathname = '/does_not_exist_xyz';
    const { code, stderr } = await start({ PORT: '0', DATABASE_URL: url.toString() });
    assert.notEqual(code, 0);
    assert.equal(stderr.trim(), 'helpdesk: database "does_not_exist_xyz" does not exist — create it with createdb does_not_exist_xyz');
  });
});
