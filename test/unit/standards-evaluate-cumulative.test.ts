import assert from 'node:assert/strict';
import { getStandard, type StandardId } from '../../core/standards/catalogue';
import { evaluate, evaluateMonths, type Evaluation } from '../../core/standards/evaluate';
import { periodFor } from '../../core/standards/periods';
import type { StandardRecord } from '../../core/standards/record-rules';

const std = (id: StandardId) => getStandard(id)!;
const Y2026 = periodFor('2026');
// Fixed instants, Korean time. MID is exactly half of 2026 (f = 0.5).
const MID = new Date('2026-07-02T12:00:00+09:00');
const OCT = new Date('2026-10-15T12:00:00+09:00'); // f ≈ 0.79: last quarter of the year
const AFTER = new Date('2027-01-05T09:00:00+09:00');

/** n records of one subject, spread over the first days of 2026. */
function many(n: number, extra: Partial<StandardRecord> = {}): StandardRecord[] {
  return Array.from({ length: n }, (_, i) => ({ occurred_at: new Date(Date.UTC(2026, 0, 2) + i * 3_600_000), ...extra }));
}
const at = (iso: string, extra: Partial<StandardRecord> = {}): StandardRecord => ({ occurred_at: new Date(iso), ...extra });
const subject = (e: Evaluation, s: string, period?: string) => e.subjects.find((x) => x.subject === s && (!period || x.period === period));

describe('evaluate: count (center-consultations, ≥ 50 per center a year)', () => {
  const s = std('center-consultations');
  const c = { subject: 'center:seongsu' };
  it('met once 50 are recorded, even mid-year', () => {
    const e = evaluate(s, many(50, c), Y2026, MID);
    assert.equal(e.status, 'met');
    assert.deepEqual(subject(e, 'center:seongsu'), { subject: 'center:seongsu', period: '2026', actual: 50, target: 50, status: 'met' });
  });
  it('on_track at half-year with 23 (floor(0.9 × 50 × 0.5) = 22)', () => {
    assert.equal(evaluate(s, many(23, c), Y2026, MID).status, 'on_track');
    assert.equal(evaluate(s, many(22, c), Y2026, MID).status, 'on_track');
  });
  it('at_risk at half-year with 21', () => {
    const e = evaluate(s, many(21, c), Y2026, MID);
    assert.equal(e.status, 'at_risk');
    assert.equal(e.actual, 21);
  });
  it('missed after the year ends with 49', () => {
    assert.equal(evaluate(s, many(49, c), Y2026, AFTER).status, 'missed');
  });
  it('overall is the worst center; actual is the weakest center', () => {
    const e = evaluate(s, [...many(50, c), ...many(10, { subject: 'center:busan' })], Y2026, MID);
    assert.equal(e.status, 'at_risk');
    assert.equal(e.actual, 10);
    assert.equal(subject(e, 'center:seongsu')!.status, 'met');
  });
  it('a roster center with no records counts as 0', () => {
    const e = evaluate(s, many(50, c), Y2026, AFTER, { subjects: ['center:jeju', 'team:ignored'] });
    assert.equal(subject(e, 'center:jeju')!.status, 'missed');
    assert.equal(e.subjects.length, 2);
  });
  it('with no centers yet: on_track early, missed after the year', () => {
    assert.equal(evaluate(s, [], Y2026, new Date('2026-01-03T00:00:00+09:00')).status, 'on_track');
    assert.equal(evaluate(s, [], Y2026, AFTER).status, 'missed');
  });
  it('ignores records outside the year and records not yet known at now', () => {
    const outside = [at('2025-12-31T23:59:00+09:00', c), at('2027-01-01T00:00:00+09:00', c)];
    assert.equal(evaluate(s, outside, Y2026, AFTER).subjects.length, 0);
    const e = evaluate(s, [...many(50, c)], Y2026, new Date('2026-01-02T05:00:00Z'));
    assert.equal(e.actual, 6); // only the records up to 05:00Z on 2 January
  });
  it('asked for a month, reports the year as it stood at the end of that month', () => {
    const e = evaluate(s, many(50, c), periodFor('2026-01'), AFTER);
    assert.equal(e.period.label, '2026');
    assert.equal(e.as_of.toISOString(), periodFor('2026-02').from.toISOString());
    assert.equal(e.status, 'met');
  });
});

describe('evaluate: count with target 2 (center-networking) warns in the last quarter', () => {
  const s = std('center-networking');
  const one = [at('2026-03-10T10:00:00+09:00', { subject: 'center:a' })];
  it('one programme is on_track mid-year and at_risk in October', () => {
    assert.equal(evaluate(s, one, Y2026, MID).status, 'on_track');
    assert.equal(evaluate(s, one, Y2026, OCT).status, 'at_risk');
  });
});

