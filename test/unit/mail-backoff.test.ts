import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_BACKOFF, nextAttemptDelay } from '../../core/mail/backoff';

const opts = { baseMs: 1_000, maxMs: 60_000, maxTotalMs: 3_600_000 };
const top = () => 0.999999;
const bottom = () => 0;

describe('mail retry backoff', () => {
  it('grows exponentially from baseMs up to maxMs', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => nextAttemptDelay(n, opts, top));
    assert.deepEqual(
      ceilings.map((d) => Math.round((d ?? 0) / 1000)),
      [1, 2, 4, 8, 16, 32, 60, 60],
    );
    for (let i = 1; i < ceilings.length; i++) assert.ok(ceilings[i]! >= ceilings[i - 1]!);
  });

  it('never waits less than baseMs nor more than maxMs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const delay = nextAttemptDelay(attempt, { ...opts, maxTotalMs: 10 ** 12 }, () => r);
        assert.ok(delay !== null);
        assert.ok(delay >= opts.baseMs && delay <= opts.maxMs, `${delay}`);
      }),
    );
  });

  it('keeps jitter within [baseMs, baseMs·2^(n−1)] for each attempt', () => {
    for (let n = 1; n <= 6; n++) {
      const cap = Math.min(opts.maxMs, opts.baseMs * 2 ** (n - 1));
      assert.equal(nextAttemptDelay(n, opts, bottom), opts.baseMs);
      const mid = nextAttemptDelay(n, opts, () => 0.5)!;
      assert.ok(mid >= opts.baseMs && mid <= cap);
      assert.ok(Math.abs(nextAttemptDelay(n, opts, top)! - cap) <= 1);
    }
  });

  it('spreads retries of many rows failed by the same outage', () => {
    const delays = new Set(Array.from({ length: 50 }, () => nextAttemptDelay(6, opts, Math.random)));
    assert.ok(delays.size > 40);
  });

  it('returns null once the window is used up, measured from the first attempt', () => {
    assert.equal(nextAttemptDelay(3, { ...opts, elapsedMs: opts.maxTotalMs }, top), null);
    assert.equal(nextAttemptDelay(3, { ...opts, elapsedMs: opts.maxTotalMs + 1 }, top), null);
    // The last wait is cut short to land on the window's end, so that attempt still happens.
    assert.equal(nextAttemptDelay(3, { ...opts, elapsedMs: opts.maxTotalMs - 500 }, top), 500);
  });

  it('without an elapsed time, stops along the worst-case schedule inside the window', () => {
    let worstCase = 0;
    let attempt = 1;
    for (; ; attempt++) {
      const delay = nextAttemptDelay(attempt, opts, top);
      if (delay === null) break;
      worstCase += delay;
      assert.ok(attempt < 1000, 'must end');
    }
    assert.ok(worstCase <= opts.maxTotalMs);
    assert.ok(worstCase > opts.maxTotalMs - opts.maxMs, 'uses most of the window');
    assert.equal(nextAttemptDelay(attempt + 50, opts, top), null);
  });

  it('defaults to a 24-hour window', () => {
    assert.equal(DEFAULT_BACKOFF.maxTotalMs, 24 * 3_600_000);
    assert.equal(nextAttemptDelay(2, { elapsedMs: 24 * 3_600_000 }, top), null);
    assert.ok((nextAttemptDelay(2, { elapsedMs: 23 * 3_600_000 }, top) ?? 0) > 0);
  });

  it('stays bounded for absurd attempt counts and random values', () => {
    assert.equal(nextAttemptDelay(5_000, { ...opts, elapsedMs: 0 }, top), opts.maxMs);
    assert.equal(
      nextAttemptDelay(3, { ...opts, elapsedMs: 0 }, () => 7),
      4_000,
    );
    assert.equal(nextAttemptDelay(0, { ...opts, elapsedMs: 0 }, top), opts.baseMs);
    assert.throws(() => nextAttemptDelay(Number.NaN, opts, top), RangeError);
    assert.throws(() => nextAttemptDelay(1, { baseMs: 0 }, top), RangeError);
  });
});
