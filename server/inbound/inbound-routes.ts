import { z } from 'zod';
import type { IntakeService } from '../../core/intake/intake-service';
import { INBOUND_OUTCOMES } from '../../core/model';
import type { InboundRecord } from '../../core/ports';
import { UtcTimestamp, pageSchema, pageView } from '../http/pages';
import { route } from '../http/routes';
import { IdParam, PageQuerySchema } from '../http/validate';

const ListInbound = z.strictObject({
  ...PageQuerySchema,
  outcome: z.enum(INBOUND_OUTCOMES, { message: `must be one of ${INBOUND_OUTCOMES.join(', ')}` }).optional(),
});

/** One processed inbound mail on the wire. */
export const InboundMailSchema = z
  .object({
    id: z.number().int(),
    message_id: z.string().describe('As in the header; `<sha256@no-message-id>` for a mail without one'),
    from: z.string().nullable(),
    from_name: z.string().nullable(),
    subject: z.string(),
    received_at: UtcTimestamp.describe('When the intake received it (LMTP: the end of DATA)'),
    processed_at: UtcTimestamp,
    outcome: z.enum(INBOUND_OUTCOMES),
    ticket_id: z.number().int().nullable(),
    message: z.number().int().nullable().describe('The ticket message it became (message_added)'),
    reason: z.string().nullable(),
    size: z.number().int(),
    sha256: z.string(),
    duplicate_of: z.number().int().nullable(),
    decided_by: z.number().int().nullable().describe('Who accepted or discarded it, when it was held'),
    decided_at: UtcTimestamp.nullable(),
  })
  .meta({ id: 'InboundMail' });

/** One inbound mail with its text: what matters (quoted history stripped) and the whole decoded body. */
export const InboundMailDetailSchema = z
  .object({
    ...InboundMailSchema.shape,
    text: z.string().describe('The text that matters: the body without the quoted history'),
    full_text: z.string().describe('The whole decoded body; the raw message is at …/raw'),
  })
  .meta({ id: 'InboundMailDetail' });

const AcceptBody = z.strictObject({
  ticket_id: z
    .union([
      z.number().int().positive(),
      z.string().regex(/^PQ-\d{4}-\d{6}$/, 'must be a ticket id or number (PQ-2026-000123)'),
      z.string().regex(/^\d+$/, 'must be a ticket id or number (PQ-2026-000123)').transform(Number),
    ])
    .optional()
    .describe('The ticket to add the mail to (id or number); without it the mail becomes a new inquiry'),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function inboundView(r: InboundRecord): z.output<typeof InboundMailSchema> {
  return {
    id: r.id,
    message_id: r.messageId,
    from: r.fromAddress,
    from_name: r.fromName,
    subject: r.subject,
    received_at: r.receivedAt.toISOString(),
    processed_at: r.processedAt.toISOString(),
    outcome: r.outcome,
    ticket_id: r.ticketId,
    message: r.ticketMessageId,
    reason: r.reason,
    size: r.size,
    sha256: r.sha256,
    duplicate_of: r.duplicateOf,
    decided_by: r.decidedBy,
    decided_at: iso(r.decidedAt),
  };
}

const detailView = (r: InboundRecord): z.output<typeof InboundMailDetailSchema> => ({
  ...inboundView(r),
  text: r.text,
  full_text: r.fullText,
});

/** The original of an inbound mail as one page of text: the headers people read, then the whole body. */
function originalText(r: InboundRecord): string {
  const lines = [
    `From: ${r.fromName ? `${r.fromName} <${r.fromAddress ?? ''}>` : (r.fromAddress ?? '')}`,
    `Subject: ${r.subject}`,
    `Received: ${r.receivedAt.toISOString()}`,
    `Message-ID: ${r.messageId}`,
    '',
    r.fullText,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Inbound mail: the admin's list and decisions on held mail; any staff member reads one mail's
 * original (`원문 보기` on a message that came by mail) and its raw message.
 */
export function inboundRoutes(intake: IntakeService) {
  const params = z.object({ id: IdParam });
  return [
    route({
      method: 'get',
      path: '/api/v1/inbound',
      summary: 'Processed inbound mail, newest first, optionally of one outcome',
      access: 'admin',
      success: 200,
      operationId: 'listInboundMail',
      query: ListInbound,
      response: pageSchema(InboundMailSchema),
      handler: async ({ query }) =>
        pageView(await intake.list({ outcome: query.outcome }, { limit: query.limit, cursor: query.cursor }), inboundView),
    }),
    route({
      method: 'get',
      path: '/api/v1/inbound/:id',
      summary: 'One inbound mail with its text',
      access: 'agent',
      success: 200,
      operationId: 'getInboundMail',
      params,
      response: InboundMailDetailSchema,
      handler: async ({ params: p }) => detailView(await intake.get(p.id)),
    }),
    route({
      method: 'get',
      path: '/api/v1/inbound/:id/original',
      summary: 'The whole text of an inbound mail, as plain text (원문 보기)',
      access: 'agent',
      success: 200,
      operationId: 'getInboundMailOriginal',
      params,
      mediaTypes: ['text/plain'],
      handler: async ({ res, params: p }) => {
        const r = await intake.get(p.id);
        res.status(200).type('text/plain; charset=utf-8').set('Cache-Control', 'private, no-store').send(originalText(r));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/inbound/:id/raw',
      summary: 'The raw message as received (RFC 5322), as a download',
      access: 'agent',
      success: 200,
      operationId: 'getInboundMailRaw',
      params,
      mediaTypes: ['message/rfc822'],
      handler: async ({ res, params: p }) => {
        const { bytes } = await intake.raw(p.id);
        res.attachment(`inbound-${p.id}.eml`);
        res.status(200).type('message/rfc822').set('Cache-Control', 'private, no-store').send(bytes);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/inbound/:id/accept',
      summary: 'Accept a held mail into a ticket (ticket_id) or as a new inquiry of its sender',
      access: 'admin',
      success: 200,
      operationId: 'acceptInboundMail',
      params,
      body: AcceptBody,
      bodyOptional: true,
      response: InboundMailDetailSchema,
      handler: async ({ user, params: p, body }) => detailView(await intake.accept(user, p.id, { ticket_id: body.ticket_id })),
    }),
    route({
      method: 'post',
      path: '/api/v1/inbound/:id/discard',
      summary: 'Discard a held mail (it stays recorded as rejected)',
      access: 'admin',
      success: 200,
      operationId: 'discardInboundMail',
      params,
      body: z.strictObject({}),
      bodyOptional: true,
      response: InboundMailDetailSchema,
      handler: async ({ user, params: p }) => detailView(await intake.discard(user, p.id)),
    }),
  ];
}
