import assert from 'node:assert/strict';
import { getStandard, KR_REGION_CODES, STANDARD_IDS, type StandardId } from '../../core/standards/catalogue';
import { alertsBetween, evaluate, statusChanged, worstStatus, type Evaluation } from '../../core/standards/evaluate';
import { datesOf, periodFor } from '../../core/standards/periods';
import type { StandardRecord } from '../../core/standards/record-rules';

const std = (id: StandardId) => getStandard(id)!;
const Y2026 = periodFor('2026');
const MID = new Date('2026-07-02T12:00:00+09:00');
const AFTER = new Date('2027-01-05T09:00:00+09:00');
const at = (iso: string, extra: Partial<StandardRecord> = {}): StandardRecord => ({ occurred_at: new Date(iso), ...extra });
const scores = (...vs: number[]) => vs.map((value, i) => at(`2026-02-${String(i + 1).padStart(2, '0')}T10:00:00+09:00`, { value }));

describe('evaluate: average (consulting-satisfaction, ≥ 80 points)', () => {
  const s = std('consulting-satisfaction');
  it('met when the mean is 80 or more', () => {
    const e = evaluate(s, scores(85, 80), Y2026, MID);
    assert.equal(e.status, 'met');
    assert.equal(e.actual, 82.5);
  });
  it('on_track while no score is in yet', () => {
    const e = evaluate(s, [], Y2026, MID);
    assert.equal(e.status, 'on_track');
    assert.equal(e.actual, null);
  });
  it('at_risk while the mean is below 80', () => assert.equal(evaluate(s, scores(70, 85), Y2026, MID).status, 'at_risk'));
  it('missed after the year below 80, or with no scores at all', () => {
    assert.equal(evaluate(s, scores(79), Y2026, AFTER).status, 'missed');
    assert.equal(evaluate(s, [], Y2026, AFTER).status, 'missed');
  });
});

describe('evaluate: band (startup-funding, about KRW 30 million per team, ±20 %)', () => {
  const s = std('startup-funding');
  const grant = (team: string, value: number) => at('2026-04-01T10:00:00+09:00', { subject: `team:${team}`, value });
  it('met when the mean of team totals is within 24–36 million', () => {
    const e = evaluate(s, [grant('a', 20_000_000), grant('a', 10_000_000), grant('b', 28_000_000)], Y2026, MID);
    assert.equal(e.actual, 29_000_000);
    assert.equal(e.status, 'met');
  });
  it('on_track below the band while grants are still being paid', () =>
    assert.equal(evaluate(s, [grant('a', 10_000_000)], Y2026, MID).status, 'on_track'));
  it('at_risk above the band', () => assert.equal(evaluate(s, [grant('a', 45_000_000)], Y2026, MID).status, 'at_risk'));
  it('missed outside the band after the year', () => assert.equal(evaluate(s, [grant('a', 20_000_000)], Y2026, AFTER).status, 'missed'));
  it('never alerts: it is informational', () => {
    const e = evaluate(s, [grant('a', 45_000_000)], Y2026, MID);
    assert.deepEqual(alertsBetween(null, e), []);
  });
});

describe('evaluate: ratio (disclosure-match-rate, ≥ 85 %)', () => {
  const s = std('disclosure-match-rate');
  it('met with readings averaging 88', () => assert.equal(evaluate(s, scores(90, 86), Y2026, MID).status, 'met'));
  it('on_track before the first reading', () => assert.equal(evaluate(s, [], Y2026, MID).status, 'on_track'));
  it('at_risk with a reading of 80', () => assert.equal(evaluate(s, scores(80), Y2026, MID).status, 'at_risk'));
  it('missed after the year at 84.9', () => assert.equal(evaluate(s, scores(84.9), Y2026, AFTER).status, 'missed'));
});

describe('evaluate: gauge (estore-products, latest reading ≥ 10,000)', () => {
  const s = std('estore-products');
  const reading = (iso: string, value: number) => at(iso, { value });
  it('met when the latest reading is 10,000 or more', () => {
    const e = evaluate(s, [reading('2025-06-01T00:00:00+09:00', 9000), reading('2026-02-01T00:00:00+09:00', 10_450)], Y2026, MID);
    assert.equal(e.status, 'met');
    assert.equal(e.actual, 10_450);
  });
  it('on_track before any reading', () => assert.equal(evaluate(s, [], Y2026, MID).status, 'on_track'));
  it('at_risk when the latest reading dropped below', () => {
    assert.equal(
      evaluate(s, [reading('2026-02-01T00:00:00+09:00', 10_450), reading('2026-05-01T00:00:00+09:00', 9800)], Y2026, MID).status,
      'at_risk',
    );
  });
  it('missed for a past year whose last reading was below, whatever came later', () => {
    const rs = [reading('2025-11-01T00:00:00+09:00', 9500), reading('2026-01-10T00:00:00+09:00', 11_000)];
    const e = evaluate(s, rs, periodFor('2025'), MID);
    assert.equal(e.status, 'missed');
    assert.equal(e.actual, 9500);
  });
});

