/** The deadline was missed, to the escalation recipients, in Korean. */
import { rows, ticketSubject, type MailTemplate } from '../blocks';
import { greeting, MILESTONE_LABELS, PRIORITY_LABELS } from '../labels';

/** 기한 초과 알림. */
export const ko: MailTemplate<'sla-breached'> = (d, c) => {
  const deadline = MILESTONE_LABELS.ko[d.milestone ?? 'resolution'];
  return {
    subject: ticketSubject(d.ticketNumber, `${deadline} 초과 - ${d.subject}`),
    preheader: `${deadline} ${c.date(d.dueAt)} 경과`,
    blocks: [
      { kind: 'greeting', text: greeting('ko', d.recipientName) },
      { kind: 'paragraph', tone: 'alert', text: `${deadline}(${c.date(d.dueAt)})이 지났지만 문의가 아직 처리되지 않았습니다.` },
      {
        kind: 'fields',
        rows: rows(
          ['문의 번호', d.ticketNumber],
          ['제목', d.subject],
          [deadline, c.date(d.dueAt)],
          ['초과 확인', c.date(d.breachedAt)],
          ['담당자', d.assigneeName ?? '미배정'],
          ['우선순위', d.priority && PRIORITY_LABELS.ko[d.priority]],
        ),
      },
      { kind: 'paragraph', text: '담당자 배정과 처리 상황을 확인하고, 지연 사유와 조치를 문의에 기록해 주세요.' },
    ],
  };
};
