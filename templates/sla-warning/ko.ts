/** A deadline is near, to the assignee or agents, in Korean. */
import { rows, ticketSubject, type MailTemplate } from '../blocks';
import { greeting, MILESTONE_LABELS, PRIORITY_LABELS } from '../labels';

/** 기한 임박 경고. */
export const ko: MailTemplate<'sla-warning'> = (d, c) => {
  const deadline = MILESTONE_LABELS.ko[d.milestone ?? 'resolution'];
  const left = c.duration(d.remainingSeconds);
  const basis = d.clock === 'business' ? ' (근무시간 기준)' : '';
  return {
    subject: ticketSubject(d.ticketNumber, `${deadline} 임박: ${left} 남음 - ${d.subject}`),
    preheader: `${deadline}: ${c.date(d.dueAt)}`,
    blocks: [
      { kind: 'greeting', text: greeting('ko', d.recipientName) },
      { kind: 'paragraph', tone: 'alert', text: `${deadline}까지 ${left} 남았습니다${basis}.` },
      {
        kind: 'fields',
        rows: rows(
          ['문의 번호', d.ticketNumber],
          ['제목', d.subject],
          [deadline, c.date(d.dueAt)],
          ['남은 시간', `${left}${basis}`],
          ['담당자', d.assigneeName ?? '미배정'],
          ['우선순위', d.priority && PRIORITY_LABELS.ko[d.priority]],
        ),
      },
      { kind: 'paragraph', text: '기한 안에 답변하고 처리 완료해 주세요. 문의자의 답변을 기다리는 중이면 상태를 "대기"로 바꿔 주세요.' },
    ],
  };
};
