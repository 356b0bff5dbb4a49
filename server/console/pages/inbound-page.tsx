/**
 * `/inbound` (agents and up): mail the intake held, newest first, to accept into an inquiry or
 * discard. The list and the decisions are the intake service's own (`list`, `accept`, `discard`,
 * as `GET /api/v1/inbound` and `POST /api/v1/inbound/:id/accept|discard` call them), so a
 * decision is recorded the same way (who, when, the reason it was held). The API's decision
 * routes stay admin-only; the service itself lets any member of staff decide, which is what this
 * page relies on. Admins may also list the other outcomes.
 */
import type { Request, Response } from 'express';
import { BadRequestError, ConflictError, NotFoundError, ValidationError } from '../../../core/errors';
import { atLeast, type Locale, type User } from '../../../core/model';
import type { InboundRecord, Page } from '../../../core/ports';
import { requireViewer, viewerOf } from '../console-context';
import type { ConsolePages } from '../console-routes';
import { t } from '../labels';
import { sendFragment, sendPage } from '../render';
import { forbiddenPage, formField } from './board-page';
import {
  type CardError,
  DecidedCard,
  DiscardConfirmPage,
  FILTERS,
  type InboundFilter,
  InboundNotice,
  InboundPage,
  InboundResults,
  inboundHref,
  MailCard,
  type Notice,
} from './inbound-views';

const PER_PAGE = 25;
const ID = /^[1-9]\d{0,14}$/;
const NUMBER = /^PQ-\d{4}-\d{6}$/;

/** The filters this viewer may use: admins every outcome (as the list API), other staff held mail. */
const filtersOf = (user: User): readonly InboundFilter[] => (atLeast(user.role, 'admin') ? FILTERS : ['held']);

/** The requested filter when the viewer may use it, else held mail (a parameter the page cannot use falls back). */
function filterOf(user: User, v: unknown): InboundFilter {
  const allowed = filtersOf(user);
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as InboundFilter) : 'held';
}

/** `문의 번호` as the service takes it: a number (`PQ-2026-000123`), an id, or nothing (a new inquiry). */
function ticketRefOf(raw: string): { ok: true; ref: string | number | undefined } | { ok: false } {
  const v = raw.trim().toUpperCase();
  if (v === '') return { ok: true, ref: undefined };
  if (NUMBER.test(v)) return { ok: true, ref: v };
  if (ID.test(v)) return { ok: true, ref: Number(v) };
  return { ok: false };
}

/**
 * The service's refusal of `ticket_id` in the viewer's words. The service speaks English for the
 * API; the console knows the few reasons it gives and falls back to its text for any other.
 */
function ticketFieldError(locale: Locale, message: string): string {
  const number = /PQ-\d{4}-\d{6,}/.exec(message)?.[0] ?? '';
  if (/no ticket has this id or number/.test(message)) return t(locale, 'inboundErrNoTicket');
  if (/ is closed/.test(message)) return t(locale, 'inboundErrClosed', { number });
  if (/neither the requester/.test(message)) return t(locale, 'inboundErrNotRequester', { number });
  if (/is not a user/.test(message)) return t(locale, 'inboundErrUnknownSender');
  if (/ is staff/.test(message)) return t(locale, 'inboundErrStaffSender');
  return message;
}

/** A refusal saying the mail is no longer held (decided by someone else, a second click). */
const alreadyDecided = (err: ConflictError) => /only held mail|decided by someone else/.test(err.message);

