/**
 * The views of `/inbound`: the list of held mail (or, for admins, of any outcome) as cards, each
 * with what a person needs to judge it (sender, subject, when it arrived in Korean time, why it was
 * held, the beginning of its text, `원문 보기`) and the two decisions, `받아들이기` (into a new
 * inquiry, or an existing one by number) and `버리기`; and the page that confirms a discard when
 * the browser runs no script.
 */
import { holdReasonOf } from '../../../core/intake/hold-reasons';
import type { InboundOutcome, Locale } from '../../../core/model';
import type { InboundRecord, Page } from '../../../core/ports';
import { koreanShortDateTime } from '../client/time-format';
import { CsrfField } from '../components/csrf-field';
import { HOLD_REASON_LABELS, type LabelKey, t } from '../labels';
import { Layout } from '../layout';

/** What the list shows: one outcome, or every outcome (admins). */
export type InboundFilter = InboundOutcome | 'all';

/** The filters in the order of the views row; agents see held mail only. */
export const FILTERS: readonly InboundFilter[] = [
  'held',
  'all',
  'ticket_created',
  'message_added',
  'auto_reply',
  'bounce',
  'rejected',
  'duplicate',
];

export const FILTER_LABELS: Record<InboundFilter, LabelKey> = {
  held: 'inboundHeld',
  all: 'inboundAll',
  ticket_created: 'inboundTicketCreated',
  message_added: 'inboundMessageAdded',
  auto_reply: 'inboundAutoReply',
  bounce: 'inboundBounce',
  rejected: 'inboundRejected',
  duplicate: 'inboundDuplicate',
};

/** A decision the form could not carry out: beside the field (`field`) or above the card (`notice`). */
export interface CardError {
  id: number;
  /** What was typed in `문의 번호`, kept for the next try. */
  ticketRef: string;
  field?: string;
  notice?: string;
}

/** A notice above the list (after a 303 or a refused decision). */
export interface Notice {
  kind: 'success' | 'warning' | 'danger';
  text: string;
}

const EXCERPT = 280;

/** The list's path with its filter (and a cursor; `fragment=results` for the live region alone). */
export function inboundHref(filter: InboundFilter, cursor?: string, fragment?: 'results'): string {
  const p = new URLSearchParams();
  if (filter !== 'held') p.set('outcome', filter);
  if (cursor) p.set('cursor', cursor);
  if (fragment) p.set('fragment', fragment);
  const qs = p.toString();
  return qs ? `/inbound?${qs}` : '/inbound';
}

/** The beginning of the mail's text on one line, for deciding without opening it. */
function excerptOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT ? `${line.slice(0, EXCERPT - 1)}…` : line;
}

