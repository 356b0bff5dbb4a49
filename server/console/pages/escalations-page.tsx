/**
 * `/escalations` (supervisors and admins): the escalations still to acknowledge, oldest first,
 * each with `확인` and an optional note; below, the acknowledged ones, newest first, filtered by
 * the date they were raised and their level (a GET form). Both lists are live, so every
 * supervisor watching sees an escalation appear and, once anyone acknowledges it, move to the
 * history. Acknowledging is the SLA admin service's `acknowledge`, as `POST
 * /api/v1/escalations/:id/acknowledge`.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ConflictError, ValidationError } from '../../../core/errors';
import type { Locale, User } from '../../../core/model';
import type { EscalationHistoryFilter, EscalationsView } from '../../../core/board/board-service';
import { OPEN_ESCALATIONS_MAX } from '../../../core/board/board-service';
import { type AckDraft, HISTORY_COLUMNS, HistoryEscalationRow, OPEN_COLUMNS, OpenEscalationRow } from '../components/escalation-rows';
import { requireViewer, viewerOf } from '../console-context';
import type { ConsolePages } from '../console-routes';
import { t } from '../labels';
import { Layout } from '../layout';
import { sendFragment, sendPage } from '../render';
import { forbiddenPage, formField } from './board-page';

const HISTORY_PAGE = 50;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NUMBER = /^PQ-\d{4}-\d{6,}$/;
// C0 controls except tab, LF and CR, and DEL, as the API refuses them (server/http/validate.ts).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's purpose
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const NOTE_MAX = 2000;

/** The page's query; a value it cannot use is dropped (dates are checked by the service, with the reason shown). */
const EscalationsQuery = z.object({
  from: z.string().trim().max(10).optional().catch(undefined),
  to: z.string().trim().max(10).optional().catch(undefined),
  level: z.coerce.number().int().min(1).max(99).optional().catch(undefined),
  cursor: z
    .string()
    .max(500)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional()
    .catch(undefined),
  fragment: z.enum(['open', 'history']).optional().catch(undefined),
  acknowledged: z.string().regex(NUMBER).optional().catch(undefined),
});
type EscalationsQuery = z.infer<typeof EscalationsQuery>;

interface Model {
  view: EscalationsView;
  locale: Locale;
  query: EscalationsQuery;
  /** Date fields the service refused, by field. */
  filterErrors: Partial<Record<'from' | 'to', string>>;
  notice?: { kind: 'success' | 'warning'; text: string };
  draft?: AckDraft;
}

/** The page's path with its filter (and a fragment or cursor). */
function escalationsHref(q: Pick<EscalationsQuery, 'from' | 'to' | 'level'>, extra: { fragment?: string; cursor?: string } = {}): string {
  const p = new URLSearchParams();
  if (q.from) p.set('from', q.from);
  if (q.to) p.set('to', q.to);
  if (q.level !== undefined) p.set('level', String(q.level));
  if (extra.cursor) p.set('cursor', extra.cursor);
  if (extra.fragment) p.set('fragment', extra.fragment);
  const qs = p.toString();
  return qs ? `/escalations?${qs}` : '/escalations';
}

