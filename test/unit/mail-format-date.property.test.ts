import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { formatDate } from '../../templates/format-date';

// The formats as luxon writes them, the way formatDate wrote every date before its fast path for
// Korean time: the oracle the fast path must match character for character.
function byLuxon(value: Date | string, locale: 'ko' | 'en'): string {
  const dt = (value instanceof Date ? DateTime.fromJSDate(value) : DateTime.fromISO(value, { setZone: true })).setZone('Asia/Seoul');
  return locale === 'ko'
    ? dt.setLocale('ko').toFormat('yyyy년 M월 d일 (EEE) HH:mm')
    : `${dt.setLocale('en-GB').toFormat('EEE, d MMM yyyy HH:mm')} (KST)`;
}

describe('formatDate in Korean time (property)', () => {
  // 1970 to 2200: every month name and weekday, the 1987–88 summer time, leap days.
  const instants = fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) });

  it('writes what luxon writes, for a Date and for its ISO string, in both languages', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom<'ko' | 'en'>('ko', 'en'), (ms, locale) => {
        const d = new Date(ms);
        assert.equal(formatDate(d, locale, 'Asia/Seoul'), byLuxon(d, locale));
        assert.equal(formatDate(d.toISOString(), locale, 'Asia/Seoul'), byLuxon(d.toISOString(), locale));
      }),
      { numRuns: 5000 },
    );
  });

  it('gives the same text again for an instant it has seen, and the next minute its own', () => {
    const at = Date.UTC(2026, 8, 30, 14, 59, 30);
    const first = formatDate(new Date(at), 'en', 'Asia/Seoul');
    assert.equal(first, byLuxon(new Date(at), 'en'));
    assert.match(first, /^Wed, 30 Sept? 2026 23:59 \(KST\)$/);
    assert.equal(formatDate(new Date(at + 29_000), 'en', 'Asia/Seoul'), first);
    assert.equal(formatDate(new Date(at + 30_000), 'ko', 'Asia/Seoul'), '2026년 10월 1일 (목) 00:00');
  });

  it('leaves other forms to luxon (an offset timestamp, a date before 1970) and refuses a day the month lacks', () => {
    assert.equal(formatDate('2026-02-19T18:00:00+09:00', 'ko', 'Asia/Seoul'), '2026년 2월 19일 (목) 18:00');
    assert.equal(formatDate('1969-12-31T15:00:00Z', 'ko', 'Asia/Seoul'), byLuxon('1969-12-31T15:00:00Z', 'ko'));
    assert.throws(() => formatDate('2026-02-30T09:00:00Z', 'ko', 'Asia/Seoul'), RangeError);
  });
});
