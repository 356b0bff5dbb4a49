import assert from 'node:assert/strict';
import { FOCUS_HOLD_MS, type GuardField, isBusy, isDirty } from '../../server/console/client/live-guard';

const select = (selected: number, defaultSelected: number | null, n = 3): GuardField => ({
  tagName: 'SELECT',
  options: Array.from({ length: n }, (_, i) => ({ selected: i === selected, defaultSelected: i === defaultSelected })),
});
const text = (value: string, defaultValue = ''): GuardField => ({ tagName: 'INPUT', type: 'text', value, defaultValue });

describe('console client: the live guard', () => {
  it('a select is dirty when its choice differs from the one the server rendered (the first, when none is marked)', () => {
    assert.equal(isDirty(select(1, 1)), false);
    assert.equal(isDirty(select(2, 1)), true);
    assert.equal(isDirty(select(0, null)), false);
    assert.equal(isDirty(select(1, null)), true);
  });

  it('a text field is dirty once typed in; hidden fields and buttons never are', () => {
    assert.equal(isDirty(text('')), false);
    assert.equal(isDirty(text('담당자에게 연락')), true);
    assert.equal(isDirty(text('a', 'a')), false);
    assert.equal(isDirty({ tagName: 'INPUT', type: 'hidden', value: 'x', defaultValue: 'y' }), false);
    assert.equal(isDirty({ tagName: 'INPUT', type: 'checkbox', checked: true, defaultChecked: false }), true);
    assert.equal(isDirty({ tagName: 'TEXTAREA', value: '초안', defaultValue: '' }), true);
  });

  it('a region is busy while a field holds something unsent, or a select has focus (for a minute at most)', () => {
    const fields = [select(1, 1), text('')];
    assert.equal(isBusy(fields, null), false);
    assert.equal(isBusy([select(2, 1), text('')], null), true);
    assert.equal(isBusy([select(1, 1), text('메모')], null), true);
    assert.equal(isBusy(fields, fields[0]!), true, 'a focused select: its list may be open');
    assert.equal(isBusy(fields, fields[0]!, FOCUS_HOLD_MS), false, 'but not for ever');
    assert.equal(isBusy(fields, fields[1]!), false, 'a focused empty text field does not hold the refresh');
    assert.equal(isBusy([select(2, 1)], null, FOCUS_HOLD_MS * 10), true, 'an unsent choice always does');
  });
});
