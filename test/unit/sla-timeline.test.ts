import assert from 'node:assert/strict';
import type { SlaPolicy, Ticket } from '../../core/model';
import type { MilestoneRecord } from '../../core/ports';
import { milestonesOf } from '../../core/sla/milestones';
import { onStatusChange, startClock } from '../../core/sla/sla-clock';
import { slaTimeline } from '../../core/sla/sla-timeline';
import { wallClock } from '../../core/time/business-calendar';

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
  warnings: [2 * H, 12 * H, 60 * H],
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
const start = at('2026-02-13T10:00:00+09:00');
const ticketWith = (sla: Ticket['sla'], over: Partial<Ticket> = {}): Ticket => ({
  id: 1,
  number: 'PQ-2026-000001',
  subject: 's',
  body: 'b',
  category: 'general',
  priority: 'normal',
  status: 'open',
  channel: 'web',
  requesterId: 1,
  assigneeId: null,
  receivedAt: start,
  createdAt: start,
  updatedAt: start,
  firstRespondedAt: null,
  resolvedAt: null,
  resolutionSeconds: null,
  firstResponseSeconds: null,
  sla,
  ...over,
});
const record = (milestone: string, dueAt: Date, recordedAt: Date, version = 1): MilestoneRecord => ({
  ticketId: 1,
  version,
  milestone,
  dueAt,
  recordedAt,
  recovered: false,
});

describe('the SLA timeline (the ticket page’s SLA panel)', () => {
  it('lists every milestone in time order with the times milestonesOf plans, warnings longer than the target left out', () => {
    const p = policy();
    const c = startClock(p, wallClock, start);
    const now = at('2026-02-13T11:00:00+09:00');
    const line = slaTimeline(ticketWith(c), p, wallClock, [], now);
    assert.deepEqual(
      line.map((e) => e.key),
      ['warning-43200', 'warning-7200', 'breach', 'escalation-1', 'escalation-2'],
    );
    const planned = new Map(milestonesOf(c, p, wallClock).map((m) => [m.key, m.at.toISOString()]));
    for (const e of line) assert.equal(e.plannedAt?.toISOString(), planned.get(e.key), e.key);
    assert.ok(line.every((e) => e.status === 'upcoming' && e.recordedAt === null));
    assert.deepEqual(line[4]!.escalation, { after: 24 * H, notify: ['role:admin'] });
  });

  it('shows what was recorded, what is late to be recorded, and the first response', () => {
    const p = policy({ firstResponseTarget: 4 * H });
    const c = startClock(p, wallClock, start);
    const warn = at('2026-02-14T22:00:00+09:00');
    const now = at('2026-02-15T09:00:00+09:00');
    const line = slaTimeline(
      ticketWith(c, { firstRespondedAt: at('2026-02-13T12:00:00+09:00') }),
      p,
      wallClock,
      [record('warning-43200', warn, at('2026-02-14T22:00:01+09:00'))],
      now,
    );
    const by = new Map(line.map((e) => [e.key, e]));
    assert.equal(line[0]!.key, 'first-response');
    assert.equal(by.get('first-response')!.status, 'recorded');
    assert.equal(by.get('warning-43200')!.status, 'recorded');
    assert.equal(by.get('warning-43200')!.recordedAt!.toISOString(), at('2026-02-14T22:00:01+09:00').toISOString());
    assert.equal(by.get('warning-7200')!.status, 'due', 'its time passed, no record yet');
    assert.equal(by.get('breach')!.status, 'upcoming');
  });

  it('a paused clock leaves unrecorded milestones open; a resolved one marks them not reached', () => {
    const p = policy();
    const c = startClock(p, wallClock, start);
    const paused = onStatusChange(c, p, wallClock, 'open', 'pending', at('2026-02-13T12:00:00+09:00')).clock;
    const line = slaTimeline(ticketWith(paused, { status: 'pending' }), p, wallClock, [], at('2026-02-20T00:00:00+09:00'));
    assert.ok(line.every((e) => e.status === 'paused' && e.plannedAt === null));
    const done = onStatusChange(c, p, wallClock, 'open', 'resolved', at('2026-02-13T12:00:00+09:00')).clock;
    const after = slaTimeline(ticketWith(done, { status: 'resolved' }), p, wallClock, [], at('2026-02-20T00:00:00+09:00'));
    assert.ok(after.every((e) => e.status === 'not_reached'));
  });
});
