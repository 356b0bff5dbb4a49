/** Words several templates share, per language, so one term is always translated the same way. */
import type { Priority, Role } from '../core/model';
import type { MailLocale, SlaMilestone } from './types';

/** Priority names as recipients read them. */
export const PRIORITY_LABELS: Record<MailLocale, Record<Priority, string>> = {
  ko: { low: '낮음', normal: '보통', high: '높음', urgent: '긴급' },
  en: { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' },
};

/** Role names as the console shows them. */
export const ROLE_LABELS: Record<MailLocale, Record<Role, string>> = {
  ko: { officer: '구매 담당자', agent: '상담원', supervisor: '관리자', admin: '시스템 관리자' },
  en: { officer: 'Purchasing officer', agent: 'Agent', supervisor: 'Supervisor', admin: 'Administrator' },
};

/** The name of the deadline a timer mail is about. */
export const MILESTONE_LABELS: Record<MailLocale, Record<SlaMilestone, string>> = {
  ko: { resolution: '처리 기한', first_response: '최초 응답 기한' },
  en: { resolution: 'Resolution deadline', first_response: 'First-response deadline' },
};

/** The opening line: by name when known, a plain hello otherwise. */
export function greeting(locale: MailLocale, name: string | null | undefined): string {
  const n = name?.trim();
  if (locale === 'ko') return n ? `${n} 님, 안녕하세요.` : '안녕하세요.';
  return n ? `Dear ${n},` : 'Hello,';
}

/** A measured value with grouping and its unit (`1,234 KRW`); null reads as "no records". */
export function measurement(locale: MailLocale, value: number | string | null, unit?: string | null): string {
  if (value === null) return locale === 'ko' ? '기록 없음' : 'no records';
  const text = typeof value === 'number' ? value.toLocaleString(locale === 'ko' ? 'ko-KR' : 'en-US', { maximumFractionDigits: 2 }) : value;
  return unit ? `${text} ${unit}` : text;
}

/** Mail-wide brand line and footers (replies not read / replies read), per language. */
export const CHROME: Record<MailLocale, { brand: string; footer: string; footerReplies: string }> = {
  ko: {
    brand: '공공구매지원센터 문의 헬프데스크',
    footer: '이 메일은 발신 전용 주소에서 발송되었습니다. 이 메일에 회신하셔도 전달되지 않습니다.',
    footerReplies: '이 메일에 회신하시면 문의에 그대로 추가됩니다. 답장은 맨 위 구분선 위에 써 주세요.',
  },
  en: {
    brand: 'Public Purchasing Support Center Helpdesk',
    footer: 'This message was sent from an address that is not monitored; replies to it are not read.',
    footerReplies: 'Replying to this message adds your reply to the inquiry. Please write above the line at the top.',
  },
};
