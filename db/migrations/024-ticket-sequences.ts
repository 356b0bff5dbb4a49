import type { Knex } from 'knex';

/**
 * PostgreSQL numbers tickets from a sequence per year (`ticket_seq_<year>`): `nextval` never waits
 * for another transaction, where the `ticket_counters` row's upsert held a row lock until commit
 * and so let one creation through at a time. `ticket_number_next(year)` returns the year's next
 * number, creating the year's sequence on its first use, started after the highest number the
 * year already has (its counter row, or any ticket numbered so far — a restored database). Two
 * first uses at once: one creates it, the other finds it made. A rolled-back creation leaves a
 * gap in the numbers (as any sequence does); numbers stay unique and increasing.
 *
 * SQLite keeps the counter row: it has one writer anyway, and the row gives a rolled-back number
 * back. `create or replace`, so it is safe to run again.
 */
export async function up(knex: Knex): Promise<void> {
  if (knex.client.dialect !== 'postgresql') return;
  await knex.raw(`
    create or replace function ticket_number_next(y integer) returns bigint language plpgsql as $$
    declare
      seq text := 'ticket_seq_' || y;
      start bigint;
    begin
      if to_regclass(seq) is null then
        select greatest(
          coalesce((select last_seq from ticket_counters where year = y), 0),
          coalesce((select max(cast(substr(number, 9) as bigint)) from tickets where number like 'PQ-' || y || '-%'), 0)
        ) + 1 into start;
        begin
          execute format('create sequence if not exists %I start with %s', seq, start);
        exception when unique_violation or duplicate_table then
          null; -- another transaction created it a moment ago
        end;
      end if;
      return nextval(seq::regclass);
    end $$`);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.dialect !== 'postgresql') return;
  await knex.raw('drop function if exists ticket_number_next(integer)');
}
