import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { OFFICIAL_LAST_YEAR } from '../../core/time/kr-holidays';
import { bearer, testStack, type TestStack, type TestUser } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

interface BuiltIn {
  date: string;
  name: string;
  provisional: boolean;
}

describe(`built-in Korean holidays of a calendar (${TEST_ENGINE})`, () => {
  let s: TestStack;
  let agent: TestUser, supervisor: TestUser;

  before(async () => {
    s = await testStack();
    agent = await s.user('agent');
    supervisor = await s.user('supervisor');
  });
  after(() => s.close());

  const calendar = (key: string, query = '') => s.http.get(`/api/v1/calendars/${key}${query}`).set('authorization', bearer(agent));
  const deadline = (start: string, duration: string) =>
    s.http
      .get(`/api/v1/calendars/kr-public-office/deadline?start=${encodeURIComponent(start)}&duration=${duration}`)
      .set('authorization', bearer(agent));
  const kst = (local: string) => new Date(`${local}+09:00`).toISOString();

  it('gives the statutory deadlines across Labor Day 2026–2027 and the substitute days of 2027', async () => {
    for (const [start, duration, due] of [
      ['2026-04-30T14:00:00', 'PT8H', '2026-05-04T14:00:00'],
      ['2027-04-30T17:00:00', 'PT2H', '2027-05-04T10:00:00'],
      ['2027-07-16T17:00:00', 'PT2H', '2027-07-20T10:00:00'],
    ]) {
      const res = await deadline(`${start}+09:00`, duration!);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.due_at, kst(due!), `${start} + ${duration}`);
    }
  });

  it('lists the official holidays of ?year= with their names, none provisional', async () => {
    const res = await calendar('kr-public-office', '?year=2027');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.key, 'kr-public-office');
    assert.equal(res.body.year, 2027);
    const list = res.body.built_in_holidays as BuiltIn[];
    assert.deepEqual(
      list.filter((h) => h.date.startsWith('2027-05')),
      [
        { date: '2027-05-01', name: '노동절', provisional: false },
        { date: '2027-05-03', name: '대체공휴일(노동절)', provisional: false },
        { date: '2027-05-05', name: '어린이날', provisional: false },
        { date: '2027-05-13', name: '부처님 오신 날', provisional: false },
      ],
    );
    assert.ok(list.some((h) => h.date === '2027-07-19' && h.name === '대체공휴일(제헌절)'));
    assert.equal(list.length, 24);
    // Two holidays on one date are listed once, with both names.
    const y2025 = (await calendar('kr-public-office', '?year=2025')).body.built_in_holidays as BuiltIn[];
    assert.deepEqual(
      y2025.find((h) => h.date === '2025-05-05'),
      { date: '2025-05-05', name: '어린이날, 부처님 오신 날', provisional: false },
    );
  });

  it('marks a year past the official data provisional, computed from the rules', async () => {
    const year = OFFICIAL_LAST_YEAR + 1;
    const res = await calendar('kr-working-days', `?year=${year}`);
    assert.equal(res.status, 200, res.text);
    const list = res.body.built_in_holidays as BuiltIn[];
    assert.ok(list.length >= 15);
    assert.ok(list.every((h) => h.provisional === true && h.date.startsWith(`${year}-`)));
    assert.ok(list.some((h) => h.date === `${year}-05-01` && h.name === '노동절'));
    assert.ok(list.some((h) => h.name.split(', ').includes('추석')));
  });

  it('defaults to this year in the calendar zone, and lists nothing for a calendar without holiday sets', async () => {
    const res = await calendar('kr-public-office');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.year, DateTime.now().setZone('Asia/Seoul').year);
    assert.ok((res.body.built_in_holidays as BuiltIn[]).every((h) => h.date.startsWith(`${res.body.year}-`)));
    const created = await s.http
      .post('/api/v1/calendars')
      .set('authorization', bearer(supervisor))
      .send({
        key: 'no-sets',
        name: '공휴일 없음',
        hours: { mon: [['09:00', '18:00']], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      });
    assert.equal(created.status, 201, created.text);
    const bare = await calendar('no-sets', '?year=2027');
    assert.deepEqual(bare.body.built_in_holidays, []);
  });

  it('refuses a bad year with 422 naming the field', async () => {
    for (const q of ['?year=abc', '?year=2017', '?year=2051', '?year=2027.5', '?year=', '?year=02027']) {
      const res = await calendar('kr-public-office', q);
      assert.equal(res.status, 422, `${q}: ${res.text}`);
      assert.ok(
        res.body.errors.some((e: { path: string }) => e.path === 'year'),
        `${q}: ${res.text}`,
      );
    }
    const unknown = await calendar('kr-public-office', '?year=2027&yaer=2027');
    assert.equal(unknown.status, 422);
    assert.ok(unknown.body.errors.some((e: { path: string }) => e.path === 'yaer'));
  });

  it('keeps an admin removal of a built-in holiday on top of the package data', async () => {
    const removed = await s.http.delete('/api/v1/calendars/kr-public-office/holidays/2027-05-03').set('authorization', bearer(supervisor));
    assert.equal(removed.status, 200, removed.text);
    const opened = await deadline('2027-04-30T17:00:00+09:00', 'PT2H');
    assert.equal(opened.body.due_at, kst('2027-05-03T10:00:00'));
    const cal = await calendar('kr-public-office', '?year=2027');
    assert.deepEqual(
      cal.body.removed_holidays.map((h: { date: string }) => h.date),
      ['2027-05-03'],
    );
    const restored = await s.http
      .post('/api/v1/calendars/kr-public-office/holidays')
      .set('authorization', bearer(supervisor))
      .send({ date: '2027-05-03', name: '대체공휴일(노동절)' });
    assert.equal(restored.status, 201, restored.text);
    assert.equal((await deadline('2027-04-30T17:00:00+09:00', 'PT2H')).body.due_at, kst('2027-05-04T10:00:00'));
  });
});
