/**
 * How the standards pages write a standard's figures in words: numbers with their unit, the target
 * as a promise ("창업팀마다 연 20시간 이상"), periods, subjects, refs and owners. Pure functions of
 * the API's values; every word comes from labels.ts (and the units from core's alert-mail units).
 */
import type { Locale } from '../../../core/model';
import { KR_REGIONS, NATIONAL_REF, type Standard, type SubjectKind, type Unit } from '../../../core/standards/catalogue';
import type { Evaluation } from '../../../core/standards/evaluate';
import { UNIT_LABEL } from '../../../core/standards/unit-labels';
import { koreanShortDateTime } from '../client/time-format';
import { NATIONAL_LABEL, ROLE_LABELS, STAGE_LABELS, SUBJECT_KIND_LABELS, t } from '../labels';
import type { Role } from '../../../core/model';

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `30,000,000`, `87.5`: grouped digits, at most two decimals. */
export const formatNumber = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** The unit after a figure: `20시간`, `85%`, `30,000,000원` / `20 hours`, `85%`. */
export function withUnit(locale: Locale, n: number, unit: Unit): string {
  const word = UNIT_LABEL[locale][unit] ?? unit;
  if (locale === 'ko' || word === '%') return `${formatNumber(n)}${word}`;
  return `${formatNumber(n)} ${word}`;
}

/** The unit's word alone (`시간`, `%`, `KRW`). */
export const unitWord = (locale: Locale, unit: Unit): string => UNIT_LABEL[locale][unit] ?? unit;

/** `2026` → `2026년`; `2026-03` → `2026년 3월` / `Mar 2026`. */
export function periodText(locale: Locale, label: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(label);
  if (!m) return t(locale, 'stdYear', { y: label });
  const month = Number(m[2]);
  return t(locale, 'stdMonth', { y: m[1]!, m: month, mon: MONTHS_EN[month - 1]! });
}

/** The promise as words: `창업팀마다 연 20시간 이상`, `at least 20 hours a year per team`. */
export function targetText(locale: Locale, std: Standard): string {
  const ko = locale === 'ko';
  const num = withUnit(locale, std.target, std.unit);
  const level = std.kind === 'average' || std.kind === 'ratio' || std.kind === 'gauge';
  const every = !level && (std.period === 'year' || std.period === 'month');
  const periodWord = every ? t(locale, std.period === 'month' ? 'stdPerMonth' : 'stdPerYear') : '';
  const amount = periodWord ? (ko ? `${periodWord} ${num}` : `${num} ${periodWord}`) : num;
  const kind = std.per ? SUBJECT_KIND_LABELS[locale][std.per] : '';
  let text: string;
  if (std.kind === 'availability') text = t(locale, 'stdTargetEveryDay');
  else if (std.kind === 'lead_time') text = t(locale, 'stdTargetLeadTime', { n: num });
  else if (std.kind === 'helpdesk') text = t(locale, 'stdTargetAll', { n: num });
  else if (std.survey_per_ref) text = t(locale, 'stdTargetCourses', { n: amount });
  else if (std.required_refs?.length) text = t(locale, 'stdTargetNetworks', { n: amount });
  else {
    const core =
      std.comparison === 'band'
        ? t(locale, 'stdTargetAbout', { n: amount, p: Math.round((std.band ?? 0) * 100) })
        : t(locale, 'stdTargetAtLeast', { n: amount });
    if (!kind) text = core;
    else if (std.kind === 'average') text = ko ? `${kind}당 평균 ${core}` : `${core} on average per ${kind}`;
    else text = ko ? `${kind}마다 ${core}` : `${core} per ${kind}`;
  }
  return std.informational ? `${text} · ${t(locale, 'stdInformational')}` : text;
}

