/**
 * Every word the console shows, in Korean and English, in one place: pages look words up here, so
 * one term is always translated the same way. Users whose locale is `en` read the English column.
 * The words browser tests find things by (paths, field labels, button names) are fixed by the
 * console contract described in docs/console.md; keep them as they are.
 */
import type { Locale, Priority, Role, TicketStatus } from '../../core/model';

/**
 * The words the browser module writes itself (client/*.ts imports only this group, so the
 * bundle carries these and not the whole table). `{name}`, `{n}` are filled in by the module.
 */
const koClient = {
  // Collision notice (ticket page, staff)
  presenceViewing: '{name} 님이 보고 있습니다',
  presenceReplying: '{name} 님이 답변을 작성하고 있습니다',
  // Canned responses (ticket page, staff)
  cannedButton: '상용구',
  cannedSearch: '상용구 검색',
  cannedCount: '상용구 {n}개',
  cannedCountHint: '상용구 {n}개: 아래 화살표로 고르고 Enter로 넣습니다',
  cannedNone: '맞는 상용구가 없습니다',
  cannedLoading: '상용구를 불러오는 중입니다',
  cannedFailed: '상용구를 불러오지 못했습니다',
  cannedClose: '닫기',
  // Stale-reply guard (ticket page)
  staleTitle: '새 메시지가 도착했습니다',
  staleBody: '이 페이지를 연 뒤 다른 사람이 메시지를 남겼습니다. 스레드에서 확인한 뒤 보내세요.',
  staleSend: '그래도 보내기',
  // Drafts (ticket page)
  draftRestored: '임시 저장된 답변을 불러왔습니다.',
  draftDiscard: '초안 지우기',
  // Keyboard shortcuts (every page)
  shortcutsTitle: '단축키',
  shortcutsNext: '다음 문의',
  shortcutsPrev: '이전 문의',
  shortcutsOpen: '선택한 문의 열기',
  shortcutsReply: '답변 입력란으로 이동',
  shortcutsNew: '새 문의 작성',
  shortcutsHelp: '이 도움말',
  shortcutsOffHint: '화면 아래의 ‘단축키 사용’으로 끌 수 있습니다.',
  close: '닫기',
} as const;

export type ClientLabelKey = keyof typeof koClient;

const enClient: Record<ClientLabelKey, string> = {
  presenceViewing: '{name} is viewing',
  presenceReplying: '{name} is replying',
  cannedButton: 'Canned responses',
  cannedSearch: 'Search canned responses',
  cannedCount: '{n} canned responses',
  cannedCountHint: '{n} canned responses: press Down to choose, Enter to insert',
  cannedNone: 'No canned response matches',
  cannedLoading: 'Loading canned responses',
  cannedFailed: 'Could not load the canned responses',
  cannedClose: 'Close',
  staleTitle: 'A new message arrived',
  staleBody: 'Someone wrote in this conversation after you opened the page. Read it in the thread before sending.',
  staleSend: 'Send anyway',
  draftRestored: 'Your saved draft was restored.',
  draftDiscard: 'Discard draft',
  shortcutsTitle: 'Keyboard shortcuts',
  shortcutsNext: 'Next inquiry',
  shortcutsPrev: 'Previous inquiry',
  shortcutsOpen: 'Open the selected inquiry',
  shortcutsReply: 'Go to the reply field',
  shortcutsNew: 'Write a new inquiry',
  shortcutsHelp: 'This help',
  shortcutsOffHint: 'Turn them off with “Keyboard shortcuts” at the bottom of the page.',
  close: 'Close',
};

/** The browser module's words (client/words.ts picks the page's language). */
export const CLIENT_LABELS: Record<Locale, Record<ClientLabelKey, string>> = { ko: koClient, en: enClient };

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
  // Sign-in (/login)
  loginTitle: '로그인',
  loginIntro: '등록된 이메일 주소로 일회용 인증번호를 보내 드립니다. 비밀번호는 필요하지 않습니다.',
  email: '이메일',
  sendCode: '인증번호 받기',
  code: '인증번호',
  codeHint: '메일로 받은 숫자 6자리',
  signIn: '로그인',
  codeSentNote:
    '입력하신 주소가 등록된 주소라면 인증번호를 보냈습니다. 메일이 오지 않으면 스팸함을 확인하세요. 인증번호는 10분 동안 한 번만 쓸 수 있습니다.',
  resendCode: '인증번호 다시 받기',
  otherAddress: '다른 이메일로 로그인',
  otherLanguage: 'English',
  emailInvalid: '올바른 이메일 주소를 입력하세요.',
  codeMalformed: '인증번호 숫자 6자리를 입력하세요.',
  codeWrong: '인증번호가 맞지 않습니다. {n}번 더 입력할 수 있습니다.',
  codeExpired: '인증번호가 만료되었거나 이미 사용되었습니다. 인증번호를 다시 받으세요.',
  codeUsedUp: '인증번호를 5번 잘못 입력해 더 이상 쓸 수 없습니다. 인증번호를 다시 받으세요.',
  tooManyCodes: '인증번호 요청이 너무 많습니다. {m}분 뒤에 다시 시도하세요.',
  tooManyTries: '잘못 입력한 인증번호가 너무 많습니다. {m}분 뒤에 다시 시도하세요.',
  csrfBody: '보안 확인을 통과하지 못해 요청을 처리하지 않았습니다. 페이지를 새로 고친 뒤 다시 시도하세요.',
  // Footer
  footerShortcuts: '단축키 사용',
  footerShortcutsHelp: '단축키 도움말: ?',
} as const;

/** A word of the server-rendered pages. */
type PageLabelKey = keyof typeof ko;
/** Any word of the console: the pages' and the browser module's. */
export type LabelKey = PageLabelKey | ClientLabelKey;

const en: Record<PageLabelKey, string> = {
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
  loginTitle: 'Sign in',
  loginIntro: 'We e-mail a one-time code to your registered address. No password is needed.',
  email: 'E-mail',
  sendCode: 'Send code',
  code: 'Code',
  codeHint: 'The 6 digits from the mail',
  signIn: 'Sign in',
  codeSentNote:
    'If the address is registered, we have sent a code to it. If no mail arrives, check your spam folder. The code works once, for 10 minutes.',
  resendCode: 'Send a new code',
  otherAddress: 'Use another address',
  otherLanguage: '한국어',
  emailInvalid: 'Enter a valid e-mail address.',
  codeMalformed: 'Enter the 6 digits of the code.',
  codeWrong: 'The code is not right. You can try {n} more times.',
  codeExpired: 'The code has expired or was already used. Ask for a new code.',
  codeUsedUp: 'The code was entered wrongly 5 times and no longer works. Ask for a new code.',
  tooManyCodes: 'Too many codes were asked for. Try again in {m} minutes.',
  tooManyTries: 'Too many wrong codes were entered. Try again in {m} minutes.',
  csrfBody: 'The request did not pass a security check and was not carried out. Reload the page and try again.',
  footerShortcuts: 'Keyboard shortcuts',
  footerShortcutsHelp: 'Shortcut help: ?',
};

/** The pages' words (the browser module's are CLIENT_LABELS; `t` looks in both). */
export const LABELS: Record<Locale, Record<PageLabelKey, string>> = { ko, en };

/** A word in the viewer's language (the pages' or the browser module's); `{name}` placeholders are filled from `vars`. */
export const t = (locale: Locale, key: LabelKey, vars?: Record<string, string | number>): string => {
  const text = key in CLIENT_LABELS[locale] ? CLIENT_LABELS[locale][key as ClientLabelKey] : LABELS[locale][key as PageLabelKey];
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
};

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