describe('evaluate: sum (startup-education-hours, ≥ 20 h per team)', () => {
  const s = std('startup-education-hours');
  const hours = (...hs: number[]) => hs.map((h, i) => at(`2026-02-0${i + 1}T10:00:00+09:00`, { subject: 'team:a', value: h }));
  it('met at 20 hours', () => assert.equal(evaluate(s, hours(8, 8, 4), Y2026, MID).status, 'met'));
  it('on_track at half-year with 9 hours', () => assert.equal(evaluate(s, hours(4, 5), Y2026, MID).status, 'on_track'));
  it('at_risk at half-year with 8 hours', () => assert.equal(evaluate(s, hours(4, 4), Y2026, MID).status, 'at_risk'));
  it('missed after the year with 19.5 hours', () => {
    const e = evaluate(s, hours(10, 9.5), Y2026, AFTER);
    assert.equal(e.status, 'missed');
    assert.equal(e.actual, 19.5);
  });
});

describe('evaluate: distinct (sales-channels, ≥ 5 channels a year)', () => {
  const s = std('sales-channels');
  const ch = (...refs: string[]) => refs.map((ref, i) => at(`2026-03-0${i + 1}T10:00:00+09:00`, { ref }));
  it('met with 5 distinct channels, duplicates counted once', () => {
    const e = evaluate(s, ch('a', 'b', 'a', 'c', 'd', 'e'), Y2026, MID);
    assert.equal(e.status, 'met');
    assert.equal(e.actual, 5);
  });
  it('on_track at half-year with 2', () => assert.equal(evaluate(s, ch('a', 'b', 'b'), Y2026, MID).status, 'on_track'));
  it('at_risk at half-year with 1, and in October with 4', () => {
    assert.equal(evaluate(s, ch('a', 'a'), Y2026, MID).status, 'at_risk');
    assert.equal(evaluate(s, ch('a', 'b', 'c', 'd'), Y2026, OCT).status, 'at_risk');
  });
  it('missed after the year with 4', () => assert.equal(evaluate(s, ch('a', 'b', 'c', 'd'), Y2026, AFTER).status, 'missed'));
});

describe('evaluate: education-courses (≥ 5 courses, a survey each)', () => {
  const s = std('education-courses');
  const run = (ref: string, surveyed: boolean, day = 3): StandardRecord[] => [
    at(`2026-03-0${day}T10:00:00+09:00`, { ref }),
    ...(surveyed ? [at(`2026-03-0${day}T18:00:00+09:00`, { ref, value: 88 })] : []),
  ];
  const five = (unsurveyed = '') => ['leader', 'basic', 'finance', 'marketing', 'impact'].flatMap((c) => run(c, c !== unsurveyed));
  it('met with 5 surveyed courses', () => {
    const e = evaluate(s, five(), Y2026, MID);
    assert.equal(e.status, 'met');
    assert.equal(e.actual, 5);
    assert.equal(e.subjects.length, 5);
  });
  it('on_track mid-year with 3 courses whose surveys are still due', () => {
    assert.equal(
      evaluate(
        s,
        ['a', 'b', 'c'].flatMap((c) => run(c, false)),
        Y2026,
        MID,
      ).status,
      'on_track',
    );
  });
  it('at_risk in October when one course still has no survey', () => {
    const e = evaluate(s, five('impact'), Y2026, OCT);
    assert.equal(e.status, 'at_risk');
    assert.equal(subject(e, 'course:impact')!.status, 'at_risk');
    assert.equal(subject(e, 'course:leader')!.status, 'met');
  });
  it('missed after the year with an unsurveyed course, or with only 4 courses', () => {
    assert.equal(evaluate(s, five('impact'), Y2026, AFTER).status, 'missed');
    assert.equal(
      evaluate(
        s,
        ['a', 'b', 'c', 'd'].flatMap((c) => run(c, true)),
        Y2026,
        AFTER,
      ).status,
      'missed',
    );
  });
});