/** This period's figure: `12시간`, `69/365일`, or `기록 없음`. */
export function actualText(locale: Locale, std: Standard, e: Pick<Evaluation, 'actual' | 'target'>): string {
  if (e.actual === null) return t(locale, std.kind === 'helpdesk' ? 'stdNoInquiries' : 'stdNoFigure');
  if (std.kind === 'availability') return `${formatNumber(e.actual)}/${withUnit(locale, e.target, std.unit)}`;
  return withUnit(locale, e.actual, std.unit);
}

/** What the figure of a standard stands for when it is not plain: the lowest subject's, the shortest notice. */
export function actualHint(locale: Locale, std: Standard, e: Pick<Evaluation, 'actual' | 'subjects'>): string | null {
  if (e.actual === null) return null;
  if (std.kind === 'lead_time') return t(locale, 'stdShortest');
  // A course's subjects are its surveys; the figure is the number of courses.
  if (std.per !== null && !std.survey_per_ref && e.subjects.length > 1) return t(locale, 'stdLowestOf', { n: e.subjects.length });
  return null;
}

const regionName = (locale: Locale, code: string): string | null => {
  const r = KR_REGIONS.find((x) => x.code === code);
  return r ? (locale === 'ko' ? r.name_ko : capitalize(r.code)) : null;
};

/** `team:2026-017` → `창업팀 2026-017`; `region:busan` → `부산광역시`; `*` → the whole standard. */
export function subjectText(locale: Locale, subject: string | null): string {
  if (subject === null || subject === '*') return t(locale, 'stdWhole');
  const i = subject.indexOf(':');
  if (i < 0) return subject;
  const kind = subject.slice(0, i) as SubjectKind;
  const id = subject.slice(i + 1);
  if (kind === 'region') return regionName(locale, id) ?? subject;
  const word = SUBJECT_KIND_LABELS[locale][kind];
  return word ? `${locale === 'ko' ? word : capitalize(word)} ${id}` : subject;
}

/** A record's ref in words: a stage, a region or the national network; otherwise as it is. */
export function refText(locale: Locale, std: Standard, ref: string | null): string {
  if (ref === null) return '';
  if (std.stages?.includes(ref)) return STAGE_LABELS[locale][ref] ?? ref;
  if (std.allowed_refs && ref === NATIONAL_REF) return NATIONAL_LABEL[locale];
  if (std.allowed_refs) return regionName(locale, ref) ?? ref;
  return ref;
}

/** A record's value in words (`4시간`, `종일 정상 운영 (1)`), empty when it carries none. */
export function valueText(locale: Locale, std: Standard, value: number | null): string {
  if (value === null) return '';
  if (std.kind === 'availability') return t(locale, value === 1 ? 'stdUp' : 'stdDown');
  return withUnit(locale, value, std.range?.unit ?? std.unit);
}

/** An owner (a notify target) in words: `관리자 전원`, a person's name, an address. */
export function ownerText(locale: Locale, target: string, names: Map<number, string>): string {
  const i = target.indexOf(':');
  const kind = target.slice(0, i);
  const rest = target.slice(i + 1);
  if (kind === 'role' && rest in ROLE_LABELS[locale]) {
    const role = ROLE_LABELS[locale][rest as Role];
    return t(locale, 'stdOwnerRole', { role: locale === 'en' ? role.toLowerCase() : role });
  }
  if (kind === 'user') return names.get(Number(rest)) ?? `#${rest}`;
  if (kind === 'email') return rest;
  return target;
}

/** The user ids among notify targets (`user:12`). */
export const ownerUserIds = (targets: readonly string[]): number[] =>
  targets.filter((x) => /^user:\d+$/.test(x)).map((x) => Number(x.slice('user:'.length)));

/** `2026. 3. 10. 09:00` in Korean time. */
export const shortDateTime = (at: Date): string => koreanShortDateTime(at);

/** The charter's three sections, by the first digit of a standard's section (`2.2-b` → 2). */
export const SECTIONS = [
  { no: '1', label: 'stdSection1' },
  { no: '2', label: 'stdSection2' },
  { no: '3', label: 'stdSection3' },
] as const;
