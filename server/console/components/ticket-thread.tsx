import type { Locale, User } from '../../../core/model';
import type { MessageDetail, TicketDetail } from '../../../core/tickets/ticket-service';
import { koreanDateTime } from '../client/time-format';
import { ROLE_LABELS, t } from '../labels';
import { AttachmentLinks } from './attachment-links';

/** Where the thread (and with it the rest of the page) is fetched again when the ticket changes. */
export const livePath = (ticketId: number) => `/tickets/${ticketId}/live`;

/**
 * The conversation, oldest first: the inquiry itself, then every message the viewer may see
 * (the service leaves internal notes out for officers). Internal notes are set apart by colour,
 * border and a `내부 메모` label, not by colour alone. The list refetches itself (with the rest of
 * the page, out of band) when the live stream reports anything about this ticket, and carries the
 * latest message id it shows for the stale-reply guard.
 */
export function TicketThread(props: {
  detail: TicketDetail;
  messages: MessageDetail[];
  lastMessageId: number;
  /** The inbound mail the inquiry came from (staff only), linked as 원문 보기. */
  inquiryInboundId?: number | null;
  viewer: User;
  locale: Locale;
}) {
  const { detail, messages, viewer, locale } = props;
  const { ticket, requester } = detail;
  return (
    <ol
      id="thread"
      class="thread"
      data-last-message-id={String(props.lastMessageId)}
      hx-get={livePath(ticket.id)}
      // A short quiet period instead of a throttle: one transaction writes several events at
      // once, and the fetch must come after the last of them, not after the first.
      hx-trigger={`live:ticket-${ticket.id} from:body delay:250ms`}
      hx-swap="outerHTML"
    >
      <li class="message message-inquiry" id="inquiry">
        <div class="message-meta">
          <strong class="message-label">{t(locale, 'originalInquiry')}</strong>
          <span class="message-author">{author(requester, viewer, locale)}</span>
          <time datetime={ticket.receivedAt.toISOString()}>{koreanDateTime(ticket.receivedAt, locale)}</time>
          {props.inquiryInboundId ? <OriginalLink inboundId={props.inquiryInboundId} locale={locale} /> : null}
        </div>
        <div class="message-body">{ticket.body}</div>
        <AttachmentLinks attachments={detail.attachments} locale={locale} />
      </li>
      {messages.map(({ message: m, author: a, attachments, inboundId }) => {
        const staff = a !== null && a.role !== 'officer';
        const cls = m.internal ? 'message message-internal' : staff ? 'message message-staff' : 'message';
        return (
          <li class={cls} id={`message-${m.id}`} data-message-id={String(m.id)}>
            <div class="message-meta">
              {m.internal && <strong class="badge-internal">{t(locale, 'internalNote')}</strong>}
              <span class="message-author">{a ? author(a, viewer, locale) : t(locale, 'unknownAuthor')}</span>
              <time datetime={m.createdAt.toISOString()}>{koreanDateTime(m.createdAt, locale)}</time>
              {inboundId ? <OriginalLink inboundId={inboundId} locale={locale} /> : null}
            </div>
            <div class="message-body">{m.body}</div>
            <AttachmentLinks attachments={attachments} locale={locale} />
          </li>
        );
      })}
      {messages.length === 0 && <li class="thread-empty muted">{t(locale, 'noRepliesYet')}</li>}
    </ol>
  );
}

/**
 * `원문 보기` on a message (or the inquiry) that came by mail: the whole mail as received, quoted
 * history included (the service gives the id to staff only). Opens the API's plain-text original,
 * which the session cookie authenticates.
 */
function OriginalLink(props: { inboundId: number; locale: Locale }) {
  return (
    <a class="message-original" href={`/api/v1/inbound/${props.inboundId}/original`} target="_blank" rel="noopener">
      {t(props.locale, 'viewOriginal')}
    </a>
  );
}

/** `김담당 (상담원)`, or the officer's organization beside their name. */
function author(u: User, viewer: User, locale: Locale): string {
  const what = u.role === 'officer' ? (u.organization ?? ROLE_LABELS[locale].officer) : ROLE_LABELS[locale][u.role];
  const me = u.id === viewer.id ? (locale === 'ko' ? ' · 나' : ' · you') : '';
  return `${u.name} (${what}${me})`;
}
