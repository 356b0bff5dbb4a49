/** An escalation step, to its recipients, in Korean. */
import { rows, ticketSubject, type MailTemplate } from '../blocks';
import { greeting, PRIORITY_LABELS } from '../labels';

/** 에스컬레이션 알림. */
export const ko: MailTemplate<'sla-escalation'> = (d, c) => {
  const overdue = c.duration(d.overdueSeconds);
  const basis = d.clock === 'business' ? ' (근무시간 기준)' : '';
  return {
    subject: ticketSubject(d.ticketNumber, `${d.level}단계 에스컬레이션: 기한 ${overdue} 초과 - ${d.subject}`),
    preheader: `처리 기한 ${c.date(d.dueAt)}`,
    blocks: [
      { kind: 'greeting', text: greeting('ko', d.recipientName) },
      {
        kind: 'paragraph',
        tone: 'alert',
        text: `처리 기한이 ${overdue}${basis} 지났지만 문의가 처리되지 않아 ${d.level}단계 에스컬레이션되었습니다.`,
      },
      {
        kind: 'fields',
        rows: rows(
          ['문의 번호', d.ticketNumber],
          ['제목', d.subject],
          ['에스컬레이션 단계', `${d.level}단계`],
          ['처리 기한', c.date(d.dueAt)],
          ['초과 시간', `${overdue}${basis}`],
          ['담당자', d.assigneeName ?? '미배정'],
          ['우선순위', d.priority && PRIORITY_LABELS.ko[d.priority]],
        ),
      },
      { kind: 'paragraph', text: '문의를 확인하고 조치한 뒤, 에스컬레이션을 확인 처리해 주세요.' },
    ],
  };
};
