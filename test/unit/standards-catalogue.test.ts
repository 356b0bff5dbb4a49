import assert from 'node:assert/strict';
import { KR_REGIONS, STANDARDS, STANDARD_IDS, getStandard, isStandardId } from '../../core/standards/catalogue';

// The ids of the charter's table of service standards (the table in docs/standards.md), in charter
// order, copied here so a drift in either shows up.
const SEED_IDS = [
  'startup-funding',
  'startup-education-hours',
  'homeroom-mentoring',
  'expert-mentoring',
  'center-consultations',
  'center-networking',
  'certification-info',
  'sales-channels',
  'estore-products',
  'purchase-inquiry-48h',
  'consulting-satisfaction',
  'support-program-notices',
  'cooperation-models',
  'education-courses',
  'disclosure-match-rate',
  'disclosure-education',
  'disclosure-manual',
  'regional-networks',
  'system-availability',
  'maintenance-notice',
];

describe('standards catalogue', () => {
  it('has exactly the 20 ids of the seed table, each once, in charter order', () => {
    assert.equal(STANDARDS.length, 20);
    assert.deepEqual(
      STANDARDS.map((s) => s.id),
      SEED_IDS,
    );
    assert.deepEqual([...STANDARD_IDS], SEED_IDS);
    assert.equal(new Set(STANDARDS.map((s) => s.id)).size, 20);
  });

  it('gives every standard a unique section, a Korean and an English title and a description', () => {
    assert.equal(new Set(STANDARDS.map((s) => s.section)).size, 20);
    for (const s of STANDARDS) {
      assert.match(s.title_ko, /[가-힣]/, s.id);
      assert.ok(s.title_en.length > 3, s.id);
      assert.ok(s.description_en.length > 20, s.id);
      assert.ok(Number.isFinite(s.target) && s.target > 0, s.id);
    }
  });

  it('matches the seed targets and periods', () => {
    const t = (id: string) => getStandard(id)!;
    assert.equal(t('startup-funding').target, 30_000_000);
    assert.equal(t('startup-funding').comparison, 'band');
    assert.equal(t('startup-education-hours').target, 20);
    assert.equal(t('homeroom-mentoring').period, 'month');
    assert.equal(t('homeroom-mentoring').per, 'team');
    assert.equal(t('center-consultations').target, 50);
    assert.equal(t('estore-products').target, 10_000);
    assert.equal(t('purchase-inquiry-48h').section, '2.2-b');
    assert.equal(t('purchase-inquiry-48h').kind, 'helpdesk');
    assert.equal(t('disclosure-match-rate').target, 85);
    assert.equal(t('regional-networks').target, 15);
    assert.equal(t('maintenance-notice').kind, 'lead_time');
    assert.equal(t('maintenance-notice').target, 3);
  });

  it('keeps kind-specific fields consistent', () => {
    for (const s of STANDARDS) {
      assert.equal(s.band !== undefined, s.comparison === 'band', s.id);
      if (s.default_subjects) for (const x of s.default_subjects) assert.ok(x.startsWith(`${s.per}:`), s.id);
      if (s.stages) assert.equal(s.period, 'per-item', s.id);
    }
    assert.equal(KR_REGIONS.length, 17);
    assert.equal(getStandard('disclosure-education')!.default_subjects!.length, 17);
  });

  it('declares a plausible range and unit exactly for the standards whose records carry a value', () => {
    const takesValue = (s: (typeof STANDARDS)[number]) =>
      ['sum', 'average', 'ratio', 'gauge', 'availability'].includes(s.kind) || s.survey_per_ref === true;
    for (const s of STANDARDS) {
      assert.equal(s.range !== null, takesValue(s), s.id);
      if (s.range) assert.ok(Number.isFinite(s.range.min) && s.range.min < s.range.max, s.id);
    }
    assert.deepEqual(getStandard('consulting-satisfaction')!.range, { min: 1, max: 100, unit: 'points' });
    assert.deepEqual(getStandard('disclosure-match-rate')!.range, { min: 1, max: 100, unit: 'percent' });
  });

  it('looks ids up', () => {
    assert.equal(isStandardId('maintenance-notice'), true);
    assert.equal(isStandardId('nope'), false);
    assert.equal(getStandard('nope'), undefined);
  });
});
