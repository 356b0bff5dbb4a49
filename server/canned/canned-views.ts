import type { z } from 'zod';
import type { CannedAuditEntry, CannedResponse } from '../../core/ports';
import type { CannedAuditSchema, CannedResponseSchema } from './canned-schemas';

/** A canned response as sent. */
export const cannedView = (c: CannedResponse): z.output<typeof CannedResponseSchema> => ({
  id: c.id,
  title: c.title,
  body: c.body,
  locale: c.locale,
  category: c.category,
  shortcut: c.shortcut,
  created_at: c.createdAt.toISOString(),
  updated_at: c.updatedAt.toISOString(),
  created_by: c.createdBy,
  updated_by: c.updatedBy,
});

/** One audit entry as sent. */
export const cannedAuditView = (e: CannedAuditEntry): z.output<typeof CannedAuditSchema> => ({
  id: e.id,
  canned_response_id: e.cannedResponseId,
  action: e.action,
  actor_id: e.actorId,
  at: e.at.toISOString(),
  before: e.before,
  after: e.after,
});
