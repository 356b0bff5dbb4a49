/**
 * The ticket page `/tickets/:ref` (id or number) and its forms. Every read and write goes through
 * the same services as the API with the signed-in user, so the same rules hold: an officer gets
 * the 404 page for anyone else's inquiry (and the refusal is in the access log, as for the API),
 * staff-only actions are refused to officers. Forms are plain POSTs answered with 303 back to
 * the page; a refused one renders the page again with the draft and the reason beside the field.
 */
import type { Request, Response } from 'express';
import { ConflictError, DomainError, ForbiddenError, HiddenError, ValidationError } from '../../../core/errors';
import { atLeast, PRIORITIES, type Priority, TICKET_STATUSES, type TicketStatus, type User } from '../../../core/model';
import type { PageQuery, Page } from '../../../core/ports';
import { StaleReplyError, type TicketRef, type UpdateTicketInput } from '../../../core/tickets/ticket-service';
import { MAX_FILES_PER_MESSAGE } from '../../../core/attachments/attachment-service';
import { auditRefusals } from '../../access/access-log-routes';
import { TicketRefParam } from '../../tickets/ticket-schemas';
import { viewerOf } from '../console-context';
import { formUploadsOf, keptUploadIds } from '../console-uploads';
import type { ConsolePages } from '../console-routes';
import type { FieldErrors, ReplyAction, ReplyDraft } from '../components/ticket-forms';
import { STATUS_LABELS, t } from '../labels';
import { sendFragment, sendPage } from '../render';
import { DONE_KINDS, type DoneKind, TicketLive, TicketPage, type TicketPageData, type TicketPageState } from './ticket-page-view';

/** Pages of a list read through, at most this many (a conversation or trail longer than 1,000 is cut). */
const MAX_PAGES = 5;
// C0 controls except tab, LF and CR, and DEL, as the API refuses them (server/http/validate.ts).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's purpose
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// The API's category rule (server/tickets/ticket-schemas.ts).
const CATEGORY = /^[\p{L}\p{N}_ .-]{1,80}$/u;

/** A ticket reference from the path, or null when the path is not a ticket's (`/tickets/new`). */
function parseRef(raw: string | undefined): TicketRef | null {
  const r = TicketRefParam.safeParse(raw ?? '');
  return r.success ? r.data : null;
}

/** One form field as a string (the first, when a field is repeated). */
function field(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
}

