/** Resolution notice with a rating link, in Korean. */
import { rows, ticketSubject, type Block, type MailTemplate } from '../blocks';
import { greeting } from '../labels';

/** 처리 완료 및 만족도 평가 요청. */
export const ko: MailTemplate<'ticket-resolved'> = (d, c) => {
  const note: Block[] = d.resolutionNote ? [{ kind: 'quote', label: '처리 내용', text: d.resolutionNote }] : [];
  return {
    subject: ticketSubject(d.ticketNumber, `문의 처리가 완료되었습니다 - ${d.subject}`),
    preheader: '답변이 도움이 되었는지 평가해 주세요.',
    blocks: [
      { kind: 'greeting', text: greeting('ko', d.recipientName) },
      {
        kind: 'paragraph',
        text: `문의 처리가 완료되었습니다. 헬프데스크에서 이 문의(${d.ticketNumber})의 답변이 도움이 되었는지 평가해 주시면 서비스 개선에 반영하겠습니다.`,
      },
      {
        kind: 'fields',
        rows: rows(['문의 번호', d.ticketNumber], ['제목', d.subject], ['처리 완료', c.date(d.resolvedAt)], ['담당자', d.agentName]),
      },
      ...note,
      { kind: 'paragraph', text: '해결되지 않은 점이 있으면 이 문의에 메시지를 남겨 주세요. 문의가 다시 열립니다.' },
    ],
  };
};