describe('evaluate: standing distinct (regional-networks, 15 regions + national)', () => {
  const s = std('regional-networks');
  const nets = (refs: readonly string[]) => refs.map((ref) => at('2025-09-01T10:00:00+09:00', { ref }));
  const fifteen = KR_REGION_CODES.slice(0, 15);
  it('met with 15 regions and the national network (built in earlier years)', () => {
    const e = evaluate(s, nets([...fifteen, 'national']), Y2026, MID);
    assert.equal(e.status, 'met');
    assert.equal(e.actual, 15);
  });
  it('on_track with no network recorded yet', () => assert.equal(evaluate(s, [], Y2026, MID).status, 'on_track'));
  it('at_risk with 15 regions but no national network', () => assert.equal(evaluate(s, nets(fifteen), Y2026, MID).status, 'at_risk'));
  it('missed when a past year ended with 10 regions', () =>
    assert.equal(evaluate(s, nets([...fifteen.slice(0, 10), 'national']), Y2026, AFTER).status, 'missed'));
});

describe('evaluate: availability (system-availability, every day up)', () => {
  const s = std('system-availability');
  const day = (date: string, value: number, hour = '23:50') => at(`${date}T${hour}:00+09:00`, { ref: date, value });
  const now = new Date('2026-01-04T10:00:00+09:00');
  it('on_track when every elapsed day is reported up', () => {
    const e = evaluate(s, [day('2026-01-01', 1), day('2026-01-02', 1), day('2026-01-03', 1)], Y2026, now);
    assert.equal(e.status, 'on_track');
    assert.equal(e.actual, 3);
    assert.equal(e.target, 365);
  });
  it('at_risk when an elapsed day has no reading', () => {
    assert.equal(evaluate(s, [day('2026-01-01', 1), day('2026-01-03', 1)], Y2026, now).status, 'at_risk');
  });
  it('missed at once when a day is down', () => {
    assert.equal(evaluate(s, [day('2026-01-01', 1), day('2026-01-02', 0), day('2026-01-03', 1)], Y2026, now).status, 'missed');
  });
  it('a later reading of the same day corrects it', () => {
    const rs = [day('2026-01-01', 1), day('2026-01-02', 0, '10:00'), day('2026-01-02', 1, '11:00'), day('2026-01-03', 1)];
    assert.equal(evaluate(s, rs, Y2026, now).status, 'on_track');
  });
  it('met when all 365 days of the year were up; missed with one day unreported', () => {
    const all = datesOf(Y2026).map((d) => day(d, 1));
    assert.equal(evaluate(s, all, Y2026, AFTER).status, 'met');
    assert.equal(evaluate(s, all.slice(1), Y2026, AFTER).status, 'missed');
  });
});

describe('evaluate: lead time (maintenance-notice, ≥ 3 days ahead)', () => {
  const s = std('maintenance-notice');
  const notice = (published: string, maintenance: string) => at(published, { event_at: new Date(maintenance) });
  it('a notice 2 days ahead misses the period at once', () => {
    const e = evaluate(s, [notice('2026-03-02T10:00:00+09:00', '2026-03-04T10:00:00+09:00')], Y2026, MID);
    assert.equal(e.status, 'missed');
    assert.equal(e.actual, 2);
  });
  it('on_track while every notice so far is 3 days or more ahead (exactly 72 h counts)', () => {
    const e = evaluate(s, [notice('2026-03-02T10:00:00+09:00', '2026-03-05T10:00:00+09:00')], Y2026, MID);
    assert.equal(e.status, 'on_track');
    assert.equal(e.actual, 3);
  });
  it('met after a year of good notices; a maintenance belongs to the period it happens in', () => {
    const rs = [
      notice('2025-12-29T10:00:00+09:00', '2026-01-02T02:00:00+09:00'),
      notice('2026-05-01T10:00:00+09:00', '2026-05-08T02:00:00+09:00'),
    ];
    assert.equal(evaluate(s, rs, Y2026, AFTER).status, 'met');
    assert.equal(evaluate(s, rs, periodFor('2025'), AFTER).actual, null);
  });
  it('is never at_risk: a good notice cannot endanger the period, a short one already missed it', () => {
    const e = evaluate(s, [notice('2026-03-02T10:00:00+09:00', '2026-03-05T10:00:01+09:00')], Y2026, new Date('2026-12-30T00:00:00+09:00'));
    assert.equal(e.status, 'on_track');
  });
});

