import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../app/config';
import { ensureRedis, redisAnswers, StartupError } from '../../app/dev-redis';
import { freePort } from '../helpers/private-redis';

/**
 * The development Redis of `npm start`: run only when REDIS_URL is unset, NODE_ENV is not
 * production and nothing answers; otherwise a Redis that does not answer is one line to fix.
 */
describe('the development Redis', function () {
  this.timeout(20_000);
  const logger = pino({ level: 'silent' });
  let dataDir: string;
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpdesk-dev-redis-'));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** Settings as loadConfig gives them, pointed at a port where nothing answers. */
  async function settings(env: Record<string, string>, defaulted: boolean) {
    const port = await freePort();
    return { ...loadConfig({ DATA_DIR: dataDir, ...env }), redisUrl: `redis://127.0.0.1:${port}`, redisDefaulted: defaulted };
  }

  it('is never started when NODE_ENV=production', async () => {
    const config = await settings({ NODE_ENV: 'production' }, true);
    assert.equal(config.production, true);
    await assert.rejects(
      ensureRedis(config, logger, true),
      (err: Error) => err instanceof StartupError && /NODE_ENV=production/.test(err.message),
    );
    assert.equal(await redisAnswers(config.redisUrl, 300), false);
  });

  it('is never started when REDIS_URL is set', async () => {
    const config = await settings({ REDIS_URL: 'redis://127.0.0.1:1' }, false);
    await assert.rejects(
      ensureRedis(config, logger, true),
      (err: Error) => err instanceof StartupError && /fix REDIS_URL/.test(err.message),
    );
    assert.equal(await redisAnswers(config.redisUrl, 300), false);
  });

  it('is never started by a process that may not run it (start:api, start:workers)', async () => {
    const config = await settings({}, true);
    await assert.rejects(ensureRedis(config, logger, false), StartupError);
    assert.equal(await redisAnswers(config.redisUrl, 300), false);
  });

  it('runs when allowed and needed, and stops with its owner', async () => {
    const config = await settings({}, true);
    const dev = await ensureRedis(config, logger, true);
    assert.ok(dev, 'a development Redis was started');
    try {
      assert.equal(await redisAnswers(config.redisUrl, 1000), true);
    } finally {
      dev.stop();
    }
    await new Promise((r) => dev.child.once('exit', r));
    assert.equal(await redisAnswers(config.redisUrl, 300), false);
  });

  it('is not started when a Redis already answers', async () => {
    const config = { ...loadConfig({ DATA_DIR: dataDir }), redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' };
    assert.equal(await ensureRedis(config, logger, true), null);
  });
});
