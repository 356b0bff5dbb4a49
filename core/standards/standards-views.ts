/** How the service standards look in the API and in alert mails: plain JSON shapes, no I/O. */
import type { Locale } from '../model';
import type { Standard, Unit } from './catalogue';
import type { Evaluation } from './evaluate';
import type { HelpdeskFigures, StandardSettings, StoredStandardRecord } from '../ports';

/** The unit after a figure, per language (`12 시간`, `91.5 %`). */
export const UNIT_LABEL: Record<Locale, Partial<Record<Unit, string>>> = {
  ko: { KRW: '원', hours: '시간', sessions: '회', consultations: '건', programmes: '회', notices: '회', channels: '곳', products: '개', percent: '%', points: '점', updates: '회', courses: '개', distributions: '회', regions: '곳', days: '일' },
  en: { KRW: 'KRW', hours: 'hours', sessions: 'sessions', consultations: 'consultations', programmes: 'programmes', notices: 'notices', channels: 'channels', products: 'products', percent: '%', points: 'points', updates: 'updates', courses: 'courses', distributions: 'distributions', regions: 'regions', days: 'days' },
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A standard in a list: its promise, the plausible range of a record's value and its current status. */
export function summaryView(std: Standard, st: StandardSettings, e: Evaluation) {
  return {
    id: std.id, section: std.section, title_ko: std.title_ko, title_en: std.title_en, kind: std.kind, unit: std.unit,
    range: std.range, target: std.target, period: std.period, per: std.per, owners: st.owners,
    status: e.status, actual: e.actual, period_label: e.period.label,
  };
}

/** One record as the API shows it; a voided one stays listed, flagged, and no longer counts. */
export function recordView(r: StoredStandardRecord) {
  return {
    id: r.id, standard_id: r.standardId, subject: r.subject, occurred_at: r.occurredAt.toISOString(), value: r.value, ref: r.ref,
    note: r.note, event_at: iso(r.eventAt), created_by: r.createdBy, created_at: r.createdAt.toISOString(),
    voided: r.voidedAt !== null, voided_at: iso(r.voidedAt), voided_by: r.voidedBy, void_reason: r.voidReason,
  };
}

/** The compliance of one standard over one period (voided records left out). */
export function complianceView(std: Standard, e: Evaluation, tickets: HelpdeskFigures | null) {
  return {
    standard: std.id, title_ko: std.title_ko, title_en: std.title_en, kind: std.kind, unit: std.unit,
    // `to` is exclusive: the first instant of the next period.
    period: { label: e.period.label, from: e.period.from.toISOString(), to: e.period.to.toISOString() },
    as_of: e.as_of.toISOString(), target: e.target, status: e.status, actual: e.actual,
    subjects: e.subjects.map((x) => ({ subject: x.subject, period: x.period, actual: x.actual, target: x.target, status: x.status })),
    ...(tickets ? { tickets } : {}),
  };
}
