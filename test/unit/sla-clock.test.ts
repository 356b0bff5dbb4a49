import assert from 'node:assert/strict';
import type { SlaPolicy } from '../../core/model';
import { milestonesOf } from '../../core/sla/milestones';
import { selectPolicy } from '../../core/sla/policy-match';
import { onStatusChange, recalculate, remainingSeconds, startClock } from '../../core/sla/sla-clock';
import { businessClock, wallClock } from '../../core/time/business-calendar';
import { KR_PUBLIC_OFFICE, presetCalendarSpec } from '../../core/time/presets';

const H = 3600;
const policy = (over: Partial<SlaPolicy> = {}): SlaPolicy => ({
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
  ...over,
});
const at = (s: string) => new Date(s);

describe('the SLA clock', () => {
  const p = policy();
  const start = at('2026-02-13T10:00:00+09:00');

  it('starts at received_at with due = start + target', () => {
    const c = startClock(p, wallClock, start);
    assert.equal(c.dueAt.toISOString(), at('2026-02-15T10:00:00+09:00').toISOString());
    assert.equal(c.state, 'running');
    assert.equal(c.version, 1);
  });

  it('pausing stops remaining time; resuming moves due by the paused time and bumps the version', () => {
    const c0 = startClock(p, wallClock, start);
    const paused = onStatusChange(c0, p, wallClock, 'open', 'pending', at('2026-02-13T12:00:00+09:00'));
    assert.equal(paused.clock.state, 'paused');
    assert.equal(remainingSeconds(paused.clock, wallClock, at('2026-02-20T00:00:00+09:00')), 46 * H);
    const resumed = onStatusChange(paused.clock, p, wallClock, 'pending', 'open', at('2026-02-13T15:00:00+09:00'));
    assert.equal(resumed.clock.pausedSeconds, 3 * H);
    assert.equal(resumed.clock.dueAt.toISOString(), at('2026-02-15T13:00:00+09:00').toISOString());
    assert.equal(resumed.clock.version, 3);
    assert.deepEqual(
      resumed.events.map((e) => e.type),
      ['sla.resumed'],
    );
  });

  it('does not pause when the policy says not to', () => {
    const np = policy({ pauseOnPending: false });
    const r = onStatusChange(startClock(np, wallClock, start), np, wallClock, 'open', 'pending', at('2026-02-13T12:00:00+09:00'));
    assert.equal(r.clock.state, 'running');
    assert.deepEqual(r.events, []);
  });

  it('resolving in time is met; resolving late without a recorded breach is breached at due', () => {
    const c = startClock(p, wallClock, start);
    const met = onStatusChange(c, p, wallClock, 'open', 'resolved', at('2026-02-15T09:59:59+09:00'));
    assert.equal(met.clock.state, 'met');
    assert.equal(remainingSeconds(met.clock, wallClock, at('2030-01-01T00:00:00Z')), 1);
    const late = onStatusChange(c, p, wallClock, 'open', 'resolved', at('2026-02-15T10:00:01+09:00'));
    assert.equal(late.clock.state, 'breached');
    assert.equal(late.clock.breachedAt!.toISOString(), c.dueAt.toISOString());
  });

  it('a reopened ticket resumes its clock; the time spent resolved does not count', () => {
    const c = startClock(p, wallClock, start);
    const met = onStatusChange(c, p, wallClock, 'open', 'resolved', at('2026-02-14T10:00:00+09:00')).clock;
    const reopened = onStatusChange(met, p, wallClock, 'resolved', 'open', at('2026-02-14T20:00:00+09:00')).clock;
    assert.equal(reopened.state, 'running');
    assert.equal(reopened.stoppedAt, null);
    assert.equal(reopened.dueAt.toISOString(), at('2026-02-15T20:00:00+09:00').toISOString());
  });

  it('pausing on a business clock counts only working time', () => {
    const bp = policy({ clock: 'business', calendarId: 1, resolutionTarget: 8 * H });
    const dc = businessClock(presetCalendarSpec(KR_PUBLIC_OFFICE));
    const c = startClock(bp, dc, at('2026-03-03T09:00:00+09:00'));
    assert.equal(c.dueAt.toISOString(), at('2026-03-03T18:00:00+09:00').toISOString());
    const paused = onStatusChange(c, bp, dc, 'open', 'pending', at('2026-03-03T17:00:00+09:00')).clock;
    const resumed = onStatusChange(paused, bp, dc, 'pending', 'open', at('2026-03-04T10:00:00+09:00')).clock;
    assert.equal(resumed.pausedSeconds, 2 * H); // 17–18 and 09–10
    assert.equal(resumed.dueAt.toISOString(), at('2026-03-04T11:00:00+09:00').toISOString());
  });

  it('recalculation leaves stopped clocks alone and keeps a breach a breach', () => {
    const c = startClock(p, wallClock, start);
    const longer = policy({ resolutionTarget: 72 * H });
    assert.equal(recalculate(c, p, wallClock), null);
    const r = recalculate(c, longer, wallClock)!;
    assert.equal(r.dueAt.toISOString(), at('2026-02-16T10:00:00+09:00').toISOString());
    assert.equal(r.version, 2);
    const met = onStatusChange(c, p, wallClock, 'open', 'resolved', at('2026-02-14T10:00:00+09:00')).clock;
    assert.equal(recalculate(met, longer, wallClock), null);
    const breached = { ...c, state: 'breached' as const, breachedAt: c.dueAt };
    const rb = recalculate(breached, longer, wallClock)!;
    assert.equal(rb.state, 'breached');
    assert.equal(rb.dueAt.toISOString(), c.dueAt.toISOString());
  });
});

