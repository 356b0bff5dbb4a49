import type { Knex } from 'knex';

/**
 * Console sign-in by e-mailed one-time code.
 *
 * `sign_in_codes`: the one live code of an address (a new request replaces it). Neither the code
 * nor the address is stored as such: `address_hash` is the SHA-256 of the normalised address and
 * `code_hash` an HMAC-SHA-256 of the code keyed with the row's random `salt`. Rows exist for
 * unknown addresses too, so asking for a code does the same work whether or not the address
 * belongs to a user. `tries` counts the attempts spent on the code (dead at five).
 *
 * `sign_in_attempts`: what the per-address and per-client limits count: each code handed out
 * (`kind` = `code`) and each wrong code (`miss`), with the hashed address and the hashed client
 * address, kept for the limits' window only.
 *
 * Checks before acting, so it is safe to run again.
 */
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('sign_in_codes'))) {
    await knex.schema.createTable('sign_in_codes', (t) => {
      t.increments('id');
      t.string('address_hash', 64).notNullable().unique();
      t.string('salt', 32).notNullable();
      t.string('code_hash', 64).notNullable();
      t.integer('tries').notNullable().defaultTo(0);
      t.bigInteger('created_at').notNullable();
      t.bigInteger('expires_at').notNullable();
      t.index(['expires_at']);
    });
  }
  if (!(await knex.schema.hasTable('sign_in_attempts'))) {
    await knex.schema.createTable('sign_in_attempts', (t) => {
      t.increments('id');
      t.string('kind', 8).notNullable();
      t.string('address_hash', 64).nullable();
      t.string('client_hash', 64).notNullable();
      t.bigInteger('at').notNullable();
      t.index(['address_hash', 'kind', 'at']);
      t.index(['client_hash', 'kind', 'at']);
      t.index(['at']);
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sign_in_attempts');
  await knex.schema.dropTableIfExists('sign_in_codes');
}
