/** A service standard subject turned at_risk or missed, to its owners, in Korean. */
import { rows, type MailTemplate } from '../blocks';
import { greeting, measurement } from '../labels';

const STATUS = { at_risk: '미달 위험', missed: '미달' } as const;

/** 이행표준 경보. */
export const ko: MailTemplate<'standard-alert'> = (d) => {
  const who = d.standardSubject ?? '전체';
  return {
    subject: `[이행표준 경보] ${d.standardTitle}: ${who} ${STATUS[d.status]} (${d.period})`,
    preheader: `${who}: ${STATUS[d.status]}`,
    blocks: [
      { kind: 'greeting', text: greeting('ko', d.recipientName) },
      {
        kind: 'paragraph',
        tone: 'alert',
        text:
          d.status === 'missed'
            ? `${d.period} 기간의 "${d.standardTitle}" 목표를 ${who}에서 달성하지 못했습니다.`
            : `"${d.standardTitle}"의 ${who} 실적이 ${d.period} 기간 목표에 미달할 위험이 있습니다.`,
      },
      {
        kind: 'fields',
        rows: rows(
          ['이행표준', `${d.standardTitle} (${d.standardId})`],
          ['대상', who],
          ['기간', d.period],
          ['현재 실적', measurement('ko', d.actual, d.unit)],
          ['목표', measurement('ko', d.target, d.unit)],
          ['상태', STATUS[d.status]],
        ),
      },
      {
        kind: 'paragraph',
        text: d.status === 'missed' ? '미달 원인과 후속 조치를 기록해 주세요.' : '기간이 끝나기 전에 필요한 조치를 취해 주세요.',
      },
    ],
  };
};
