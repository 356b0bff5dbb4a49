/**
 * SLA set-ups of the issue-12 journeys, made through the API as a supervisor would: a policy so
 * short that its tickets breach within the test (wall clock, escalated to the supervisors at the
 * breach), and a working-hours policy on `kr-public-office` whose deadlines move with a holiday.
 * Each is matched by a priority no other journey uses, so the rest of the run keeps the default
 * 48-hour policy; each is made once per product (the server outlives the tests of a worker).
 */
import { expect, type Locator, type Page } from '@playwright/test';
import type { ApiTicket } from './console';
import type { Person, Product } from './product';

/** How long after receipt a ticket under the short policy breaches. */
export const SHORT_TARGET_SECONDS = 15;

/** The policies of one product, by purpose. */
const made = new WeakMap<Product, Map<string, Promise<number>>>();

async function policyOnce(product: Product, purpose: string, create: () => Promise<number>): Promise<number> {
  let byPurpose = made.get(product);
  if (!byPurpose) made.set(product, (byPurpose = new Map()));
  let id = byPurpose.get(purpose);
  if (!id) {
    id = create();
    byPurpose.set(purpose, id);
  }
  return id;
}

/** A policy over `urgent` tickets: due SHORT_TARGET_SECONDS after receipt, level 1 to every supervisor at the breach. */
export function shortPolicy(product: Product): Promise<number> {
  return policyOnce(product, 'short', async () => {
    const res = await product.api(product.people.supervisor).post<{ id: number }>('/api/v1/sla-policies', {
      name: `긴급 점검 ${SHORT_TARGET_SECONDS}초`,
      match: { priority: 'urgent' },
      resolution_target: `PT${SHORT_TARGET_SECONDS}S`,
      clock: 'calendar',
      warnings: [],
      escalations: [{ after: 'PT0S', notify: ['role:supervisor'] }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  });
}

/** A policy over `high` tickets: 48 working hours on the statutory calendar `kr-public-office`. */
export function businessPolicy(product: Product): Promise<number> {
  return policyOnce(product, 'business', async () => {
    const supervisor = product.api(product.people.supervisor);
    const calendar = await supervisor.get<{ id: number }>('/api/v1/calendars/kr-public-office');
    expect(calendar.status, JSON.stringify(calendar.body)).toBe(200);
    const res = await supervisor.post<{ id: number }>('/api/v1/sla-policies', {
      name: '법정 처리기간 48근무시간',
      match: { priority: 'high' },
      resolution_target: 'PT48H',
      clock: 'business',
      calendar_id: calendar.body.id,
      warnings: ['PT8H'],
      escalations: [{ after: 'PT0S', notify: ['role:supervisor'] }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  });
}

/** A ticket the officer submits through the API with a priority (and so a policy) of the test's choosing. */
export async function ticketWithPriority(
  product: Product,
  officer: Person,
  inquiry: { subject: string; body: string; priority: 'urgent' | 'high' },
): Promise<ApiTicket> {
  const res = await product.api(officer).post<ApiTicket>('/api/v1/tickets', inquiry);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Milliseconds until a ticket's deadline (0 when it has passed). */
export function msUntil(iso: string): number {
  return Math.max(0, Date.parse(iso) - Date.now());
}

/**
 * The `section` of a page headed `name` (docs/console.md: the board's `기한 초과` and `기한 임박`): the
 * innermost section with that heading, whatever the heading's level or wrapper.
 */
export function sectionHeaded(page: Page, name: string): Locator {
  const heading = page.getByRole('heading', { name, exact: true });
  const withHeading = page.locator('section').filter({ has: heading });
  return withHeading.filter({ hasNot: page.locator('section').filter({ has: heading }) });
}

/** The Seoul calendar date (YYYY-MM-DD) of an instant. */
export function seoulDate(iso: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(iso),
  );
}
