import type { Locale } from '../model';
import type { Unit } from './catalogue';

/** The unit after a figure, per language (`12 시간`, `91.5 %`), as alert mails print it. */
export const UNIT_LABEL: Record<Locale, Partial<Record<Unit, string>>> = {
  ko: {
    KRW: '원',
    hours: '시간',
    sessions: '회',
    consultations: '건',
    programmes: '회',
    notices: '회',
    channels: '곳',
    products: '개',
    percent: '%',
    points: '점',
    updates: '회',
    courses: '개',
    distributions: '회',
    regions: '곳',
    days: '일',
  },
  en: {
    KRW: 'KRW',
    hours: 'hours',
    sessions: 'sessions',
    consultations: 'consultations',
    programmes: 'programmes',
    notices: 'notices',
    channels: 'channels',
    products: 'products',
    percent: '%',
    points: 'points',
    updates: 'updates',
    courses: 'courses',
    distributions: 'distributions',
    regions: 'regions',
    days: 'days',
  },
};
