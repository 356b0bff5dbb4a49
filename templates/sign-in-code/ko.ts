/** The one-time sign-in code, in Korean. */
import { rows, type MailTemplate } from '../blocks';
import { greeting } from '../labels';

/** 로그인 인증번호. */
export const ko: MailTemplate<'sign-in-code'> = (d) => ({
  subject: `[공공구매 문의 센터] 인증번호 ${d.code}`,
  preheader: `${d.validMinutes}분 안에 입력하세요`,
  blocks: [
    { kind: 'greeting', text: greeting('ko', d.recipientName) },
    {
      kind: 'paragraph',
      text: `공공구매 문의 센터 로그인 인증번호는 ${d.code}입니다. 로그인 화면의 인증번호 칸에 입력하세요.`,
    },
    { kind: 'fields', rows: rows(['인증번호', d.code], ['유효 시간', `${d.validMinutes}분 (한 번만 사용 가능)`]) },
    {
      kind: 'paragraph',
      text: '인증번호를 다른 사람에게 알려 주지 마세요. 담당 직원도 인증번호를 묻지 않습니다.',
    },
    {
      kind: 'paragraph',
      text: '로그인을 요청하지 않으셨다면 이 메일을 무시하셔도 됩니다. 인증번호 없이는 누구도 로그인할 수 없습니다.',
    },
  ],
});
