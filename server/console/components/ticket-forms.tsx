import { atLeast, type Locale, PRIORITIES, type Ticket, type User } from '../../../core/model';
import type { Rating } from '../../../core/tickets/ticket-service';
import { canMove } from '../../../core/tickets/status-machine';
import { CATEGORY_LABELS, PRIORITY_LABELS, STATUS_LABELS, categoryLabel, t } from '../labels';
import { CsrfField } from './csrf-field';
import { FileField, type KeptFile } from './file-field';

/** Messages beside fields, by field name. */
export type FieldErrors = Partial<Record<string, string>>;

/** What the reply form shows again after a refused send: the draft, the button used, why. */
export interface ReplyDraft {
  body: string;
  internal: boolean;
  action: ReplyAction;
  /** A newer message arrived: ask before sending (`그래도 보내기`). */
  stale: boolean;
  errors: FieldErrors;
  /** Files this draft already uploaded (sent with it next time). */
  files?: KeptFile[];
}
export type ReplyAction = 'send' | 'pending' | 'resolve';

export interface RatingDraft {
  score: string;
  comment: string;
  errors: FieldErrors;
}

/** The page's own path for a ticket (by number: what mails link to). */
export const ticketPath = (t: Pick<Ticket, 'number'>) => `/tickets/${t.number}`;

function FieldError(props: { id: string; text: string | undefined }) {
  return props.text ? (
    <p class="error" id={props.id}>
      {props.text}
    </p>
  ) : null;
}

/**
 * The reply form: `메시지` and `보내기`; staff also `내부 메모`, `보내고 대기` and `보내고 해결`. It
 * posts the id of the latest message on the page, so a reply written against an older
 * conversation is refused and comes back with the notice and `그래도 보내기`. The hooks other
 * widgets attach to (`#reply-form`, `#reply-body`, `#canned-slot`) are fixed.
 */
