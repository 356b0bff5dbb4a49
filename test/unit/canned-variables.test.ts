import assert from 'node:assert/strict';
import { unknownVariables } from '../../core/canned/variables';

describe('canned response variables', () => {
  it('accepts the known variables, with or without spaces inside the braces', () => {
    assert.deepEqual(unknownVariables('{{ticket.number}} {{ requester.name }} {{sla.due_at}} plain {text} {{'), []);
  });
  it('names each unknown variable once, in order', () => {
    assert.deepEqual(unknownVariables('{{ticket.subject}} {{foo}} {{ ticket.subject }} {{}}'), ['ticket.subject', 'foo', '']);
  });
});
