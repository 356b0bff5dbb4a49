import { manualClock } from '../../core/clock';
import { createStandardStore } from '../../db/stores/standard-store';
import { bearer, testStack, type TestUser } from './test-app';

/** One standard-alert outbox row, its data parsed. */
export interface AlertRow {
  ticket_id: number | null;
  to_user_id: number | null;
  to_address: string;
  locale: string;
  status: string;
  data: Record<string, unknown>;
}

/**
 * testStack with the standards routes mounted and a steerable clock shared by the tickets and
 * the standards service, so period edges and pace are exact.
 */
export async function standardsStack(at: string) {
  const clock = manualClock(at);
  const s = await testStack({ clock });
  // The trackers were set up long before the test clock (the migration stamps the real time).
  await s.db.knex('standards').update({ created_at: Date.parse('2020-01-01T00:00:00Z') });
  const service = s.services.standards;
  const store = createStandardStore(s.db.knex);
  return {
    s,
    clock,
    service,
    store,
    /** POSTs one record as `who`. */
    record: (who: TestUser | { token: string }, id: string, body: unknown) =>
      s.http
        .post(`/api/v1/standards/${id}/records`)
        .set('authorization', bearer(who))
        .send(body as object),
    compliance: (who: TestUser | { token: string }, id: string, period?: string) =>
      s.http.get(`/api/v1/standards/${id}/compliance${period ? `?period=${period}` : ''}`).set('authorization', bearer(who)),
    /** standard-alert outbox rows of one standard, with their data parsed. */
    async alerts(standardId: string): Promise<AlertRow[]> {
      const rows = await s.db.knex('outbox').where({ template: 'standard-alert' }).orderBy('id');
      return rows
        .map(
          (r: Record<string, unknown>): AlertRow => ({
            ticket_id: r.ticket_id === null ? null : Number(r.ticket_id),
            to_user_id: r.to_user_id === null ? null : Number(r.to_user_id),
            to_address: String(r.to_address),
            locale: String(r.locale),
            status: String(r.status),
            data: JSON.parse(String(r.data)) as Record<string, unknown>,
          }),
        )
        .filter((r) => r.data.standardId === standardId);
    },
  };
}

export type StandardsStack = Awaited<ReturnType<typeof standardsStack>>;
