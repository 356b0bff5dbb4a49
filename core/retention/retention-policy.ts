/**
 * The retention policy: how long each class of personal data is kept and the instant before which
 * it has expired. Pure: the clock's reading comes in, nothing is read from the world.
 *
 * The Personal Information Protection Act (개인정보 보호법, art. 21) has personal data destroyed
 * without delay once its retention period has passed; its safety-measure standards (개인정보의
 * 안전성 확보조치 기준, art. 8) have the access records of a personal-data system kept for at least
 * a year. So the access log's period has a floor of 365 days and the others none beyond one day.
 */
import type { RetentionClass } from '../ports';
import { SERVICE_UTC_OFFSET_MS } from '../time/service-zone';

/** Every class, in the order the purge runs and the API lists them. */
export const RETENTION_CLASSES = [
  'closed_tickets',
  'inbound_raw_mail',
  'sessions',
  'access_log',
] as const satisfies readonly RetentionClass[];

/** The least number of days access records are kept (safety-measure standards, art. 8). */
export const ACCESS_LOG_MIN_DAYS = 365;
/** The longest period a setting may name (a typo of extra digits is refused, not taken as "forever"). */
export const RETENTION_MAX_DAYS = 36_500;

/** Days each class is kept (RETENTION_*_DAYS). */
export interface RetentionSettings {
  closedTicketDays: number;
  inboundRawDays: number;
  sessionDays: number;
  accessLogDays: number;
}

/** The defaults, with the reasons README gives. */
export const DEFAULT_RETENTION: Readonly<RetentionSettings> = Object.freeze({
  closedTicketDays: 1095,
  inboundRawDays: 90,
  sessionDays: 30,
  accessLogDays: 730,
});

/** One class of the policy as the API shows it. */
export interface RetentionPolicyEntry {
  class: RetentionClass;
  days: number;
  description: string;
}

const DESCRIPTIONS: Record<RetentionClass, string> = {
  closed_tickets:
    'Closed inquiries, counted from when they were closed: subject, body, messages, attachments and their files, ' +
    'mails queued for them, search entries, the inbound mails that became them, rating comments and event details. ' +
    'An anonymised skeleton (number, category, status, times, SLA outcome, rating score) stays for the reports.',
  inbound_raw_mail:
    'Inbound mail as received, counted from its arrival: the raw message and its whole decoded body (원문 보기); ' +
    'mails that did not become part of an inquiry (held, refused, automatic replies, bounces, duplicates) are deleted outright.',
  sessions:
    'Sign-in data, counted from its last use: expired console sessions, sign-in codes and the attempts the limits count, ' +
    'the mails that carried the codes, and the stored answers of idempotent requests.',
  access_log: `Records of refused requests (401, 403, hidden 404), counted from the request; kept at least ${ACCESS_LOG_MIN_DAYS} days by law.`,
};

const DAY_MS = 86_400_000;

/** Days of a class under these settings. */
export function daysOf(settings: RetentionSettings, c: RetentionClass): number {
  switch (c) {
    case 'closed_tickets':
      return settings.closedTicketDays;
    case 'inbound_raw_mail':
      return settings.inboundRawDays;
    case 'sessions':
      return settings.sessionDays;
    case 'access_log':
      return settings.accessLogDays;
  }
}

/** The policy as the API shows it, one entry per class. */
export function retentionPolicy(settings: RetentionSettings): RetentionPolicyEntry[] {
  return RETENTION_CLASSES.map((c) => ({ class: c, days: daysOf(settings, c), description: DESCRIPTIONS[c] }));
}

/**
 * The instant before which data of a class has expired at `now`: the start (00:00 Asia/Seoul) of
 * the Seoul day `days` days before today. Counting whole days means every run of one day has the
 * same cutoff, and data is always kept at least its full period (at most one day more): an access
 * record of 10 March 2025 goes on 11 March 2026 with 365 days, never on the 10th.
 */
export function cutoffOf(days: number, now: Date): Date {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`a retention period is a whole number of days ≥ 1, not ${days}`);
  const seoulMidnight = Math.floor((now.getTime() + SERVICE_UTC_OFFSET_MS) / DAY_MS) * DAY_MS - SERVICE_UTC_OFFSET_MS;
  return new Date(seoulMidnight - days * DAY_MS);
}

/** The cutoff of every class at `now`. */
export function cutoffs(settings: RetentionSettings, now: Date): Record<RetentionClass, Date> {
  return Object.fromEntries(RETENTION_CLASSES.map((c) => [c, cutoffOf(daysOf(settings, c), now)])) as Record<RetentionClass, Date>;
}

/** Why a settings object cannot be used (the access log's legal floor, the bounds), or null. */
export function settingsProblem(settings: RetentionSettings): string | null {
  for (const c of RETENTION_CLASSES) {
    const d = daysOf(settings, c);
    if (!Number.isInteger(d) || d < 1 || d > RETENTION_MAX_DAYS) return `${c}: a whole number of days from 1 to ${RETENTION_MAX_DAYS}`;
  }
  if (settings.accessLogDays < ACCESS_LOG_MIN_DAYS)
    return `access_log: at least ${ACCESS_LOG_MIN_DAYS} days (the safety-measure standards of the Personal Information Protection Act keep access records a year)`;
  return null;
}

/** The subject a destroyed inquiry's skeleton shows in lists (its own words are gone). */
export const PURGED_SUBJECT = '(보존기간 경과로 파기됨)';

/**
 * Event types whose details name no person and say nothing of the inquiry's words (statuses, user
 * ids, scores, SLA times): kept on a destroyed inquiry's trail. Every other event keeps its type,
 * time and actor, and loses its details (addresses mailed, subjects, notes).
 */
export const EVENT_TYPES_WITHOUT_PERSONAL_DATA = ['ticket.created', 'ticket.status_changed', 'ticket.assigned', 'rating.created'] as const;
/** Prefix of the SLA clock's events (times and policy ids only), kept likewise. */
export const SLA_EVENT_PREFIX = 'sla.';
