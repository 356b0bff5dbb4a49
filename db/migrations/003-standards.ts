import type { Knex } from 'knex';

// The standards this migration seeds (id, target, period) and their default owners, written here
// as they were when the migration was written. A standard added to the catalogue later needs a
// migration of its own that inserts its row; a test checks that every catalogue standard has one.
const DEFAULT_STANDARD_OWNERS = ['role:supervisor', 'role:admin'];
const STANDARDS = [
  { id: 'startup-funding', target: 30000000, period: 'year' },
  { id: 'startup-education-hours', target: 20, period: 'year' },
  { id: 'homeroom-mentoring', target: 1, period: 'month' },
  { id: 'expert-mentoring', target: 3, period: 'year' },
  { id: 'center-consultations', target: 50, period: 'year' },
  { id: 'center-networking', target: 2, period: 'year' },
  { id: 'certification-info', target: 3, period: 'per-item' },
  { id: 'sales-channels', target: 5, period: 'year' },
  { id: 'estore-products', target: 10000, period: 'none' },
  { id: 'purchase-inquiry-48h', target: 100, period: 'per-item' },
  { id: 'consulting-satisfaction', target: 80, period: 'year' },
  { id: 'support-program-notices', target: 1, period: 'per-item' },
  { id: 'cooperation-models', target: 2, period: 'year' },
  { id: 'education-courses', target: 5, period: 'year' },
  { id: 'disclosure-match-rate', target: 85, period: 'year' },
  { id: 'disclosure-education', target: 1, period: 'year' },
  { id: 'disclosure-manual', target: 1, period: 'year' },
  { id: 'regional-networks', target: 15, period: 'none' },
  { id: 'system-availability', target: 365, period: 'year' },
  { id: 'maintenance-notice', target: 3, period: 'per-item' },
];

/**
 * The service standards as lighter trackers: their adjustable settings (seeded from the
 * catalogue), the records staff post, the last status of each subject (so an alert goes out once
 * per change) and the audit trail of admin changes.
 */
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('standards'))) {
    await knex.schema.createTable('standards', (t) => {
      // The catalogue id; everything else the catalogue holds is code.
      t.string('id', 60).primary();
      t.double('target').notNullable();
      t.string('period', 10).notNullable();
      // JSON array of notify targets: role:<role>, user:<id>, email:<address>
      t.text('owners').notNullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
    });
  }

  if (!(await knex.schema.hasTable('standard_records'))) {
    await knex.schema.createTable('standard_records', (t) => {
      t.increments('id');
      t.string('standard_id', 60).notNullable().references('standards.id');
      t.string('subject', 200);
      t.bigInteger('occurred_at').notNullable();
      t.double('value');
      t.string('ref', 200);
      t.text('note');
      t.bigInteger('event_at');
      t.integer('created_by').references('users.id');
      t.bigInteger('created_at').notNullable();
      t.index(['standard_id', 'occurred_at']);
    });
  }

  // One row per (standard, subject, period label): the status last seen. Changing it and queueing
  // the alert happen in one transaction, guarded by a compare-and-set on the old status.
  if (!(await knex.schema.hasTable('standard_statuses'))) {
    await knex.schema.createTable('standard_statuses', (t) => {
      t.string('standard_id', 60).notNullable().references('standards.id');
      // '*' = the standard as a whole (a primary key column cannot be null)
      t.string('subject', 200).notNullable();
      t.string('period', 10).notNullable();
      t.string('status', 10).notNullable();
      t.bigInteger('changed_at').notNullable();
      t.primary(['standard_id', 'subject', 'period']);
    });
  }

  if (!(await knex.schema.hasTable('standard_audit'))) {
    await knex.schema.createTable('standard_audit', (t) => {
      t.increments('id');
      t.string('standard_id', 60).notNullable().references('standards.id');
      t.integer('actor_id').references('users.id');
      t.bigInteger('at').notNullable();
      // JSON {field: {from, to}} of the settings that changed
      t.text('changes').notNullable();
      t.index(['standard_id', 'id']);
    });
  }

  const now = Date.now();
  for (const s of STANDARDS) {
    const exists = await knex('standards').where({ id: s.id }).first('id');
    if (exists) continue;
    await knex('standards').insert({
      id: s.id,
      target: s.target,
      period: s.period,
      owners: JSON.stringify(DEFAULT_STANDARD_OWNERS),
      created_at: now,
      updated_at: now,
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['standard_audit', 'standard_statuses', 'standard_records', 'standards']) {
    await knex.schema.dropTableIfExists(table);
  }
}
