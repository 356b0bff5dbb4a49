/** The officer's new message, to the assignee, in Korean. */
import { rows, ticketSubject, type Block, type MailTemplate } from '../blocks';
import { greeting } from '../labels';

/** 문의자 메시지 알림. */
export const ko: MailTemplate<'officer-replied'> = (d, c) => {
  const who = d.organization ? `${d.officerName} (${d.organization})` : d.officerName;
  const reopened: Block[] = d.reopened
    ? [{ kind: 'paragraph', tone: 'alert', text: '처리 완료했던 문의가 이 메시지로 다시 열렸습니다.' }]
    : [];
  return {
    subject: ticketSubject(d.ticketNumber, `${d.reopened ? '문의 재개' : '문의자 메시지'} - ${d.subject}`),
    preheader: `${who} 님의 메시지`,
    blocks: [
      { kind: 'greeting', text: greeting('ko', d.recipientName) },
      { kind: 'paragraph', text: `${who} 님이 문의에 메시지를 남겼습니다.` },
      ...reopened,
      { kind: 'fields', rows: rows(['문의 번호', d.ticketNumber], ['제목', d.subject], ['처리 기한', d.dueAt && c.date(d.dueAt)]) },
      { kind: 'quote', label: '메시지', text: d.messageBody },
    ],
  };
};
