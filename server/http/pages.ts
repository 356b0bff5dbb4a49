import { z } from 'zod';
import type { Page } from '../../core/ports';

/** A UTC timestamp as the API writes it (`2026-02-13T01:00:00.000Z`). */
export const UtcTimestamp = z.string().meta({ format: 'date-time', description: 'UTC timestamp (ends in Z)' });

/** The wire shape of a page: its items and the cursor of the next page (null on the last). */
export const pageSchema = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), next_cursor: z.string().nullable() });

/** A core page as sent: each item through its view. */
export function pageView<T, V>(page: Page<T>, view: (item: T) => V): { items: V[]; next_cursor: string | null } {
  return { items: page.items.map(view), next_cursor: page.nextCursor };
}
