/**
 * The 20 core service standards (핵심서비스 이행표준) of the seed charter as data. Evaluation
 * (evaluate.ts) and record validation (record-rules.ts) read everything they need from here.
 */
import type { StandardPeriod } from './periods';

/** How a standard turns records into an actual figure (see evaluate.ts for each rule). */
export type StandardKind =
  | 'count' // records per period (per subject)
  | 'sum' // Σ value per period (per subject)
  | 'distinct' // distinct `ref` values
  | 'average' // mean of values (per subject totals when `per` is set)
  | 'ratio' // mean of percentage readings
  | 'gauge' // latest reading
  | 'lead_time' // every notice's event_at − occurred_at
  | 'availability' // days reported up / days in the period
  | 'helpdesk'; // computed from tickets, not records

/** How the actual figure is compared with the target. */
export type Comparison =
  | 'gte' // actual ≥ target
  | 'band' // |actual − target| ≤ band × target (an "about N" promise)
  | 'each_gte'; // every item ≥ target (one short item misses the period)

/** What a record's `subject` names, as the prefix before the colon (`team:2026-017`). */
export type SubjectKind = 'team' | 'center' | 'region' | 'applicant' | 'programme' | 'course';

/** Unit of the actual figure; also decides which `value` a record may carry. */
export type Unit =
  | 'KRW'
  | 'hours'
  | 'sessions'
  | 'consultations'
  | 'programmes'
  | 'notices'
  | 'channels'
  | 'products'
  | 'percent'
  | 'points'
  | 'updates'
  | 'courses'
  | 'distributions'
  | 'regions'
  | 'days';

/**
 * The plausible values of a record's `value`, inclusive, in `unit` (for education-courses the
 * survey score, for system-availability a day up or down). Narrower than what the arithmetic
 * allows on purpose: a satisfaction of 0.87 points is a fraction typed for 87, and one grant of
 * 3 billion won a slipped key; both would turn a standard at_risk and mail its owners.
 */
export interface ValueRange {
  readonly min: number;
  readonly max: number;
  readonly unit: Unit;
  /** Only whole numbers (won, products, a day's 0/1). */
  readonly whole?: boolean;
}

/** The ids of the seed table, in charter order. */
export const STANDARD_IDS = [
  'startup-funding',
  'startup-education-hours',
  'homeroom-mentoring',
  'expert-mentoring',
  'center-consultations',
  'center-networking',
  'certification-info',
  'sales-channels',
  'estore-products',
  'purchase-inquiry-48h',
  'consulting-satisfaction',
  'support-program-notices',
  'cooperation-models',
  'education-courses',
  'disclosure-match-rate',
  'disclosure-education',
  'disclosure-manual',
  'regional-networks',
  'system-availability',
  'maintenance-notice',
] as const;

/** One of the 20 standard ids. */
export type StandardId = (typeof STANDARD_IDS)[number];

/** One service standard: the promise, how it is measured, and what its records look like. */
export interface Standard {
  readonly id: StandardId;
  /** Seed section; `-a`/`-b`/`-c` split a section that makes several promises. */
  readonly section: string;
  readonly title_ko: string;
  readonly title_en: string;
  readonly kind: StandardKind;
  readonly unit: Unit;
  /** What a record's `value` may be; null = the standard's records carry no value. */
  readonly range: ValueRange | null;
  readonly target: number;
  readonly comparison: Comparison;
  readonly period: StandardPeriod;
  /** What a subject is; null = the standard is judged as a whole and records carry no subject. */
  readonly per: SubjectKind | null;
  readonly description_en: string;
  /** For comparison 'band': the tolerance as a share of the target. */
  readonly band?: number;
  /** Informational promises are shown but should not mail owners. */
  readonly informational?: boolean;
  /** Per-item standards that move through stages: the `ref` values, in order. */
  readonly stages?: readonly string[];
  /** The only `ref` values a record may carry. */
  readonly allowed_refs?: readonly string[];
  /** `ref` values that must be present besides the counted ones (not counted themselves). */
  readonly required_refs?: readonly string[];
  /** Distinct refs that each need a survey record (a record with `value`). */
  readonly survey_per_ref?: boolean;
  /** Subjects every evaluation includes even before they have records. */
  readonly default_subjects?: readonly string[];
}

