import assert from 'node:assert/strict';
import { formatDuration, isDuration, parseDuration } from '../../core/time/duration';

describe('ISO 8601 durations', () => {
  describe('parseDuration', () => {
    it('reads hours, minutes and seconds as total seconds', () => {
      assert.equal(parseDuration('PT48H'), 172_800);
      assert.equal(parseDuration('PT3H'), 10_800);
      assert.equal(parseDuration('PT30S'), 30);
      assert.equal(parseDuration('PT1H30M'), 5_400);
      assert.equal(parseDuration('PT1M30S'), 90);
      assert.equal(parseDuration('PT0S'), 0);
    });

    it('counts a day as 24 hours and a week as 7 days', () => {
      assert.equal(parseDuration('P2D'), 172_800);
      assert.equal(parseDuration('P1W'), 604_800);
      assert.equal(parseDuration('P1DT12H'), 129_600);
    });

    it('accepts fractional seconds with a dot or the ISO comma', () => {
      assert.equal(parseDuration('PT0.5S'), 0.5);
      assert.equal(parseDuration('PT1,25S'), 1.25);
    });

    it('rejects years and months with a message that says why', () => {
      for (const s of ['P1Y', 'P1M', 'P1Y2M', 'P1MT2H']) {
        assert.throws(
          () => parseDuration(s),
          (e: unknown) => e instanceof RangeError && /years and months/.test(e.message),
          s,
        );
      }
    });

    it('still reads minutes after the T as minutes', () => {
      assert.equal(parseDuration('PT1M'), 60);
    });

    it('rejects malformed input with a RangeError', () => {
      for (const s of ['', 'P', 'PT', '48H', 'PT48', 'PT-1H', 'PT1.5H', 'pt48h', 'P2DT', 'PT1S2M', ' PT1H', 'PT1H ', '1']) {
        assert.throws(() => parseDuration(s), RangeError, JSON.stringify(s));
      }
    });
  });

  describe('formatDuration', () => {
    it('writes canonical hours-based durations', () => {
      assert.equal(formatDuration(172_800), 'PT48H');
      assert.equal(formatDuration(90), 'PT1M30S');
      assert.equal(formatDuration(0), 'PT0S');
      assert.equal(formatDuration(3_600 + 1), 'PT1H1S');
      assert.equal(formatDuration(604_800), 'PT168H');
    });

    it('keeps fractions to milliseconds', () => {
      assert.equal(formatDuration(1.5), 'PT1.5S');
      assert.equal(formatDuration(0.25), 'PT0.25S');
      assert.equal(formatDuration(0.1 + 0.2), 'PT0.3S');
    });

    it('round-trips the charter target and every whole-second value it writes', () => {
      assert.equal(formatDuration(parseDuration('PT48H')), 'PT48H');
      for (const s of [0, 1, 59, 60, 61, 3_599, 3_600, 86_399, 172_800, 1_814_400]) {
        assert.equal(parseDuration(formatDuration(s)), s);
      }
    });

    it('rejects negative and non-finite seconds', () => {
      for (const s of [-1, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => formatDuration(s), RangeError);
    });
  });

  describe('isDuration', () => {
    it('tells accepted durations from everything else', () => {
      assert.equal(isDuration('PT48H'), true);
      assert.equal(isDuration('P1W'), true);
      assert.equal(isDuration('P1M'), false);
      assert.equal(isDuration('48 hours'), false);
    });
  });
});
