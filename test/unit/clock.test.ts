import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock';

describe('manual clock', () => {
  it('advances by the given milliseconds', () => {
    const c = manualClock('2026-02-13T00:00:00Z');
    c.advance(48 * 3600 * 1000);
    assert.equal(c.now().toISOString(), '2026-02-15T00:00:00.000Z');
  });
});