/** The 17 provinces and metropolitan cities (시도), by the code used in `region:<code>`. */
export const KR_REGIONS = [
  { code: 'seoul', name_ko: '서울특별시' },
  { code: 'busan', name_ko: '부산광역시' },
  { code: 'daegu', name_ko: '대구광역시' },
  { code: 'incheon', name_ko: '인천광역시' },
  { code: 'gwangju', name_ko: '광주광역시' },
  { code: 'daejeon', name_ko: '대전광역시' },
  { code: 'ulsan', name_ko: '울산광역시' },
  { code: 'sejong', name_ko: '세종특별자치시' },
  { code: 'gyeonggi', name_ko: '경기도' },
  { code: 'gangwon', name_ko: '강원특별자치도' },
  { code: 'chungbuk', name_ko: '충청북도' },
  { code: 'chungnam', name_ko: '충청남도' },
  { code: 'jeonbuk', name_ko: '전북특별자치도' },
  { code: 'jeonnam', name_ko: '전라남도' },
  { code: 'gyeongbuk', name_ko: '경상북도' },
  { code: 'gyeongnam', name_ko: '경상남도' },
  { code: 'jeju', name_ko: '제주특별자치도' },
] as const;

/** Region codes only. */
export const KR_REGION_CODES: readonly string[] = KR_REGIONS.map((r) => r.code);

/** The `ref` of the national network in `regional-networks`. */
export const NATIONAL_REF = 'national';

/** Stages of a certification, in order; the last one closes the item. */
export const CERTIFICATION_STAGES = ['application', 'inspection', 'complete'] as const;

