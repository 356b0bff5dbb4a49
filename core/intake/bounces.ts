/**
 * Delivery reports and bounces that come back to the intake: the outbox row a report answers is
 * marked failed with the reason, `email.failed` is recorded on its ticket, and a permanent failure
 * flags the address on its user.
 */
import type { ParsedMail, Stores } from '../ports';
import { type Decision, type MailText, recorded } from './intake-model';
import { oneLine } from './reply-text';
import { quotedMessageIds } from './threading';

/** A delivery report (or a plain bounce from a mailer daemon): the outbox row it answers fails, its address is flagged. */
export async function bounce(s: Stores, mail: ParsedMail, text: MailText, now: Date): Promise<Decision> {
  const report = mail.deliveryReport;
  const failed = report?.recipients.filter((r) => r.action === 'failed') ?? [];
  if (report && failed.length === 0) {
    const actions = [...new Set(report.recipients.map((r) => r.action))].join(', ') || 'none';
    return recorded('auto_reply', `a delivery report without a failure (Action: ${actions})`);
  }
  const ids = [...new Set([...(report?.originalMessageIds ?? []), ...quotedMessageIds(text.full)])];
  const rows = (await s.outbox.byMessageIds(ids)).filter((r, i, all) => all.findIndex((o) => o.id === r.id) === i);
  const who = failed.map((r) => r.finalRecipient).filter(Boolean);
  if (!rows.length) {
    return recorded(
      'bounce',
      `a delivery failure${who.length ? ` for ${who.join(', ')}` : ''} that names none of our mails; nothing changed`,
    );
  }
  const reasons: string[] = [];
  for (const row of rows) {
    const r = failed.find((f) => f.finalRecipient?.toLowerCase() === row.toAddress.toLowerCase()) ?? failed[0] ?? null;
    const words = r
      ? [r.status, r.diagnostic].filter(Boolean).join(' ')
      : (text.full.split('\n').find((l) => /\b[45]\d\d\b|\b[45]\.\d+\.\d+\b/.test(l)) ?? text.full.split('\n')[0] ?? '');
    const reason = `bounced: ${oneLine(words, 400, 'delivery failed')}`;
    await s.outbox.markBounced(row.id, reason, now);
    if (row.ticketId !== null)
      await s.events.add({
        ticketId: row.ticketId,
        type: 'email.failed',
        at: now,
        actorId: null,
        public: false,
        data: { outbox_id: row.id, template: row.template, to: row.toAddress, error: reason, bounce: true },
      });
    // A permanent failure (5.x.x, or a report without a status) flags the address for agents.
    const permanent = !r?.status || r.status.startsWith('5');
    if (permanent && row.toUserId !== null) await s.users.flagBounced(row.toUserId, reason, now);
    reasons.push(`outbox ${row.id} (${row.toAddress}): ${reason}`);
  }
  return recorded('bounce', reasons.join('; '), { ticketId: rows[0]!.ticketId });
}
