/**
 * The audit trail in words: one sentence per event, in the viewer's language. The API lists the
 * same events as types and data; a person reads "상태: 접수 → 처리 중", not `ticket.status_changed`.
 */
import type { Locale, Priority, TicketStatus } from '../../../core/model';
import type { EventDetail } from '../../../core/tickets/ticket-service';
import { hoursMinutes, koreanDateTime } from '../client/time-format';
import { PRIORITY_LABELS, STATUS_LABELS, categoryLabel } from '../labels';

/** Names of people an event may mention by id (assignees), for `ticket.assigned`. */
export type PeopleNames = ReadonlyMap<number, string>;

const MAIL_NAMES: Record<Locale, Record<string, string>> = {
  ko: {
    'ticket-received': '접수 확인',
    'ticket-replied': '답변 알림',
    'ticket-resolved': '해결 알림',
    'officer-replied': '요청자 메시지 알림',
    'deadline-changed': '기한 변경 알림',
    'sla-warning': '기한 경고',
    'sla-breached': '기한 초과 알림',
    'sla-escalation': '상향 보고 알림',
  },
  en: {
    'ticket-received': 'receipt',
    'ticket-replied': 'reply notice',
    'ticket-resolved': 'resolution notice',
    'officer-replied': "requester's message",
    'deadline-changed': 'deadline change',
    'sla-warning': 'deadline warning',
    'sla-breached': 'breach notice',
    'sla-escalation': 'escalation notice',
  },
};

const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One event as a sentence (without its time and actor, which the trail shows beside it). */
export function eventText(e: EventDetail, locale: Locale, people: PeopleNames): string {
  const d = e.event.data;
  const ko = locale === 'ko';
  const when = (v: unknown) => (typeof v === 'string' && v ? koreanDateTime(v, locale) : '');
  const status = (v: unknown) => STATUS_LABELS[locale][v as TicketStatus] ?? str(v);
  const person = (v: unknown) => {
    const id = num(v);
    if (id === null) return ko ? '미배정' : 'unassigned';
    return people.get(id) ?? `#${id}`;
  };
  const mail = (v: unknown) => MAIL_NAMES[locale][str(v)] ?? str(v);
  switch (e.event.type) {
    case 'ticket.created':
      if (d.on_behalf_of !== undefined)
        return ko ? '요청자를 대신해 문의를 등록했습니다' : 'Recorded the inquiry on behalf of the requester';
      return ko ? '문의를 등록했습니다' : 'Submitted the inquiry';
    case 'ticket.assigned':
      if (d.reason === 'first_answer')
        return ko ? `첫 답변으로 ${person(d.to)} 님이 담당자가 되었습니다` : `${person(d.to)} became the assignee by answering first`;
      return ko ? `담당자: ${person(d.from)} → ${person(d.to)}` : `Assignee: ${person(d.from)} → ${person(d.to)}`;
    case 'ticket.status_changed':
      return ko ? `상태: ${status(d.from)} → ${status(d.to)}` : `Status: ${status(d.from)} → ${status(d.to)}`;
    case 'ticket.updated': {
      if (d.field === 'priority') {
        const p = (v: unknown) => PRIORITY_LABELS[locale][v as Priority] ?? str(v);
        return ko ? `우선순위: ${p(d.from)} → ${p(d.to)}` : `Priority: ${p(d.from)} → ${p(d.to)}`;
      }
      if (d.field === 'category')
        return ko
          ? `분류: ${categoryLabel(locale, str(d.from))} → ${categoryLabel(locale, str(d.to))}`
          : `Category: ${categoryLabel(locale, str(d.from))} → ${categoryLabel(locale, str(d.to))}`;
      return ko ? `${str(d.field)} 변경` : `Changed ${str(d.field)}`;
    }
    case 'message.created':
      if (d.internal === true) return ko ? '내부 메모를 남겼습니다' : 'Left an internal note';
      return ko ? '메시지를 보냈습니다' : 'Sent a message';
    case 'rating.created':
      return ko ? `만족도 ${str(d.score)}점으로 평가했습니다` : `Rated ${str(d.score)} of 5`;
    case 'sla.started':
      return ko ? `기한 시계 시작 — 기한 ${when(d.due_at)}` : `Deadline clock started — due ${when(d.due_at)}`;
    case 'sla.paused':
      return ko ? '기한 시계 일시정지 (요청자 회신 대기)' : 'Deadline clock paused (waiting for the requester)';
    case 'sla.resumed':
      return ko ? `기한 시계 다시 시작 — 새 기한 ${when(d.due_at)}` : `Deadline clock resumed — now due ${when(d.due_at)}`;
    case 'sla.recalculated':
      return ko
        ? `기한 다시 계산: ${when(d.old_due_at)} → ${when(d.new_due_at)}`
        : `Deadline recomputed: ${when(d.old_due_at)} → ${when(d.new_due_at)}`;
    case 'sla.warning': {
      const left = num(d.remaining_seconds);
      const lead = left === null ? '' : hoursMinutes(left, locale);
      return ko ? `기한 경고 — ${lead} 남음` : `Deadline warning — ${lead} left`;
    }
    case 'sla.breached':
      return ko ? `기한 초과 — 기한 ${when(d.due_at)}` : `Deadline missed — it was ${when(d.due_at)}`;
    case 'sla.met':
      return ko ? '기한 안에 해결' : 'Resolved within the deadline';
    case 'escalation.created': {
      const to = Array.isArray(d.notified) ? d.notified.map(str).join(', ') : '';
      return ko ? `${str(d.level)}단계 상향 보고${to ? ` — ${to}` : ''}` : `Escalated, level ${str(d.level)}${to ? ` — ${to}` : ''}`;
    }
    case 'escalation.acknowledged':
      return ko ? `${str(d.level)}단계 상향 보고를 확인했습니다` : `Acknowledged escalation level ${str(d.level)}`;
    case 'email.queued':
      return ko ? `메일 대기: ${mail(d.template)} → ${str(d.to)}` : `Mail queued: ${mail(d.template)} → ${str(d.to)}`;
    case 'email.sent':
      return ko ? `메일 발송: ${mail(d.template)} → ${str(d.to)}` : `Mail sent: ${mail(d.template)} → ${str(d.to)}`;
    case 'email.failed':
      if (d.bounce === true)
        return ko
          ? `메일 반송: ${mail(d.template)} → ${str(d.to)} (${str(d.error)})`
          : `Mail bounced: ${mail(d.template)} → ${str(d.to)} (${str(d.error)})`;
      return ko ? `메일 실패: ${mail(d.template)} → ${str(d.to)}` : `Mail failed: ${mail(d.template)} → ${str(d.to)}`;
    case 'email.auto_reply':
      return ko ? `자동 회신 메일을 받았습니다 (${str(d.from)})` : `An automatic reply arrived (${str(d.from)})`;
    case 'ticket.linked':
      if (d.relation === 'follow_up_of')
        return ko ? `종결된 ${str(d.number)}에 대한 회신으로 접수되었습니다` : `Opened by a reply to the closed ${str(d.number)}`;
      return ko ? `이 문의에 대한 회신이 새 문의 ${str(d.number)}로 접수되었습니다` : `A reply to it opened ${str(d.number)}`;
    case 'email.requeued':
      return ko ? `메일 다시 보내기: ${mail(d.template)}` : `Mail queued again: ${mail(d.template)}`;
    default:
      return e.event.type;
  }
}
