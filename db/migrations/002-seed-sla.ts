import type { Knex } from 'knex';
import { CALENDAR_PRESETS } from '../../core/time/presets';

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
  await knex('calendars').whereIn('key', CALENDAR_PRESETS.map((p) => p.key)).delete();
}
