import assert from 'node:assert/strict';
import { startLiveBatch } from '../../server/console/client/live-batch';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('console client: live:batch', () => {
  const g = globalThis as unknown as { document?: { body: EventTarget } };
  let body: EventTarget;
  let batches: number;
  before(() => {
    body = new EventTarget();
    g.document = { body };
    startLiveBatch(60);
    body.addEventListener('live:batch', () => {
      batches += 1;
    });
  });
  after(() => {
    delete g.document;
  });
  beforeEach(() => {
    batches = 0;
  });
  const live = () => body.dispatchEvent(new CustomEvent('live'));

  it('fires at once for the first event of a quiet spell', async () => {
    live();
    assert.equal(batches, 1);
    await sleep(150);
    assert.equal(batches, 1, 'nothing more without more events');
  });

  it('never drops the last event of a burst: one more batch follows the window', async () => {
    live();
    live();
    live();
    assert.equal(batches, 1, 'a burst is one batch at first');
    await sleep(250);
    assert.equal(batches, 2, 'and one more at the end of the window, for the events inside it');
  });

  it('a steady stream refreshes about once a window, not once an event', async () => {
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      live();
      await sleep(10);
    }
    const windows = Math.ceil((Date.now() - started) / 60);
    await sleep(250);
    assert.ok(batches >= 2 && batches <= windows + 1, `${batches} batches for 20 events in ${windows} windows`);
  });
});
