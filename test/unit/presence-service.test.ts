import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock';
import { ForbiddenError, NotFoundError } from '../../core/errors';
import type { User } from '../../core/model';
import { createMemoryPresenceStore } from '../../core/presence/memory-presence-store';
import { createPresenceService } from '../../core/presence/presence-service';
import type { PresenceStore } from '../../core/ports';
import type { TicketDetail } from '../../core/tickets/ticket-service';

const user = (id: number, role: User['role'], name = `user ${id}`): User => ({
  id,
  email: `u${id}@test.kr`,
  name,
  role,
  organization: null,
  locale: 'ko',
  active: true,
  emailBouncedAt: null,
  emailBounceReason: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

/** A ticket service that knows tickets 1 and 2 (by id or number). */
const tickets = {
  get: async (_actor: User, ref: number | string) => {
    const id = ref === 'PQ-2026-000002' ? 2 : ref;
    if (id !== 1 && id !== 2) throw new NotFoundError(`ticket ${ref} does not exist`);
    return { ticket: { id } } as TicketDetail;
  },
};

describe('presence use case (in-memory store)', () => {
  const clock = manualClock('2026-03-02T01:00:00Z');
  const make = (store: PresenceStore = createMemoryPresenceStore(clock)) => createPresenceService({ store, tickets, clock, ttlMs: 30_000 });
  const a = user(10, 'agent', '김상담');
  const b = user(11, 'supervisor', '박관리');

  it('lists the others, replying first, and forgets a heartbeat after its time', async () => {
    const p = make();
    await p.beat(a, 1, 'viewing');
    clock.advance(1000);
    await p.beat(b, 1, 'replying');
    assert.deepEqual(
      (await p.others(user(12, 'agent'), 1)).map((e) => [e.user.name, e.activity]),
      [
        ['박관리', 'replying'],
        ['김상담', 'viewing'],
      ],
    );
    assert.deepEqual(
      (await p.others(a, 1)).map((e) => e.user.id),
      [11],
    );
    clock.advance(29_500);
    assert.deepEqual(
      (await p.others(b, 1)).map((e) => e.user.id),
      [],
      "a's heartbeat lapsed",
    );
    assert.equal((await p.others(a, 1)).length, 1);
  });

  it('keeps `since` across heartbeats of one activity, not across a change or a lapse', async () => {
    const p = make();
    await p.beat(a, 2, 'viewing');
    const t0 = clock.now().getTime();
    clock.advance(10_000);
    await p.beat(a, 'PQ-2026-000002', 'viewing');
    assert.equal((await p.others(b, 2))[0]!.since.getTime(), t0);
    clock.advance(10_000);
    await p.beat(a, 2, 'replying');
    assert.equal((await p.others(b, 2))[0]!.since.getTime(), clock.now().getTime());
    clock.advance(31_000);
    await p.beat(a, 2, 'replying');
    assert.equal((await p.others(b, 2))[0]!.since.getTime(), clock.now().getTime());
  });

  it('refuses officers and unknown tickets; leaving drops the record', async () => {
    const p = make();
    await assert.rejects(p.beat(user(1, 'officer'), 1, 'viewing'), ForbiddenError);
    await assert.rejects(p.others(user(1, 'officer'), 1), ForbiddenError);
    await assert.rejects(p.beat(a, 3, 'viewing'), NotFoundError);
    await p.beat(a, 1, 'viewing');
    await p.leave(a, 1);
    assert.deepEqual(await p.others(b, 1), []);
  });

  it('a store that fails is a 503, not a 500', async () => {
    const broken: PresenceStore = {
      get: () => Promise.reject(new Error('Redis (read presence): no answer within 1500 ms')),
      put: () => Promise.reject(new Error('down')),
      all: () => Promise.reject(new Error('down')),
      remove: () => Promise.reject(new Error('down')),
    };
    const p = make(broken);
    await assert.rejects(p.beat(a, 1, 'viewing'), (err: Error & { status?: number }) => err.status === 503);
    await assert.rejects(p.others(a, 1), (err: Error & { status?: number }) => err.status === 503);
  });
});
