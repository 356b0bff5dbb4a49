import assert from 'node:assert/strict';
import { createAdvanceGroups } from '../../core/sla/advance-groups';

/** A promise and the hands that settle it, so a test holds a group's transaction open. */
function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { p, open };
}

describe('advance groups (group commit of the timer jobs)', () => {
  it('advances asked for in one turn go together; those asked while it runs form the next group', async () => {
    const groups: number[][] = [];
    const first = gate();
    const g = createAdvanceGroups(
      async (ids) => {
        groups.push(ids);
        if (groups.length === 1) await first.p;
        return new Map(ids.map((id) => [id, id * 10]));
      },
      async () => assert.fail('no group failed'),
    );
    const a = [g.advance(3), g.advance(1), g.advance(2)];
    await new Promise((r) => setImmediate(r));
    const b = [g.advance(5), g.advance(4)];
    first.open();
    assert.deepEqual(await Promise.all([...a, ...b]), [30, 10, 20, 50, 40]);
    assert.deepEqual(groups, [
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('the same ticket asked twice in a group is advanced once, and both callers get its result', async () => {
    const groups: number[][] = [];
    const g = createAdvanceGroups(
      async (ids) => {
        groups.push(ids);
        return new Map(ids.map((id) => [id, `r${id}`]));
      },
      async () => assert.fail('no group failed'),
    );
    assert.deepEqual(await Promise.all([g.advance(7), g.advance(7), g.advance(8)]), ['r7', 'r7', 'r8']);
    assert.deepEqual(groups, [[7, 8]]);
  });

  it('a failed group is retried ticket by ticket, so only the bad ticket’s caller sees the error', async () => {
    const alone: number[] = [];
    const g = createAdvanceGroups(
      async () => {
        throw new Error('deadlock');
      },
      async (id) => {
        alone.push(id);
        if (id === 2) throw new Error('bad ticket');
        return id;
      },
    );
    const results = await Promise.allSettled([g.advance(1), g.advance(2), g.advance(3)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(alone.sort(), [1, 2, 3]);
  });

  it('poke runs a group of no tickets of its own, unless a group is running', async () => {
    const groups: number[][] = [];
    const first = gate();
    const g = createAdvanceGroups(
      async (ids) => {
        groups.push(ids);
        if (ids.length) await first.p;
        return new Map(ids.map((id) => [id, id]));
      },
      async () => assert.fail('no group failed'),
    );
    const a = g.advance(1);
    await new Promise((r) => setImmediate(r));
    g.poke(); // a group runs: nothing more
    first.open();
    await a;
    await new Promise((r) => setImmediate(r)); // the group is over
    g.poke();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(groups, [[1], []]);
  });

  it('a group holds at most `max` tickets', async () => {
    const sizes: number[] = [];
    const g = createAdvanceGroups(
      async (ids) => {
        sizes.push(ids.length);
        return new Map(ids.map((id) => [id, id]));
      },
      async () => assert.fail('no group failed'),
      2,
    );
    await Promise.all([1, 2, 3, 4, 5].map((id) => g.advance(id)));
    assert.deepEqual(sizes, [2, 2, 1]);
  });
});