async function allPages<T>(read: (p: PageQuery) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await read({ limit: 200, cursor });
    out.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

export const ticketPages: ConsolePages = (router, deps) => {
  const { services } = deps;
  const audit = auditRefusals(services.accessLog, deps.logger);

  /** Reads everything the page shows, as `user`. */
  async function load(user: User, ref: TicketRef): Promise<TicketPageData> {
    const overview = await services.ticketReads.overview(user, ref);
    const { ticket, requester, assignee } = overview.detail;
    const staff = atLeast(user.role, 'agent');
    const [messages, events, assignees, others, inquiryInboundId] = await Promise.all([
      allPages((p) => services.tickets.messages(user, ticket.id, p)),
      allPages((p) => services.tickets.events(user, ticket.id, p)),
      staff ? services.ticketReads.assignees(user) : [],
      staff ? services.tickets.list(user, { requesterId: ticket.requesterId, sort: '-created_at' }, { limit: 11 }) : null,
      // An inquiry that came by mail: staff may open the original (원문 보기).
      staff && ticket.channel === 'email' ? services.intake.creatorOf(ticket.id) : null,
    ]);
    const people = new Map<number, string>();
    for (const u of [requester, assignee, ...assignees, ...events.map((e) => e.actor)]) if (u) people.set(u.id, u.name);
    return {
      overview,
      messages,
      events,
      assignees,
      others: (others?.items ?? []).filter((o) => o.ticket.id !== ticket.id).slice(0, 10),
      lastMessageId: messages.reduce((max, m) => Math.max(max, m.message.id), 0),
      uploadLimit: services.attachments.maxBytes,
      inquiryInboundId,
      people,
      now: deps.clock.now(),
    };
  }

  /**
   * Runs a page's work for the signed-in viewer: signed out → 303 to sign in (back to the ticket
   * afterwards); a path that is not a ticket's → on to the next route; a hidden ticket → the
   * refusal is audited like the API's, then the 404 page.
   */
  function handle(min: 'officer' | 'agent', work: (req: Request, res: Response, user: User, ref: TicketRef) => Promise<void>) {
    return async (req: Request, res: Response, next: (err?: unknown) => void) => {
      const ref = parseRef(req.params.ref as string | undefined);
      if (ref === null) return next();
      const viewer = viewerOf(res);
      if (!viewer) {
        // Back to the page afterwards (a form's own path answers no GET).
        const next = req.method === 'GET' ? req.originalUrl : `/tickets/${ref}`;
        return void res.redirect(303, `/login?next=${encodeURIComponent(next)}`);
      }
      try {
        // A role below the page's: the same 403 the API answers (rendered as the 403 page).
        if (!atLeast(viewer.user.role, min)) throw new ForbiddenError('this is for staff');
        await work(req, res, viewer.user, ref);
      } catch (err) {
        if (err instanceof HiddenError)
          await audit({ req, status: 404, user: viewer.user, route: `${req.method} ${req.route?.path ?? req.path}`, target: err.target });
        throw err;
      }
    };
  }

  const page = (res: Response, user: User, data: TicketPageData, state: TicketPageState, status = 200) =>
    sendPage(res, <TicketPage data={data} viewer={user} state={state} />, status);
  const back = (res: Response, ref: TicketRef, done: DoneKind, anchor = '') => res.redirect(303, `/tickets/${ref}?done=${done}${anchor}`);

  router.get(
    '/tickets/:ref',
    handle('officer', async (req, res, user, ref) => {
      // The rating link of a mail: a query survives the sign-in round trip, a #fragment does not.
      if (req.query.focus === 'rating') return res.redirect(303, `/tickets/${ref}#rating`);
      const done = typeof req.query.done === 'string' && req.query.done in DONE_KINDS ? (req.query.done as DoneKind) : undefined;
      page(res, user, await load(user, ref), { done });
    }),
  );

  router.get(
    '/tickets/:ref/live',
    handle('officer', async (_req, res, user, ref) => {
      sendFragment(res, <TicketLive data={await load(user, ref)} viewer={user} />);
    }),
  );

  router.post(
    '/tickets/:ref/messages',
    handle('officer', async (req, res, user, ref) => {
      const staff = atLeast(user.role, 'agent');
      const locale = user.locale;
      const raw = field(req, 'action');
      const action: ReplyAction = raw === 'pending' || raw === 'resolve' ? raw : 'send';
      const body = field(req, 'body');
      // Files uploaded with this submit, and those of an earlier refused one the form kept.
      const uploads = formUploadsOf(res);
      const kept = await services.attachments.unclaimed(user, keptUploadIds(req));
      const files = [...kept.map((a) => ({ id: a.id, filename: a.filename })), ...uploads.stored];
      const draft: ReplyDraft = { body, internal: staff && field(req, 'internal') === '1', action, stale: false, errors: {}, files };
      if (body.trim() === '') draft.errors.body = t(locale, 'errBodyEmpty');
      else if (body.length > 20000) draft.errors.body = t(locale, 'errBodyLong');
      else if (CONTROL.test(body)) draft.errors.body = t(locale, 'errControl');
      if (uploads.error) draft.errors.files = uploads.error;
      else if (files.length > MAX_FILES_PER_MESSAGE) draft.errors.files = t(locale, 'errTooManyFiles', { n: MAX_FILES_PER_MESSAGE });
      if (draft.errors.body || draft.errors.files) return page(res, user, await load(user, ref), { reply: draft }, 422);
      const expected = field(req, 'expected_last_message_id');
      // A reply from the page counts towards the writer's quota, as one through the API does.
      await deps.writeQuota?.consume(user);
      try {
        const m = await services.tickets.addMessage(user, ref, {
          body,
          internal: staff ? draft.internal : undefined,
          status: staff && action !== 'send' ? (action === 'pending' ? 'pending' : 'resolved') : undefined,
          expected_last_message_id: /^\d{1,15}$/.test(expected) ? Number(expected) : undefined,
          attachment_ids: files.length ? files.map((f) => f.id) : undefined,
        });
        back(res, ref, 'sent', `#message-${m.message.id}`);
      } catch (err) {
        if (err instanceof StaleReplyError) return page(res, user, await load(user, ref), { reply: { ...draft, stale: true } }, 409);
        if (!(err instanceof ConflictError || err instanceof ValidationError)) throw err;
        const data = await load(user, ref);
        const closed = data.overview.detail.ticket.status === 'closed';
        // Uploads that can no longer be claimed (expired, sent meanwhile): the files must be chosen again.
        if (err.errors?.some((e) => e.path.startsWith('attachment_ids'))) {
          draft.errors.files = t(locale, 'errFilesGone');
          draft.files = [];
        } else draft.errors.body = closed ? t(locale, 'errClosed') : err.message;
        page(res, user, data, { reply: draft }, err.status);
      }
    }),
  );

  router.post(
    '/tickets/:ref/update',
    handle('agent', async (req, res, user, ref) => {
      const locale = user.locale;
      const errors: FieldErrors = {};
      const input: UpdateTicketInput = {};
      // Only what this person changed: the form also carries the values it was drawn with.
      // A field left out is not changed; one without its orig_ value is taken as changed.
      const sent = (name: string) => Object.hasOwn((req.body ?? {}) as object, name);
      const changed = (name: string) => sent(name) && (!sent(`orig_${name}`) || field(req, name) !== field(req, `orig_${name}`));
      if (changed('assignee_id')) {
        const v = field(req, 'assignee_id');
        if (v === '') input.assignee_id = null;
        else if (/^[1-9]\d{0,14}$/.test(v)) input.assignee_id = Number(v);
        else errors.assignee_id = t(locale, 'errAssignee');
      }
      if (changed('status')) {
        const v = field(req, 'status');
        if ((TICKET_STATUSES as readonly string[]).includes(v)) input.status = v as TicketStatus;
        else errors.status = t(locale, 'errStatus');
      }
      if (changed('priority')) {
        const v = field(req, 'priority');
        if ((PRIORITIES as readonly string[]).includes(v)) input.priority = v as Priority;
        else errors.priority = t(locale, 'errPriority');
      }
      if (changed('category')) {
        const v = field(req, 'category').trim();
        if (CATEGORY.test(v)) input.category = v;
        else errors.category = t(locale, 'errCategory');
      }
      if (Object.keys(errors).length) return page(res, user, await load(user, ref), { controlErrors: errors }, 422);
      try {
        if (Object.keys(input).length) await services.tickets.update(user, ref, input);
        back(res, ref, 'saved');
      } catch (err) {
        if (!(err instanceof DomainError) || (err.status !== 409 && err.status !== 422)) throw err;
        const data = await load(user, ref);
        const from = data.overview.detail.ticket.status;
        if (err instanceof ConflictError && input.status)
          errors.status = t(locale, 'errStatusMove', { from: STATUS_LABELS[locale][from], to: STATUS_LABELS[locale][input.status] });
        for (const p of err.errors ?? []) errors[p.path] = p.path === 'assignee_id' ? t(locale, 'errAssignee') : p.message;
        if (Object.keys(errors).length === 0) errors.status = err.message;
        page(res, user, data, { controlErrors: errors }, err.status);
      }
    }),
  );

  router.post(
    '/tickets/:ref/assign-me',
    handle('agent', async (_req, res, user, ref) => {
      try {
        await services.tickets.update(user, ref, { assignee_id: user.id });
        back(res, ref, 'assigned');
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        page(res, user, await load(user, ref), { controlErrors: { assignee_id: t(user.locale, 'errAssignee') } }, 422);
      }
    }),
  );

  router.post(
    '/tickets/:ref/rating',
    handle('officer', async (req, res, user, ref) => {
      const locale = user.locale;
      const score = field(req, 'score');
      const comment = field(req, 'comment');
      const draft = { score, comment, errors: {} as FieldErrors };
      if (!/^[1-5]$/.test(score)) draft.errors.score = t(locale, 'errScore');
      if (comment.length > 2000) draft.errors.comment = t(locale, 'errCommentLong');
      else if (CONTROL.test(comment)) draft.errors.comment = t(locale, 'errControl');
      if (Object.keys(draft.errors).length) return page(res, user, await load(user, ref), { rating: draft }, 422);
      try {
        await services.tickets.rate(user, ref, { score: Number(score), comment: comment.trim() === '' ? undefined : comment });
        back(res, ref, 'rated', '#rating');
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        const data = await load(user, ref);
        draft.errors.score = data.overview.rating ? t(locale, 'errAlreadyRated') : t(locale, 'ratingLater');
        page(res, user, data, { rating: draft }, 409);
      }
    }),
  );
};