export const escalationsPages: ConsolePages = (router, deps) => {
  const { services } = deps;

  /** Reads both lists; a date the service refuses is dropped from the filter and named beside its field. */
  async function load(user: User, query: EscalationsQuery): Promise<Pick<Model, 'view' | 'filterErrors'>> {
    const filterErrors: Model['filterErrors'] = {};
    const filter: EscalationHistoryFilter = { level: query.level };
    for (const f of ['from', 'to'] as const) {
      const v = query[f];
      if (v === undefined || v === '') continue;
      if (DATE.test(v)) filter[f] = v;
      else filterErrors[f] = t(user.locale, 'errDate');
    }
    const page = { limit: HISTORY_PAGE, cursor: query.cursor };
    try {
      return { view: await services.board.escalations(user, filter, page), filterErrors };
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // An impossible date (2026-02-30) or an end before the start: say so, and list without that filter.
      for (const p of err.errors ?? []) {
        if (p.path === 'from' || p.path === 'to')
          filterErrors[p.path] = p.message.startsWith('must not be before') ? t(user.locale, 'errDateOrder') : t(user.locale, 'errDate');
      }
      return { view: await services.board.escalations(user, { level: query.level }, { limit: HISTORY_PAGE }), filterErrors };
    }
  }

  router.get('/escalations/:id/acknowledge', (_req: Request, res: Response) => res.redirect(303, '/escalations'));

  router.get('/escalations', requireViewer('supervisor', forbiddenPage), async (req: Request, res: Response) => {
    const user = viewerOf(res)!.user;
    const query = EscalationsQuery.parse(req.query);
    const model: Model = { ...(await load(user, query)), locale: user.locale, query };
    if (query.fragment === 'open') return sendFragment(res, <OpenList model={model} />);
    if (query.fragment === 'history') return sendFragment(res, <History model={model} />);
    if (query.acknowledged) model.notice = { kind: 'success', text: t(user.locale, 'escAcknowledged', { number: query.acknowledged }) };
    sendPage(res, <EscalationsPage model={model} />);
  });

  router.post('/escalations/:id/acknowledge', requireViewer('supervisor', forbiddenPage), async (req: Request, res: Response) => {
    const user = viewerOf(res)!.user;
    const locale = user.locale;
    const id = String(req.params.id);
    if (!/^[1-9]\d{0,14}$/.test(id)) return res.redirect(303, '/escalations');
    const escalationId = Number(id);
    const note = formField(req, 'note').trim();
    const again = async (status: number, extra: Partial<Model>) => {
      const query = EscalationsQuery.parse({});
      sendPage(res, <EscalationsPage model={{ ...(await load(user, query)), locale, query, ...extra }} />, status);
    };
    let error: string | undefined;
    if (note.length > NOTE_MAX) error = t(locale, 'errNoteLong');
    else if (CONTROL.test(note)) error = t(locale, 'errControl');
    if (error) return again(422, { draft: { escalationId, note, error } });
    try {
      const e = await services.slaAdmin.acknowledge(user, escalationId, note === '' ? undefined : note);
      res.redirect(303, `/escalations?acknowledged=${encodeURIComponent(e.ticketNumber)}`);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      await again(409, { notice: { kind: 'warning', text: t(locale, 'escAlready') } });
    }
  });
};

function EscalationsPage(props: { model: Model }) {
  const { model } = props;
  const { locale, notice, query } = model;
  return (
    <Layout title={t(locale, 'escTitle')} wide active="/escalations">
      <div class="list-head">
        <h1>{t(locale, 'escTitle')}</h1>
      </div>
      <p class="muted">{t(locale, 'escIntro')}</p>
      <div id="esc-notice" role="status" aria-live="polite">
        {notice && <p class={`notice notice-${notice.kind}`}>{notice.text}</p>}
      </div>
      <section class="board-section" aria-labelledby="esc-open-h">
        <div class="section-head">
          <h2 id="esc-open-h">{t(locale, 'escOpenTitle')}</h2>
        </div>
        {/* Live: unless a note is being written (client/live-guard.ts). */}
        <div
          id="esc-open"
          hx-get={escalationsHref(query, { fragment: 'open' })}
          hx-trigger="live:batch from:body, live:retry, every 60s"
          hx-swap="innerHTML"
          data-live-guard
        >
          <OpenList model={model} />
        </div>
      </section>
      <section class="board-section" aria-labelledby="esc-history-h">
        <h2 id="esc-history-h">{t(locale, 'escHistoryTitle')}</h2>
        <FilterForm model={model} />
        <div
          id="esc-history"
          hx-get={escalationsHref(query, { fragment: 'history', cursor: query.cursor })}
          hx-trigger="live:batch from:body, every 60s"
          hx-swap="innerHTML"
        >
          <History model={model} />
        </div>
      </section>
    </Layout>
  );
}