/** All 20 standards, in charter order. */
export const STANDARDS: readonly Standard[] = [
  {
    id: 'startup-funding',
    section: '1.1',
    title_ko: '초기 창업자금 지원',
    title_en: 'Initial start-up funding',
    kind: 'average',
    unit: 'KRW',
    range: { min: 0, max: 100_000_000, unit: 'KRW', whole: true },
    target: 30_000_000,
    comparison: 'band',
    band: 0.2,
    informational: true,
    period: 'year',
    per: 'team',
    description_en:
      'Start-up funds (productisation, mentoring costs) averaging about KRW 30 million per team of the social entrepreneur incubation programme. "About" is read as within ±20 % (KRW 24–36 million); informational, not a floor.',
  },
  {
    id: 'startup-education-hours',
    section: '1.2',
    title_ko: '창업교육을 통한 기초역량 강화',
    title_en: 'Start-up education hours',
    kind: 'sum',
    unit: 'hours',
    range: { min: 0.5, max: 100, unit: 'hours' },
    target: 20,
    comparison: 'gte',
    period: 'year',
    per: 'team',
    description_en: 'At least 20 hours of start-up education for each participating team.',
  },
  {
    id: 'homeroom-mentoring',
    section: '1.3-a',
    title_ko: '지속적·효과적 멘토링: 담임 멘토링 월 1회',
    title_en: 'Monthly homeroom mentoring',
    kind: 'count',
    unit: 'sessions',
    range: null,
    target: 1,
    comparison: 'gte',
    period: 'month',
    per: 'team',
    description_en: 'A homeroom-mentor session once a month for each team.',
  },
  {
    id: 'expert-mentoring',
    section: '1.3-b',
    title_ko: '지속적·효과적 멘토링: 경영부문 전문가 연계 및 전문멘토링 3회 이상',
    title_en: 'Expert mentoring',
    kind: 'count',
    unit: 'sessions',
    range: null,
    target: 3,
    comparison: 'gte',
    period: 'year',
    per: 'team',
    description_en: 'Management-expert matching or specialist mentoring at least 3 times for each team, by its needs.',
  },
  {
    id: 'center-consultations',
    section: '1.4',
    title_ko: '상시 상담 지원',
    title_en: 'Standing consultations at growth-support centers',
    kind: 'count',
    unit: 'consultations',
    range: null,
    target: 50,
    comparison: 'gte',
    period: 'year',
    per: 'center',
    description_en:
      'A standing consultation system at each growth-support center (diagnosis, help applying to programmes): at least 50 consultations a year.',
  },
  {
    id: 'center-networking',
    section: '1.5',
    title_ko: '네트워킹 활성화',
    title_en: 'Networking programmes at centers',
    kind: 'count',
    unit: 'programmes',
    range: null,
    target: 2,
    comparison: 'gte',
    period: 'year',
    per: 'center',
    description_en: "A self-governing tenants' committee and networking programmes twice a year at each center.",
  },
  {
    id: 'certification-info',
    section: '1.6',
    title_ko: '맞춤형 인증 서비스',
    title_en: 'Information during certification',
    kind: 'count',
    unit: 'notices',
    range: null,
    target: 3,
    comparison: 'gte',
    period: 'per-item',
    per: 'applicant',
    stages: CERTIFICATION_STAGES,
    allowed_refs: CERTIFICATION_STAGES,
    description_en:
      'At each stage of a certification (application → site inspection → review complete) the applicant gets the information it needs, at least 3 times in all.',
  },
  {
    id: 'sales-channels',
    section: '2.1',
    title_ko: '효과적인 판로지원',
    title_en: 'Distribution-channel links',
    kind: 'distinct',
    unit: 'channels',
    range: null,
    target: 5,
    comparison: 'gte',
    period: 'year',
    per: null,
    description_en:
      'Product competitiveness (diagnosis → tasks → improvement) and links to at least 5 public or private distribution channels.',
  },
  {
    id: 'estore-products',
    section: '2.2-a',
    title_ko: '사회적경제 상품에 대한 구매편의 제고: e-store 36.5+ 상품 정보 10,000개 이상',
    title_en: 'Products listed on e-store 36.5+',
    kind: 'gauge',
    unit: 'products',
    range: { min: 0, max: 1_000_000, unit: 'products', whole: true },
    target: 10_000,
    comparison: 'gte',
    period: 'none',
    per: null,
    description_en: 'The sales platform e-store 36.5+ lists at least 10,000 social-economy products.',
  },
  {
    id: 'purchase-inquiry-48h',
    section: '2.2-b',
    title_ko: '사회적경제 상품에 대한 구매편의 제고: 공공기관 구매담당자 문의 48시간 내 처리',
    title_en: 'Public-purchasing inquiries handled within 48 hours',
    kind: 'helpdesk',
    unit: 'percent',
    range: null,
    target: 100,
    comparison: 'gte',
    period: 'per-item',
    per: null,
    description_en:
      'The public-purchasing support center answers purchasing officers of public institutions; each inquiry is handled within 48 hours. Computed from the helpdesk tickets.',
  },
  {
    id: 'consulting-satisfaction',
    section: '2.3',
    title_ko: '수요자 중심의 컨설팅 제공',
    title_en: 'Consulting satisfaction',
    kind: 'average',
    unit: 'points',
    range: { min: 1, max: 100, unit: 'points' },
    target: 80,
    comparison: 'gte',
    period: 'year',
    per: null,
    description_en: 'Tailored consulting for growing social-economy companies, with satisfaction kept at 80 points or more.',
  },
  {
    id: 'support-program-notices',
    section: '2.4',
    title_ko: '민간·공공의 지원사업 정보제공',
    title_en: 'Support programmes announced online',
    kind: 'count',
    unit: 'notices',
    range: null,
    target: 1,
    comparison: 'gte',
    period: 'per-item',
    per: 'programme',
    description_en:
      'Every private or public support programme for social-economy companies is announced on online channels (home page, e-mail, …) at least once.',
  },
  {
    id: 'cooperation-models',
    section: '2.5',
    title_ko: '민간·공공의 협력모델 확산',
    title_en: 'Cooperation models shared',
    kind: 'count',
    unit: 'updates',
    range: null,
    target: 2,
    comparison: 'gte',
    period: 'year',
    per: null,
    description_en: 'Cooperation-model types and best cases updated and shared at least twice a year; "CSR meeting days" for exchange.',
  },
  {
    id: 'education-courses',
    section: '3.1',
    title_ko: '고품질의 교육서비스 제공',
    title_en: 'Education courses with satisfaction surveys',
    kind: 'distinct',
    unit: 'courses',
    range: { min: 1, max: 100, unit: 'points' },
    target: 5,
    comparison: 'gte',
    period: 'year',
    per: 'course',
    survey_per_ref: true,
    description_en:
      'At least 5 education courses (leader course, …) run a year, with prompt course information and a satisfaction survey for each course.',
  },
  {
    id: 'disclosure-match-rate',
    section: '3.2-a',
    title_ko: '자율경영공시 편의성 제고: 사업보고서와 일치비율 85% 이상',
    title_en: 'Disclosure match rate',
    kind: 'ratio',
    unit: 'percent',
    range: { min: 1, max: 100, unit: 'percent' },
    target: 85,
    comparison: 'gte',
    period: 'year',
    per: null,
    description_en: 'Voluntary management disclosures match the business reports (filed twice a year) at 85 % or more.',
  },
  {
    id: 'disclosure-education',
    section: '3.2-b',
    title_ko: '자율경영공시 편의성 제고: 경영공시 교육 지역별 연 1회 이상',
    title_en: 'Disclosure education in each region',
    kind: 'count',
    unit: 'sessions',
    range: null,
    target: 1,
    comparison: 'gte',
    period: 'year',
    per: 'region',
    default_subjects: KR_REGION_CODES.map((c) => `region:${c}`),
    description_en: 'Disclosure education held in each of the 17 regions at least once a year.',
  },
  {
    id: 'disclosure-manual',
    section: '3.2-c',
    title_ko: '자율경영공시 편의성 제고: 작성 매뉴얼 연 1회 이상 배포',
    title_en: 'Disclosure manual distributed',
    kind: 'count',
    unit: 'distributions',
    range: null,
    target: 1,
    comparison: 'gte',
    period: 'year',
    per: null,
    description_en: 'The disclosure writing manual distributed online or offline at least once a year.',
  },
  {
    id: 'regional-networks',
    section: '3.3',
    title_ko: '전국 네트워크 구축 및 활성화',
    title_en: 'National and regional networks',
    kind: 'distinct',
    unit: 'regions',
    range: null,
    target: 15,
    comparison: 'gte',
    period: 'none',
    per: null,
    allowed_refs: [...KR_REGION_CODES, NATIONAL_REF],
    required_refs: [NATIONAL_REF],
    description_en:
      'A national network plus networks in at least 15 provinces, of civil-society, religious, business and government partners.',
  },
  {
    id: 'system-availability',
    section: '3.4-a',
    title_ko: '안정적인 정보시스템 운영: 통합정보시스템 365일 운영',
    title_en: 'Information system available every day',
    kind: 'availability',
    unit: 'days',
    range: { min: 0, max: 1, unit: 'days', whole: true },
    target: 365,
    comparison: 'gte',
    period: 'year',
    per: null,
    description_en: 'The integrated information system runs 365 days a year (every day of the period; 366 in a leap year).',
  },
  {
    id: 'maintenance-notice',
    section: '3.4-b',
    title_ko: '안정적인 정보시스템 운영: 점검 및 변경사항 3일 이상 사전 공지',
    title_en: 'Maintenance announced 3 days ahead',
    kind: 'lead_time',
    unit: 'days',
    range: null,
    target: 3,
    comparison: 'each_gte',
    period: 'per-item',
    per: null,
    description_en: 'Maintenance of or changes to the information system are announced at least 3 days (72 hours) in advance.',
  },
];

const BY_ID = new Map<string, Standard>(STANDARDS.map((s) => [s.id, s]));

/** True when `id` names one of the 20 standards. */
export function isStandardId(id: string): id is StandardId {
  return BY_ID.has(id);
}

/** The standard with this id, or undefined. */
export function getStandard(id: string): Standard | undefined {
  return BY_ID.get(id);
}
