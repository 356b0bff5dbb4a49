import assert from 'node:assert/strict';
import { getStandard, type StandardId } from '../../core/standards/catalogue';
import { parseRecord, validateRecord } from '../../core/standards/record-rules';

const NOW = new Date('2026-03-10T12:00:00+09:00');
const AT = '2026-03-02T10:00:00+09:00';
const std = (id: StandardId) => getStandard(id)!;
const problems = (id: StandardId, input: unknown) => validateRecord(std(id), input, NOW);
const paths = (id: StandardId, input: unknown) =>
  problems(id, input)
    .map((p) => p.path)
    .sort();

describe('standards record rules', () => {
  it('accepts a well-formed record of every kind', () => {
    const ok: Array<[StandardId, Record<string, unknown>]> = [
      ['startup-funding', { subject: 'team:2026-017', occurred_at: AT, value: 12_000_000 }],
      ['startup-education-hours', { subject: 'team:a', occurred_at: AT, value: 4 }],
      ['homeroom-mentoring', { subject: 'team:a', occurred_at: AT, note: 'monthly session' }],
      ['center-consultations', { subject: 'center:seongsu', occurred_at: '2026-03-02T01:00:00Z' }],
      ['certification-info', { subject: 'applicant:42', occurred_at: AT, ref: 'inspection' }],
      ['sales-channels', { occurred_at: AT, ref: 'nara-market' }],
      ['estore-products', { occurred_at: AT, value: 10450 }],
      ['consulting-satisfaction', { occurred_at: AT, value: 86.5 }],
      ['support-program-notices', { subject: 'programme:green-loan', occurred_at: AT, ref: 'homepage' }],
      ['education-courses', { occurred_at: AT, ref: 'leader', value: 91 }],
      ['disclosure-match-rate', { occurred_at: AT, value: 87.5 }],
      ['disclosure-education', { subject: 'region:busan', occurred_at: AT }],
      ['regional-networks', { occurred_at: AT, ref: 'national' }],
      ['system-availability', { occurred_at: '2026-03-02T23:59:00+09:00', ref: '2026-03-02', value: 1 }],
      ['maintenance-notice', { occurred_at: AT, event_at: '2026-03-06T22:00:00+09:00' }],
    ];
    for (const [id, input] of ok) assert.deepEqual(problems(id, input), [], id);
  });

  it('converts a valid record, deriving the course subject from ref', () => {
    const { record, problems: ps } = parseRecord(std('education-courses'), { occurred_at: AT, ref: 'leader' }, NOW);
    assert.deepEqual(ps, []);
    assert.equal(record!.subject, 'course:leader');
    assert.equal(record!.occurred_at.toISOString(), '2026-03-02T01:00:00.000Z');
    assert.equal(record!.value, null);
  });

  it('rejects a maintenance notice without event_at, or with event_at before the notice', () => {
    assert.deepEqual(paths('maintenance-notice', { occurred_at: AT }), ['event_at']);
    const ps = problems('maintenance-notice', { occurred_at: AT, event_at: '2026-03-01T10:00:00+09:00' });
    assert.deepEqual(
      ps.map((p) => p.path),
      ['event_at'],
    );
    assert.match(ps[0]!.message, /before occurred_at/);
    // An unannounced maintenance is recorded with event_at = occurred_at (lead time 0).
    assert.deepEqual(problems('maintenance-notice', { occurred_at: AT, event_at: AT }), []);
  });

  it('rejects values outside each unit', () => {
    assert.deepEqual(paths('consulting-satisfaction', { occurred_at: AT, value: 101 }), ['value']);
    assert.deepEqual(paths('consulting-satisfaction', { occurred_at: AT, value: '80' }), ['value']);
    assert.deepEqual(paths('consulting-satisfaction', { occurred_at: AT }), ['value']);
    assert.deepEqual(paths('disclosure-match-rate', { occurred_at: AT, value: 120 }), ['value']);
    assert.deepEqual(paths('startup-education-hours', { subject: 'team:a', occurred_at: AT, value: 0 }), ['value']);
    assert.deepEqual(paths('startup-funding', { subject: 'team:a', occurred_at: AT, value: -5 }), ['value']);
    assert.deepEqual(paths('startup-funding', { subject: 'team:a', occurred_at: AT, value: 1.5 }), ['value']);
    assert.deepEqual(paths('estore-products', { occurred_at: AT, value: Number.NaN }), ['value']);
    assert.deepEqual(paths('system-availability', { occurred_at: AT, ref: '2026-03-02', value: 2 }), ['value']);
    assert.match(problems('disclosure-match-rate', { occurred_at: AT, value: 120 })[0]!.message, /between 1 and 100 percent/);
  });

  it("refuses values outside each standard's plausible range, naming the range and its unit", () => {
    const refused: Array<[StandardId, Record<string, unknown>, RegExp]> = [
      // A fraction typed for 87 points / 87 %.
      ['consulting-satisfaction', { occurred_at: AT, value: 0.87 }, /^value must be between 1 and 100 points/],
      ['education-courses', { occurred_at: AT, ref: 'leader', value: 0.9 }, /^value must be between 1 and 100 points/],
      ['disclosure-match-rate', { occurred_at: AT, value: 0.875 }, /^value must be between 1 and 100 percent/],
      ['startup-funding', { subject: 'team:a', occurred_at: AT, value: 3_000_000_000 }, /^value must be between 0 and 100,000,000 KRW$/],
      ['startup-education-hours', { subject: 'team:a', occurred_at: AT, value: 400 }, /^value must be between 0.5 and 100 hours$/],
      ['estore-products', { occurred_at: AT, value: 104_500_000 }, /^value must be between 0 and 1,000,000 products$/],
      ['estore-products', { occurred_at: AT, value: 10.5 }, /^value must be a whole number of products$/],
      ['system-availability', { occurred_at: AT, ref: '2026-03-02', value: 0.5 }, /^value must be 1 .* or 0/],
    ];
    for (const [id, input, message] of refused) {
      const ps = problems(id, input);
      assert.deepEqual(
        ps.map((p) => p.path),
        ['value'],
        id,
      );
      assert.match(ps[0]!.message, message, id);
    }
    const accepted: Array<[StandardId, Record<string, unknown>]> = [
      ['consulting-satisfaction', { occurred_at: AT, value: 1 }],
      ['consulting-satisfaction', { occurred_at: AT, value: 100 }],
      ['disclosure-match-rate', { occurred_at: AT, value: 100 }],
      ['startup-funding', { subject: 'team:a', occurred_at: AT, value: 100_000_000 }],
      ['startup-funding', { subject: 'team:a', occurred_at: AT, value: 0 }],
      ['startup-education-hours', { subject: 'team:a', occurred_at: AT, value: 0.5 }],
      ['estore-products', { occurred_at: AT, value: 0 }],
    ];
    for (const [id, input] of accepted) assert.deepEqual(problems(id, input), [], `${id} ${JSON.stringify(input)}`);
  });

  it('rejects a value on count records, which count one occurrence each', () => {
    const ps = problems('cooperation-models', { occurred_at: AT, value: 3 });
    assert.deepEqual(
      ps.map((p) => p.path),
      ['value'],
    );
    assert.match(ps[0]!.message, /one record per occurrence/);
  });

  it('requires a subject of the right prefix for per-subject standards', () => {
    const missing = problems('startup-education-hours', { occurred_at: AT, value: 4 });
    assert.deepEqual(
      missing.map((p) => p.path),
      ['subject'],
    );
    assert.match(missing[0]!.message, /"team:<id>"/);
    const wrong = problems('startup-education-hours', { subject: 'center:x', occurred_at: AT, value: 4 });
    assert.deepEqual(
      wrong.map((p) => p.path),
      ['subject'],
    );
    assert.match(wrong[0]!.message, /names a center.*per team/);
    assert.deepEqual(paths('center-consultations', { subject: 'center:', occurred_at: AT }), ['subject']);
    assert.deepEqual(paths('disclosure-education', { subject: 'region:atlantis', occurred_at: AT }), ['subject']);
    assert.deepEqual(paths('education-courses', { subject: 'course:other', occurred_at: AT, ref: 'leader' }), ['subject']);
  });

  it('rejects a subject on standards judged as a whole', () => {
    assert.deepEqual(paths('cooperation-models', { subject: 'team:a', occurred_at: AT }), ['subject']);
  });

  it('requires ref where distinct values, stages or days are counted', () => {
    assert.deepEqual(paths('sales-channels', { occurred_at: AT }), ['ref']);
    assert.deepEqual(paths('education-courses', { occurred_at: AT, value: 90 }), ['ref']);
    assert.deepEqual(paths('certification-info', { subject: 'applicant:1', occurred_at: AT, ref: 'review' }), ['ref']);
    assert.deepEqual(paths('regional-networks', { occurred_at: AT, ref: 'atlantis' }), ['ref']);
    assert.deepEqual(paths('system-availability', { occurred_at: AT, ref: '2026-02-30', value: 1 }), ['ref']);
    assert.deepEqual(paths('sales-channels', { occurred_at: AT, ref: '  ' }), ['ref']);
    // A day cannot be reported before it begins in Korean time.
    const early = problems('system-availability', { occurred_at: '2026-03-02T23:00:00+09:00', ref: '2026-03-03', value: 1 });
    assert.deepEqual(
      early.map((p) => p.path),
      ['ref'],
    );
  });

  it('rejects timestamps without an offset, impossible dates and the future', () => {
    assert.deepEqual(paths('disclosure-manual', { occurred_at: '2026-03-02T10:00:00' }), ['occurred_at']);
    assert.deepEqual(paths('disclosure-manual', { occurred_at: '2026-02-30T10:00:00+09:00' }), ['occurred_at']);
    assert.deepEqual(paths('disclosure-manual', { occurred_at: 1767225600000 }), ['occurred_at']);
    assert.deepEqual(paths('disclosure-manual', {}), ['occurred_at']);
    const future = problems('maintenance-notice', { occurred_at: '2026-03-20T10:00:00+09:00', event_at: '2026-03-25T10:00:00+09:00' });
    assert.deepEqual(
      future.map((p) => p.path),
      ['occurred_at'],
    );
    assert.match(future[0]!.message, /event_at/);
  });

  it('rejects unknown fields, event_at outside maintenance-notice, long notes and non-objects', () => {
    assert.deepEqual(paths('disclosure-manual', { occurred_at: AT, foo: 1 }), ['foo']);
    assert.deepEqual(paths('disclosure-manual', { occurred_at: AT, event_at: AT }), ['event_at']);
    assert.deepEqual(paths('disclosure-manual', { occurred_at: AT, note: 'x'.repeat(2001) }), ['note']);
    assert.deepEqual(paths('disclosure-manual', [AT]), ['']);
    assert.deepEqual(paths('purchase-inquiry-48h', { occurred_at: AT }), ['']);
  });

  it('lists every problem at once', () => {
    assert.deepEqual(paths('startup-education-hours', { subject: 'center:x', occurred_at: 'yesterday', value: -1, event_at: AT }), [
      'event_at',
      'occurred_at',
      'subject',
      'value',
    ]);
    assert.equal(parseRecord(std('startup-education-hours'), { occurred_at: AT }, NOW).record, null);
  });
});