/** `/inbound`: the views row (admins), the notice region, the cards and the pager. */
export function InboundPage(props: {
  locale: Locale;
  filter: InboundFilter;
  filters: readonly InboundFilter[];
  page: Page<InboundRecord>;
  paged: boolean;
  /** The cursor this page was read from (the live region reads the same page again). */
  cursor?: string;
  notice?: Notice;
  error?: CardError;
}) {
  const { locale, filter, filters, notice } = props;
  const title = t(locale, 'inboundTitle');
  return (
    <Layout title={filter === 'held' ? title : `${title}: ${t(locale, FILTER_LABELS[filter])}`} active="/inbound" wide>
      <h1>{title}</h1>
      <p class="muted">{t(locale, 'inboundIntro')}</p>
      <InboundNotice notice={notice} />
      {filters.length > 1 && (
        <nav class="views" aria-label={t(locale, 'inboundFilter')}>
          <ul>
            {filters.map((f) => (
              <li key={f}>
                <a href={inboundHref(f)} aria-current={f === filter ? 'page' : undefined}>
                  {t(locale, FILTER_LABELS[f])}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {/*
        The live region: mail held, accepted or discarded anywhere refreshes it (at most once a
        second, client/live-batch.ts), unless a ticket number typed in it is unsent (client/live-guard.ts).
      */}
      <div
        id="inbound-results"
        hx-get={inboundHref(filter, props.cursor, 'results')}
        hx-trigger="live:inbound-batch from:body, live:retry"
        hx-swap="innerHTML"
        data-live-guard
      >
        <InboundResults {...props} />
      </div>
    </Layout>
  );
}

/** The cards and the pager: what the live region swaps. */
export function InboundResults(props: {
  locale: Locale;
  filter: InboundFilter;
  page: Page<InboundRecord>;
  paged: boolean;
  error?: CardError;
}) {
  const { locale, filter, page, error } = props;
  return (
    <>
      <section aria-label={t(locale, 'inboundCaption')}>
        {page.items.length === 0 ? (
          <p class="empty inbound-empty">{t(locale, filter === 'held' ? 'inboundEmptyHeld' : 'inboundEmpty')}</p>
        ) : (
          <ul class="inbound-list">
            {page.items.map((r) => (
              <li key={r.id} class="inbound-item">
                <MailCard row={r} locale={locale} error={error?.id === r.id ? error : undefined} />
              </li>
            ))}
          </ul>
        )}
      </section>
      {(page.nextCursor || props.paged) && (
        <nav class="pager" aria-label={t(locale, 'pager')}>
          {props.paged && <a href={inboundHref(filter)}>{t(locale, 'pageFirst')}</a>}
          {page.nextCursor && (
            <a rel="next" href={inboundHref(filter, page.nextCursor)}>
              {t(locale, 'pageNext')}
            </a>
          )}
        </nav>
      )}
    </>
  );
}

/** The notice region above the list; `oob` for an htmx answer that also fills it. */
export function InboundNotice(props: { notice?: Notice; oob?: boolean }) {
  const { notice } = props;
  return (
    <div id="inbound-notice" role="status" aria-live="polite" hx-swap-oob={props.oob ? 'true' : undefined}>
      {notice && <p class={`notice notice-${notice.kind}`}>{notice.text}</p>}
    </div>
  );
}

/** One mail: what it is, why it was held, and (held only) the two decisions. htmx swaps the whole card. */
export function MailCard(props: { row: InboundRecord; locale: Locale; error?: CardError; decisions?: boolean }) {
  const { row: r, locale, error, decisions = true } = props;
  const id = `mail-${r.id}`;
  const from = r.fromAddress ? (r.fromName ? `${r.fromName} <${r.fromAddress}>` : r.fromAddress) : t(locale, 'inboundNoSender');
  const excerpt = excerptOf(r.text || r.fullText);
  return (
    <article class={`inbound-mail inbound-${r.outcome}`} id={id} aria-labelledby={`${id}-subject`}>
      {error?.notice && <p class="notice notice-danger">{error.notice}</p>}
      <h2 class="inbound-subject" id={`${id}-subject`}>
        {r.subject || t(locale, 'inboundNoSubject')}
      </h2>
      <dl class="inbound-meta">
        <div>
          <dt>{t(locale, 'inboundFrom')}</dt>
          <dd class="inbound-from">{from}</dd>
        </div>
        <div>
          <dt>{t(locale, 'inboundReceived')}</dt>
          <dd>
            <time datetime={r.receivedAt.toISOString()}>{koreanShortDateTime(r.receivedAt)}</time>
          </dd>
        </div>
        {r.outcome !== 'held' && (
          <div>
            <dt>{t(locale, 'colStatus')}</dt>
            <dd>
              <span class="chip">{t(locale, FILTER_LABELS[r.outcome])}</span>
              {r.decidedAt && <span class="muted"> {t(locale, 'inboundDecided', { at: koreanShortDateTime(r.decidedAt) })}</span>}
              {r.ticketId !== null && (
                <>
                  {' '}
                  <a href={`/tickets/${r.ticketId}`}>{t(locale, 'inboundTicketLink')}</a>
                </>
              )}
            </dd>
          </div>
        )}
        {r.reason && <Reason reason={r.reason} held={r.outcome === 'held'} locale={locale} />}
      </dl>
      {excerpt && (
        <p class="inbound-excerpt">
          <span class="visually-hidden">{t(locale, 'inboundExcerpt')}: </span>
          {excerpt}
        </p>
      )}
      <p class="inbound-original">
        {/* The whole mail as received, as the ticket page's 원문 보기 shows it (staff may read it). */}
        <a href={`/api/v1/inbound/${r.id}/original`} target="_blank" rel="noopener">
          {t(locale, 'viewOriginal')}
        </a>
      </p>
      {decisions && r.outcome === 'held' && <Decisions row={r} locale={locale} error={error} />}
    </article>
  );
}

/**
 * Why the mail was held, in the reader's words (by the reason's code), with the intake's own
 * record — English, with the addresses and the DMARC verdict — folded under it for whoever
 * looks into it. A reason without a code (other outcomes, mail held before the codes) is shown as recorded.
 */
function Reason(props: { reason: string; held: boolean; locale: Locale }) {
  const { reason, held, locale } = props;
  const coded = holdReasonOf(reason);
  if (!coded)
    return (
      <div class="inbound-reason">
        <dt>{t(locale, 'inboundReason')}</dt>
        <dd>{reason}</dd>
      </div>
    );
  const number = /PQ-\d{4}-\d{6,}/.exec(coded.detail)?.[0] ?? '';
  const words = HOLD_REASON_LABELS[locale][coded.code].replace('{number}', number);
  return (
    <div class="inbound-reason" data-reason={coded.code}>
      <dt>{t(locale, held ? 'inboundReason' : 'inboundHeldBecause')}</dt>
      <dd>
        <span class="inbound-reason-words">{words}</span>
        <details class="inbound-reason-record">
          <summary>{t(locale, 'inboundReasonRecorded')}</summary>
          <span lang="en">{reason}</span>
        </details>
      </dd>
    </div>
  );
}

/** `받아들이기` with the optional ticket number, and `버리기` (htmx asks to confirm; without script the server does). */
function Decisions(props: { row: InboundRecord; locale: Locale; error?: CardError }) {
  const { row: r, locale, error } = props;
  const field = `ticket-${r.id}`;
  const hint = `${field}-hint`;
  const target = `#mail-${r.id}`;
  return (
    <div class="inbound-actions">
      <form
        method="post"
        action={`/inbound/${r.id}/accept`}
        class="inbound-accept"
        hx-post={`/inbound/${r.id}/accept`}
        hx-target={target}
        hx-swap="outerHTML"
      >
        <CsrfField />
        <div class="field">
          <label for={field}>{t(locale, 'inboundTicketField')}</label>
          <div class="inbound-accept-row">
            <input
              type="text"
              id={field}
              name="ticket_id"
              value={error?.ticketRef ?? ''}
              placeholder="PQ-2026-000123"
              autocomplete="off"
              maxLength={40}
              aria-invalid={error?.field ? 'true' : undefined}
              aria-describedby={error?.field ? `${field}-error ${hint}` : hint}
            />
            <button type="submit" class="btn">
              {t(locale, 'inboundAccept')}
            </button>
          </div>
          {error?.field && (
            <p class="error" id={`${field}-error`}>
              {error.field}
            </p>
          )}
          <p class="hint" id={hint}>
            {t(locale, 'inboundTicketHint')}
          </p>
        </div>
      </form>
      <form
        method="post"
        action={`/inbound/${r.id}/discard`}
        class="inbound-discard"
        hx-post={`/inbound/${r.id}/discard`}
        hx-target={target}
        hx-swap="outerHTML"
        hx-confirm={t(locale, 'inboundDiscardConfirm')}
        hx-vals={JSON.stringify({ confirm: 'yes' })}
      >
        <CsrfField />
        <button type="submit" class="btn btn-danger">
          {t(locale, 'inboundDiscard')}
        </button>
      </form>
    </div>
  );
}

/** What replaces a card once it is decided (htmx): a line saying so, in the card's place. */
export function DecidedCard(props: { id: number; text: string; kind: Notice['kind'] }) {
  return (
    <article class="inbound-mail inbound-done" id={`mail-${props.id}`}>
      <p class={`notice notice-${props.kind}`} role="status">
        {props.text}
      </p>
    </article>
  );
}

/** A discard posted without script: the mail once more, and the button that really discards it. */
export function DiscardConfirmPage(props: { row: InboundRecord; locale: Locale }) {
  const { row: r, locale } = props;
  return (
    <Layout title={t(locale, 'inboundDiscardTitle')} active="/inbound">
      <h1>{t(locale, 'inboundDiscardTitle')}</h1>
      <p class="notice notice-warning">{t(locale, 'inboundDiscardConfirm')}</p>
      <MailCard row={r} locale={locale} decisions={false} />
      <form method="post" action={`/inbound/${r.id}/discard`} class="actions">
        <CsrfField />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="btn btn-danger">
          {t(locale, 'inboundDiscard')}
        </button>
        <a class="btn btn-ghost" href="/inbound">
          {t(locale, 'inboundCancel')}
        </a>
      </form>
    </Layout>
  );
}