function OpenList(props: { model: Model }) {
  const { view, locale, draft } = props.model;
  const n = view.open.length;
  return (
    <>
      <p class="section-meta">
        <span class={`count-badge ${n > 0 ? 'count-danger' : ''}`}>{t(locale, 'boardTotal', { n })}</span>
        {view.openMore && <span> {t(locale, 'escOpenMore', { n: OPEN_ESCALATIONS_MAX })}</span>}
      </p>
      <div class="table-wrap">
        <table class="tickets esc-list esc-open" id="esc-open-table">
          <caption class="visually-hidden">{t(locale, 'escOpenCaption')}</caption>
          <thead>
            <tr>
              {OPEN_COLUMNS.map((c) => (
                <th scope="col" key={c}>
                  {t(locale, c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {n === 0 ? (
              <tr>
                <td colSpan={OPEN_COLUMNS.length} class="empty">
                  {t(locale, 'escNoOpen')}
                </td>
              </tr>
            ) : (
              view.open.map((item) => (
                <OpenEscalationRow key={item.escalation.id} item={item} locale={locale} now={view.now} draft={draft} />
              ))
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}

function History(props: { model: Model }) {
  const { view, locale, query } = props.model;
  const items = view.history.items;
  return (
    <>
      <div class="table-wrap">
        <table class="tickets esc-list esc-history" id="esc-history-table">
          <caption class="visually-hidden">{t(locale, 'escHistoryCaption')}</caption>
          <thead>
            <tr>
              {HISTORY_COLUMNS.map((c) => (
                <th scope="col" key={c}>
                  {t(locale, c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.length === 0 ? (
              <tr>
                <td colSpan={HISTORY_COLUMNS.length} class="empty">
                  {t(locale, 'escNoHistory')}
                </td>
              </tr>
            ) : (
              items.map((item) => <HistoryEscalationRow key={item.escalation.id} item={item} locale={locale} />)
            )}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label={t(locale, 'pager')}>
        {query.cursor && <a href={escalationsHref(query)}>{t(locale, 'pageFirst')}</a>}
        {view.history.nextCursor && (
          <a rel="next" href={escalationsHref(query, { cursor: view.history.nextCursor })}>
            {t(locale, 'pageNext')}
          </a>
        )}
      </nav>
    </>
  );
}

/** The history's filter: a plain GET form (dates raised, Korean time; a level). */
function FilterForm(props: { model: Model }) {
  const { locale, query, filterErrors } = props.model;
  // A policy has at most ten escalation steps (server/sla/sla-schemas.ts).
  const levels = Array.from({ length: 10 }, (_, i) => i + 1);
  const dateField = (name: 'from' | 'to', label: 'escFrom' | 'escTo') => {
    const error = filterErrors[name];
    return (
      <div class="field">
        <label for={`esc-${name}`}>{t(locale, label)}</label>
        <input
          type="date"
          id={`esc-${name}`}
          name={name}
          value={query[name] ?? ''}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? `esc-${name}-error esc-date-hint` : 'esc-date-hint'}
        />
        {error && (
          <p class="error" id={`esc-${name}-error`}>
            {error}
          </p>
        )}
      </div>
    );
  };
  return (
    <search class="esc-filter">
      <form method="get" action="/escalations" aria-label={t(locale, 'escFilter')}>
        <div class="filter-row">
          {dateField('from', 'escFrom')}
          {dateField('to', 'escTo')}
          <div class="field">
            <label for="esc-level">{t(locale, 'escLevel')}</label>
            <select id="esc-level" name="level">
              <option value="" selected={query.level === undefined}>
                {t(locale, 'escLevelAll')}
              </option>
              {levels.map((l) => (
                <option key={l} value={String(l)} selected={query.level === l}>
                  {t(locale, 'levelN', { level: l })}
                </option>
              ))}
            </select>
          </div>
          <div class="filter-actions">
            <button type="submit" class="btn btn-secondary">
              {t(locale, 'escFilterButton')}
            </button>
            {(query.from || query.to || query.level !== undefined) && (
              <a class="btn btn-ghost" href="/escalations">
                {t(locale, 'escFilterClear')}
              </a>
            )}
          </div>
        </div>
        <p class="hint" id="esc-date-hint">
          {t(locale, 'escDateHint')}
        </p>
      </form>
    </search>
  );
}