export const inboundPages: ConsolePages = (router, deps) => {
  const { intake } = deps.services;
  const staff = requireViewer('agent', forbiddenPage);

  /** One page of the list; a cursor the list cannot read (an old link) starts again at the first page. */
  async function read(filter: InboundFilter, raw: string | undefined): Promise<Page<InboundRecord>> {
    const list = (cursor: string | undefined) =>
      intake.list({ outcome: filter === 'all' ? undefined : filter }, { limit: PER_PAGE, cursor });
    return list(raw).catch((err: unknown) => {
      if (!(err instanceof BadRequestError) || raw === undefined) throw err;
      return list(undefined);
    });
  }

  /** The held list again, with a notice or a card's error (a refused decision without script). */
  async function again(res: Response, user: User, status: number, extra: { notice?: Notice; error?: CardError }) {
    const page = await read('held', undefined);
    sendPage(
      res,
      <InboundPage locale={user.locale} filter="held" filters={filtersOf(user)} page={page} paged={false} {...extra} />,
      status,
    );
  }

  // A decision's URL opened by hand (or after a reload) is the list.
  router.get(['/inbound/:id/accept', '/inbound/:id/discard'], (_req: Request, res: Response) => res.redirect(303, '/inbound'));

  router.get('/inbound', staff, async (req: Request, res: Response) => {
    const user = viewerOf(res)!.user;
    const filter = filterOf(user, req.query.outcome);
    const raw = typeof req.query.cursor === 'string' && /^[A-Za-z0-9_-]{1,500}$/.test(req.query.cursor) ? req.query.cursor : undefined;
    const page = await read(filter, raw);
    if (req.query.fragment === 'results')
      return sendFragment(res, <InboundResults locale={user.locale} filter={filter} page={page} paged={raw !== undefined} />);
    const done = typeof req.query.id === 'string' && ID.test(req.query.id) ? Number(req.query.id) : null;
    let notice: Notice | undefined;
    if (done !== null && req.query.done === 'discarded')
      notice = { kind: 'success', text: t(user.locale, 'inboundDiscarded', { id: done }) };
    if (done !== null && req.query.done === 'already') notice = { kind: 'warning', text: t(user.locale, 'inboundAlready', { id: done }) };
    sendPage(
      res,
      <InboundPage
        locale={user.locale}
        filter={filter}
        filters={filtersOf(user)}
        page={page}
        paged={raw !== undefined}
        cursor={raw}
        notice={notice}
      />,
    );
  });

  router.post('/inbound/:id/accept', staff, async (req: Request, res: Response) => {
    const user = viewerOf(res)!.user;
    const locale = user.locale;
    const id = idOf(req);
    const htmx = req.get('hx-request') === 'true';
    const ticketRef = formField(req, 'ticket_id').slice(0, 40);
    // htmx swaps only 2xx answers (its default), so the card with its error goes back to htmx as a
    // 200; a plain form gets the whole page with the same card, as a 422 (or 409).
    const refused = async (status: number, error: CardError) => {
      if (!htmx) return again(res, user, status, { error });
      const row = await intake.get(id);
      sendFragment(res, <MailCard row={row} locale={locale} error={error} />);
    };
    const parsed = ticketRefOf(ticketRef);
    if (!parsed.ok) return refused(422, { id, ticketRef, field: t(locale, 'inboundErrTicketRef') });
    try {
      const r = await intake.accept(user, id, { ticket_id: parsed.ref });
      const to = `/tickets/${r.ticketId}`;
      if (htmx) return res.set('HX-Redirect', to).status(204).end();
      res.redirect(303, to);
    } catch (err) {
      if (err instanceof ValidationError) {
        const message = err.errors?.find((p) => p.path === 'ticket_id')?.message ?? err.message;
        return refused(422, { id, ticketRef, field: ticketFieldError(locale, message) });
      }
      if (!(err instanceof ConflictError)) throw err;
      if (alreadyDecided(err)) return decidedElsewhere(res, id, locale, htmx);
      // The sender's account is inactive, or the mail has no address a user may have: said above the card.
      return refused(409, { id, ticketRef, notice: err.message });
    }
  });

  router.post('/inbound/:id/discard', staff, async (req: Request, res: Response) => {
    const user = viewerOf(res)!.user;
    const id = idOf(req);
    const htmx = req.get('hx-request') === 'true';
    // htmx has asked in the browser (hx-confirm) and sends confirm=yes; a plain form is asked here first.
    if (formField(req, 'confirm') !== 'yes') {
      const row = await intake.get(id);
      if (row.outcome !== 'held') return decidedElsewhere(res, id, user.locale, htmx);
      return sendPage(res, <DiscardConfirmPage row={row} locale={user.locale} />);
    }
    try {
      await intake.discard(user, id);
    } catch (err) {
      if (err instanceof ConflictError && alreadyDecided(err)) return decidedElsewhere(res, id, user.locale, htmx);
      throw err;
    }
    if (!htmx) return res.redirect(303, `${inboundHref('held')}?done=discarded&id=${id}`);
    // The card says so, and so does the notice above the list, which stays when a live refresh drops the card.
    const text = t(user.locale, 'inboundDiscarded', { id });
    sendFragment(
      res,
      <>
        <DecidedCard id={id} kind="success" text={text} />
        <InboundNotice notice={{ kind: 'success', text }} oob />
      </>,
    );
  });
};

/** The mail's id from the path; anything else is the 404 page. */
function idOf(req: Request): number {
  const id = String(req.params.id);
  if (!ID.test(id)) throw new NotFoundError('no such inbound mail');
  return Number(id);
}

/** Someone decided the mail first: the card says so (htmx), or the list does (409 → back to the list). */
function decidedElsewhere(res: Response, id: number, locale: Locale, htmx: boolean): void {
  if (!htmx) {
    res.redirect(303, `${inboundHref('held')}?done=already&id=${id}`);
    return;
  }
  sendFragment(res, <DecidedCard id={id} kind="warning" text={t(locale, 'inboundAlready', { id })} />);
}
