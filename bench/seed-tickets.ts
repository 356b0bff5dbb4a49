/**
 * The 100,000-ticket data set of the read benchmarks (search, console queue page): bulk inserts
 * in one transaction of 2,000 officers and, per ticket, the ticket and one message (a fifth of
 * them internal notes), indexed for search through the same functions the stores use. The rows
 * are the same on every run (a seeded PRNG); every ticket was received in the 300 days before NOW.
 */
import type { DbHandle } from '../db/knex';
import { indexMessages, indexTickets } from '../db/stores/search-index';

export const OFFICERS = 2000;
const H = 3600_000;
/** The benches' fixed "now": the clock of the composed stack, so figures do not depend on the day. */
export const NOW = Date.parse('2026-11-25T00:00:00Z');

/** Deterministic PRNG (mulberry32), so every run inserts the same rows. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = [
  '수의계약',
  '하자보수',
  '입찰보증금',
  '계약이행',
  '선금급여',
  '물가변동',
  '설계변경',
  '적격심사',
  '우선구매',
  '납품검사',
  '대금지급',
  '지체상금',
  '공동수급',
  '기술평가',
  '단가계약',
  '다수공급자',
  '혁신제품',
  '사회적기업',
  '중증장애인',
  '여성기업',
];
const ORGS = [
  '서울특별시청',
  '부산광역시청',
  '대구교육청',
  '인천항만공사',
  '광주시설공단',
  '대전도시공사',
  '울산항만공사',
  '세종시청',
  '경기도청',
  '강원특별자치도청',
];
const SURNAMES = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임'];
const GIVEN = ['민준', '서연', '도윤', '하은', '시우', '지우', '주원', '서윤', '지호', '하린', '예준', '수아'];
const pick = <T>(xs: readonly T[], r: () => number) => xs[Math.floor(r() * xs.length)]!;

/** Seeds `count` tickets (assigned to `agentId` or nobody); returns the milliseconds it took. */
export async function seedTickets(db: DbHandle, agentId: number, count: number) {
  const knex = db.knex;
  const rnd = prng(20261125);
  const policyId = Number((await knex('sla_policies').where({ is_default: true }).first('id')).id);
  const officers: Record<string, unknown>[] = [];
  for (let i = 0; i < OFFICERS; i++) {
    officers.push({
      email: `buyer${String(i).padStart(4, '0')}@${['city', 'edu', 'port'][i % 3]}.go.kr`,
      name: `${pick(SURNAMES, rnd)}${pick(GIVEN, rnd)}${i}`,
      role: 'officer',
      organization: ORGS[i % ORGS.length],
      locale: 'ko',
      active: true,
      token_hash: `bench${String(i).padStart(59, '0')}`,
      created_at: NOW,
      updated_at: NOW,
    });
  }
  const started = performance.now();
  await knex.transaction(async (trx) => {
    for (let i = 0; i < officers.length; i += 500) await trx('users').insert(officers.slice(i, i + 500));
    const firstOfficer = Number((await trx('users').where({ email: 'buyer0000@city.go.kr' }).first('id')).id);
    const firstTicket = Number((await trx('tickets').max({ m: 'id' }).first())?.m ?? 0) + 1;
    for (let i = 0; i < count; i += 500) {
      const tickets: Record<string, unknown>[] = [];
      const messages: Record<string, unknown>[] = [];
      for (let j = i; j < Math.min(count, i + 500); j++) {
        const received = NOW - Math.floor(rnd() * 300 * 24 * H);
        const r = rnd();
        const [status, state] =
          r < 0.6
            ? ['resolved', 'met']
            : r < 0.7
              ? ['closed', 'met']
              : r < 0.8
                ? ['pending', 'paused']
                : r < 0.9
                  ? ['open', 'running']
                  : ['new', 'running'];
        const topic = pick(TOPICS, rnd);
        tickets.push({
          number: `PQ-2026-${String(j + 1).padStart(6, '0')}`,
          subject: `${topic} 관련 문의 (${pick(ORGS, rnd)})`,
          body: `${topic} 절차와 ${pick(TOPICS, rnd)} 기준을 알려주세요. 해당 건은 ${Math.floor(rnd() * 1e6)}원 규모입니다.`,
          category: 'general',
          priority: 'normal',
          status,
          channel: 'web',
          requester_id: firstOfficer + (j % OFFICERS),
          assignee_id: r < 0.3 ? null : agentId,
          received_at: received,
          created_at: received,
          updated_at: received,
          policy_id: policyId,
          sla_state: state,
          due_at: received + 48 * H,
          sla_paused_at: state === 'paused' ? received + H : null,
          sla_stopped_at: state === 'met' ? received + 24 * H : null,
          deadline_version: 1,
        });
        messages.push({
          ticket_id: firstTicket + j,
          author_id: agentId,
          internal: rnd() < 0.2,
          created_at: received + H,
          body: `검토 결과 ${pick(TOPICS, rnd)} 규정에 따라 처리됩니다. 문서번호 D-${String(j + 1).padStart(6, '0')} 참조.`,
        });
      }
      await trx('tickets').insert(tickets);
      const ids = (await trx('messages').insert(messages).returning('id')).map((x: { id: number } | number) =>
        typeof x === 'object' ? x.id : x,
      );
      await indexTickets(
        trx,
        tickets.map((_, k) => firstTicket + i + k),
      );
      // SQLite returns only the last id of a multi-row insert; ids are consecutive in one transaction.
      const firstMessage = ids.length === messages.length ? ids[0]! : ids[ids.length - 1]! - messages.length + 1;
      await indexMessages(
        trx,
        messages.map((m, k) => ({
          id: firstMessage + k,
          ticketId: Number(m.ticket_id),
          internal: Boolean(m.internal),
          body: String(m.body),
        })),
      );
    }
  });
  if (db.engine === 'pg') await knex.raw('analyze');
  return performance.now() - started;
}
