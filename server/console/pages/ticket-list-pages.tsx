import type { Request, Response } from 'express';
import { BadRequestError } from '../../../core/errors';
import { atLeast, type Locale } from '../../../core/model';
import type { Page } from '../../../core/ports';
import type { TicketDetail } from '../../../core/tickets/ticket-service';
import { OFFICER_COLUMNS, OfficerRow, QUEUE_COLUMNS, QueueRow } from '../components/ticket-rows';
import { requireViewer, viewerOf } from '../console-context';
import type { ConsolePages } from '../console-routes';
import { t } from '../labels';
import { Layout } from '../layout';
import { sendFragment, sendPage } from '../render';
import { newTicketPages } from './new-ticket-page';
import { DrillSummary, type DrillSummaryModel } from './drill-summary';
import {
  drillFilter,
  drillOf,
  isDrill,
  ListPageQuery,
  listHref,
  nextTrail,
  previousPage,
  QUEUE_VIEWS,
  VIEW_LABELS,
  viewFilter,
} from './queue-views';

/** What a list page (or its live rows) shows. */
interface ListModel {
  staff: boolean;
  locale: Locale;
  now: Date;
  /** The query, with `since` set: the instant the page was first rendered. */
  query: ListPageQuery & { since: number };
  page: Page<TicketDetail>;
  /** The report's drill-down: what narrows the list and how many tickets match (staff only). */
  drill: DrillSummaryModel | null;
}

/**
 * `/tickets`: an officer's own inquiries (newest first), or the staff queue (by default all open
 * work, soonest deadline first, narrowed by a view). `?fragment=rows` answers the table body alone
 * (htmx refreshes it on every live event), with the new-rows marker and the pager out of band.
 * The body refreshes on `live:batch` (client/live-batch.ts: every live event shows within a second,
 * none is dropped). `/tickets/new` comes first, so the ticket page's `/tickets/:ref` never sees it.
 */
export const ticketListPages: ConsolePages = (router, deps) => {
  newTicketPages(router, deps);
  router.get('/tickets', requireViewer(), async (req: Request, res: Response) => {
    const viewer = viewerOf(res)!;
    const user = viewer.user;
    let query = ListPageQuery.parse(req.query);
    const staff = atLeast(user.role, 'agent');
    const now = deps.clock.now();
    const drilled = staff && isDrill(query);
    const filter = staff ? { ...viewFilter(query.view, user, now), ...(drilled ? drillFilter(query, now) : {}) } : {};
    const list = () => deps.services.tickets.list(user, { ...filter, q: query.q }, { limit: query.per_page, cursor: query.cursor });
    const page = await list().catch((err: unknown) => {
      // A cursor of another view or an old link: the first page, rather than an error page.
      if (!(err instanceof BadRequestError) || query.cursor === undefined) throw err;
      query = { ...query, cursor: undefined, prev: undefined };
      return list();
    });
    // A drill-down says how many tickets it found: the report's figure, to check against.
    const drill = drilled
      ? {
          query: drillOf(query),
          count: await deps.services.tickets.count(user, { ...filter, q: query.q }),
          assignees: await deps.services.ticketReads.assignees(user),
        }
      : null;
    const model: ListModel = { staff, locale: user.locale, now, query: { ...query, since: query.since ?? now.getTime() }, page, drill };
    if (query.fragment === 'rows') return sendFragment(res, <LiveRows model={model} />);
    sendPage(res, <TicketListPage model={model} />);
  });
};

