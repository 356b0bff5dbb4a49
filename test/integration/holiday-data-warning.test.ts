import assert from 'node:assert/strict';
import { manualClock } from '../../core/clock';
import { createHolidayDataWatch, daysOfDataLeft, HOLIDAY_DATA_PACKAGE, HOLIDAY_DATA_WARNING_DAYS } from '../../core/sla/holiday-data-watch';
import { OFFICIAL_LAST_DATE } from '../../core/time/kr-holidays';
import { createReportStore } from '../../db/stores/report-store';
import { createMetrics } from '../../server/metrics/metrics';
import { startTestWorkers, testStack, waitFor, type TestStack } from '../helpers/test-app';
import { TEST_ENGINE } from '../helpers/test-db';

const DAY_MS = 86_400_000;
/** The Korean date `n` days before the official data's last date. */
const daysBeforeEnd = (n: number) => new Date(Date.parse(`${OFFICIAL_LAST_DATE}T00:00:00Z`) - n * DAY_MS).toISOString().slice(0, 10);
/** The first day with 90 days of official data left (the last date counts as one). */
const FIRST_WARNING_DAY = daysBeforeEnd(HOLIDAY_DATA_WARNING_DAYS - 1);

function capturingLogger() {
  const warnings: { o: Record<string, unknown>; msg?: string }[] = [];
  return {
    warnings,
    info() {},
    error() {},
    warn(o: object, msg?: string) {
      warnings.push({ o: o as Record<string, unknown>, msg });
    },
  };
}

describe(`warning before the official holiday data runs out (${TEST_ENGINE})`, function () {
  this.timeout(60_000);
  let s: TestStack;
  const clock = manualClock(`${daysBeforeEnd(HOLIDAY_DATA_WARNING_DAYS)}T09:00:00+09:00`);

  before(async () => {
    s = await testStack({ clock });
    await s.user('admin', { locale: 'en' });
    await s.user('supervisor');
  });
  after(() => s.close());

  const mails = () => s.db.knex('outbox').where({ template: 'holiday-data-expiring' }).orderBy('id');

  it('counts the days of official data left, the last date included', () => {
    assert.equal(daysOfDataLeft(OFFICIAL_LAST_DATE), 1);
    assert.equal(daysOfDataLeft(FIRST_WARNING_DAY), 90);
    assert.equal(daysOfDataLeft('2028-01-01', '2027-12-31'), 0);
  });

  it('logs and mails the admins from 90 days before the end, once per Korean day', async () => {
    const logger = capturingLogger();
    const watch = createHolidayDataWatch({ db: s.database, clock, logger });
    const otherWorker = createHolidayDataWatch({ db: s.database, clock, logger });

    // 91 days left: nothing yet.
    assert.deepEqual(await watch.check(), { lastDate: OFFICIAL_LAST_DATE, daysLeft: 91, warned: false });
    assert.equal((await mails()).length, 0);
    assert.equal(logger.warnings.length, 0);

    // Just after midnight in Seoul (still the day before in UTC) on the day with 90 days left.
    clock.set(`${FIRST_WARNING_DAY}T00:05:00+09:00`);
    assert.deepEqual(await watch.check(), { lastDate: OFFICIAL_LAST_DATE, daysLeft: 90, warned: true });
    const first = await mails();
    const admins = await s.db.knex('users').where({ role: 'admin', active: true }).orderBy('id');
    assert.equal(admins.length, 2);
    assert.deepEqual(
      first.map((m) => m.to_address),
      admins.map((a) => a.email),
    );
    assert.deepEqual(
      first.map((m) => m.locale),
      admins.map((a) => a.locale),
    );
    assert.ok(first.every((m) => m.ticket_id === null && m.status === 'pending'));
    assert.deepEqual(JSON.parse(first[0].data), {
      lastDate: OFFICIAL_LAST_DATE,
      daysLeft: 90,
      packageName: HOLIDAY_DATA_PACKAGE,
      recipientName: admins[0].name,
    });
    assert.equal(logger.warnings.length, 1);
    assert.equal(logger.warnings[0]!.o.daysLeft, 90);
    assert.match(logger.warnings[0]!.msg ?? '', new RegExp(`${OFFICIAL_LAST_DATE}.*${HOLIDAY_DATA_PACKAGE}`));

    // Later the same Korean day, from this worker or another: no second log or mail.
    clock.advance(20 * 3600_000);
    assert.equal((await watch.check()).warned, false);
    assert.equal((await otherWorker.check()).warned, false);
    assert.equal((await mails()).length, 2);
    assert.equal(logger.warnings.length, 1);

    // The next day warns again, and so on past the end of the data.
    clock.advance(4 * 3600_000);
    assert.deepEqual(await otherWorker.check(), { lastDate: OFFICIAL_LAST_DATE, daysLeft: 89, warned: true });
    assert.equal((await mails()).length, 4);
    clock.set(`${OFFICIAL_LAST_DATE}T12:00:00+09:00`);
    clock.advance(DAY_MS);
    assert.equal((await watch.check()).daysLeft, 0);
    assert.equal(logger.warnings.length, 3);
  });

  it('runs as the daily holiday-data job of the workers', async () => {
    clock.advance(DAY_MS);
    const before = (await mails()).length;
    const workers = await startTestWorkers(s);
    try {
      await s.queues.maintenance.add('holiday-data', {});
      const rows = await waitFor(
        'the job mails the admins',
        async () => {
          const all = await mails();
          return all.length === before + 2 ? all : null;
        },
        20_000,
      );
      assert.equal(JSON.parse(rows.at(-1).data).daysLeft, -1);
    } finally {
      await workers.close();
    }
  });

  it('exposes the last date of the official data on /metrics', async () => {
    const metrics = createMetrics({ source: createReportStore(s.db.knex), queues: [], defaultMetrics: false });
    const text = await metrics.registry.metrics();
    const seconds = Date.parse(`${OFFICIAL_LAST_DATE}T00:00:00+09:00`) / 1000;
    assert.ok(
      text.includes(`helpdesk_holiday_data_last_date_timestamp_seconds{set="KR",last_date="${OFFICIAL_LAST_DATE}"} ${seconds}`),
      text,
    );
  });
});
