/**
 * Form parts of the administration pages (KRDS input pattern: label, hint, the error beside the
 * field). Errors are plain strings already in the viewer's language, keyed by the field's id.
 */
import type { ComponentChildren } from 'preact';
import type { Locale } from '../../../core/model';
import { t } from '../labels';

/** Each refused field's message, by the id of its input. */
export type FieldErrors = Record<string, string>;

/** `aria-describedby` for a field: its error first, then its hint. */
export function describedBy(id: string, errors: FieldErrors, hint?: boolean): string | undefined {
  return [errors[id] ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
}

/** A hint and an error line for the field `id`. */
export function FieldNotes(props: { id: string; hint?: string; errors: FieldErrors }) {
  const error = props.errors[props.id];
  return (
    <>
      {props.hint && (
        <span class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      )}
      {error && (
        <span class="error" id={`${props.id}-error`}>
          {error}
        </span>
      )}
    </>
  );
}

/** A labelled text input with its hint and error. */
export function TextField(props: {
  id: string;
  name?: string;
  label: string;
  value: string;
  errors: FieldErrors;
  hint?: string;
  type?: 'text' | 'email' | 'search';
  required?: boolean;
  maxLength?: number;
  autocomplete?: string;
}) {
  const { id, errors } = props;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <FieldNotes id={id} hint={props.hint} errors={errors} />
      <input
        id={id}
        name={props.name ?? id}
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        required={props.required}
        maxLength={props.maxLength}
        autocomplete={props.autocomplete}
        aria-invalid={errors[id] ? 'true' : undefined}
        aria-describedby={describedBy(id, errors, Boolean(props.hint))}
      />
    </div>
  );
}

/** A labelled select with its hint and error. */
export function SelectField(props: {
  id: string;
  name?: string;
  label: string;
  value: string;
  options: [value: string, label: string][];
  errors: FieldErrors;
  hint?: string;
}) {
  const { id, errors } = props;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <FieldNotes id={id} hint={props.hint} errors={errors} />
      <select
        id={id}
        name={props.name ?? id}
        aria-invalid={errors[id] ? 'true' : undefined}
        aria-describedby={describedBy(id, errors, Boolean(props.hint))}
      >
        {props.options.map(([value, label]) => (
          <option key={value} value={value} selected={value === props.value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Every refused field, each linked to its input, announced once on load (KRDS error summary). */
export function ErrorSummary(props: { errors: FieldErrors; locale: Locale }) {
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return null;
  return (
    <div class="notice notice-danger error-summary" role="alert">
      <p class="notice-title">{t(props.locale, 'errorSummary')}</p>
      <ul>
        {entries.map(([id, message]) => (
          <li key={id}>
            <a href={`#${id}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A success notice after a form was saved (the page a POST redirected to). */
export function DoneNotice(props: { children: ComponentChildren }) {
  return (
    <div class="notice notice-success" role="status">
      {props.children}
    </div>
  );
}