function TicketListPage(props: { model: ListModel }) {
  const { staff, locale, query } = props.model;
  const title = t(locale, staff ? 'queueTitle' : 'myTicketsTitle');
  const columns = staff ? QUEUE_COLUMNS : OFFICER_COLUMNS;
  const caption = staff ? (query.view === 'all' ? 'queueCaptionNewest' : 'queueCaption') : 'officerCaption';
  const heading = staff ? `${title}: ${t(locale, VIEW_LABELS[query.view])}` : title;
  return (
    <Layout title={heading} wide active="/tickets">
      <div class="list-head">
        <h1>{title}</h1>
        {!staff && (
          <a class="btn" href="/tickets/new">
            {t(locale, 'newTicketTitle')}
          </a>
        )}
      </div>
      {staff && <ViewTabs model={props.model} />}
      {props.model.drill && (
        <DrillSummary
          locale={locale}
          drill={props.model.drill}
          clearHref={listHref({ view: query.view, q: query.q, per_page: query.per_page }, {})}
        />
      )}
      <SearchForm model={props.model} />
      <div id="new-rows" class="new-rows" role="status" aria-live="polite">
        <NewRowsMarker model={props.model} />
      </div>
      <div class="table-wrap">
        <table class={staff ? 'tickets queue' : 'tickets mine'}>
          <caption class="visually-hidden">{t(locale, caption)}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th scope="col" key={c}>
                  {t(locale, c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody id="ticket-rows" hx-get={listHref(query, { fragment: 'rows' })} hx-trigger="live:batch from:body" hx-swap="innerHTML">
            <Rows model={props.model} />
          </tbody>
        </table>
      </div>
      <Pager model={props.model} />
    </Layout>
  );
}

/** The rows of this page, each marked new when created after the page was first rendered. */
function Rows(props: { model: ListModel }) {
  const { staff, locale, now, query, page } = props.model;
  if (page.items.length === 0) {
    const empty = query.q ? 'noMatches' : staff ? 'noTickets' : 'noTicketsOfficer';
    return (
      <tr>
        <td colSpan={staff ? QUEUE_COLUMNS.length : OFFICER_COLUMNS.length} class="empty">
          {t(locale, empty)}
        </td>
      </tr>
    );
  }
  const Row = staff ? QueueRow : OfficerRow;
  return (
    <>
      {page.items.map((d) => (
        <Row key={d.ticket.id} detail={d} locale={locale} now={now} isNew={isNew(d, query.since)} />
      ))}
    </>
  );
}

const isNew = (d: TicketDetail, since: number) => d.ticket.createdAt.getTime() > since;

/**
 * The live refresh: the rows, then (in `<template>`s, which survive the table-body parsing) the
 * marker's content and the pager, swapped out of band so the marker's live region stays in place.
 */
function LiveRows(props: { model: ListModel }) {
  return (
    <>
      <Rows model={props.model} />
      <template>
        <div id="new-rows" hx-swap-oob="innerHTML">
          <NewRowsMarker model={props.model} />
        </div>
      </template>
      <template>
        <Pager model={props.model} oob />
      </template>
      {props.model.drill && (
        <template>
          <DrillSummary
            locale={props.model.locale}
            drill={props.model.drill}
            clearHref={listHref({ view: props.model.query.view, q: props.model.query.q, per_page: props.model.query.per_page }, {})}
            oob
          />
        </template>
      )}
    </>
  );
}

/** `새 문의 N건`: a button that reloads the list (a plain GET form, so it works without JavaScript). */
function NewRowsMarker(props: { model: ListModel }) {
  const { locale, query, page } = props.model;
  const n = page.items.filter((d) => isNew(d, query.since)).length;
  if (n === 0) return null;
  return (
    <form method="get" action="/tickets" class="inline-form">
      <KeepQuery query={query} />
      <button type="submit" class="btn btn-small">
        {t(locale, 'newRows', { n })}
      </button>
    </form>
  );
}

/** The view and search of a GET form (the first page, a fresh `since`). */
function KeepQuery(props: { query: ListPageQuery; withSearch?: boolean }) {
  const { query } = props;
  return (
    <>
      {query.view !== 'open' && <input type="hidden" name="view" value={query.view} />}
      {Object.entries(drillOf(query)).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={String(v)} />
      ))}
      {props.withSearch !== false && query.q && <input type="hidden" name="q" value={query.q} />}
      {query.per_page !== 50 && <input type="hidden" name="per_page" value={String(query.per_page)} />}
    </>
  );
}

function ViewTabs(props: { model: ListModel }) {
  const { locale, query } = props.model;
  return (
    <nav aria-label={t(locale, 'queueViews')} class="views">
      <ul>
        {QUEUE_VIEWS.map((v) => (
          <li key={v}>
            <a href={listHref({ q: query.q, per_page: query.per_page }, { view: v })} aria-current={v === query.view ? 'page' : undefined}>
              {t(locale, VIEW_LABELS[v])}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function SearchForm(props: { model: ListModel }) {
  const { staff, locale, query } = props.model;
  return (
    <search class="list-search">
      <form method="get" action="/tickets">
        <KeepQuery query={query} withSearch={false} />
        <div class="field">
          <label for="q">{t(locale, 'search')}</label>
          <div class="search-row">
            <input type="search" id="q" name="q" value={query.q ?? ''} maxLength={200} aria-describedby="q-hint" autocomplete="off" />
            <button type="submit" class="btn btn-secondary">
              {t(locale, 'search')}
            </button>
            {query.q && (
              <a class="btn btn-ghost" href={listHref({ view: query.view, per_page: query.per_page, ...drillOf(query) }, {})}>
                {t(locale, 'searchClear')}
              </a>
            )}
          </div>
          <span class="hint" id="q-hint">
            {t(locale, staff ? 'searchHintStaff' : 'searchHintOfficer')}
          </span>
        </div>
      </form>
    </search>
  );
}

/** First / previous / next, by the list's cursors (previous pages are remembered in `prev`). */
function Pager(props: { model: ListModel; oob?: boolean }) {
  const { locale, query, page } = props.model;
  const base = { view: query.view, q: query.q, per_page: query.per_page, ...drillOf(query) };
  const back = previousPage(query);
  const first = query.cursor !== undefined;
  return (
    <nav id="pager" class="pager" aria-label={t(locale, 'pager')} hx-swap-oob={props.oob ? 'true' : undefined}>
      {first && <a href={listHref(base, {})}>{t(locale, 'pageFirst')}</a>}
      {back && (
        <a rel="prev" href={listHref(base, { cursor: back.cursor, prev: back.prev })}>
          {t(locale, 'pagePrev')}
        </a>
      )}
      {page.nextCursor && (
        <a rel="next" href={listHref(base, { cursor: page.nextCursor, prev: nextTrail(query) })}>
          {t(locale, 'pageNext')}
        </a>
      )}
    </nav>
  );
}
