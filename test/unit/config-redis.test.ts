import assert from 'node:assert/strict';
import { ConfigError, loadConfig, redisTargetOf } from '../../app/config';
import { describeRedis, hashTaggedPrefix, parseRedisNodes, parseRedisTarget, serverOptions } from '../../workers/connection';

describe('Redis settings: one server, Sentinel or a cluster', () => {
  it('REDIS_URL alone is one server, and the queue prefix is kept as given', () => {
    const c = loadConfig({ REDIS_URL: 'redis://:s3cret@redis.internal:6380/2', QUEUE_PREFIX: 'desk' });
    assert.deepEqual(redisTargetOf(c), { kind: 'single', url: 'redis://:s3cret@redis.internal:6380/2' });
    assert.equal(c.queuePrefix, 'desk');
    assert.equal(c.redisSentinel, null);
    assert.equal(describeRedis(redisTargetOf(c)), 'redis://redis.internal:6380/2', 'no password in logs');
  });

  it('the cluster form lists seed nodes, takes credentials and TLS, and hash-tags the prefix', () => {
    const c = loadConfig({ REDIS_URL: 'rediss+cluster://app:p%40ss@10.0.0.1:7000,10.0.0.2:7001,[fd00::3]:7002/' });
    assert.deepEqual(redisTargetOf(c), {
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: 'fd00::3', port: 7002 },
      ],
      username: 'app',
      password: 'p@ss',
      tls: true,
    });
    assert.equal(c.queuePrefix, '{helpdesk}');
    assert.equal(c.redisDefaulted, false);
    assert.equal(describeRedis(redisTargetOf(c)), 'Redis Cluster 10.0.0.1:7000,10.0.0.2:7001,[fd00::3]:7002');
    // A prefix that already carries a hash tag is kept; a plain one gets braces.
    assert.equal(loadConfig({ REDIS_URL: 'redis+cluster://h:7000', QUEUE_PREFIX: '{desk}' }).queuePrefix, '{desk}');
    assert.equal(loadConfig({ REDIS_URL: 'redis+cluster://h:7000', QUEUE_PREFIX: 'desk-2' }).queuePrefix, '{desk-2}');
    assert.equal(hashTaggedPrefix('a{b}c'), 'a{b}c');
  });

  it('REDIS_SENTINELS names the Sentinels; REDIS_URL then gives the master’s password and database only', () => {
    const c = loadConfig({
      REDIS_URL: 'redis://:masterpw@ignored:1/3',
      REDIS_SENTINELS: 's1:26379, s2 ,10.0.0.9:26380',
      REDIS_SENTINEL_NAME: 'helpdesk',
      REDIS_SENTINEL_PASSWORD: 'sentinelpw',
    });
    const t = redisTargetOf(c);
    assert.equal(t.kind, 'sentinel');
    assert.equal(c.redisDefaulted, false);
    assert.equal(c.queuePrefix, 'helpdesk');
    const o = serverOptions(t as Exclude<typeof t, { kind: 'cluster' }>);
    assert.deepEqual(o.sentinels, [
      { host: 's1', port: 26379 },
      { host: 's2', port: 26379 },
      { host: '10.0.0.9', port: 26380 },
    ]);
    assert.equal(o.name, 'helpdesk');
    assert.equal(o.sentinelPassword, 'sentinelpw');
    assert.equal(o.password, 'masterpw');
    assert.equal(o.db, 3);
    assert.equal(o.host, undefined, 'the master’s address comes from the Sentinels');
    assert.equal(describeRedis(t), 'master "helpdesk" of Sentinel s1:26379,s2:26379,10.0.0.9:26380');
    // Without REDIS_URL (no password), the conventional master name.
    assert.equal(loadConfig({ REDIS_SENTINELS: 's1' }).redisSentinel?.name, 'mymaster');
    assert.equal(loadConfig({ REDIS_SENTINELS: 's1' }).redisDefaulted, false, 'never a development Redis');
  });

  it('a bad setting stops the start with one line naming the variable', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ REDIS_URL: 'http://x' }, /^invalid setting REDIS_URL: must start with redis:\/\/, rediss:\/\/ or redis\+cluster:\/\//],
      [{ REDIS_URL: 'redis+cluster://h:7000/1' }, /^invalid setting REDIS_URL: the cluster form is/],
      [{ REDIS_URL: 'redis+cluster://h:99999' }, /^invalid setting REDIS_URL: "h:99999" is not host:port/],
      [{ REDIS_URL: 'redis+cluster://h:7000', REDIS_SENTINELS: 's:26379' }, /^invalid setting REDIS_URL: a Redis Cluster has no Sentinel/],
      [{ REDIS_SENTINELS: 's:port' }, /^invalid setting REDIS_SENTINELS: "s:port" is not host:port/],
      [{ REDIS_SENTINELS: ' , ' }, /^invalid setting REDIS_SENTINELS: names no node/],
      [{ REDIS_SENTINELS: 's', REDIS_SENTINEL_NAME: 'a b' }, /^invalid setting REDIS_SENTINEL_NAME: must be the master name/],
      [{ QUEUE_PREFIX: '{a' }, /^invalid setting QUEUE_PREFIX: letters, digits/],
    ];
    for (const [env, message] of bad) {
      assert.throws(
        () => loadConfig(env),
        (err: unknown) => err instanceof ConfigError && message.test(err.message),
        JSON.stringify(env),
      );
    }
  });

  it('node lists: IPv6 in brackets, the default port where none is given', () => {
    assert.deepEqual(parseRedisNodes('[::1]:7000,localhost', 6379), [
      { host: '::1', port: 7000 },
      { host: 'localhost', port: 6379 },
    ]);
    assert.deepEqual(parseRedisTarget('redis+cluster://h1,h2:7001'), {
      kind: 'cluster',
      nodes: [
        { host: 'h1', port: 6379 },
        { host: 'h2', port: 7001 },
      ],
      username: undefined,
      password: undefined,
      tls: false,
    });
  });
});
