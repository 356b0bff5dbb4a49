/** The views of `/admin/policies`: the list, and the form of a new or an existing policy. */
import { type Locale, PRIORITIES, type SlaPolicy, type User } from '../../../core/model';
import type { CalendarRecord } from '../../../core/ports';
import { hoursMinutes } from '../client/time-format';
import { AdminBreadcrumb, AdminNav } from '../components/admin-nav';
import { describedBy, DoneNotice, ErrorSummary, type FieldErrors, FieldNotes, SelectField, TextField } from '../components/admin-fields';
import { CsrfField } from '../components/csrf-field';
import { categoryLabel, PRIORITY_LABELS, ROLE_LABELS, t } from '../labels';
import { Layout } from '../layout';
import { type DurationInput, MAX_ROWS, NOTIFY_ROLES, type PolicyFormValues } from './admin-policy-form';

/** After a save: a new policy, or an edit that recalculated `n` open inquiries. */
export type PolicyDone = { kind: 'created' } | { kind: 'saved'; recalculated: number };

export function PoliciesPage(props: { viewer: User; policies: SlaPolicy[]; calendars: CalendarRecord[] }) {
  const { viewer, policies, calendars } = props;
  const locale = viewer.locale;
  const calendarName = (id: number | null) => calendars.find((c) => c.id === id)?.name ?? '';
  const cols = [
    'colPolicy',
    'colAppliesTo',
    'colTarget',
    'colFirstResponse',
    'colClock',
    'colPause',
    'colWarnings',
    'colEscalations',
  ] as const;
  return (
    <Layout title={t(locale, 'policiesTitle')} wide active="/admin">
      <AdminBreadcrumb locale={locale} current={t(locale, 'policiesTitle')} />
      <div class="list-head">
        <h1>{t(locale, 'policiesTitle')}</h1>
        <a class="btn" href="/admin/policies/new">
          {t(locale, 'policyNew')}
        </a>
      </div>
      <AdminNav active="/admin/policies" />
      <p class="muted">{t(locale, 'policiesIntro')}</p>
      <div class="table-wrap">
        <table class="policies">
          <caption class="visually-hidden">{t(locale, 'policiesCaption')}</caption>
          <thead>
            <tr>
              {cols.map((c) => (
                <th scope="col" key={c}>
                  {t(locale, c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {policies.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  <a href={`/admin/policies/${p.id}`}>{p.name}</a>
                  {p.isDefault && <span class="chip chip-open policy-default">{t(locale, 'policyDefault')}</span>}
                </th>
                <td data-label={t(locale, 'colAppliesTo')}>{appliesTo(locale, p)}</td>
                <td data-label={t(locale, 'colTarget')}>{hoursMinutes(p.resolutionTarget, locale)}</td>
                <td data-label={t(locale, 'colFirstResponse')}>
                  {p.firstResponseTarget === null ? t(locale, 'none') : hoursMinutes(p.firstResponseTarget, locale)}
                </td>
                <td data-label={t(locale, 'colClock')}>
                  {t(locale, p.clock === 'business' ? 'clockKindBusiness' : 'clockKindCalendar')}
                  {p.calendarId !== null && <span class="muted"> · {calendarName(p.calendarId)}</span>}
                </td>
                <td data-label={t(locale, 'colPause')}>{t(locale, p.pauseOnPending ? 'yes' : 'no')}</td>
                <td data-label={t(locale, 'colWarnings')}>
                  {p.warnings.length ? p.warnings.map((w) => hoursMinutes(w, locale)).join(', ') : t(locale, 'none')}
                </td>
                <td data-label={t(locale, 'colEscalations')}>
                  {p.escalations.length ? t(locale, 'escSteps', { n: p.escalations.length }) : t(locale, 'none')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

function appliesTo(locale: Locale, p: SlaPolicy): string {
  const parts = [
    p.match.category && categoryLabel(locale, p.match.category),
    p.match.priority && PRIORITY_LABELS[locale][p.match.priority],
  ];
  const text = parts.filter(Boolean).join(' · ');
  return text || t(locale, 'policyAll');
}

export interface PolicyFormProps {
  viewer: User;
  /** The stored policy being edited; undefined for a new one. */
  policy?: SlaPolicy;
  values: PolicyFormValues;
  errors: FieldErrors;
  calendars: CalendarRecord[];
  categories: string[];
  done?: PolicyDone;
  /** Someone else saved the policy after this form was drawn. */
  changedElsewhere?: boolean;
}

export function PolicyFormPage(props: PolicyFormProps) {
  const { viewer, policy, values, errors, calendars } = props;
  const locale = viewer.locale;
  const title = policy ? t(locale, 'policyEditTitle', { name: policy.name }) : t(locale, 'policyNewTitle');
  const action = policy ? `/admin/policies/${policy.id}` : '/admin/policies/new';
  const categories = [...new Set([...props.categories, ...(values.matchCategory ? [values.matchCategory] : [])])];
  return (
    <Layout title={title} active="/admin">
      <AdminBreadcrumb
        locale={locale}
        trail={[{ href: '/admin/policies', label: t(locale, 'policiesTitle') }]}
        current={policy ? policy.name : t(locale, 'policyNew')}
      />
      <h1>{title}</h1>
      <AdminNav active="/admin/policies" />
      {props.done && (
        <DoneNotice>
          <p>
            {props.done.kind === 'created'
              ? t(locale, 'donePolicyCreated')
              : t(locale, 'donePolicySaved', { n: props.done.recalculated.toLocaleString(locale === 'ko' ? 'ko-KR' : 'en-US') })}
          </p>
        </DoneNotice>
      )}
      {props.changedElsewhere && (
        <div class="notice notice-warning" role="alert">
          <p>{t(locale, 'policyChanged')}</p>
        </div>
      )}
      <ErrorSummary errors={errors} locale={locale} />
      <form method="post" action={action} class="card policy-form" novalidate>
        {/* Enter in a field saves: the first submit button of a form is the one Enter presses. */}
        <button type="submit" name="op" value="save" class="visually-hidden" tabIndex={-1} aria-hidden="true">
          {t(locale, 'save')}
        </button>
        <CsrfField />
        <input type="hidden" name="version" value={values.version} />
        <TextField id="name" label={t(locale, 'fieldPolicyName')} value={values.name} errors={errors} required maxLength={200} />
        <fieldset class="field" aria-describedby="match-hint">
          <legend>{t(locale, 'matchHeading')}</legend>
          <span class="hint" id="match-hint">
            {t(locale, 'matchHint')}
          </span>
          <div class="field-pair">
            <SelectField
              id="match_category"
              label={t(locale, 'fieldCategory')}
              value={values.matchCategory}
              options={[['', t(locale, 'anyValue')], ...categories.map((c): [string, string] => [c, categoryLabel(locale, c)])]}
              errors={errors}
            />
            <SelectField
              id="match_priority"
              label={t(locale, 'fieldPriority')}
              value={values.matchPriority}
              options={[['', t(locale, 'anyValue')], ...PRIORITIES.map((p): [string, string] => [p, PRIORITY_LABELS[locale][p]])]}
              errors={errors}
            />
          </div>
        </fieldset>
        <Check
          id="is_default"
          label={t(locale, 'fieldIsDefault')}
          hint={t(locale, 'hintIsDefault')}
          checked={values.isDefault}
          errors={errors}
        />
        <Duration
          id="rt"
          legend={t(locale, 'targetHeading')}
          hint={t(locale, 'hintTarget')}
          value={values.resolution}
          locale={locale}
          errors={errors}
        />
        <Duration
          id="frt"
          legend={t(locale, 'firstResponseHeading')}
          hint={t(locale, 'hintFirstResponse')}
          value={values.firstResponse}
          locale={locale}
          errors={errors}
        />
        <fieldset class="field">
          <legend>{t(locale, 'clockHeading')}</legend>
          <FieldNotes id="clock-calendar" errors={errors} />
          <div class="radio-stack">
            {(['calendar', 'business'] as const).map((c) => (
              <label key={c} class="check">
                <input
                  type="radio"
                  id={`clock-${c}`}
                  name="clock"
                  value={c}
                  checked={values.clock === c}
                  aria-describedby={c === 'calendar' ? describedBy('clock-calendar', errors) : undefined}
                />
                {t(locale, c === 'calendar' ? 'clockWallOption' : 'clockBusinessOption')}
              </label>
            ))}
          </div>
        </fieldset>
        <SelectField
          id="calendar_id"
          label={t(locale, 'fieldCalendar')}
          hint={t(locale, 'hintCalendar')}
          value={values.calendarId}
          options={[['', t(locale, 'none')], ...calendars.map((c): [string, string] => [String(c.id), c.name])]}
          errors={errors}
        />
        <Check
          id="pause_on_pending"
          label={t(locale, 'fieldPause')}
          hint={t(locale, 'hintPause')}
          checked={values.pauseOnPending}
          errors={errors}
        />
        <WarningRows values={values} locale={locale} errors={errors} />
        <EscalationRows values={values} locale={locale} errors={errors} />
        <div class="actions">
          <button type="submit" name="op" value="save" class="btn">
            {t(locale, policy ? 'save' : 'policyCreate')}
          </button>
          <a class="btn btn-ghost" href="/admin/policies">
            {t(locale, 'backToList')}
          </a>
        </div>
      </form>
    </Layout>
  );
}

function Check(props: { id: string; label: string; hint: string; checked: boolean; errors: FieldErrors }) {
  const { id, errors } = props;
  return (
    <div class="field">
      <label class="check">
        <input
          type="checkbox"
          id={id}
          name={id}
          value="1"
          checked={props.checked}
          aria-invalid={errors[id] ? 'true' : undefined}
          aria-describedby={describedBy(id, errors, true)}
        />
        {props.label}
      </label>
      <FieldNotes id={id} hint={props.hint} errors={errors} />
    </div>
  );
}

/**
 * A duration as hours and minutes: a fieldset whose legend names it, two labelled number fields
 * (`<id>_h`, `<id>_m`); the error (keyed by the hours field) beside them. `suffix` follows the
 * minutes ("before the deadline").
 */
function Duration(props: {
  id: string;
  legend: string;
  hint?: string;
  value: DurationInput;
  locale: Locale;
  errors: FieldErrors;
  suffix?: string;
  /** A row's fieldset (inside a list): compact, no margin. */
  inline?: boolean;
}) {
  const { id, locale, errors } = props;
  const hours = `${id}_h`;
  const notes = describedBy(hours, errors, false);
  const hint = props.hint ? `${id}-hint` : undefined;
  const aria = [notes, hint].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset class={props.inline ? 'duration duration-inline' : 'field duration'}>
      <legend>{props.legend}</legend>
      {props.hint && (
        <span class="hint" id={hint}>
          {props.hint}
        </span>
      )}
      <FieldNotes id={hours} errors={errors} />
      <div class="duration-row">
        <input
          id={hours}
          name={hours}
          type="text"
          inputMode="numeric"
          pattern="[0-9]*"
          maxLength={5}
          value={props.value.h}
          class="duration-input"
          aria-invalid={errors[hours] ? 'true' : undefined}
          aria-describedby={aria}
        />
        <label for={hours}>{t(locale, 'durHours')}</label>
        <input
          id={`${id}_m`}
          name={`${id}_m`}
          type="text"
          inputMode="numeric"
          pattern="[0-9]*"
          maxLength={2}
          value={props.value.m}
          class="duration-input"
          aria-invalid={errors[hours] ? 'true' : undefined}
          aria-describedby={aria}
        />
        <label for={`${id}_m`}>{t(locale, 'durMinutes')}</label>
        {props.suffix && <span class="duration-suffix">{props.suffix}</span>}
      </div>
    </fieldset>
  );
}

/** `행 추가` / `삭제` buttons: they send the form back with a row more or fewer (nothing is saved). */
function RowButton(props: { op: string; text: string; context: string; disabled?: boolean }) {
  return (
    <button type="submit" name="op" value={props.op} class="btn btn-ghost btn-small row-button" disabled={props.disabled}>
      <span class="visually-hidden">{props.context} </span>
      {props.text}
    </button>
  );
}

function WarningRows(props: { values: PolicyFormValues; locale: Locale; errors: FieldErrors }) {
  const { values, locale, errors } = props;
  return (
    <fieldset class="field rows" id="warnings">
      <legend>{t(locale, 'warningsHeading')}</legend>
      <span class="hint">{t(locale, 'warningsHint')}</span>
      <FieldNotes id="warnings" errors={errors} />
      <input type="hidden" name="warning_count" value={String(values.warnings.length)} />
      {values.warnings.length === 0 && <p class="muted">{t(locale, 'noWarnings')}</p>}
      <ol class="row-list">
        {values.warnings.map((w, i) => {
          const name = t(locale, 'warningRow', { n: i + 1 });
          return (
            <li key={i} class="row-item">
              <Duration id={`w${i}`} legend={name} value={w} locale={locale} errors={errors} suffix={t(locale, 'beforeDeadline')} inline />
              <RowButton op={`remove_warnings:${i}`} text={t(locale, 'removeRow')} context={name} />
            </li>
          );
        })}
      </ol>
      <RowButton
        op="add_warnings"
        text={t(locale, 'addRow')}
        context={t(locale, 'addWarningRow')}
        disabled={values.warnings.length >= MAX_ROWS}
      />
    </fieldset>
  );
}

function EscalationRows(props: { values: PolicyFormValues; locale: Locale; errors: FieldErrors }) {
  const { values, locale, errors } = props;
  return (
    <fieldset class="field rows" id="escalations">
      <legend>{t(locale, 'escalationsHeading')}</legend>
      <span class="hint">{t(locale, 'escalationsHint')}</span>
      <FieldNotes id="escalations" errors={errors} />
      <input type="hidden" name="escalation_count" value={String(values.escalations.length)} />
      {values.escalations.length === 0 && <p class="muted">{t(locale, 'noEscalations')}</p>}
      <ol class="row-list">
        {values.escalations.map((e, i) => {
          const name = t(locale, 'escalationRow', { n: i + 1 });
          const other = `e${i}_other`;
          return (
            <li key={i} class="row-item row-escalation">
              <fieldset class="escalation-step">
                <legend>{name}</legend>
                <Duration id={`e${i}`} legend={t(locale, 'afterDeadline')} value={e.after} locale={locale} errors={errors} inline />
                <fieldset class="duration-inline">
                  <legend>{t(locale, 'notifyRoles')}</legend>
                  <div class="radio-row">
                    {NOTIFY_ROLES.map((r) => (
                      <label key={r} class="check">
                        <input type="checkbox" name={`e${i}_role`} value={r} checked={e.roles.includes(r)} />
                        {ROLE_LABELS[locale][r]}
                      </label>
                    ))}
                  </div>
                </fieldset>
                <TextField
                  id={other}
                  label={t(locale, 'notifyOther')}
                  hint={t(locale, 'hintNotifyOther')}
                  value={e.other}
                  errors={errors}
                />
              </fieldset>
              <RowButton op={`remove_escalations:${i}`} text={t(locale, 'removeRow')} context={name} />
            </li>
          );
        })}
      </ol>
      <RowButton
        op="add_escalations"
        text={t(locale, 'addRow')}
        context={t(locale, 'addEscalationRow')}
        disabled={values.escalations.length >= MAX_ROWS}
      />
    </fieldset>
  );
}
