import assert from 'node:assert/strict';
import { STANDARDS } from '../../core/standards/catalogue';
import { signIn } from '../helpers/console-session';
import { standardsStack, type StandardsStack } from '../helpers/standards-stack';
import { bearer, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

type Session = { cookie: string; csrf: string };

// A Tuesday in March: yearly standards are a fifth through their year, monthly ones a third through March.
const NOW = '2026-03-10T10:00:00+09:00';
const WORDS: Record<string, string> = { met: '충족', on_track: '정상', at_risk: '위험', missed: '미달' };

/** The `<tr id="std-…">` row of a standard on the list page. */
const row = (html: string, id: string): string => {
  const m = new RegExp(`<tr id="std-${id}"[\\s\\S]*?</tr>`).exec(html);
  assert.ok(m, `no row for ${id}`);
  return m[0];
};
/** The status word shown in a row or block. */
const statusWord = (html: string): string | undefined => /class="std-status std-status-[a-z_]+">([^<]+)</.exec(html)?.[1];
/** The current status on a standard's page. */
const currentStatus = (html: string): string | undefined => {
  const dd = /<dd id="std-current-status">([\s\S]*?)<\/dd>/.exec(html)?.[1] ?? '';
  return statusWord(dd);
};
/** The text of the error beside a record-form field. */
const fieldError = (html: string, name: string): string | undefined => new RegExp(`id="rec-${name}-error">([^<]+)<`).exec(html)?.[1];

describe(`console: the service standards /standards and /standards/:id (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let t: StandardsStack;
  let officer: TestUser, agent: TestUser, supervisor: TestUser, supervisorEn: TestUser;
  let off: Session, ag: Session, sup: Session, supEn: Session;

  before(async () => {
    t = await standardsStack(NOW);
    officer = await t.s.user('officer');
    agent = await t.s.user('agent', { name: '이상담' });
    supervisor = await t.s.user('supervisor', { name: '김관리' });
    supervisorEn = await t.s.user('supervisor', { name: 'Kim Supervisor', locale: 'en' });
    [off, ag, sup, supEn] = await Promise.all([
      signIn(t.s, officer),
      signIn(t.s, agent),
      signIn(t.s, supervisor),
      signIn(t.s, supervisorEn),
    ]);
  });
  after(() => t.s.close());

  const page = (who: Session, path: string) => t.s.http.get(path).set('cookie', who.cookie);
  const form = (who: Session, path: string, fields: Record<string, string>) =>
    t.s.http
      .post(path)
      .set('cookie', who.cookie)
      .set('origin', t.s.composition.config.publicUrl)
      .type('form')
      .send({ _csrf: who.csrf, ...fields });
  const apiStatus = async (id: string): Promise<string> => {
    const res = await t.compliance(agent, id);
    assert.equal(res.status, 200, res.text);
    return res.body.status;
  };
  const records = async (id: string) =>
    (await t.s.http.get(`/api/v1/standards/${id}/records`).set('authorization', bearer(agent))).body.items as Array<{
      id: number;
      value: number | null;
      voided: boolean;
      void_reason: string | null;
    }>;

  it('signed out goes to sign-in; an officer gets the 403 page on the list, a standard and its forms', async () => {
    const out = await t.s.http.get('/standards/startup-funding');
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, `/login?next=${encodeURIComponent('/standards/startup-funding')}`);
    for (const path of ['/standards', '/standards/startup-funding']) {
      const res = await page(off, path);
      assert.equal(res.status, 403, path);
      assert.match(res.text, /<h1>권한이 없습니다<\/h1>/);
    }
    const post = await form(off, '/standards/consulting-satisfaction/records', { occurred_at: '2026-03-09T10:00', value: '90' });
    assert.equal(post.status, 403);
    assert.match(post.text, /권한이 없습니다/);
    assert.equal((await records('consulting-satisfaction')).length, 0);
  });

  it('lists all twenty standards by the charter sections with their Korean titles, target, figure, status word, sparkline and owners', async () => {
    const res = await page(ag, '/standards');
    assert.equal(res.status, 200, res.text);
    const html = res.text;
    assert.match(html, /<a href="\/standards" aria-current="page">/);
    for (const h of ['1. 효과적인 창업지원', '2. 지속가능한 성장지원', '3. 사회적경제 확산 지원'])
      assert.ok(html.includes(`>${h}</h2>`), h);
    const api = await t.s.http.get('/api/v1/standards').set('authorization', bearer(agent));
    assert.equal(api.status, 200);
    assert.equal(api.body.items.length, 20);
    assert.equal(STANDARDS.length, 20);
    for (const s of api.body.items as Array<{ id: string; title_ko: string; status: string; section: string }>) {
      const r = row(html, s.id);
      assert.ok(r.includes(`>${s.title_ko}</a>`), `title of ${s.id}`);
      assert.ok(r.includes(`href="/standards/${s.id}"`));
      assert.equal(statusWord(r), WORDS[s.status], `status of ${s.id}`);
      assert.match(r, new RegExp(`data-status="${s.status}"`));
      assert.match(r, /<svg role="img" aria-labelledby="spark-[a-z0-9-]+-name"/);
      assert.match(r, /<title id="spark-[a-z0-9-]+-name">최근 6개월 추이<\/title>/);
      assert.ok(r.includes('관리자 전원, 시스템 관리자 전원'), `owners of ${s.id}`);
    }
    // Sections in order: every standard of section 2 comes after the heading of section 2.
    const at = (s: string) => html.indexOf(s);
    assert.ok(at('id="std-startup-funding"') < at('2. 지속가능한 성장지원'));
    assert.ok(at('id="std-purchase-inquiry-48h"') > at('2. 지속가능한 성장지원'));
    assert.ok(at('id="std-maintenance-notice"') > at('3. 사회적경제 확산 지원'));
    // Targets in words, with units.
    assert.ok(row(html, 'startup-education-hours').includes('창업팀마다 연 20시간 이상'));
    assert.ok(row(html, 'homeroom-mentoring').includes('창업팀마다 월 1회 이상'));
    assert.ok(row(html, 'estore-products').includes('10,000개 이상'));
    assert.ok(row(html, 'startup-funding').includes('참고 지표'));
    // Nothing recorded yet: said in words, and the hidden text of the sparkline carries the months.
    assert.ok(row(html, 'consulting-satisfaction').includes('기록 없음'));
    assert.match(
      row(html, 'consulting-satisfaction'),
      /<span class="visually-hidden" id="spark-consulting-satisfaction-values">2025년 10월 기록 없음, [^<]*2026년 3월 기록 없음<\/span>/,
    );
  });

  it('shows English titles and words to an English user', async () => {
    const res = await page(supEn, '/standards');
    assert.equal(res.status, 200);
    for (const s of STANDARDS) assert.ok(row(res.text, s.id).includes(`>${s.title_en}</a>`), s.id);
    assert.ok(res.text.includes('1. Effective start-up support'));
    assert.ok(/std-status-on_track">On track</.test(res.text));
    assert.ok(res.text.includes('Every supervisor, Every administrator'));
  });

  it('a supervisor adds a record through the form: the status shown changes, and the alert it mailed is in the history', async () => {
    const before = await page(sup, '/standards/consulting-satisfaction');
    assert.equal(before.status, 200, before.text);
    assert.equal(currentStatus(before.text), '정상');
    assert.ok(before.text.includes('아직 기록이 없습니다.'));
    assert.ok(before.text.includes('보낸 알림이 없습니다.'));
    // The form: the value's unit and plausible range, labelled fields, the CSRF field.
    assert.match(before.text, /<form method="post" action="\/standards\/consulting-satisfaction\/records"/);
    assert.match(before.text, /<label for="rec-value">만족도 점수<\/label>/);
    assert.ok(before.text.includes('단위: 점 · 입력 범위: 1–100'));
    assert.match(before.text, /<label for="rec-occurred_at">일시<\/label>/);
    assert.ok(!before.text.includes('id="rec-subject"'), 'consulting-satisfaction is judged as a whole: no subject');
    assert.match(before.text, /name="_csrf" value="[^"]+"/);

    const add = await form(sup, '/standards/consulting-satisfaction/records', {
      occurred_at: '2026-03-09T14:00',
      value: '60',
      note: '상반기 설문',
    });
    assert.equal(add.status, 303, add.text);
    assert.equal(add.headers.location, '/standards/consulting-satisfaction?done=added#records');
    assert.equal(await apiStatus('consulting-satisfaction'), 'at_risk');

    const after = await page(sup, '/standards/consulting-satisfaction?done=added');
    assert.equal(currentStatus(after.text), '위험');
    assert.ok(after.text.includes('기록을 추가했습니다. 지금 상태: 위험'));
    assert.ok(after.text.includes('60점'));
    assert.ok(after.text.includes('상반기 설문'));
    assert.ok(after.text.includes('2026. 3. 9. 14:00'), 'the record is listed in Korean time');
    assert.ok(after.text.includes('김관리'), 'who recorded it');
    // The alert mailed to the owners (every supervisor and admin), with who was told.
    const alerts = /<table class="std-alerts[^"]*">[\s\S]*?<\/table>/.exec(after.text)?.[0] ?? '';
    assert.ok(alerts, 'an alert history table');
    assert.equal(statusWord(alerts), '위험');
    for (const name of ['김관리', 'Kim Supervisor', '관리자']) assert.ok(alerts.includes(name), name);
    assert.ok(alerts.includes('(보내는 중)'), 'the mails are pending in the outbox');
    assert.equal((await t.alerts('consulting-satisfaction')).length, 3);

    // The list shows the same.
    const list = await page(sup, '/standards');
    assert.equal(statusWord(row(list.text, 'consulting-satisfaction')), '위험');
    assert.ok(row(list.text, 'consulting-satisfaction').includes('60점'));

    // A second score brings the average to 85: met.
    assert.equal(
      (await form(sup, '/standards/consulting-satisfaction/records', { occurred_at: '2026-03-10T09:00', value: '110' })).status,
      422,
    );
    assert.equal(
      (await form(sup, '/standards/consulting-satisfaction/records', { occurred_at: '2026-03-10T09:00', value: '100' })).status,
      303,
    );
    assert.equal(await apiStatus('consulting-satisfaction'), 'met');
    assert.equal(currentStatus((await page(sup, '/standards/consulting-satisfaction')).text), '충족');
  });

  it('a refused record comes back with what was typed and the reason beside each field (422)', async () => {
    const res = await form(sup, '/standards/startup-education-hours/records', {
      occurred_at: '2026-03-09T10:00',
      subject: '',
      value: '0.2',
      note: '기초 교육',
    });
    assert.equal(res.status, 422, res.text);
    assert.equal(fieldError(res.text, 'subject'), '창업팀을(를) 입력해 주세요. 예: 2026-017');
    assert.equal(fieldError(res.text, 'value'), '0.5부터 100까지 입력해 주세요 (단위: 시간).');
    assert.match(res.text, /id="rec-value"[^>]*value="0.2"|value="0.2"[^>]*id="rec-value"/);
    assert.match(res.text, /aria-invalid="true" aria-describedby="rec-subject-error rec-subject-hint"/);
    assert.ok(res.text.includes('기초 교육'));
    assert.ok(res.text.includes('입력한 내용을 확인해 주세요.'));
    // In the future, or a day that has not begun.
    const future = await form(sup, '/standards/startup-education-hours/records', {
      occurred_at: '2026-03-11T10:00',
      subject: '2026-017',
      value: '4',
    });
    assert.equal(future.status, 422);
    assert.equal(fieldError(future.text, 'occurred_at'), '날짜와 시각을 입력해 주세요. 지금보다 늦을 수 없습니다.');
    const day = await form(sup, '/standards/system-availability/records', {
      occurred_at: '2026-03-09T10:00',
      ref: '2026-03-10',
      value: '1',
    });
    assert.equal(day.status, 422, day.text);
    assert.ok(fieldError(day.text, 'ref'), 'the core rule refuses a day reported before it begins');
    // In English, the service's own words.
    const en = await form(supEn, '/standards/system-availability/records', {
      occurred_at: '2026-03-09T10:00',
      ref: '2026-03-10',
      value: '1',
    });
    assert.equal(en.status, 422);
    assert.match(fieldError(en.text, 'ref') ?? '', /a day cannot be reported before it begins/);
    assert.equal((await records('startup-education-hours')).length, 0);
    assert.equal((await records('system-availability')).length, 0);

    // The subject's kind is added to the id typed (or kept when typed with it).
    const ok = await form(sup, '/standards/startup-education-hours/records', {
      occurred_at: '2026-03-09T10:00',
      subject: '2026-017',
      value: '4',
    });
    assert.equal(ok.status, 303, ok.text);
    const ok2 = await form(sup, '/standards/startup-education-hours/records', {
      occurred_at: '2026-03-09T11:00',
      subject: 'team:2026-018',
      value: '2.5',
    });
    assert.equal(ok2.status, 303, ok2.text);
    const subjects = (
      await t.s.http.get('/api/v1/standards/startup-education-hours/records').set('authorization', bearer(agent))
    ).body.items.map((r: { subject: string }) => r.subject);
    assert.deepEqual(subjects.sort(), ['team:2026-017', 'team:2026-018']);
    const detail = await page(sup, '/standards/startup-education-hours');
    assert.ok(detail.text.includes('대상별 현황'));
    assert.ok(detail.text.includes('창업팀 2026-017'));
    assert.ok(detail.text.includes('대상 2곳 중 가장 낮은 값'));
  });

  it('each standard draws its form from its rule, and a record of each kind goes through the form', async () => {
    const cases: Array<[string, Record<string, string>, RegExp[]]> = [
      [
        'maintenance-notice',
        { occurred_at: '2026-03-02T09:00', event_at: '2026-03-06T22:00' },
        [/<label for="rec-event_at">점검 시작 일시<\/label>/, /<label for="rec-occurred_at">공지 일시<\/label>/],
      ],
      [
        'system-availability',
        { occurred_at: '2026-03-09T10:00', ref: '2026-03-09', value: '1' },
        [/<label for="rec-ref">운영일<\/label>/, /<option value="0"[^>]*>중단 있음 \(0\)<\/option>/],
      ],
      [
        'disclosure-education',
        { occurred_at: '2026-03-05T15:00', subject: 'busan' },
        [/<select id="rec-subject" name="subject"/, />부산광역시<\/option>/],
      ],
      [
        'certification-info',
        { occurred_at: '2026-03-05T15:00', subject: '2026-0042', ref: 'application' },
        [/>인증신청<\/option>/, /<label for="rec-subject">신청기관<\/label>/],
      ],
      ['education-courses', { occurred_at: '2026-03-05T15:00', ref: 'leader' }, [/<label for="rec-ref">교육과정<\/label>/]],
      ['regional-networks', { occurred_at: '2026-03-05T15:00', ref: 'national' }, [/<option value="national"[^>]*>전국<\/option>/]],
      ['sales-channels', { occurred_at: '2026-03-05T15:00', ref: 'nara-market' }, [/<label for="rec-ref">유통채널<\/label>/]],
      ['estore-products', { occurred_at: '2026-03-05T15:00', value: '10,450' }, [/단위: 개 · 입력 범위: 0–1,000,000 정수로 적습니다./]],
      [
        'startup-funding',
        { occurred_at: '2026-03-05T15:00', subject: '2026-017', value: '30000000' },
        [/<label for="rec-value">지원 금액<\/label>/],
      ],
    ];
    for (const [id, fields, shows] of cases) {
      const p = await page(sup, `/standards/${id}`);
      assert.equal(p.status, 200, id);
      for (const re of shows) assert.match(p.text, re, `${id}: ${re}`);
      const res = await form(sup, `/standards/${id}/records`, fields);
      assert.equal(res.status, 303, `${id}: ${res.text.slice(0, 300)}`);
    }
    const products = await records('estore-products');
    assert.equal(products[0]?.value, 10450);
    assert.equal(await apiStatus('estore-products'), 'met');
    assert.equal(currentStatus((await page(sup, '/standards/estore-products')).text), '충족');
    const notice = await t.s.http.get('/api/v1/standards/maintenance-notice/records').set('authorization', bearer(agent));
    assert.equal(notice.body.items[0].occurred_at, '2026-03-02T00:00:00.000Z');
    assert.equal(notice.body.items[0].event_at, '2026-03-06T13:00:00.000Z');
    // The helpdesk standard takes no records: its page shows the inquiries behind it instead.
    const help = await page(sup, '/standards/purchase-inquiry-48h');
    assert.equal(help.status, 200);
    assert.ok(help.text.includes('문의 처리 현황'));
    assert.ok(!help.text.includes('action="/standards/purchase-inquiry-48h/records"'));
    const refused = await form(sup, '/standards/purchase-inquiry-48h/records', { occurred_at: '2026-03-05T15:00' });
    assert.equal(refused.status, 409);
  });

  it('a supervisor voids a record with a reason: it stays listed, stops counting, and the status goes back', async () => {
    assert.equal(
      (await form(sup, '/standards/disclosure-match-rate/records', { occurred_at: '2026-03-09T10:00', value: '60' })).status,
      303,
    );
    assert.equal(await apiStatus('disclosure-match-rate'), 'at_risk');
    const [rec] = await records('disclosure-match-rate');
    assert.ok(rec);
    const p = await page(sup, '/standards/disclosure-match-rate');
    assert.match(p.text, new RegExp(`<form method="post" action="/standards/disclosure-match-rate/records/${rec.id}/void">`));
    assert.match(p.text, new RegExp(`<label for="void-${rec.id}">사유</label>`));

    const empty = await form(sup, `/standards/disclosure-match-rate/records/${rec.id}/void`, { reason: '  ' });
    assert.equal(empty.status, 422);
    assert.match(empty.text, new RegExp(`id="void-${rec.id}-error">무효로 하는 까닭을 500자 이내로 적어 주세요.<`));
    assert.match(empty.text, /<details class="std-void" open>/);

    const res = await form(sup, `/standards/disclosure-match-rate/records/${rec.id}/void`, { reason: '0.6을 60으로 잘못 입력' });
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.location, '/standards/disclosure-match-rate?done=voided#records');
    const [after] = await records('disclosure-match-rate');
    assert.deepEqual([after?.voided, after?.void_reason], [true, '0.6을 60으로 잘못 입력']);
    assert.equal(await apiStatus('disclosure-match-rate'), 'on_track');
    const shown = await page(sup, '/standards/disclosure-match-rate?done=voided');
    assert.equal(currentStatus(shown.text), '정상');
    assert.ok(shown.text.includes('기록을 무효로 했습니다. 지금 상태: 정상'));
    const line = new RegExp(`<tr id="record-${rec.id}" class="std-voided">[\\s\\S]*?</tr>`).exec(shown.text)?.[0] ?? '';
    assert.ok(line.includes('무효') && line.includes('0.6을 60으로 잘못 입력') && line.includes('김관리'), line);
    assert.ok(!line.includes('/void"'), 'a void record offers no second void');

    const again = await form(sup, `/standards/disclosure-match-rate/records/${rec.id}/void`, { reason: '다시' });
    assert.equal(again.status, 409);
    assert.ok(again.text.includes('이미 무효로 한 기록입니다.'));
    assert.equal((await form(sup, '/standards/disclosure-match-rate/records/999999/void', { reason: '없음' })).status, 404);
  });

  it('an agent sees a standard and its records but cannot add or void: no form, and a POST is the 403 page', async () => {
    const res = await page(ag, '/standards/consulting-satisfaction');
    assert.equal(res.status, 200);
    assert.ok(res.text.includes('60점'), 'the records are shown');
    assert.ok(!res.text.includes('action="/standards/consulting-satisfaction/records"'), 'no form to add');
    assert.ok(!/\/void"/.test(res.text), 'no void forms');
    assert.ok(res.text.includes('기록 추가와 무효 처리는 관리자만 할 수 있습니다.'));
    const before = (await records('consulting-satisfaction')).length;
    const post = await form(ag, '/standards/consulting-satisfaction/records', { occurred_at: '2026-03-09T10:00', value: '90' });
    assert.equal(post.status, 403);
    assert.match(post.text, /<h1>권한이 없습니다<\/h1>/);
    const [first] = await records('consulting-satisfaction');
    const voiding = await form(ag, `/standards/consulting-satisfaction/records/${first!.id}/void`, { reason: '상담원' });
    assert.equal(voiding.status, 403);
    assert.equal((await records('consulting-satisfaction')).length, before);
    assert.equal((await records('consulting-satisfaction')).filter((r) => r.voided).length, 0);
  });

  it('an unknown standard is the 404 page', async () => {
    const res = await page(ag, '/standards/no-such-standard');
    assert.equal(res.status, 404);
    assert.match(res.text, /페이지를 찾을 수 없습니다/);
  });

  it('a standard page in English: the English title, description and words', async () => {
    const res = await page(supEn, '/standards/consulting-satisfaction');
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Consulting satisfaction<\/h1>/);
    assert.ok(res.text.includes('Tailored consulting for growing social-economy companies'));
    assert.match(res.text, /<label for="rec-value">Satisfaction score<\/label>/);
    assert.ok(res.text.includes('Unit: points · range 1–100'));
    assert.ok(res.text.includes('Alert history'));
  });
});
