import assert from 'node:assert/strict';
import type { SlaPolicy } from '../../core/model';
import { milestonesOf, nextWake } from '../../core/sla/milestones';
import { startClock } from '../../core/sla/sla-clock';
import { wallClock } from '../../core/time/business-calendar';

const H = 3600;
const policy: SlaPolicy = {
  id: 1,
  name: 'p',
  match: { category: null, priority: null },
  resolutionTarget: 48 * H,
  firstResponseTarget: null,
  clock: 'calendar',
  calendarId: null,
  pauseOnPending: true,
  warnings: [12 * H, 2 * H],
  escalations: [
    { after: 0, notify: ['role:supervisor'] },
    { after: 24 * H, notify: ['role:admin'] },
  ],
  isDefault: true,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};
const start = new Date('2026-03-02T09:00:00+09:00');
const all = milestonesOf(startClock(policy, wallClock, start), policy, wallClock);
const hours = (h: number) => new Date(start.getTime() + h * H * 1000);

describe("a clock's one timer: when it next wakes", () => {
  it('wakes for the first milestone still to come', () => {
    assert.equal(nextWake(all, start)?.key, 'warning-43200');
    assert.equal(nextWake(all, hours(40), new Set(['warning-43200']))?.key, 'warning-7200');
  });

  it('wakes at once for a passed milestone without a record, or when the records are not known', () => {
    assert.equal(nextWake(all, hours(47), new Set())?.key, 'warning-43200');
    assert.equal(nextWake(all, hours(47))?.key, 'warning-43200');
  });

  it('skips a warning or breach recorded under any version, never a passed escalation step', () => {
    const recorded = new Set(['warning-43200', 'warning-7200', 'breach', 'escalation-1']);
    assert.equal(nextWake(all, hours(49), recorded)?.key, 'escalation-1', 'a step left on the clock is not taken yet');
    assert.equal(nextWake(all.slice(0, 3), hours(49), recorded), undefined, 'nothing left');
  });
});
