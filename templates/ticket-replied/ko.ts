/** An agent's public reply to the officer, in Korean. */
import { rows, ticketSubject, type Block, type MailTemplate } from '../blocks';
import { greeting } from '../labels';

/** 담당자 답변 알림. */
export const ko: MailTemplate<'ticket-replied'> = (d, c) => {
  const pending: Block[] =
    d.status === 'pending'
      ? [
          {
            kind: 'paragraph',
            text: `담당자가 추가 정보를 요청했습니다. 헬프데스크에서 이 문의(${d.ticketNumber})에 답장해 주시면 처리를 이어가겠습니다.`,
          },
        ]
      : [];
  return {
    subject: ticketSubject(d.ticketNumber, `문의에 답변이 등록되었습니다 - ${d.subject}`),
    preheader: `${d.agentName} 담당자의 답변`,
    blocks: [
      { kind: 'greeting', text: greeting('ko', d.recipientName) },
      { kind: 'paragraph', text: `${d.agentName} 담당자가 문의에 답변했습니다.` },
      { kind: 'fields', rows: rows(['문의 번호', d.ticketNumber], ['제목', d.subject], ['답변 일시', d.repliedAt && c.date(d.repliedAt)]) },
      { kind: 'quote', label: '답변 내용', text: d.replyBody },
      ...pending,
    ],
  };
};
