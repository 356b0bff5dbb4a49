/**
 * `/admin/outbox` (admin): the mail outbox, failed mails first with the mail server's reply, and
 * `다시 보내기` on each failed one. The list and the retry are the outbox API's own use cases
 * (core/mail/outbox.ts, as server/outbox/outbox-routes.ts wires them), and a row is shown through
 * the API's view, so a sign-in code never appears here either.
 */
import type { Request, Response } from 'express';
import { BadRequestError, ConflictError, NotFoundError, ServiceUnavailableError } from '../../../core/errors';
import { createOutboxAdmin } from '../../../core/mail/outbox';
import type { Locale } from '../../../core/model';
import type { OutboxRecord, OutboxStatus, Page } from '../../../core/ports';
import { outboxView } from '../../outbox/outbox-routes';
import { koreanShortDateTime } from '../client/time-format';
import { CsrfField } from '../components/csrf-field';
import { localeOf, requireViewer, viewerOf } from '../console-context';
import type { ConsolePages } from '../console-routes';
import { type LabelKey, t } from '../labels';
import { Layout } from '../layout';
import { sendPage } from '../render';
import { ForbiddenPage } from './error-pages';
import { AdminNav } from '../components/admin-nav';

const FILTERS = ['failed', 'pending', 'sent', 'all'] as const;
type Filter = (typeof FILTERS)[number];
const FILTER_LABELS: Record<Filter, LabelKey> = { failed: 'outboxFailed', pending: 'outboxPending', sent: 'outboxSent', all: 'outboxAll' };
const STATUS_LABELS: Record<OutboxStatus, LabelKey> = { failed: 'outboxFailed', pending: 'outboxPending', sent: 'outboxSent' };
const PER_PAGE = 50;

/** What a retry reports back on the list (from the 303's query). */
const NOTICES = { retried: 'outboxDoneRetried', later: 'outboxDoneLater', not_failed: 'outboxErrNotFailed' } as const satisfies Record<
  string,
  LabelKey
>;
type NoticeKind = keyof typeof NOTICES;

const filterOf = (v: unknown): Filter => (typeof v === 'string' && (FILTERS as readonly string[]).includes(v) ? (v as Filter) : 'failed');
const idOf = (v: unknown): number | null => (typeof v === 'string' && /^[1-9]\d{0,14}$/.test(v) ? Number(v) : null);
const listHref = (filter: Filter, cursor?: string) =>
  `/admin/outbox?${new URLSearchParams({ status: filter, ...(cursor ? { cursor } : {}) })}`;

export const outboxPages: ConsolePages = (router, deps) => {
  const outbox = createOutboxAdmin({ store: deps.outbox.store, queue: { requeue: deps.outbox.enqueue }, logger: deps.logger });
  // Admins only, as the outbox API.
  const admin = requireViewer('admin', (_req, res) => sendPage(res, <ForbiddenPage locale={localeOf(res)} />, 403));

  router.get('/admin/outbox', admin, async (req: Request, res: Response) => {
    const filter = filterOf(req.query.status);
    const raw = typeof req.query.cursor === 'string' && req.query.cursor.length <= 500 ? req.query.cursor : undefined;
    const list = (cursor: string | undefined) => outbox.list({ status: filter === 'all' ? undefined : filter, limit: PER_PAGE, cursor });
    // A cursor the list cannot read (another filter's, an old link) starts again at the first page.
    const page = await list(raw).catch((err: unknown) => {
      if (!(err instanceof BadRequestError) || raw === undefined) throw err;
      return list(undefined);
    });
    const kind = typeof req.query.done === 'string' && Object.hasOwn(NOTICES, req.query.done) ? (req.query.done as NoticeKind) : undefined;
    const id = idOf(req.query.id);
    const notice = kind && id ? { kind, id } : undefined;
    sendPage(res, <OutboxPage locale={viewerOf(res)!.user.locale} filter={filter} page={page} paged={raw !== undefined} notice={notice} />);
  });

  router.post('/admin/outbox/:id/retry', admin, async (req: Request, res: Response) => {
    const id = idOf(req.params.id);
    if (id === null) throw new NotFoundError('no such outbox mail');
    const filter = filterOf((req.body as Record<string, unknown> | undefined)?.status);
    const after = (kind: NoticeKind) => res.redirect(303, `${listHref(filter)}&done=${kind}&id=${id}`);
    try {
      await outbox.retryFailed(id, viewerOf(res)!.user.id);
      after('retried');
    } catch (err) {
      // Sent or pending already (another admin, a second click): nothing to do, and the list says so.
      if (err instanceof ConflictError) return after('not_failed');
      // The row is pending again; the sweeper sends it once the queue answers.
      if (err instanceof ServiceUnavailableError) return after('later');
      throw err;
    }
  });
};

