import assert from 'node:assert/strict';
import { STANDARDS, type Standard } from '../../core/standards/catalogue';
import { parseRecord, recordFieldsOf } from '../../core/standards/record-rules';

const NOW = new Date('2026-03-10T12:00:00+09:00');
const AT = '2026-03-02T10:00:00+09:00';

/** A record with exactly the fields recordFieldsOf asks for (required and optional), each with a plausible value. */
function fullRecord(s: Standard): Record<string, unknown> {
  const use = recordFieldsOf(s);
  const r: Record<string, unknown> = { occurred_at: AT };
  if (use.subject !== 'none') r.subject = s.per === 'region' ? 'region:busan' : `${s.per}:x-1`;
  if (use.ref !== 'none')
    r.ref = s.stages ? s.stages[0] : s.kind === 'availability' ? '2026-03-02' : s.allowed_refs ? s.allowed_refs[0] : 'item-1';
  if (use.value !== 'none') r.value = s.kind === 'availability' ? 1 : s.range ? s.range.min : 1;
  if (use.event_at !== 'none') r.event_at = '2026-03-06T22:00:00+09:00';
  return r;
}

describe('standards record fields (what a form asks for)', () => {
  for (const s of STANDARDS.filter((x) => x.kind !== 'helpdesk')) {
    it(`${s.id}: the fields it names make a valid record, and each required one is needed`, () => {
      const use = recordFieldsOf(s);
      const full = fullRecord(s);
      assert.deepEqual(parseRecord(s, full, NOW).problems, []);
      for (const [field, how] of Object.entries(use)) {
        const without = { ...full };
        delete without[field];
        const paths = parseRecord(s, without, NOW).problems.map((p) => p.path);
        if (how === 'required') assert.ok(paths.includes(field), `${field} is required`);
        else assert.deepEqual(paths, [], `${field} may be left out`);
      }
      // A value where the rule forbids one, or event_at outside maintenance-notice, is refused.
      if (use.value === 'none') assert.ok(parseRecord(s, { ...full, value: 1 }, NOW).problems.some((p) => p.path === 'value'));
      if (use.event_at === 'none') assert.ok(parseRecord(s, { ...full, event_at: AT }, NOW).problems.some((p) => p.path === 'event_at'));
    });
  }

  it('the helpdesk standard takes no fields', () => {
    const s = STANDARDS.find((x) => x.kind === 'helpdesk')!;
    assert.deepEqual(recordFieldsOf(s), { subject: 'none', ref: 'none', value: 'none', event_at: 'none' });
  });
});
