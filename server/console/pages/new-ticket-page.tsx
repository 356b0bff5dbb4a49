import { createHash, randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { ConflictError, ValidationError } from '../../../core/errors';
import { atLeast, type Locale, PRIORITIES, type User } from '../../../core/model';
import type { IntakeInfo } from '../../../core/tickets/ticket-service';
import { hoursMinutes } from '../client/time-format';
import { MAX_FILES_PER_MESSAGE } from '../../../core/attachments/attachment-service';
import { CsrfField } from '../components/csrf-field';
import { FileField, type KeptFile } from '../components/file-field';
import { formUploadsOf, keptUploadIds } from '../console-uploads';
import { ticketHref } from '../components/ticket-rows';
import { requireViewer, viewerOf } from '../console-context';
import type { ConsoleDeps, ConsolePages } from '../console-routes';
import { CATEGORY_LABELS, CHANNEL_LABELS, categoryLabel, type LabelKey, PRIORITY_LABELS, t } from '../labels';
import { Layout } from '../layout';
import { sendPage } from '../render';
import { type FormErrors, type FormValues, ON_BEHALF_CHANNELS, readTicketForm, serviceErrors } from './new-ticket-form';

/**
 * `/tickets/new`: an officer submits an inquiry; staff record one on an officer's behalf (by the
 * officer's e-mail). A plain form (POST, then 303 to the new ticket's page); errors re-render it
 * with what was typed (422). A hidden idempotency key makes a double submit one inquiry.
 */
export const newTicketPages: ConsolePages = (router, deps) => {
  router.get('/tickets/new', requireViewer(), async (_req: Request, res: Response) => {
    const user = viewerOf(res)!.user;
    const values: FormValues = { category: 'general', priority: 'normal', channel: 'phone', idempotency_key: randomUUID() };
    sendPage(
      res,
      <NewTicketPage user={user} intake={await deps.services.tickets.intake()} values={values} errors={{}} files={files(deps)} />,
    );
  });

  router.post('/tickets/new', requireViewer(), async (req: Request, res: Response) => {
    const user = viewerOf(res)!.user;
    const intake = await deps.services.tickets.intake();
    const staff = atLeast(user.role, 'agent');
    const { values, input, errors } = readTicketForm(req.body as Record<string, unknown>, staff, categoriesOf(intake));
    // Files uploaded with this submit, and those of an earlier refused one the form kept.
    const uploads = formUploadsOf(res);
    const kept = await deps.services.attachments.unclaimed(user, keptUploadIds(req));
    const attached: KeptFile[] = [...kept.map((a) => ({ id: a.id, filename: a.filename })), ...uploads.stored];
    const fileError =
      uploads.error ??
      (attached.length > MAX_FILES_PER_MESSAGE ? t(user.locale, 'errTooManyFiles', { n: MAX_FILES_PER_MESSAGE }) : undefined);
    const again = (errs: FormErrors, f: { kept: KeptFile[]; error?: string }) =>
      sendPage(res, <NewTicketPage user={user} intake={intake} values={values} errors={errs} files={files(deps, f)} />, 422);
    if (!input || fileError) return again(errors, { kept: attached, error: fileError });
    if (attached.length) input.attachment_ids = attached.map((f) => f.id);
    try {
      const number = await create(deps, user, input, values.idempotency_key);
      res.redirect(303, ticketHref(number));
    } catch (err) {
      // Uploads that can no longer be claimed (expired, used meanwhile): the files must be chosen again.
      if (err instanceof ValidationError && err.errors?.some((e) => e.path.startsWith('attachment_ids')))
        return again({}, { kept: [], error: t(user.locale, 'errFilesGone') });
      const fields = err instanceof ValidationError ? serviceErrors(err) : null;
      if (!fields) throw err;
      again(fields, { kept: attached });
    }
  });
};

/** What the form's `첨부 파일` field shows: the limit, the files kept from a refused submit, a refusal. */
interface FilesState {
  maxBytes: number;
  kept: KeptFile[];
  error?: string;
}
const files = (deps: ConsoleDeps, f: { kept: KeptFile[]; error?: string } = { kept: [] }): FilesState => ({
  maxBytes: deps.services.attachments.maxBytes,
  ...f,
});

/** The categories offered: the console's named ones (as on the ticket page), then any other a policy matches on. */
const categoriesOf = (intake: IntakeInfo): string[] => [...new Set([...Object.keys(CATEGORY_LABELS.ko), ...intake.categories])];

type CreateInput = Parameters<ConsoleDeps['services']['tickets']['create']>[1];

/** How far back a double submit's first inquiry is looked for among the submitter's newest. */
const TWIN_WINDOW_MS = 10 * 60_000;
const TWIN_LOOKBACK = 20;

/**
 * Creates the inquiry and answers its number; the same form submitted again answers the first one's.
 *
 * The form's hidden key alone does not make a double submit one inquiry when files come with it:
 * each submit uploads them anew, so the two requests differ in `attachment_ids`, and the service
 * refuses the key's second use with other content (409). So the key the service gets is the form's
 * key and a digest of everything but the files: a form changed after a submit (back button, edit)
 * has another key and is another inquiry; the same text again with the same key is the double
 * submit, answered with the inquiry the first submit made (its files stay with it; the second
 * submit's uploads are never claimed and expire).
 */
async function create(deps: ConsoleDeps, user: User, input: CreateInput, key: string | undefined): Promise<string> {
  await deps.writeQuota?.consume(user);
  const created = (d: { ticket: { id: number; number: string } }) => ({ id: d.ticket.id, number: d.ticket.number });
  const { attachment_ids: _files, ...text } = input;
  const serviceKey =
    key === undefined ? undefined : `${key}.${createHash('sha256').update(JSON.stringify(text)).digest('hex').slice(0, 32)}`;
  try {
    const out = await deps.services.tickets.create(user, input, created, serviceKey);
    return (out.body as { number: string }).number;
  } catch (err) {
    if (!(err instanceof ConflictError) || serviceKey === undefined) throw err;
    const twin = await firstOfTwin(deps, user, input);
    if (twin) return twin;
    // Not found (it cannot be seen, or is older than the window): another inquiry rather than none.
    const out = await deps.services.tickets.create(user, input, created, randomUUID());
    return (out.body as { number: string }).number;
  }
}

/** The inquiry an earlier submit of the same form made: the submitter's newest with this text, just created. */
async function firstOfTwin(deps: ConsoleDeps, user: User, input: CreateInput): Promise<string | null> {
  const since = deps.clock.now().getTime() - TWIN_WINDOW_MS;
  const newest = await deps.services.tickets.list(user, { sort: '-created_at' }, { limit: TWIN_LOOKBACK });
  const requester = 'requester_email' in input ? String(input.requester_email).toLowerCase() : null;
  const twin = newest.items.find(
    ({ ticket, requester: r }) =>
      ticket.createdAt.getTime() >= since &&
      ticket.subject.trim() === input.subject.trim() &&
      ticket.body.trim() === input.body.trim() &&
      (requester === null ? r.id === user.id : r.email.toLowerCase() === requester),
  );
  return twin?.ticket.number ?? null;
}

function NewTicketPage(props: { user: User; intake: IntakeInfo; values: FormValues; errors: FormErrors; files: FilesState }) {
  const { user, intake, values, errors } = props;
  const locale = user.locale;
  const staff = atLeast(user.role, 'agent');
  const title = t(locale, staff ? 'newTicketOnBehalfTitle' : 'newTicketTitle');
  const f = (name: keyof FormErrors, label: LabelKey, hint?: LabelKey) => ({ name, label, hint, values, errors, locale });
  return (
    <Layout title={title} active="/tickets/new">
      <h1>{title}</h1>
      <p class="muted">{t(locale, staff ? 'newTicketOnBehalfIntro' : 'newTicketIntro')}</p>
      <ErrorSummary errors={errors} locale={locale} />
      <form method="post" action="/tickets/new" class="card ticket-form" enctype="multipart/form-data" novalidate data-submit-once>
        <CsrfField />
        <input type="hidden" name="idempotency_key" value={values.idempotency_key} />
        {staff && <Field {...f('requester_email', 'fieldRequesterEmail', 'hintRequesterEmail')} type="email" required />}
        <Field {...f('subject', 'fieldSubject', 'hintSubject')} required maxLength={200} />
        <Field {...f('body', 'fieldBody', 'hintBody')} multiline required />
        <FileField id="files" locale={locale} maxBytes={props.files.maxBytes} kept={props.files.kept} error={props.files.error} />
        <Select {...f('category', 'fieldCategory')} options={categoriesOf(intake).map((c) => [c, categoryLabel(locale, c)])} />
        {staff && <Select {...f('priority', 'fieldPriority')} options={PRIORITIES.map((p) => [p, PRIORITY_LABELS[locale][p]])} />}
        {staff && <Select {...f('channel', 'fieldChannel')} options={ON_BEHALF_CHANNELS.map((c) => [c, CHANNEL_LABELS[locale][c]])} />}
        {staff && <Field {...f('received_at', 'fieldReceivedAt', 'hintReceivedAt')} type="datetime-local" />}
        <PromiseNote intake={intake} locale={locale} />
        <div class="actions">
          <button type="submit" class="btn" data-busy-label={t(locale, 'submittingTicket')}>
            {t(locale, 'submitTicket')}
          </button>
        </div>
      </form>
    </Layout>
  );
}

interface FieldProps {
  name: keyof FormErrors;
  label: LabelKey;
  hint?: LabelKey;
  values: FormValues;
  errors: FormErrors;
  locale: Locale;
}

/** A labelled input or textarea with its hint and, after a refused submit, its error beside it. */
function Field(
  props: FieldProps & { type?: 'text' | 'email' | 'datetime-local'; multiline?: boolean; required?: boolean; maxLength?: number },
) {
  const { name, locale, errors } = props;
  const error = errors[name];
  const describedBy = [error ? `${name}-error` : '', props.hint ? `${name}-hint` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id: name,
    name,
    required: props.required,
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': describedBy,
  } as const;
  return (
    <div class="field">
      <label for={name}>{t(locale, props.label)}</label>
      {props.hint && (
        <span class="hint" id={`${name}-hint`}>
          {t(locale, props.hint)}
        </span>
      )}
      {error && (
        <span class="error" id={`${name}-error`}>
          {t(locale, error)}
        </span>
      )}
      {props.multiline ? (
        <textarea {...common} rows={10}>
          {props.values[name] ?? ''}
        </textarea>
      ) : (
        <input {...common} type={(props.type ?? 'text') as 'text'} value={props.values[name] ?? ''} maxLength={props.maxLength} />
      )}
    </div>
  );
}

function Select(props: FieldProps & { options: [string, string][] }) {
  const { name, locale, errors } = props;
  const error = errors[name];
  const current = props.values[name];
  return (
    <div class="field">
      <label for={name}>{t(locale, props.label)}</label>
      {error && (
        <span class="error" id={`${name}-error`}>
          {t(locale, error)}
        </span>
      )}
      <select id={name} name={name} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${name}-error` : undefined}>
        {props.options.map(([value, label]) => (
          <option key={value} value={value} selected={value === current}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Every refused field, linked to it (KRDS error summary), announced once on load. */
function ErrorSummary(props: { errors: FormErrors; locale: Locale }) {
  const entries = Object.entries(props.errors) as [keyof FormErrors, LabelKey][];
  if (entries.length === 0) return null;
  return (
    <div class="notice notice-danger error-summary" role="alert">
      <p class="notice-title">{t(props.locale, 'errorSummary')}</p>
      <ul>
        {entries.map(([field, message]) => (
          <li key={field}>
            <a href={`#${field}`}>{t(props.locale, message)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The promise, plainly: how long, on which clock, and that a wait for the requester stops it. */
function PromiseNote(props: { intake: IntakeInfo; locale: Locale }) {
  const { intake, locale } = props;
  const target = hoursMinutes(intake.policy.resolutionTarget, locale);
  return (
    <section class="notice promise" aria-labelledby="promise-title">
      <h2 id="promise-title" class="notice-title">
        {t(locale, 'promiseTitle')}
      </h2>
      <p>
        {intake.policy.clock === 'business' && intake.calendarName
          ? t(locale, 'promiseBusiness', { target, calendar: intake.calendarName })
          : t(locale, 'promiseWall', { target })}
      </p>
      <p>
        {intake.policy.pauseOnPending && `${t(locale, 'promisePending')} `}
        {intake.variesByCategory && `${t(locale, 'promiseVaries')} `}
        {t(locale, 'promiseAfter')}
      </p>
    </section>
  );
}