function OutboxPage(props: {
  locale: Locale;
  filter: Filter;
  page: Page<OutboxRecord>;
  paged: boolean;
  notice?: { kind: NoticeKind; id: number };
}) {
  const { locale, filter, page, notice } = props;
  const title = t(locale, 'outboxTitle');
  const columns: LabelKey[] = [
    'outboxColId',
    'outboxColTo',
    'outboxColSubject',
    'outboxColStatus',
    'outboxColAttempts',
    'outboxColReply',
    'outboxColCreated',
    'outboxColAction',
  ];
  return (
    <Layout title={`${title}: ${t(locale, FILTER_LABELS[filter])}`} active="/admin" wide>
      <h1>{title}</h1>
      <AdminNav active="/admin/outbox" />
      <p class="muted">{t(locale, 'outboxIntro')}</p>
      <div role="status">
        {notice && (
          <div class={notice.kind === 'retried' ? 'notice notice-success' : 'notice notice-warning'}>
            <p>{t(locale, NOTICES[notice.kind], { id: notice.id })}</p>
          </div>
        )}
      </div>
      <nav class="views" aria-label={t(locale, 'outboxFilter')}>
        <ul>
          {FILTERS.map((f) => (
            <li key={f}>
              <a href={listHref(f)} aria-current={f === filter ? 'page' : undefined}>
                {t(locale, FILTER_LABELS[f])}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="table-wrap">
        <table class="outbox">
          <caption class="visually-hidden">{t(locale, 'outboxCaption')}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th scope="col" key={c}>
                  {t(locale, c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {page.items.length === 0 && (
              <tr>
                <td colSpan={columns.length} class="empty">
                  {t(locale, filter === 'failed' ? 'outboxEmptyFailed' : 'outboxEmpty')}
                </td>
              </tr>
            )}
            {page.items.map((r) => (
              <OutboxRow key={r.id} row={r} filter={filter} locale={locale} />
            ))}
          </tbody>
        </table>
      </div>
      {(page.nextCursor || props.paged) && (
        <nav class="pager" aria-label={t(locale, 'pager')}>
          {props.paged && <a href={listHref(filter)}>{t(locale, 'pageFirst')}</a>}
          {page.nextCursor && <a href={listHref(filter, page.nextCursor)}>{t(locale, 'pageNext')}</a>}
        </nav>
      )}
    </Layout>
  );
}

function OutboxRow(props: { row: OutboxRecord; filter: Filter; locale: Locale }) {
  const { row, filter, locale } = props;
  const v = outboxView(row);
  return (
    <tr class={`mail-${v.status}`}>
      <th scope="row" class="cell-id">
        {String(v.id)}
      </th>
      <td class="cell-to">
        {row.toName && <span class="mail-to-name">{row.toName} </span>}
        <span class="mail-to">{v.to}</span>
      </td>
      <td class="cell-subject">
        {v.subject ?? <span class="muted">{t(locale, 'outboxNotRendered', { template: v.template })}</span>}
        {row.ticketId !== null && (
          <>
            {' '}
            <a href={`/tickets/${row.ticketId}`} class="mail-ticket">
              {t(locale, 'outboxTicketLink')}
            </a>
          </>
        )}
      </td>
      <td class="cell-status">
        <span class={`chip chip-mail-${v.status}`}>{t(locale, STATUS_LABELS[v.status])}</span>
        {v.sent_at && <span class="mail-when">{t(locale, 'outboxSentAt', { at: koreanShortDateTime(v.sent_at) })}</span>}
        {v.next_attempt_at && (
          <span class="mail-when">{t(locale, 'outboxNextAttempt', { at: koreanShortDateTime(v.next_attempt_at) })}</span>
        )}
      </td>
      <td class="cell-attempts num" data-label={t(locale, 'outboxColAttempts')}>
        {String(v.attempts)}
      </td>
      <td class="cell-reply">{v.last_error ? <code class="mail-reply">{v.last_error}</code> : <span class="muted">–</span>}</td>
      <td class="cell-created" data-label={t(locale, 'outboxColCreated')}>
        <time datetime={v.created_at}>{koreanShortDateTime(v.created_at)}</time>
      </td>
      <td class="cell-action">
        {v.status === 'failed' && (
          <form method="post" action={`/admin/outbox/${v.id}/retry`} class="inline-form">
            <CsrfField />
            <input type="hidden" name="status" value={filter} />
            <button type="submit" class="btn btn-secondary btn-small">
              {t(locale, 'outboxRetry')}
              <span class="visually-hidden">: {v.to}</span>
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}