export function ReplyForm(props: {
  ticket: Ticket;
  viewer: User;
  locale: Locale;
  lastMessageId: number;
  draft?: ReplyDraft;
  /** The largest file one upload may be (bytes). */
  uploadLimit: number;
}) {
  const { ticket, viewer, locale, draft } = props;
  const staff = atLeast(viewer.role, 'agent');
  const error = draft?.errors.body;
  if (ticket.status === 'closed')
    return (
      <section class="card reply" aria-labelledby="reply-heading">
        <h2 id="reply-heading" class="flush">
          {t(locale, 'replyHeading')}
        </h2>
        <p class="muted">{t(locale, 'closedNoReply')}</p>
      </section>
    );
  return (
    <section class="card reply" aria-labelledby="reply-heading">
      <h2 id="reply-heading" class="flush">
        {t(locale, 'replyHeading')}
      </h2>
      {draft?.stale && (
        <div class="notice notice-warning" role="alert" id="stale-notice">
          <p>
            <strong>{t(locale, 'staleTitle')}</strong>
          </p>
          <p>{t(locale, 'staleBody')}</p>
          <button type="submit" form="reply-form" name="action" value={draft.action} class="btn">
            {t(locale, 'sendAnyway')}
          </button>
        </div>
      )}
      <form id="reply-form" method="post" action={`${ticketPath(ticket)}/messages`} class="reply-form" enctype="multipart/form-data">
        <CsrfField />
        <input type="hidden" name="expected_last_message_id" value={String(props.lastMessageId)} />
        <div class="field">
          <label for="reply-body">{t(locale, 'messageLabel')}</label>
          {staff && <div id="canned-slot" />}
          <textarea
            id="reply-body"
            name="body"
            rows={6}
            maxLength={20000}
            required
            // Back with a refusal (or a newer message): the draft and the notice above it in view.
            autofocus={Boolean(error || draft?.stale)}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'reply-body-error' : undefined}
          >
            {draft?.body ?? ''}
          </textarea>
          <FieldError id="reply-body-error" text={error} />
        </div>
        <FileField id="reply-files" locale={locale} maxBytes={props.uploadLimit} kept={draft?.files} error={draft?.errors.files} />
        {staff && (
          <div class="field">
            <label class="check" for="reply-internal">
              <input
                type="checkbox"
                id="reply-internal"
                name="internal"
                value="1"
                checked={draft?.internal}
                aria-describedby="reply-internal-hint"
              />
              {t(locale, 'internalNote')}
            </label>
            <span class="hint" id="reply-internal-hint">
              {t(locale, 'internalNoteHint')}
            </span>
          </div>
        )}
        {!staff && ticket.status === 'resolved' && <p class="hint">{t(locale, 'resolvedReplyHint')}</p>}
        <div class="actions">
          <button type="submit" name="action" value="send" class="btn">
            {t(locale, 'send')}
          </button>
          {staff && (
            <button type="submit" name="action" value="pending" class="btn btn-secondary">
              {t(locale, 'sendAndPending')}
            </button>
          )}
          {staff && (
            <button type="submit" name="action" value="resolve" class="btn btn-secondary">
              {t(locale, 'sendAndResolve')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

/**
 * Staff controls: `담당자` with `나에게 배정`, `상태` (only the moves the status machine allows),
 * `우선순위`, `분류` and `저장`. The values the form was drawn with travel along (`orig_*`), so
 * saving changes only what this person changed, not what someone else changed meanwhile.
 */
export function StaffControls(props: { ticket: Ticket; assignees: User[]; viewer: User; locale: Locale; errors?: FieldErrors }) {
  const { ticket, viewer, locale } = props;
  const errors = props.errors ?? {};
  const path = ticketPath(ticket);
  const statuses = (['new', 'open', 'pending', 'resolved', 'closed'] as const).filter(
    (s) => s === ticket.status || canMove(ticket.status, s),
  );
  const categories = Object.keys(CATEGORY_LABELS[locale]);
  if (!categories.includes(ticket.category)) categories.push(ticket.category);
  const canTake = (viewer.role === 'agent' || viewer.role === 'supervisor') && ticket.assigneeId !== viewer.id;
  const people = props.assignees;
  const described = (name: string) => (errors[name] ? { 'aria-invalid': 'true' as const, 'aria-describedby': `ctl-${name}-error` } : {});
  return (
    <section class="card side-card" aria-labelledby="handling-heading">
      <h2 id="handling-heading" class="flush">
        {t(locale, 'handlingHeading')}
      </h2>
      <form method="post" action={`${path}/update`} id="controls-form">
        <CsrfField />
        <input type="hidden" name="orig_assignee_id" value={ticket.assigneeId === null ? '' : String(ticket.assigneeId)} />
        <input type="hidden" name="orig_status" value={ticket.status} />
        <input type="hidden" name="orig_priority" value={ticket.priority} />
        <input type="hidden" name="orig_category" value={ticket.category} />
        <div class="field">
          <label for="ctl-assignee">{t(locale, 'assigneeLabel')}</label>
          <div class="field-row">
            <select id="ctl-assignee" name="assignee_id" {...described('assignee_id')}>
              <option value="" selected={ticket.assigneeId === null}>
                {t(locale, 'unassigned')}
              </option>
              {people.map((u) => (
                <option value={String(u.id)} selected={u.id === ticket.assigneeId}>
                  {u.name}
                </option>
              ))}
              {ticket.assigneeId !== null && !people.some((u) => u.id === ticket.assigneeId) && (
                <option value={String(ticket.assigneeId)} selected>
                  #{ticket.assigneeId}
                </option>
              )}
            </select>
            {canTake && (
              <button type="submit" formaction={`${path}/assign-me`} class="btn btn-secondary btn-small">
                {t(locale, 'assignToMe')}
              </button>
            )}
          </div>
          <FieldError id="ctl-assignee_id-error" text={errors.assignee_id} />
        </div>
        <div class="field">
          <label for="ctl-status">{t(locale, 'statusLabel')}</label>
          <select id="ctl-status" name="status" {...described('status')}>
            {statuses.map((s) => (
              <option value={s} selected={s === ticket.status}>
                {STATUS_LABELS[locale][s]}
              </option>
            ))}
          </select>
          <FieldError id="ctl-status-error" text={errors.status} />
        </div>
        <div class="field">
          <label for="ctl-priority">{t(locale, 'priorityLabel')}</label>
          <select id="ctl-priority" name="priority" {...described('priority')}>
            {PRIORITIES.map((p) => (
              <option value={p} selected={p === ticket.priority}>
                {PRIORITY_LABELS[locale][p]}
              </option>
            ))}
          </select>
          <FieldError id="ctl-priority-error" text={errors.priority} />
        </div>
        <div class="field">
          <label for="ctl-category">{t(locale, 'categoryLabel')}</label>
          <select id="ctl-category" name="category" {...described('category')}>
            {categories.map((c) => (
              <option value={c} selected={c === ticket.category}>
                {categoryLabel(locale, c)}
              </option>
            ))}
          </select>
          <FieldError id="ctl-category-error" text={errors.category} />
        </div>
        <button type="submit" class="btn">
          {t(locale, 'save')}
        </button>
      </form>
    </section>
  );
}

/**
 * The rating part (`#rating`, where the resolution mail's link lands): for the requester, the
 * form once the inquiry is resolved or closed (`만족도` radios 1–5, `의견`, `평가 보내기`), then the
 * rating given; staff see the rating. Refreshed live; the form is kept as it is while the
 * requester fills it in (hx-preserve).
 */
export function RatingSection(props: {
  ticket: Ticket;
  rating: Rating | null;
  viewer: User;
  locale: Locale;
  draft?: RatingDraft;
  oob?: boolean;
}) {
  const { ticket, rating, viewer, locale, draft } = props;
  const requester = viewer.id === ticket.requesterId && viewer.role === 'officer';
  const done = ticket.status === 'resolved' || ticket.status === 'closed';
  const oob = props.oob ? 'true' : undefined;
  if (!requester && !rating) return <section id="rating" hidden hx-swap-oob={oob} />;
  const errors = draft?.errors ?? {};
  return (
    <section id="rating" class="card" aria-labelledby="rating-heading" hx-swap-oob={oob}>
      <h2 id="rating-heading" class="flush">
        {t(locale, 'ratingHeading')}
      </h2>
      {rating ? (
        <div class="rating-given">
          <FieldError id="rating-score-error" text={errors.score} />
          <p>
            <strong>{t(locale, 'satisfaction')}</strong> {t(locale, 'ratingScore', { score: rating.score })}
          </p>
          {rating.comment && <blockquote class="rating-comment">{rating.comment}</blockquote>}
          {requester && <p class="muted">{t(locale, 'ratingThanks')}</p>}
        </div>
      ) : !done ? (
        <p class="muted">{t(locale, 'ratingLater')}</p>
      ) : (
        <form id="rating-form" method="post" action={`${ticketPath(ticket)}/rating`} hx-preserve>
          <CsrfField />
          <fieldset class="field" aria-describedby={errors.score ? 'rating-score-error' : 'rating-intro'}>
            <legend>{t(locale, 'satisfaction')}</legend>
            <p class="hint" id="rating-intro">
              {t(locale, 'ratingIntro')}
            </p>
            <div class="radio-row">
              {[1, 2, 3, 4, 5].map((n) => (
                <label for={`score-${n}`}>
                  <input type="radio" id={`score-${n}`} name="score" value={String(n)} required checked={draft?.score === String(n)} />
                  {String(n)}
                </label>
              ))}
            </div>
            <FieldError id="rating-score-error" text={errors.score} />
          </fieldset>
          <div class="field">
            <label for="rating-comment">{t(locale, 'ratingComment')}</label>
            <textarea
              id="rating-comment"
              name="comment"
              rows={3}
              maxLength={2000}
              aria-invalid={errors.comment ? 'true' : undefined}
              aria-describedby={errors.comment ? 'rating-comment-error' : 'rating-comment-hint'}
            >
              {draft?.comment ?? ''}
            </textarea>
            <span class="hint" id="rating-comment-hint">
              {t(locale, 'ratingCommentHint')}
            </span>
            <FieldError id="rating-comment-error" text={errors.comment} />
          </div>
          <button type="submit" class="btn">
            {t(locale, 'sendRating')}
          </button>
        </form>
      )}
    </section>
  );
}
