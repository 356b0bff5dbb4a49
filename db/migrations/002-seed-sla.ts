import type { Knex } from 'knex';

// The data this migration seeds, written here as it was when the migration was written: a later
// change to the presets in code must not change what this migration does to a new database.
const office = [
  ['09:00', '12:00'],
  ['13:00', '18:00'],
];
const wholeDay = [['00:00', '24:00']];
const CALENDAR_PRESETS = [
  {
    key: 'kr-public-office',
    name: '관공서 근무시간 (평일 09:00–18:00, 점심 12:00–13:00, 공휴일 제외)',
    timezone: 'Asia/Seoul',
    hours: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: [], sun: [] },
    holiday_sets: ['KR'],
  },
  {
    key: 'kr-working-days',
    name: '근무일 (평일 00:00–24:00, 주말·공휴일 제외)',
    timezone: 'Asia/Seoul',
    hours: { mon: wholeDay, tue: wholeDay, wed: wholeDay, thu: wholeDay, fri: wholeDay, sat: [], sun: [] },
    holiday_sets: ['KR'],
  },
];

/** Ships the two Korean calendar presets and the default 48-hour policy of the charter. */
export async function up(knex: Knex): Promise<void> {
  const now = Date.now();
  for (const preset of CALENDAR_PRESETS) {
    const exists = await knex('calendars').where({ key: preset.key }).first();
    if (exists) continue;
    await knex('calendars').insert({
      key: preset.key,
      name: preset.name,
      timezone: preset.timezone,
      hours: JSON.stringify(preset.hours),
      holiday_sets: JSON.stringify(preset.holiday_sets),
      created_at: now,
      updated_at: now,
    });
  }
  const hasDefault = await knex('sla_policies').where({ is_default: true }).first();
  if (!hasDefault) {
    await knex('sla_policies').insert({
      name: '공공구매 문의 48시간',
      match_category: null,
      match_priority: null,
      resolution_target: 'PT48H',
      first_response_target: null,
      clock: 'calendar',
      calendar_id: null,
      pause_on_pending: true,
      warnings: JSON.stringify(['PT12H', 'PT2H']),
      escalations: JSON.stringify([
        { after: 'PT0S', notify: ['role:supervisor'] },
        { after: 'PT24H', notify: ['role:admin'] },
      ]),
      is_default: true,
      created_at: now,
      updated_at: now,
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex('sla_policies').where({ is_default: true, name: '공공구매 문의 48시간' }).delete();
  await knex('calendars')
    .whereIn(
      'key',
      CALENDAR_PRESETS.map((p) => p.key),
    )
    .delete();
}