describe('evaluate: per-item (certification-info, ≥ 3 notices per applicant over its stages)', () => {
  const s = std('certification-info');
  const n = (who: string, ref: string, day: number) =>
    at(`2026-04-${String(day).padStart(2, '0')}T10:00:00+09:00`, { subject: `applicant:${who}`, ref });
  it('met with 3 notices', () => {
    assert.equal(evaluate(s, [n('a', 'application', 1), n('a', 'inspection', 9), n('a', 'complete', 20)], Y2026, MID).status, 'met');
  });
  it('on_track after the application notice', () => assert.equal(evaluate(s, [n('a', 'application', 1)], Y2026, MID).status, 'on_track'));
  it('at_risk at inspection when the application stage sent nothing', () => {
    assert.equal(evaluate(s, [n('a', 'inspection', 9)], Y2026, MID).status, 'at_risk');
  });
  it('missed when the certification completes with 2 notices', () => {
    const e = evaluate(s, [n('a', 'application', 1), n('a', 'complete', 20), n('b', 'application', 2)], Y2026, MID);
    assert.equal(e.status, 'missed');
    assert.equal(subject(e, 'applicant:a')!.status, 'missed');
    assert.equal(subject(e, 'applicant:b')!.status, 'on_track');
  });
  it('with no certifications in the period, nothing is owed, but nothing is met either', () => {
    for (const now of [MID, AFTER]) {
      const e = evaluate(s, [], Y2026, now);
      assert.equal(e.status, 'on_track');
      assert.equal(e.actual, null);
    }
  });
  it('support-program-notices: a known programme without a notice is at_risk until announced', () => {
    const p = std('support-program-notices');
    const notice = at('2026-05-01T10:00:00+09:00', { subject: 'programme:x', ref: 'homepage' });
    assert.equal(evaluate(p, [], Y2026, MID, { subjects: ['programme:x'] }).status, 'at_risk');
    assert.equal(evaluate(p, [notice], Y2026, MID, { subjects: ['programme:x'] }).status, 'met');
  });
});

describe('evaluate: monthly rule (homeroom-mentoring, ≥ 1 per team per month)', () => {
  const s = std('homeroom-mentoring');
  const session = (team: string, month: number) =>
    at(`2026-${String(month).padStart(2, '0')}-15T10:00:00+09:00`, { subject: `team:${team}` });
  const allYear = (team: string, skip: number[] = []) =>
    Array.from({ length: 12 }, (_, i) => i + 1)
      .filter((m) => !skip.includes(m))
      .map((m) => session(team, m));

  it('a year with one empty month is missed for that month only', () => {
    const records = [...allYear('a', [6]), ...allYear('b')];
    const e = evaluate(s, records, Y2026, AFTER);
    assert.equal(e.status, 'missed');
    assert.equal(e.subjects.length, 24);
    const bad = e.subjects.filter((x) => x.status !== 'met');
    assert.deepEqual(bad, [{ subject: 'team:a', period: '2026-06', actual: 0, target: 1, status: 'missed' }]);
    const months = evaluateMonths(s, records, 2026, AFTER);
    assert.equal(months.length, 12);
    assert.deepEqual(
      months.map((m) => m.status),
      ['met', 'met', 'met', 'met', 'met', 'missed', 'met', 'met', 'met', 'met', 'met', 'met'],
    );
  });

  it('counts a session at 2026-01-31T23:30+09:00 for January, not February', () => {
    const records = [at('2026-01-31T23:30:00+09:00', { subject: 'team:a' })];
    const now = new Date('2026-03-05T09:00:00+09:00');
    const [jan, feb] = evaluateMonths(s, records, '2026', now);
    assert.equal(jan!.status, 'met');
    assert.equal(feb!.status, 'missed');
    assert.equal(subject(feb!, 'team:a')!.actual, 0);
  });

  it('in a running month: on_track early, at_risk in its last week, met after a session', () => {
    const feb = [session('a', 2)];
    const march = periodFor('2026-03');
    assert.equal(evaluate(s, feb, march, new Date('2026-03-10T09:00:00+09:00')).status, 'on_track');
    assert.equal(evaluate(s, feb, march, new Date('2026-03-25T09:00:00+09:00')).status, 'at_risk');
    assert.equal(evaluate(s, [...feb, session('a', 3)], march, new Date('2026-03-25T09:00:00+09:00')).status, 'met');
  });

  it('a team that joins in March is not missed for January and February', () => {
    const e = evaluate(
      s,
      [session('a', 1), session('a', 2), session('a', 3), session('new', 3)],
      Y2026,
      new Date('2026-03-20T09:00:00+09:00'),
    );
    assert.deepEqual(
      e.subjects.filter((x) => x.subject === 'team:new').map((x) => x.period),
      ['2026-03'],
    );
    assert.equal(e.status, 'met');
  });

  it('leaves out months that have not started and, with no teams, judges each month as a whole', () => {
    const e = evaluate(s, [], Y2026, new Date('2026-02-10T09:00:00+09:00'));
    assert.deepEqual(
      e.subjects.map((x) => [x.subject, x.period, x.status]),
      [
        ['*', '2026-01', 'missed'],
        ['*', '2026-02', 'on_track'],
      ],
    );
    assert.equal(e.status, 'missed');
  });
});