describe('evaluate: helpdesk (purchase-inquiry-48h, from ticket counts)', () => {
  const s = std('purchase-inquiry-48h');
  it('met after the period with every resolved inquiry in time', () => {
    const e = evaluate(s, [], Y2026, AFTER, { helpdesk: { resolved: 10, met: 10 } });
    assert.equal(e.status, 'met');
    assert.equal(e.actual, 100);
  });
  it('on_track while all are in time', () =>
    assert.equal(evaluate(s, [], Y2026, MID, { helpdesk: { resolved: 4, met: 4 } }).status, 'on_track'));
  it('at_risk while an open inquiry is near its deadline', () => {
    assert.equal(evaluate(s, [], Y2026, MID, { helpdesk: { resolved: 4, met: 4, open_near_due: 1 } }).status, 'at_risk');
  });
  it('missed with one late resolution or one open overdue inquiry', () => {
    const e = evaluate(s, [], Y2026, MID, { helpdesk: { resolved: 10, met: 9 } });
    assert.equal(e.status, 'missed');
    assert.equal(e.actual, 90);
    assert.equal(evaluate(s, [], Y2026, MID, { helpdesk: { resolved: 4, met: 4, open_overdue: 1 } }).status, 'missed');
  });
  it('refuses to guess without counts', () => {
    assert.throws(() => evaluate(s, [], Y2026, MID), TypeError);
    assert.throws(() => evaluate(s, [], Y2026, MID, { helpdesk: { resolved: 1, met: 2 } }), RangeError);
  });
});

describe('status changes and alerts', () => {
  it('statusChanged is true only when a subject gets worse into at_risk or missed', () => {
    assert.equal(statusChanged('on_track', 'at_risk'), true);
    assert.equal(statusChanged('at_risk', 'missed'), true);
    assert.equal(statusChanged(undefined, 'missed'), true);
    assert.equal(statusChanged(null, 'on_track'), false);
    assert.equal(statusChanged('at_risk', 'at_risk'), false);
    assert.equal(statusChanged('missed', 'at_risk'), false);
    assert.equal(statusChanged('at_risk', 'met'), false);
  });
  it('worstStatus orders missed > at_risk > on_track > met', () => {
    assert.equal(worstStatus(['met', 'at_risk', 'on_track']), 'at_risk');
    assert.equal(worstStatus(['met', 'missed', 'at_risk']), 'missed');
    assert.equal(worstStatus([]), 'met');
  });
  it('alertsBetween names the subjects that turned', () => {
    const s = std('center-consultations');
    const rs = Array.from({ length: 30 }, (_, i) =>
      at(`2026-01-${String(i + 1).padStart(2, '0')}T10:00:00+09:00`, { subject: i < 25 ? 'center:a' : 'center:b' }),
    );
    const before: Evaluation = evaluate(s, rs, Y2026, new Date('2026-02-01T00:00:00+09:00'));
    const later = evaluate(s, rs, Y2026, MID);
    assert.deepEqual(alertsBetween(before, later), [
      { standard: 'center-consultations', subject: 'center:b', period: '2026', from: 'on_track', to: 'at_risk' },
    ]);
    assert.deepEqual(alertsBetween(later, later), []);
  });
  it('alertsBetween falls back to the standard as a whole when it has no subjects', () => {
    const s = std('maintenance-notice');
    const e = evaluate(s, [at('2026-03-02T10:00:00+09:00', { event_at: new Date('2026-03-03T10:00:00+09:00') })], Y2026, MID);
    assert.deepEqual(alertsBetween(null, e), [{ standard: 'maintenance-notice', subject: null, period: '2026', from: null, to: 'missed' }]);
  });
});

describe('evaluate: nothing measured is never met', () => {
  it('no standard reports met with actual null, for an empty period running or ended', () => {
    const months = [periodFor('2026-02'), periodFor('2026-07')];
    for (const id of STANDARD_IDS) {
      const s = std(id);
      for (const period of [Y2026, ...months, periodFor('2025')]) {
        for (const now of [MID, AFTER]) {
          const e = evaluate(s, [], period, now, { helpdesk: { resolved: 0, met: 0 } });
          assert.ok(!(e.status === 'met' && e.actual === null), `${id} ${period.label} at ${now.toISOString()}: met with actual null`);
        }
      }
    }
  });

  it('an ended period without a maintenance or a resolved inquiry is on_track with actual null', () => {
    const notices = evaluate(std('maintenance-notice'), [], Y2026, AFTER);
    assert.deepEqual([notices.status, notices.actual], ['on_track', null]);
    const inquiries = evaluate(std('purchase-inquiry-48h'), [], Y2026, AFTER, { helpdesk: { resolved: 0, met: 0 } });
    assert.deepEqual([inquiries.status, inquiries.actual], ['on_track', null]);
  });
});
