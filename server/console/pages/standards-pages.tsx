/**
 * The charter's service standards: `/standards`, all twenty on one page grouped by the charter's
 * sections (target, this period's figure, status in words and colour, the last six months as a
 * sparkline, owners), and `/standards/:id`, one standard with its records, the form to add one,
 * voiding a record and the alert history. Staff read (agents and up, as the API's
 * `GET /api/v1/standards`); records are added and voided by supervisors and admins (an agent sees
 * no form, and a POST is the 403 page); an officer gets the 403 page. Every read and write goes
 * through the same standards service as the API routes (server/standards/standards-routes.ts).
 */
import type { Request, Response } from 'express';
import type { ComponentChildren } from 'preact';
import { BadRequestError, ConflictError, NotFoundError, ValidationError } from '../../../core/errors';
import { atLeast, type Locale, type User } from '../../../core/model';
import type { Page, StoredStandardRecord } from '../../../core/ports';
import { KR_REGIONS, NATIONAL_REF, type Standard } from '../../../core/standards/catalogue';
import type { Status } from '../../../core/standards/evaluate';
import type {
  StandardAlert,
  StandardCompliance,
  StandardDetail,
  StandardOverview,
  TrendPoint,
} from '../../../core/standards/standards-service';
import { CsrfField } from '../components/csrf-field';
import { Sparkline } from '../components/sparkline';
import {
  actualHint,
  actualText,
  ownerText,
  ownerUserIds,
  periodText,
  refText,
  SECTIONS,
  shortDateTime,
  subjectText,
  targetText,
  unitWord,
  formatNumber,
  valueText,
} from '../components/standard-figures';
import { localeOf, requireViewer, viewerOf } from '../console-context';
import type { ConsolePages } from '../console-routes';
import {
  NATIONAL_LABEL,
  RECORD_VALUE_LABELS,
  STAGE_LABELS,
  STANDARD_KIND_LABELS,
  STANDARD_STATUS_LABELS,
  SUBJECT_KIND_LABELS,
  t,
  type LabelKey,
} from '../labels';
import { Layout } from '../layout';
import { sendPage } from '../render';
import { ForbiddenPage } from './error-pages';
import {
  formShape,
  initialValues,
  problemErrors,
  readRecordForm,
  SUBJECT_EXAMPLES,
  type RecordField,
  type RecordFormErrors,
  type RecordFormValues,
} from './standard-record-form';

/** Months a sparkline of the list covers, and the standard's own page. */
const LIST_MONTHS = 6;
const DETAIL_MONTHS = 12;
const RECORDS_PER_PAGE = 50;
const STATUS_ORDER: Status[] = ['missed', 'at_risk', 'on_track', 'met'];

/** Everything a standard's page shows. */
interface DetailModel {
  locale: Locale;
  viewer: User;
  now: Date;
  detail: StandardDetail;
  trend: TrendPoint[];
  records: Page<StoredStandardRecord>;
  cursor?: string;
  alerts: StandardAlert[];
  tickets: StandardCompliance['tickets'];
  names: Map<number, string>;
}

/** What the page shows again after a refused form. */
interface DetailState {
  done?: 'added' | 'voided';
  form?: { values: RecordFormValues; errors: RecordFormErrors };
  voidError?: { recordId: number; reason: string; message: string };
}

const forbidden = (_req: Request, res: Response) => sendPage(res, <ForbiddenPage locale={localeOf(res)} />, 403);

function field(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
}

