import type { Knex } from 'knex';

/**
 * A standard record can be voided by a supervisor (a typo corrected): it stays, with who voided
 * it, when and why, and no longer counts towards compliance. Records are never deleted.
 *
 * Checks before acting, so it is safe to run against a half-migrated database.
 */
const COLUMNS = ['voided_at', 'voided_by', 'void_reason'] as const;

export async function up(knex: Knex): Promise<void> {
  const missing: string[] = [];
  for (const c of COLUMNS) if (!(await knex.schema.hasColumn('standard_records', c))) missing.push(c);
  if (!missing.length) return;
  await knex.schema.alterTable('standard_records', (t) => {
    if (missing.includes('voided_at')) t.bigInteger('voided_at');
    if (missing.includes('voided_by')) t.integer('voided_by').references('users.id');
    if (missing.includes('void_reason')) t.string('void_reason', 500);
  });
}

export async function down(knex: Knex): Promise<void> {
  const present: string[] = [];
  for (const c of COLUMNS) if (await knex.schema.hasColumn('standard_records', c)) present.push(c);
  if (present.length)
    await knex.schema.alterTable('standard_records', (t) => {
      t.dropColumns(...present);
    });
}
