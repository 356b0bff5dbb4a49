/** An admin created an account for the recipient, in Korean. */
import { rows, type MailTemplate } from '../blocks';
import { greeting, ROLE_LABELS } from '../labels';
import { loginLink } from '../links';

/** 계정 초대. */
export const ko: MailTemplate<'user-invited'> = (d, ctx) => ({
  subject: '[공공구매 문의 센터] 계정이 만들어졌습니다',
  preheader: '이메일로 받는 인증번호로 로그인하세요',
  blocks: [
    { kind: 'greeting', text: greeting('ko', d.recipientName) },
    {
      kind: 'paragraph',
      text: d.inviterName
        ? `${d.inviterName} 님이 공공구매 문의 센터에 계정을 만들었습니다.`
        : '공공구매 문의 센터에 계정이 만들어졌습니다.',
    },
    { kind: 'fields', rows: rows(['이메일', d.email], ['역할', ROLE_LABELS.ko[d.role]]) },
    {
      kind: 'paragraph',
      text: '비밀번호는 없습니다. 로그인 화면에 이 이메일 주소를 입력하고 ‘인증번호 받기’를 누르면 인증번호가 메일로 옵니다. 그 인증번호를 입력하면 로그인됩니다.',
    },
    { kind: 'paragraph', text: '계정을 요청한 적이 없다면 이 메일을 무시하셔도 됩니다. 인증번호 없이는 누구도 로그인할 수 없습니다.' },
    ...loginLink('ko', ctx.publicUrl),
  ],
});
