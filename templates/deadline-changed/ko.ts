/** The inquiry's deadline moved, to the officer, in Korean. */
import { rows, ticketSubject, type MailTemplate } from '../blocks';
import { greeting } from '../labels';

/** 처리 기한 변경 안내. */
export const ko: MailTemplate<'deadline-changed'> = (d, c) => ({
  subject: ticketSubject(d.ticketNumber, `처리 기한이 변경되었습니다 - ${d.subject}`),
  preheader: `새 처리 기한: ${c.date(d.newDueAt)}`,
  blocks: [
    { kind: 'greeting', text: greeting('ko', d.recipientName) },
    { kind: 'paragraph', text: '처리 기준(근무시간 또는 공휴일)이 바뀌어 문의의 처리 기한이 다시 계산되었습니다.' },
    {
      kind: 'fields',
      rows: rows(
        ['문의 번호', d.ticketNumber],
        ['제목', d.subject],
        ['이전 처리 기한', c.date(d.oldDueAt)],
        ['새 처리 기한', c.date(d.newDueAt)],
      ),
    },
    { kind: 'paragraph', text: `궁금하신 점은 헬프데스크에서 이 문의(${d.ticketNumber})에 메시지로 남겨 주세요.` },
  ],
});
