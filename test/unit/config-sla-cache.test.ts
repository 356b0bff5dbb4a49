import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../app/config';

describe('the SLA cache setting (SLA_CACHE_SECONDS)', () => {
  it('keeps policies and calendars a minute by default; 0 turns the cache off', () => {
    assert.equal(loadConfig({}).slaCacheMs, 60_000);
    assert.equal(loadConfig({ SLA_CACHE_SECONDS: '0' }).slaCacheMs, 0);
    assert.equal(loadConfig({ SLA_CACHE_SECONDS: '300' }).slaCacheMs, 300_000);
  });

  it('refuses a negative, fractional, too long or unreadable value, naming the variable', () => {
    for (const v of ['-1', '1.5', '3601', 'soon']) {
      assert.throws(
        () => loadConfig({ SLA_CACHE_SECONDS: v }),
        (e: unknown) => e instanceof ConfigError && /SLA_CACHE_SECONDS/.test(e.message),
        v,
      );
    }
  });
});
