/**
 * Every word the console shows, in Korean and English, in one place: pages look words up here, so
 * one term is always translated the same way. Users whose locale is `en` read the English column.
 * The words browser tests find things by (paths, field labels, button names) are fixed by the
 * console contract described in docs/console.md; keep them as they are.
 */
import type { Locale, Priority, Role, TicketStatus } from '../../core/model';

const ko = {
  product: '공공구매 문의 센터',
  skipToContent: '본문 바로가기',
  signOut: '로그아웃',
  signedInAs: '로그인 사용자',
  navTickets: '문의',
  navMyTickets: '내 문의',
  navQueue: '처리 대기열',
  navNewTicket: '새 문의',
  navBoard: '현황판',
  notFoundTitle: '페이지를 찾을 수 없습니다',
  notFoundBody: '주소가 잘못되었거나, 볼 수 있는 권한이 없는 문의입니다.',
  forbiddenTitle: '권한이 없습니다',
  forbiddenBody: '이 페이지는 다른 역할의 사용자만 쓸 수 있습니다.',
  backHome: '처음으로',
  // Deadlines
  left: '남음',
  over: '초과',
  paused: '일시정지',
  lessThanMinute: '1분 미만',
  hours: '시간',
  minutes: '분',
  days: '일',
} as const;

export type LabelKey = keyof typeof ko;

const en: Record<LabelKey, string> = {
  product: 'Public Purchasing Help Center',
  skipToContent: 'Skip to content',
  signOut: 'Sign out',
  signedInAs: 'Signed in as',
  navTickets: 'Inquiries',
  navMyTickets: 'My inquiries',
  navQueue: 'Queue',
  navNewTicket: 'New inquiry',
  navBoard: 'Board',
  notFoundTitle: 'Page not found',
  notFoundBody: 'The address is wrong, or the inquiry is not one you may see.',
  forbiddenTitle: 'Not allowed',
  forbiddenBody: 'This page is for users of another role.',
  backHome: 'Home',
  left: 'left',
  over: 'overdue',
  paused: 'Paused',
  lessThanMinute: 'less than a minute',
  hours: 'h',
  minutes: 'min',
  days: 'd',
};

export const LABELS: Record<Locale, Record<LabelKey, string>> = { ko, en };

/** A word in the viewer's language. */
export const t = (locale: Locale, key: LabelKey): string => LABELS[locale][key];

export const STATUS_LABELS: Record<Locale, Record<TicketStatus, string>> = {
  ko: { new: '접수', open: '처리 중', pending: '대기', resolved: '해결', closed: '종료' },
  en: { new: 'New', open: 'Open', pending: 'Pending', resolved: 'Resolved', closed: 'Closed' },
};

export const PRIORITY_LABELS: Record<Locale, Record<Priority, string>> = {
  ko: { low: '낮음', normal: '보통', high: '높음', urgent: '긴급' },
  en: { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' },
};

export const ROLE_LABELS: Record<Locale, Record<Role, string>> = {
  ko: { officer: '구매 담당자', agent: '상담원', supervisor: '관리자', admin: '시스템 관리자' },
  en: { officer: 'Purchasing officer', agent: 'Agent', supervisor: 'Supervisor', admin: 'Administrator' },
};