export const standardsPages: ConsolePages = (router, deps) => {
  const service = deps.services.standards;

  router.get('/standards', requireViewer('agent', forbidden), async (_req: Request, res: Response) => {
    const user = viewerOf(res)!.user;
    const items = await service.overview(LIST_MONTHS);
    const names = await service.names(items.flatMap((i) => ownerUserIds(i.settings.owners)));
    sendPage(res, <StandardsListPage items={items} names={names} locale={user.locale} now={deps.clock.now()} />);
  });

  async function load(user: User, id: string, cursor: string | undefined): Promise<DetailModel> {
    const detail = await service.get(id);
    const records = await service.records(id, { limit: RECORDS_PER_PAGE, cursor }).catch((err: unknown) => {
      // A cursor the list cannot read (an old link): the first page, not an error page.
      if (!(err instanceof BadRequestError) || cursor === undefined) throw err;
      cursor = undefined;
      return service.records(id, { limit: RECORDS_PER_PAGE });
    });
    const [trend, alerts, compliance] = await Promise.all([
      service.trend(id, DETAIL_MONTHS),
      service.alerts(id),
      detail.standard.kind === 'helpdesk' ? service.compliance(id) : null,
    ]);
    const ids = [
      ...ownerUserIds(detail.settings.owners),
      ...records.items.flatMap((r) => [r.createdBy, r.voidedBy]).filter((x): x is number => x !== null),
    ];
    return {
      locale: user.locale,
      viewer: user,
      now: deps.clock.now(),
      detail,
      trend,
      records,
      cursor,
      alerts,
      tickets: compliance?.tickets ?? null,
      names: await service.names(ids),
    };
  }

  const page = (res: Response, model: DetailModel, state: DetailState, status = 200) =>
    sendPage(res, <StandardPage model={model} state={state} />, status);
  const idOf = (req: Request) => String(req.params.id ?? '');

  router.get('/standards/:id', requireViewer('agent', forbidden), async (req: Request, res: Response) => {
    const user = viewerOf(res)!.user;
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor !== '' ? req.query.cursor : undefined;
    const done = req.query.done === 'added' || req.query.done === 'voided' ? req.query.done : undefined;
    page(res, await load(user, idOf(req), cursor), { done });
  });

  router.post('/standards/:id/records', requireViewer('supervisor', forbidden), async (req: Request, res: Response) => {
    const user = viewerOf(res)!.user;
    const id = idOf(req);
    const detail = await service.get(id);
    const std = detail.standard;
    const now = deps.clock.now();
    const { values, input, errors } = readRecordForm(std, (req.body ?? {}) as Record<string, unknown>, user.locale, now);
    if (!input) return page(res, await load(user, id, undefined), { form: { values, errors } }, 422);
    try {
      await service.addRecord(user, id, input);
      res.redirect(303, `/standards/${encodeURIComponent(id)}?done=added#records`);
    } catch (err) {
      if (err instanceof ValidationError)
        return page(
          res,
          await load(user, id, undefined),
          { form: { values, errors: problemErrors(std, err.errors ?? [], user.locale) } },
          422,
        );
      if (err instanceof ConflictError)
        return page(res, await load(user, id, undefined), { form: { values, errors: { form: err.message } } }, 409);
      throw err;
    }
  });

  router.post('/standards/:id/records/:rid/void', requireViewer('supervisor', forbidden), async (req: Request, res: Response) => {
    const user = viewerOf(res)!.user;
    const id = idOf(req);
    const rawRid = String(req.params.rid ?? '');
    if (!/^[1-9]\d{0,14}$/.test(rawRid)) throw new NotFoundError(`${id} has no record ${rawRid}`);
    const recordId = Number(rawRid);
    const reason = field(req, 'reason').trim();
    if (reason === '' || reason.length > 500) {
      const message = t(user.locale, 'errStdReason');
      return page(res, await load(user, id, undefined), { voidError: { recordId, reason, message } }, 422);
    }
    try {
      await service.voidRecord(user, id, recordId, reason);
      res.redirect(303, `/standards/${encodeURIComponent(id)}?done=voided#records`);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      const message = t(user.locale, 'errStdVoided');
      page(res, await load(user, id, undefined), { voidError: { recordId, reason, message } }, 409);
    }
  });
};

// ---------------------------------------------------------------------------------------------
// Shared parts

/** A status in words and colour (the word carries the meaning; the colour repeats it). */
function StatusBadge(props: { status: Status; locale: Locale }) {
  return <span class={`std-status std-status-${props.status}`}>{STANDARD_STATUS_LABELS[props.locale][props.status]}</span>;
}

const title = (std: Pick<Standard, 'title_ko' | 'title_en'>, locale: Locale) => (locale === 'en' ? std.title_en : std.title_ko);
const standardHref = (id: string) => `/standards/${encodeURIComponent(id)}`;

/** A table that may scroll sideways (on a phone): a labelled region keyboard users can focus and scroll. */
function ScrollBox(props: { label: string; children: ComponentChildren }) {
  return (
    // A scrolling region must take keyboard focus to be scrolled without a mouse (WCAG 2.1.1; axe
    // scrollable-region-focusable), and a focusable region needs a name: a div with both is the pattern.
    // biome-ignore lint/a11y/useSemanticElements: a scroll container, not a section of the document
    // biome-ignore lint/a11y/noNoninteractiveTabindex: see above
    <div class="std-table-wrap" role="region" aria-label={props.label} tabIndex={0}>
      {props.children}
    </div>
  );
}

