import type { Knex } from 'knex';

/** Users, tickets, messages, events, ratings, idempotency keys and the ticket-number counter. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('email', 320).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('role', 20).notNullable();
    t.string('organization', 200);
    t.string('locale', 5).notNullable().defaultTo('ko');
    t.boolean('active').notNullable().defaultTo(true);
    t.string('token_hash', 64).notNullable().unique();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('calendars', (t) => {
    t.increments('id');
    t.string('key', 80).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('timezone', 64).notNullable();
    t.text('hours').notNullable();
    t.text('holiday_sets').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('calendar_holidays', (t) => {
    t.integer('calendar_id').notNullable().references('calendars.id').onDelete('CASCADE');
    t.string('date', 10).notNullable();
    t.string('name', 200).notNullable();
    // true: the date is taken OUT of the calendar's holiday sets (a set holiday an admin removed)
    t.boolean('removed').notNullable().defaultTo(false);
    t.primary(['calendar_id', 'date']);
  });

  await knex.schema.createTable('sla_policies', (t) => {
    t.increments('id');
    t.string('name', 200).notNullable();
    t.string('match_category', 80);
    t.string('match_priority', 10);
    t.string('resolution_target', 40).notNullable();
    t.string('first_response_target', 40);
    t.string('clock', 10).notNullable();
    t.integer('calendar_id').references('calendars.id');
    t.boolean('pause_on_pending').notNullable().defaultTo(true);
    t.text('warnings').notNullable();
    t.text('escalations').notNullable();
    t.boolean('is_default').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('ticket_counters', (t) => {
    t.integer('year').primary();
    t.integer('last_seq').notNullable();
  });

  await knex.schema.createTable('tickets', (t) => {
    t.increments('id');
    t.string('number', 20).notNullable().unique();
    t.string('subject', 200).notNullable();
    t.text('body').notNullable();
    t.text('search_text').notNullable();
    t.string('category', 80).notNullable();
    t.string('priority', 10).notNullable();
    t.string('status', 10).notNullable();
    t.string('channel', 10).notNullable();
    t.integer('requester_id').notNullable().references('users.id');
    t.integer('assignee_id').references('users.id');
    t.bigInteger('received_at').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('first_responded_at');
    t.bigInteger('resolved_at');
    // SLA clock state (see core/sla/sla-clock.ts)
    t.integer('policy_id').notNullable().references('sla_policies.id');
    t.string('sla_state', 10).notNullable();
    t.bigInteger('due_at').notNullable();
    t.bigInteger('first_response_due_at');
    t.bigInteger('sla_paused_at');
    t.bigInteger('sla_paused_seconds').notNullable().defaultTo(0);
    t.bigInteger('breached_at');
    t.bigInteger('sla_stopped_at');
    t.integer('escalation_level').notNullable().defaultTo(0);
    t.integer('deadline_version').notNullable().defaultTo(1);
    t.index(['status', 'due_at']);
    t.index(['requester_id', 'id']);
    t.index(['assignee_id', 'id']);
    t.index(['sla_state', 'due_at']);
    t.index(['policy_id']);
  });

  await knex.schema.createTable('messages', (t) => {
    t.increments('id');
    t.integer('ticket_id').notNullable().references('tickets.id');
    t.integer('author_id').notNullable().references('users.id');
    t.text('body').notNullable();
    t.boolean('internal').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.index(['ticket_id', 'id']);
  });

  await knex.schema.createTable('events', (t) => {
    t.increments('id');
    t.integer('ticket_id').references('tickets.id');
    t.string('type', 40).notNullable();
    t.bigInteger('at').notNullable();
    t.integer('actor_id').references('users.id');
    // whether the requester may see it (false for internal notes, SLA internals, refused access)
    t.boolean('public').notNullable().defaultTo(false);
    t.text('data').notNullable();
    t.index(['ticket_id', 'id']);
    t.index(['type', 'at']);
  });

  await knex.schema.createTable('ratings', (t) => {
    t.increments('id');
    t.integer('ticket_id').notNullable().unique().references('tickets.id');
    t.integer('user_id').notNullable().references('users.id');
    t.integer('score').notNullable();
    t.text('comment');
    t.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.integer('user_id').notNullable().references('users.id');
    t.string('key', 200).notNullable();
    t.string('request_hash', 64).notNullable();
    t.integer('status').notNullable();
    t.text('response').notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['user_id', 'key']);
  });

  // One row per (ticket, deadline version, milestone): the unique key that makes each warning,
  // breach and escalation step happen exactly once however often its job runs.
  await knex.schema.createTable('sla_milestones', (t) => {
    t.increments('id');
    t.integer('ticket_id').notNullable().references('tickets.id');
    t.integer('deadline_version').notNullable();
    t.string('milestone', 40).notNullable();
    t.bigInteger('due_at').notNullable();
    t.bigInteger('recorded_at').notNullable();
    t.boolean('recovered').notNullable().defaultTo(false);
    t.unique(['ticket_id', 'deadline_version', 'milestone']);
    t.index(['milestone', 'recorded_at']);
  });

  await knex.schema.createTable('escalations', (t) => {
    t.increments('id');
    t.integer('ticket_id').notNullable().references('tickets.id');
    t.integer('level').notNullable();
    t.integer('milestone_id').notNullable().unique().references('sla_milestones.id');
    t.text('notified').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('acknowledged_at');
    t.integer('acknowledged_by').references('users.id');
    t.index(['acknowledged_at', 'id']);
  });

  await knex.schema.createTable('outbox', (t) => {
    t.increments('id');
    t.integer('ticket_id').references('tickets.id');
    t.integer('to_user_id').references('users.id');
    t.string('to_address', 320).notNullable();
    t.string('to_name', 200);
    t.string('locale', 5).notNullable();
    t.string('template', 40).notNullable();
    t.text('data').notNullable();
    t.string('subject', 400).notNullable().defaultTo('');
    t.string('status', 10).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.text('last_error');
    t.string('message_id', 300).notNullable().defaultTo('');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('sent_at');
    t.index(['status', 'next_attempt_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'outbox',
    'escalations',
    'sla_milestones',
    'idempotency_keys',
    'ratings',
    'events',
    'messages',
    'tickets',
    'ticket_counters',
    'sla_policies',
    'calendar_holidays',
    'calendars',
    'users',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
