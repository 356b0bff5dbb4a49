/** The official holiday data ends soon (or has ended), to the admins, in Korean. */
import { rows, type MailTemplate } from '../blocks';
import { greeting } from '../labels';

/** 공휴일 데이터 만료 예고. */
export const ko: MailTemplate<'holiday-data-expiring'> = (d) => {
  const ended = d.daysLeft <= 0;
  return {
    subject: ended
      ? `[운영 알림] 공식 공휴일 데이터가 ${d.lastDate}에 끝났습니다`
      : `[운영 알림] 공식 공휴일 데이터가 ${d.daysLeft}일 뒤 끝납니다 (${d.lastDate}까지)`,
    preheader: `${d.packageName} 업데이트 필요`,
    blocks: [
      { kind: 'greeting', text: greeting('ko', d.recipientName) },
      {
        kind: 'paragraph',
        tone: 'alert',
        text: ended
          ? `공휴일 기본 데이터(월력요항)가 ${d.lastDate}까지만 있어, 그 뒤의 공휴일은 법정 규칙으로 계산한 잠정 공휴일로 처리 기한을 셈하고 있습니다.`
          : `공휴일 기본 데이터(월력요항)가 ${d.lastDate}까지만 있습니다. 그 뒤의 공휴일은 법정 규칙으로 계산한 잠정 공휴일로 처리 기한을 셉니다.`,
      },
      { kind: 'fields', rows: rows(['공식 데이터 마지막 날', d.lastDate], ['패키지', d.packageName]) },
      {
        kind: 'paragraph',
        text: `새 월력요항이 반영된 ${d.packageName} 버전으로 업데이트해 배포해 주세요. 선거일과 임시공휴일은 캘린더 관리에서 직접 추가해야 합니다.`,
      },
    ],
  };
};
