/** Receipt to the officer, in Korean. */
import { rows, ticketSubject, type MailTemplate } from '../blocks';
import { greeting, PRIORITY_LABELS } from '../labels';

/** 문의 접수 확인. */
export const ko: MailTemplate<'ticket-received'> = (d, c) => ({
  subject: ticketSubject(d.ticketNumber, `문의가 접수되었습니다 - ${d.subject}`),
  preheader: `처리 기한: ${c.date(d.dueAt)}`,
  blocks: [
    { kind: 'greeting', text: greeting('ko', d.recipientName) },
    { kind: 'paragraph', text: '공공구매 문의가 접수되었습니다. 담당자가 확인한 뒤 처리 기한 안에 답변드리겠습니다.' },
    {
      kind: 'fields',
      rows: rows(
        ['문의 번호', d.ticketNumber],
        ['제목', d.subject],
        ['접수 일시', c.date(d.receivedAt)],
        ['처리 기한', c.date(d.dueAt)],
        ['분류', d.category],
        ['우선순위', d.priority && PRIORITY_LABELS.ko[d.priority]],
      ),
    },
    {
      kind: 'paragraph',
      text: `추가로 전하실 내용은 헬프데스크에서 이 문의(${d.ticketNumber})에 메시지로 남겨 주세요. 전화로 문의하실 때는 문의 번호를 알려 주시면 빠르게 확인해 드립니다.`,
    },
  ],
});