function Owners(props: { owners: string[]; names: Map<number, string>; locale: Locale }) {
  const { owners, names, locale } = props;
  if (owners.length === 0) return <span class="muted">{t(locale, 'stdOwnersNone')}</span>;
  return <>{owners.map((o) => ownerText(locale, o, names)).join(', ')}</>;
}

// ---------------------------------------------------------------------------------------------
// /standards

function StandardsListPage(props: { items: StandardOverview[]; names: Map<number, string>; locale: Locale; now: Date }) {
  const { items, names, locale } = props;
  const heading = t(locale, 'stdTitle');
  const counts = new Map<Status, number>();
  for (const i of items) counts.set(i.evaluation.status, (counts.get(i.evaluation.status) ?? 0) + 1);
  return (
    <Layout title={heading} wide active="/standards">
      <h1>{heading}</h1>
      <p class="muted">{t(locale, 'stdIntro', { at: shortDateTime(props.now) })}</p>
      <ul class="std-counts" aria-label={t(locale, 'stdCounts')}>
        {STATUS_ORDER.map((s) => (
          <li key={s}>
            <StatusBadge status={s} locale={locale} /> <strong>{String(counts.get(s) ?? 0)}</strong>
          </li>
        ))}
      </ul>
      {SECTIONS.map((sec) => {
        const rows = items.filter((i) => i.standard.section.startsWith(`${sec.no}.`));
        const name = t(locale, sec.label);
        return (
          <section key={sec.no} aria-labelledby={`std-section-${sec.no}`}>
            <h2 id={`std-section-${sec.no}`}>{name}</h2>
            <div class="std-table-wrap">
              <table class="std-table">
                <caption class="visually-hidden">{t(locale, 'stdCaption', { section: name })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t(locale, 'stdColNo')}</th>
                    <th scope="col">{t(locale, 'stdColStandard')}</th>
                    <th scope="col">{t(locale, 'stdColTarget')}</th>
                    <th scope="col">{t(locale, 'stdColActual')}</th>
                    <th scope="col">{t(locale, 'stdColStatus')}</th>
                    <th scope="col">{t(locale, 'stdColTrend')}</th>
                    <th scope="col">{t(locale, 'stdColOwner')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((i) => (
                    <StandardRow key={i.standard.id} item={i} names={names} locale={locale} />
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </Layout>
  );
}

function StandardRow(props: { item: StandardOverview; names: Map<number, string>; locale: Locale }) {
  const { item, names, locale } = props;
  const std = item.standard;
  const e = item.evaluation;
  const hint = actualHint(locale, std, e);
  return (
    <tr id={`std-${std.id}`} data-status={e.status}>
      <td class="std-no">{std.section}</td>
      <th scope="row" class="std-title">
        <a href={standardHref(std.id)}>{title(std, locale)}</a>
      </th>
      <td class="std-target" data-label={t(locale, 'stdColTarget')}>
        {targetText(locale, std)}
      </td>
      <td class="std-actual" data-label={t(locale, 'stdColActual')}>
        <span class="std-figure">{actualText(locale, std, e)}</span>
        <span class="std-sub">
          {periodText(locale, e.period.label)}
          {hint && ` · ${hint}`}
        </span>
      </td>
      <td class="std-state">
        <StatusBadge status={e.status} locale={locale} />
      </td>
      <td class="std-trend">
        <Sparkline id={`spark-${std.id}`} std={std} points={item.trend} locale={locale} />
      </td>
      <td class="std-owner" data-label={t(locale, 'stdColOwner')}>
        <Owners owners={item.settings.owners} names={names} locale={locale} />
      </td>
    </tr>
  );
}

// ---------------------------------------------------------------------------------------------
// /standards/:id

function StandardPage(props: { model: DetailModel; state: DetailState }) {
  const { model, state } = props;
  const { locale, detail, viewer } = model;
  const std = detail.standard;
  const e = detail.evaluation;
  const heading = title(std, locale);
  const canRecord = atLeast(viewer.role, 'supervisor');
  const hint = actualHint(locale, std, e);
  return (
    <Layout title={heading} wide active="/standards">
      <p class="std-back">
        <a href="/standards">← {t(locale, 'stdBack')}</a>
      </p>
      <p class="std-kicker">{t(locale, 'stdSectionNo', { section: std.section })}</p>
      <h1>{heading}</h1>
      {state.done && (
        <div class="notice notice-success" role="status">
          <p>
            {t(locale, state.done === 'added' ? 'stdDoneAdded' : 'stdDoneVoided', { status: STANDARD_STATUS_LABELS[locale][e.status] })}
          </p>
        </div>
      )}
      <section class="card" aria-labelledby="std-facts">
        <h2 id="std-facts" class="visually-hidden">
          {t(locale, 'stdFacts')}
        </h2>
        <dl class="facts std-facts">
          <div>
            <dt>{t(locale, 'stdColTarget')}</dt>
            <dd>{targetText(locale, std)}</dd>
          </div>
          <div>
            <dt>{t(locale, 'stdPeriodNow')}</dt>
            <dd>{periodText(locale, e.period.label)}</dd>
          </div>
          <div>
            <dt>{t(locale, 'stdActual')}</dt>
            <dd>
              <span class="std-figure">{actualText(locale, std, e)}</span>
              {hint && <span class="std-sub"> {hint}</span>}
            </dd>
          </div>
          <div>
            <dt>{t(locale, 'stdColStatus')}</dt>
            <dd id="std-current-status">
              <StatusBadge status={e.status} locale={locale} />
            </dd>
          </div>
          <div>
            <dt>{t(locale, 'stdColOwner')}</dt>
            <dd>
              <Owners owners={detail.settings.owners} names={model.names} locale={locale} />
            </dd>
          </div>
        </dl>
        <p class="std-measure">
          <strong>{t(locale, 'stdMeasure')}</strong> {STANDARD_KIND_LABELS[locale][std.kind]}
          {locale === 'en' && ` ${std.description_en}`}
        </p>
      </section>
      <TrendSection model={model} />
      {e.subjects.length > 0 && <SubjectsSection model={model} />}
      {std.kind === 'helpdesk' ? (
        <TicketsSection model={model} />
      ) : canRecord ? (
        <RecordForm model={model} state={state} />
      ) : (
        <p class="notice">{t(locale, 'stdAddReadOnly')}</p>
      )}
      {std.kind !== 'helpdesk' && <RecordsSection model={model} state={state} />}
      <AlertsSection model={model} />
    </Layout>
  );
}

function TrendSection(props: { model: DetailModel }) {
  const { locale, detail, trend } = props.model;
  const std = detail.standard;
  const caption = t(locale, std.period === 'year' ? 'stdTrendCaptionYear' : 'stdTrendCaption');
  return (
    <section aria-labelledby="std-trend">
      <h2 id="std-trend">{t(locale, 'stdTrendHeading', { n: trend.length })}</h2>
      <div class="std-trend-box">
        <Sparkline id="spark-detail" std={std} points={trend} locale={locale} width={320} height={72} />
        <ScrollBox label={caption}>
          <table class="std-trend-table">
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t(locale, 'stdColMonth')}</th>
                <th scope="col">{t(locale, 'stdActual')}</th>
                <th scope="col">{t(locale, 'stdColStatus')}</th>
              </tr>
            </thead>
            <tbody>
              {[...trend].reverse().map((p) => (
                <tr key={p.label}>
                  <th scope="row">{periodText(locale, p.label)}</th>
                  <td>{actualText(locale, std, p)}</td>
                  <td>
                    <StatusBadge status={p.status} locale={locale} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      </div>
    </section>
  );
}

function SubjectsSection(props: { model: DetailModel }) {
  const { locale, detail } = props.model;
  const std = detail.standard;
  const e = detail.evaluation;
  // Worst first: what needs attention leads.
  const order = (s: Status) => STATUS_ORDER.indexOf(s);
  const subjects = [...e.subjects].sort((a, b) => order(a.status) - order(b.status) || a.subject.localeCompare(b.subject));
  // A course's own figure counts its surveys, not courses.
  const unit = (n: number) => (std.survey_per_ref ? formatNumber(n) : actualText(locale, std, { actual: n, target: n }));
  return (
    <section aria-labelledby="std-subjects">
      <h2 id="std-subjects">{t(locale, 'stdSubjectsHeading')}</h2>
      <ScrollBox label={t(locale, 'stdSubjectsCaption', { period: periodText(locale, e.period.label) })}>
        <table class="std-scroll-table">
          <caption class="visually-hidden">{t(locale, 'stdSubjectsCaption', { period: periodText(locale, e.period.label) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t(locale, 'stdColSubject')}</th>
              <th scope="col">{t(locale, 'stdColPeriod')}</th>
              <th scope="col">{t(locale, 'stdActual')}</th>
              <th scope="col">{t(locale, 'stdColTarget')}</th>
              <th scope="col">{t(locale, 'stdColStatus')}</th>
            </tr>
          </thead>
          <tbody>
            {subjects.map((s) => (
              <tr key={`${s.subject}|${s.period}`}>
                <th scope="row">{subjectText(locale, s.subject)}</th>
                <td>{periodText(locale, s.period)}</td>
                <td>{unit(s.actual)}</td>
                <td>{unit(s.target)}</td>
                <td>
                  <StatusBadge status={s.status} locale={locale} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
    </section>
  );
}

function TicketsSection(props: { model: DetailModel }) {
  const { locale, tickets } = props.model;
  const rows: [LabelKey, number][] = tickets
    ? [
        ['stdTicketsResolved', tickets.resolved],
        ['stdTicketsMet', tickets.met],
        ['stdTicketsBreached', tickets.breached],
        ['stdTicketsOverdue', tickets.open_overdue],
        ['stdTicketsNearDue', tickets.open_near_due],
      ]
    : [];
  return (
    <section class="card" aria-labelledby="std-tickets">
      <h2 id="std-tickets" class="flush">
        {t(locale, 'stdTicketsHeading')}
      </h2>
      <p class="muted">{t(locale, 'stdTicketsNote')}</p>
      <dl class="facts std-facts">
        {rows.map(([label, n]) => (
          <div key={label}>
            <dt>{t(locale, label)}</dt>
            <dd>{formatNumber(n)}</dd>
          </div>
        ))}
      </dl>
      <p class="actions">
        <a href="/tickets?view=overdue">{t(locale, 'stdTicketsOverdueLink')}</a>
        <a href="/reports">{t(locale, 'stdTicketsReports')}</a>
      </p>
    </section>
  );
}

/** A message beside a field. */
function FieldError(props: { id: string; text: string | undefined }) {
  return props.text ? (
    <p class="error" id={props.id}>
      {props.text}
    </p>
  ) : null;
}

/** The ids a field is described by: its error first, then its hint. */
const describedBy = (name: string, errors: RecordFormErrors, hint: boolean) =>
  [errors[name as RecordField] ? `rec-${name}-error` : '', hint ? `rec-${name}-hint` : ''].filter(Boolean).join(' ') || undefined;

function RecordForm(props: { model: DetailModel; state: DetailState }) {
  const { locale, detail, now } = props.model;
  const std = detail.standard;
  const shape = formShape(std);
  const values = props.state.form?.values ?? initialValues(std, now);
  const errors = props.state.form?.errors ?? {};
  const invalid = (name: RecordField) => (errors[name] ? ('true' as const) : undefined);
  const occurredLabel: LabelKey =
    std.kind === 'lead_time' ? 'stdFieldNoticeAt' : std.kind === 'availability' ? 'stdFieldReportedAt' : 'stdFieldOccurred';
  const range = std.range;
  const valueHint =
    range && range.unit !== 'days'
      ? `${t(locale, 'stdHintRange', { unit: unitWord(locale, range.unit), min: formatNumber(range.min), max: formatNumber(range.max) })}${range.whole ? ` ${t(locale, 'stdHintWhole')}` : ''}`
      : null;
  const subjectWord = std.per ? SUBJECT_KIND_LABELS[locale][std.per] : '';
  const refLabel: LabelKey = {
    stage: 'stdFieldStage',
    day: 'stdFieldDay',
    network: 'stdFieldNetwork',
    course: 'stdFieldCourse',
    channel: 'stdFieldChannel',
    text: 'stdFieldRef',
  }[shape.refInput] as LabelKey;
  const refHint: LabelKey | null =
    shape.refInput === 'day'
      ? 'stdHintDay'
      : shape.refInput === 'course'
        ? 'stdHintCourse'
        : shape.refInput === 'channel'
          ? 'stdHintChannel'
          : null;
  const regionOptions = KR_REGIONS.map(
    (r) => [r.code, locale === 'ko' ? r.name_ko : r.code.charAt(0).toUpperCase() + r.code.slice(1)] as const,
  );
  return (
    <section class="card" aria-labelledby="std-add">
      <h2 id="std-add" class="flush">
        {t(locale, 'stdAddHeading')}
      </h2>
      <p class="muted">{t(locale, 'stdAddIntro')}</p>
      {Object.keys(errors).length > 0 && (
        <div class="notice notice-danger error-summary" role="alert">
          <p class="notice-title">{t(locale, 'errorSummary')}</p>
          {errors.form && <p>{errors.form}</p>}
        </div>
      )}
      <form method="post" action={`${standardHref(std.id)}/records`} class="std-record-form" novalidate>
        <CsrfField />
        <div class="field">
          <label for="rec-occurred_at">{t(locale, occurredLabel)}</label>
          <span class="hint" id="rec-occurred_at-hint">
            {t(locale, 'stdHintOccurred')}
          </span>
          <input
            type="datetime-local"
            id="rec-occurred_at"
            name="occurred_at"
            value={values.occurred_at}
            required
            aria-invalid={invalid('occurred_at')}
            aria-describedby={describedBy('occurred_at', errors, true)}
          />
          <FieldError id="rec-occurred_at-error" text={errors.occurred_at} />
        </div>
        {shape.event_at !== 'none' && (
          <div class="field">
            <label for="rec-event_at">{t(locale, 'stdFieldEventAt')}</label>
            <span class="hint" id="rec-event_at-hint">
              {t(locale, 'stdHintEventAt')}
            </span>
            <input
              type="datetime-local"
              id="rec-event_at"
              name="event_at"
              value={values.event_at}
              required
              aria-invalid={invalid('event_at')}
              aria-describedby={describedBy('event_at', errors, true)}
            />
            <FieldError id="rec-event_at-error" text={errors.event_at} />
          </div>
        )}
        {shape.subject !== 'none' &&
          std.per &&
          (shape.subjectInput === 'region' ? (
            <div class="field">
              <label for="rec-subject">{subjectWord}</label>
              <select
                id="rec-subject"
                name="subject"
                required
                aria-invalid={invalid('subject')}
                aria-describedby={describedBy('subject', errors, false)}
              >
                <option value="">{t(locale, 'stdChoose')}</option>
                {regionOptions.map(([code, name]) => (
                  <option key={code} value={code} selected={values.subject === code || values.subject === `region:${code}`}>
                    {name}
                  </option>
                ))}
              </select>
              <FieldError id="rec-subject-error" text={errors.subject} />
            </div>
          ) : (
            <div class="field">
              <label for="rec-subject">{subjectWord}</label>
              <span class="hint" id="rec-subject-hint">
                {t(locale, 'stdHintSubject', { example: SUBJECT_EXAMPLES[std.per] })}
              </span>
              <div class="std-prefixed">
                <span class="std-prefix" aria-hidden="true">
                  {std.per}:
                </span>
                <input
                  type="text"
                  id="rec-subject"
                  name="subject"
                  value={values.subject}
                  required
                  maxLength={200}
                  autocomplete="off"
                  aria-invalid={invalid('subject')}
                  aria-describedby={describedBy('subject', errors, true)}
                />
              </div>
              <FieldError id="rec-subject-error" text={errors.subject} />
            </div>
          ))}
        {shape.ref !== 'none' && (
          <div class="field">
            <label for="rec-ref">{t(locale, refLabel)}</label>
            {refHint && (
              <span class="hint" id="rec-ref-hint">
                {t(locale, refHint)}
              </span>
            )}
            {shape.refInput === 'stage' || shape.refInput === 'network' ? (
              <select id="rec-ref" name="ref" required aria-invalid={invalid('ref')} aria-describedby={describedBy('ref', errors, false)}>
                <option value="">{t(locale, 'stdChoose')}</option>
                {shape.refInput === 'stage'
                  ? (std.stages ?? []).map((s) => (
                      <option key={s} value={s} selected={values.ref === s}>
                        {STAGE_LABELS[locale][s] ?? s}
                      </option>
                    ))
                  : [[NATIONAL_REF, NATIONAL_LABEL[locale]] as const, ...regionOptions].map(([code, name]) => (
                      <option key={code} value={code} selected={values.ref === code}>
                        {name}
                      </option>
                    ))}
              </select>
            ) : (
              <input
                type={(shape.refInput === 'day' ? 'date' : 'text') as 'text'}
                id="rec-ref"
                name="ref"
                value={values.ref}
                required
                maxLength={200}
                autocomplete="off"
                aria-invalid={invalid('ref')}
                aria-describedby={describedBy('ref', errors, refHint !== null)}
              />
            )}
            <FieldError id="rec-ref-error" text={errors.ref} />
          </div>
        )}
        {shape.value !== 'none' &&
          (std.kind === 'availability' ? (
            <div class="field">
              <label for="rec-value">{RECORD_VALUE_LABELS[locale][std.id] ?? t(locale, 'stdColValue')}</label>
              <select id="rec-value" name="value" aria-invalid={invalid('value')} aria-describedby={describedBy('value', errors, false)}>
                <option value="1" selected={values.value !== '0'}>
                  {t(locale, 'stdUp')}
                </option>
                <option value="0" selected={values.value === '0'}>
                  {t(locale, 'stdDown')}
                </option>
              </select>
              <FieldError id="rec-value-error" text={errors.value} />
            </div>
          ) : (
            <div class="field">
              <label for="rec-value">{RECORD_VALUE_LABELS[locale][std.id] ?? t(locale, 'stdColValue')}</label>
              {valueHint && (
                <span class="hint" id="rec-value-hint">
                  {valueHint}
                </span>
              )}
              <div class="std-prefixed">
                <input
                  type="text"
                  inputMode="decimal"
                  id="rec-value"
                  name="value"
                  value={values.value}
                  required={shape.value === 'required'}
                  autocomplete="off"
                  class="std-number"
                  aria-invalid={invalid('value')}
                  aria-describedby={describedBy('value', errors, valueHint !== null)}
                />
                {range && <span class="std-unit">{unitWord(locale, range.unit)}</span>}
              </div>
              <FieldError id="rec-value-error" text={errors.value} />
            </div>
          ))}
        <div class="field">
          <label for="rec-note">{t(locale, 'stdFieldNote')}</label>
          <span class="hint" id="rec-note-hint">
            {t(locale, 'stdHintNote')}
          </span>
          <textarea
            id="rec-note"
            name="note"
            rows={3}
            maxLength={2000}
            class="std-note"
            aria-invalid={invalid('note')}
            aria-describedby={describedBy('note', errors, true)}
          >
            {values.note}
          </textarea>
          <FieldError id="rec-note-error" text={errors.note} />
        </div>
        <button type="submit" class="btn">
          {t(locale, 'stdAdd')}
        </button>
      </form>
    </section>
  );
}

function RecordsSection(props: { model: DetailModel; state: DetailState }) {
  const { locale, detail, records, viewer, cursor } = props.model;
  const std = detail.standard;
  const canVoid = atLeast(viewer.role, 'supervisor');
  const shape = formShape(std);
  const showSubject = std.per !== null;
  const showRef = shape.ref !== 'none';
  const showValue = shape.value !== 'none';
  const href = standardHref(std.id);
  return (
    <section aria-labelledby="records" id="records-section">
      <h2 id="records">{t(locale, 'stdRecordsHeading')}</h2>
      {records.items.length === 0 ? (
        <p class="muted">{t(locale, 'stdRecordsEmpty')}</p>
      ) : (
        <ScrollBox label={t(locale, 'stdRecordsCaption')}>
          <table class="std-records std-scroll-table">
            <caption class="visually-hidden">{t(locale, 'stdRecordsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t(locale, 'stdColWhen')}</th>
                {showSubject && <th scope="col">{t(locale, 'stdColSubject')}</th>}
                {showRef && <th scope="col">{t(locale, 'stdColRef')}</th>}
                {showValue && <th scope="col">{t(locale, 'stdColValue')}</th>}
                <th scope="col">{t(locale, 'stdColNote')}</th>
                <th scope="col">{t(locale, 'stdColBy')}</th>
                <th scope="col">{t(locale, 'stdColState')}</th>
              </tr>
            </thead>
            <tbody>
              {records.items.map((r) => (
                <RecordRow
                  key={r.id}
                  record={r}
                  model={props.model}
                  canVoid={canVoid}
                  columns={{ showSubject, showRef, showValue }}
                  error={props.state.voidError?.recordId === r.id ? props.state.voidError : undefined}
                />
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
      {(cursor || records.nextCursor) && (
        <nav class="pager" aria-label={t(locale, 'pager')}>
          {cursor && <a href={`${href}#records`}>{t(locale, 'pageFirst')}</a>}
          {records.nextCursor && (
            <a rel="next" href={`${href}?cursor=${encodeURIComponent(records.nextCursor)}#records`}>
              {t(locale, 'pageNext')}
            </a>
          )}
        </nav>
      )}
      {canVoid && records.items.length > 0 && <p class="hint muted">{t(locale, 'stdVoidHint')}</p>}
    </section>
  );
}

function RecordRow(props: {
  record: StoredStandardRecord;
  model: DetailModel;
  canVoid: boolean;
  columns: { showSubject: boolean; showRef: boolean; showValue: boolean };
  error?: { reason: string; message: string };
}) {
  const { record: r, model, canVoid, columns, error } = props;
  const { locale, detail, names } = model;
  const std = detail.standard;
  const voided = r.voidedAt !== null;
  const by = (id: number | null) => (id === null ? t(locale, 'system') : (names.get(id) ?? `#${id}`));
  return (
    <tr id={`record-${r.id}`} class={voided ? 'std-voided' : undefined}>
      <td class="std-when">
        {shortDateTime(r.occurredAt)}
        {r.eventAt && <span class="std-sub">{t(locale, 'stdMaintenanceAt', { at: shortDateTime(r.eventAt) })}</span>}
      </td>
      {columns.showSubject && <td>{r.subject ? subjectText(locale, r.subject) : ''}</td>}
      {columns.showRef && <td>{refText(locale, std, r.ref)}</td>}
      {columns.showValue && <td class="std-value">{valueText(locale, std, r.value)}</td>}
      <td class="std-note-cell">{r.note ?? ''}</td>
      <td>{by(r.createdBy)}</td>
      <td class="std-record-state">
        {voided ? (
          <>
            <strong>{t(locale, 'stdVoided')}</strong>
            <span class="std-sub">{r.voidReason}</span>
            <span class="std-sub">{t(locale, 'stdVoidedBy', { name: by(r.voidedBy), at: shortDateTime(r.voidedAt!) })}</span>
            {error && (
              <p class="error" role="alert">
                {error.message}
              </p>
            )}
          </>
        ) : (
          <>
            <span>{t(locale, 'stdValid')}</span>
            {canVoid && (
              <details class="std-void" open={error ? true : undefined}>
                <summary>{t(locale, 'stdVoid')}</summary>
                <form method="post" action={`${standardHref(std.id)}/records/${r.id}/void`}>
                  <CsrfField />
                  <div class="field">
                    <label for={`void-${r.id}`}>{t(locale, 'stdVoidReason')}</label>
                    <input
                      type="text"
                      id={`void-${r.id}`}
                      name="reason"
                      value={error?.reason ?? ''}
                      required
                      maxLength={500}
                      autofocus={error ? true : undefined}
                      aria-invalid={error ? 'true' : undefined}
                      aria-describedby={error ? `void-${r.id}-error` : undefined}
                    />
                    {error && (
                      <p class="error" id={`void-${r.id}-error`}>
                        {error.message}
                      </p>
                    )}
                  </div>
                  <button type="submit" class="btn btn-secondary btn-small">
                    {t(locale, 'stdVoidSubmit')}
                  </button>
                </form>
              </details>
            )}
          </>
        )}
      </td>
    </tr>
  );
}

function AlertsSection(props: { model: DetailModel }) {
  const { locale, detail, alerts } = props.model;
  const std = detail.standard;
  const mailWord = { sent: 'stdMailSent', pending: 'stdMailPending', failed: 'stdMailFailed' } as const;
  // A course's own figures are surveys, not courses (as the alert mail writes them).
  const figure = (a: StandardAlert) =>
    a.actual === null || a.target === null
      ? ''
      : std.survey_per_ref && a.subject !== null
        ? `${formatNumber(a.actual)} / ${formatNumber(a.target)}`
        : `${actualText(locale, std, { actual: a.actual, target: a.target })} / ${actualText(locale, std, { actual: a.target, target: a.target })}`;
  return (
    <section aria-labelledby="std-alerts">
      <h2 id="std-alerts">{t(locale, 'stdAlertsHeading')}</h2>
      {alerts.length === 0 ? (
        <p class="muted">{t(locale, std.informational ? 'stdAlertsInformational' : 'stdAlertsEmpty')}</p>
      ) : (
        <ScrollBox label={t(locale, 'stdAlertsCaption')}>
          <table class="std-alerts std-scroll-table">
            <caption class="visually-hidden">{t(locale, 'stdAlertsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t(locale, 'stdColAlertAt')}</th>
                <th scope="col">{t(locale, 'stdColSubject')}</th>
                <th scope="col">{t(locale, 'stdColPeriod')}</th>
                <th scope="col">{t(locale, 'stdColStatus')}</th>
                <th scope="col">{t(locale, 'stdActual')}</th>
                <th scope="col">{t(locale, 'stdColRecipients')}</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((a) => (
                <tr key={`${a.at.getTime()}|${a.subject}|${a.period}|${a.status}`}>
                  <td class="std-when">{shortDateTime(a.at)}</td>
                  <td>{subjectText(locale, a.subject)}</td>
                  <td>{periodText(locale, a.period)}</td>
                  <td>
                    <StatusBadge status={a.status} locale={locale} />
                  </td>
                  <td>{figure(a)}</td>
                  <td>
                    <ul class="std-recipients">
                      {a.recipients.map((r) => (
                        <li key={r.toAddress}>
                          {r.toName ?? r.toAddress}{' '}
                          <span class={`std-mail std-mail-${r.mailStatus}`}>({t(locale, mailWord[r.mailStatus])})</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
    </section>
  );
}
