import { z } from 'zod';
import type { Page } from '../../core/ports';

/** The wire shape of a page: its items and the cursor of the next page (null on the last). */
export const pageSchema = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), next_cursor: z.string().nullable() });

/** A core page as sent: each item through its view. */
export function pageView<T, V>(page: Page<T>, view: (item: T) => V): { items: V[]; next_cursor: string | null } {
  return { items: page.items.map(view), next_cursor: page.nextCursor };
}
