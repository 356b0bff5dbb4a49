import { atLeast, type Locale, type User } from '../../../core/model';
import type { TicketOverview } from '../../../core/tickets/ticket-reads';
import type { EventDetail, MessageDetail, TicketDetail } from '../../../core/tickets/ticket-service';
import { koreanShortDateTime } from '../client/time-format';
import type { PeopleNames } from '../components/ticket-event-words';
import {
  type FieldErrors,
  RatingSection,
  type RatingDraft,
  type ReplyDraft,
  ReplyForm,
  StaffControls,
  ticketPath,
} from '../components/ticket-forms';
import { AuditTrail, SlaPanel } from '../components/ticket-sla-panel';
import { TicketSummary } from '../components/ticket-summary';
import { TicketThread } from '../components/ticket-thread';
import { STATUS_LABELS, t, type LabelKey } from '../labels';
import { Layout } from '../layout';

/** Everything the ticket page shows, read through the services as the viewer. */
export interface TicketPageData {
  overview: TicketOverview;
  messages: MessageDetail[];
  events: EventDetail[];
  /** Whom the ticket may be assigned to (staff; empty for officers). */
  assignees: User[];
  /** The requester's other inquiries, newest first (staff; empty for officers). */
  others: TicketDetail[];
  /** The latest message the viewer may see (0: none), for the stale-reply guard. */
  lastMessageId: number;
  /** The largest file the reply form takes (bytes). */
  uploadLimit: number;
  /** The inbound mail the inquiry came from (staff; null otherwise): its 원문 보기. */
  inquiryInboundId?: number | null;
  people: PeopleNames;
  now: Date;
}

/** What a POST handed back to the page: a kept draft, errors beside fields, a done notice. */
export interface TicketPageState {
  reply?: ReplyDraft;
  controlErrors?: FieldErrors;
  rating?: RatingDraft;
  done?: DoneKind;
}

export const DONE_KINDS = { sent: 'doneSent', saved: 'doneSaved', assigned: 'doneAssigned', rated: 'doneRated' } as const satisfies Record<
  string,
  LabelKey
>;
export type DoneKind = keyof typeof DONE_KINDS;

const hasErrors = (s: TicketPageState) =>
  Boolean(
    (s.reply && Object.keys(s.reply.errors).length) ||
      (s.controlErrors && Object.keys(s.controlErrors).length) ||
      (s.rating && Object.keys(s.rating.errors).length),
  );

/**
 * The ticket page `/tickets/:id`: its head (number, subject, status, the live deadline and what
 * its clock counts), the conversation, the rating, the reply form; for staff also the controls,
 * the SLA panel and the requester's other inquiries; the audit trail. `#ticket` carries the
 * hooks the client widgets use (`data-ticket-id`, `data-ticket-number`, `data-last-message-id`).
 */
export function TicketPage(props: { data: TicketPageData; viewer: User; state?: TicketPageState }) {
  const { data, viewer } = props;
  const state = props.state ?? {};
  const locale = viewer.locale;
  const { ticket } = data.overview.detail;
  const staff = atLeast(viewer.role, 'agent');
  return (
    <Layout title={`${ticket.number} ${ticket.subject}`} wide>
      <section
        id="ticket"
        class="ticket-page"
        data-ticket-id={String(ticket.id)}
        data-ticket-number={ticket.number}
        data-last-message-id={String(data.lastMessageId)}
        aria-labelledby="ticket-subject"
      >
        <div id="presence" role="status" aria-live="polite" />
        {state.done && (
          <div class="notice notice-success" role="status">
            {t(locale, DONE_KINDS[state.done])}
          </div>
        )}
        {hasErrors(state) && !state.reply?.stale && (
          <div class="notice notice-danger" role="alert">
            {t(locale, 'errorSummary')}
          </div>
        )}
        <TicketSummary overview={data.overview} viewer={viewer} locale={locale} now={data.now} />
        <div class={staff ? 'ticket-columns' : 'ticket-columns ticket-columns-single'}>
          <div class="ticket-main">
            <section aria-labelledby="thread-heading">
              <h2 id="thread-heading" class="flush">
                {t(locale, 'conversation')}
              </h2>
              <TicketThread
                detail={data.overview.detail}
                messages={data.messages}
                lastMessageId={data.lastMessageId}
                inquiryInboundId={data.inquiryInboundId ?? null}
                viewer={viewer}
                locale={locale}
              />
            </section>
            <RatingSection ticket={ticket} rating={data.overview.rating} viewer={viewer} locale={locale} draft={state.rating} />
            <ReplyForm
              ticket={ticket}
              viewer={viewer}
              locale={locale}
              lastMessageId={data.lastMessageId}
              draft={state.reply}
              uploadLimit={data.uploadLimit}
            />
            <AuditTrail events={data.events} people={data.people} locale={locale} />
          </div>
          {staff && (
            <aside class="ticket-side" aria-label={t(locale, 'handlingHeading')}>
              <StaffControls ticket={ticket} assignees={data.assignees} viewer={viewer} locale={locale} errors={state.controlErrors} />
              <SlaPanel overview={data.overview} locale={locale} />
              <OtherInquiries others={data.others} locale={locale} />
            </aside>
          )}
        </div>
      </section>
    </Layout>
  );
}

/**
 * What the thread fetches when the live stream reports a change to this ticket: the thread
 * itself, and out of band the head, the SLA panel, the rating and the audit trail.
 */
export function TicketLive(props: { data: TicketPageData; viewer: User }) {
  const { data, viewer } = props;
  const locale = viewer.locale;
  const { ticket } = data.overview.detail;
  return (
    <>
      <TicketThread
        detail={data.overview.detail}
        messages={data.messages}
        lastMessageId={data.lastMessageId}
        inquiryInboundId={data.inquiryInboundId ?? null}
        viewer={viewer}
        locale={locale}
      />
      <TicketSummary overview={data.overview} viewer={viewer} locale={locale} now={data.now} oob />
      {atLeast(viewer.role, 'agent') && <SlaPanel overview={data.overview} locale={locale} oob />}
      <RatingSection ticket={ticket} rating={data.overview.rating} viewer={viewer} locale={locale} oob />
      <AuditTrail events={data.events} people={data.people} locale={locale} oob />
    </>
  );
}

/** The requester's other inquiries (staff): number, subject, status, when received. */
function OtherInquiries(props: { others: TicketDetail[]; locale: Locale }) {
  const { others, locale } = props;
  return (
    <section class="card side-card" aria-labelledby="others-heading">
      <h2 id="others-heading" class="flush">
        {t(locale, 'otherInquiries')}
      </h2>
      {others.length === 0 ? (
        <p class="muted">{t(locale, 'noOtherInquiries')}</p>
      ) : (
        <ul class="other-list">
          {others.map(({ ticket: o }) => (
            <li>
              <a href={ticketPath(o)} class="ticket-number">
                {o.number}
              </a>{' '}
              <span class={`chip chip-${o.status}`}>{STATUS_LABELS[locale][o.status]}</span>
              <span class="other-subject">{o.subject}</span>
              <span class="muted other-date">{koreanShortDateTime(o.receivedAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
