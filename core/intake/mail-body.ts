/**
 * What a mail becomes in a ticket, shared by the intake (core/intake/intake-service.ts) and the
 * decisions on held mail (core/intake/held-mail.ts): the ticket API's limits, the words the intake
 * writes itself, the body with the note on the mail's files, and the arrival time the rules take.
 */
import type { KeptFile } from '../attachments/mail-files';
import { clip } from './reply-text';

/** Limits of the ticket API the intake keeps to (server/tickets/ticket-schemas.ts). */
export const SUBJECT_MAX = 200;
const BODY_MAX = 20_000;
const MAX_AGE_MS = 30 * 86_400_000;
export const WORDS = {
  noSubject: '(제목 없음)',
  noBody: '(본문 없음)',
  clipped: '… (이하 생략: 전체 내용은 원문 보기에서 볼 수 있습니다)',
  attachments: (names: string[]) => `[첨부 파일 ${names.length}개: ${names.join(', ')} — 메일 원문에 보관되어 있습니다]`,
};

/** The files of a mail as the intake kept them: blobs waiting for their rows, and the note on the message. */
export interface MailFiles {
  kept: KeptFile[];
  note: string;
}
export const NO_FILES: MailFiles = { kept: [], note: '' };

/** The body a ticket or message gets from a mail: the reply, then the note on its files, within the API's limit. */
export function bodyOf(text: string, files: MailFiles): string {
  const note = files.note ? `\n\n${files.note}` : '';
  // The note is kept whole: the reply is what gets clipped.
  return clip(text.trim() || WORDS.noBody, BODY_MAX - note.length, WORDS.clipped) + note;
}

/** An arrival time the ticket rules take: not in the future, at most 30 days back. */
export const arrival = (at: Date, now: Date) =>
  new Date(Math.max(Math.min(at.getTime(), now.getTime()), now.getTime() - MAX_AGE_MS + 60_000));