describe('milestones', () => {
  it('lists warnings, the breach and escalation steps in time order with colon-free keys', () => {
    const p = policy();
    const c = startClock(p, wallClock, at('2026-02-13T10:00:00+09:00'));
    const ms = milestonesOf(c, p, wallClock);
    assert.deepEqual(
      ms.map((m) => m.key),
      ['warning-43200', 'warning-7200', 'breach', 'escalation-1', 'escalation-2'],
    );
    assert.ok(ms.every((m) => !m.key.includes(':')));
    assert.equal(ms[0]!.at.toISOString(), at('2026-02-14T22:00:00+09:00').toISOString());
    assert.equal(ms[4]!.at.toISOString(), at('2026-02-16T10:00:00+09:00').toISOString());
  });

  it('a paused or stopped clock has none; a breached one only its remaining escalations', () => {
    const p = policy();
    const c = startClock(p, wallClock, at('2026-02-13T10:00:00+09:00'));
    assert.deepEqual(milestonesOf({ ...c, state: 'paused', pausedAt: c.startedAt }, p, wallClock), []);
    assert.deepEqual(milestonesOf({ ...c, state: 'met', stoppedAt: c.startedAt }, p, wallClock), []);
    const b = milestonesOf({ ...c, state: 'breached', breachedAt: c.dueAt, escalationLevel: 1 }, p, wallClock);
    assert.deepEqual(
      b.map((m) => m.key),
      ['escalation-2'],
    );
  });

  it('drops a warning longer than the target', () => {
    const p = policy({ resolutionTarget: H, warnings: [2 * H, 30 * 60] });
    assert.deepEqual(
      milestonesOf(startClock(p, wallClock, new Date(0)), p, wallClock)
        .map((m) => m.key)
        .slice(0, 2),
      ['warning-1800', 'breach'],
    );
  });
});

describe('policy matching', () => {
  const pols = [
    policy({ id: 1, isDefault: true }),
    policy({ id: 2, isDefault: false, match: { category: null, priority: 'urgent' } }),
    policy({ id: 3, isDefault: false, match: { category: 'contract', priority: null } }),
    policy({ id: 4, isDefault: false, match: { category: 'contract', priority: 'urgent' } }),
  ];
  it('picks the most specific match, then the default', () => {
    assert.equal(selectPolicy(pols, 'contract', 'urgent').id, 4);
    assert.equal(selectPolicy(pols, 'contract', 'low').id, 3);
    assert.equal(selectPolicy(pols, 'general', 'urgent').id, 2);
    assert.equal(selectPolicy(pols, 'general', 'low').id, 1);
  });
});
