import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadConfig } from '../../app/config';
import {
  ACCESS_LOG_MIN_DAYS,
  cutoffOf,
  cutoffs,
  DEFAULT_RETENTION,
  RETENTION_CLASSES,
  retentionPolicy,
  settingsProblem,
} from '../../core/retention/retention-policy';

const DAY = 86_400_000;

describe('retention cutoffs', () => {
  it('count whole Seoul days: everything of the day `days` days back and later is kept', () => {
    // 11 March 2026, 10:00 in Seoul: 365 days back is 11 March 2025, from 00:00 Seoul (15:00 UTC the day before).
    const now = new Date('2026-03-11T01:00:00Z');
    assert.equal(cutoffOf(365, now).toISOString(), '2025-03-10T15:00:00.000Z');
    // The same all day long in Seoul, also just after midnight there (15:00 UTC).
    assert.equal(cutoffOf(365, new Date('2026-03-10T15:00:00Z')).toISOString(), '2025-03-10T15:00:00.000Z');
    assert.equal(cutoffOf(365, new Date('2026-03-11T14:59:59.999Z')).toISOString(), '2025-03-10T15:00:00.000Z');
    // One millisecond before Seoul's midnight it is still the day before.
    assert.equal(cutoffOf(365, new Date('2026-03-10T14:59:59.999Z')).toISOString(), '2025-03-09T15:00:00.000Z');
  });

  it('an access record of 10 March 2025 is destroyed on 11 March 2026 with 365 days, not on the 10th', () => {
    const record = new Date('2025-03-10T23:59:00+09:00');
    assert.ok(record >= cutoffOf(365, new Date('2026-03-10T23:30:00+09:00')), 'kept on the 10th');
    assert.ok(record < cutoffOf(365, new Date('2026-03-11T00:10:00+09:00')), 'expired on the 11th');
  });

  it('data is kept at least its period and at most one day more (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4000 }),
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
        (days, nowMs) => {
          const c = cutoffOf(days, new Date(nowMs)).getTime();
          // Anything at or after the cutoff is kept; the cutoff lies between days+1 and days days ago.
          assert.ok(nowMs - c >= days * DAY, 'never sooner than the period');
          assert.ok(nowMs - c < (days + 1) * DAY, 'never more than a day late');
          // 00:00 in Seoul.
          assert.equal((c + 9 * 3600_000) % DAY, 0);
        },
      ),
    );
  });

  it('refuses periods that are not whole days of at least one', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => cutoffOf(bad, new Date()), RangeError);
  });

  it('gives every class its own cutoff from the settings', () => {
    const now = new Date('2026-06-01T03:00:00Z');
    const c = cutoffs({ closedTicketDays: 1095, inboundRawDays: 90, sessionDays: 30, accessLogDays: 730 }, now);
    assert.deepEqual(Object.keys(c), [...RETENTION_CLASSES]);
    // 1095 days before 1 June 2026 (with 29 February 2024 between) is 2 June 2023, 00:00 in Seoul.
    assert.equal(c.closed_tickets.toISOString(), '2023-06-01T15:00:00.000Z');
    assert.equal(c.inbound_raw_mail.toISOString(), '2026-03-02T15:00:00.000Z');
    assert.equal(c.sessions.toISOString(), '2026-05-01T15:00:00.000Z');
    assert.equal(c.access_log.toISOString(), '2024-05-31T15:00:00.000Z');
  });

  it('lists the policy with the days and a description of every class', () => {
    const p = retentionPolicy(DEFAULT_RETENTION);
    assert.deepEqual(
      p.map((e) => [e.class, e.days]),
      [
        ['closed_tickets', 1095],
        ['inbound_raw_mail', 90],
        ['sessions', 30],
        ['access_log', 730],
      ],
    );
    for (const e of p) assert.ok(e.description.length > 20);
  });

  it('refuses an access log kept less than a year, naming the law', () => {
    assert.equal(settingsProblem(DEFAULT_RETENTION), null);
    assert.match(settingsProblem({ ...DEFAULT_RETENTION, accessLogDays: 364 })!, /at least 365 days.*Personal Information Protection Act/);
    assert.equal(settingsProblem({ ...DEFAULT_RETENTION, accessLogDays: ACCESS_LOG_MIN_DAYS }), null);
    assert.match(settingsProblem({ ...DEFAULT_RETENTION, sessionDays: 0 })!, /sessions/);
  });
});

describe('retention settings', () => {
  it('default to 1095, 90, 30 and 730 days', () => {
    assert.deepEqual({ ...loadConfig({}).retention }, { closedTicketDays: 1095, inboundRawDays: 90, sessionDays: 30, accessLogDays: 730 });
  });

  it('are read from RETENTION_*_DAYS', () => {
    const r = loadConfig({
      RETENTION_CLOSED_TICKET_DAYS: '1825',
      RETENTION_INBOUND_RAW_DAYS: '30',
      RETENTION_SESSION_DAYS: '7',
      RETENTION_ACCESS_LOG_DAYS: '365',
    }).retention;
    assert.deepEqual({ ...r }, { closedTicketDays: 1825, inboundRawDays: 30, sessionDays: 7, accessLogDays: 365 });
  });

  it('refuse at startup an access log kept under 365 days, naming the variable and the law', () => {
    assert.throws(
      () => loadConfig({ RETENTION_ACCESS_LOG_DAYS: '364' }),
      /invalid setting RETENTION_ACCESS_LOG_DAYS: must be at least 365 days: the Personal Information Protection Act/,
    );
  });

  it('refuse periods that are not whole days', () => {
    assert.throws(() => loadConfig({ RETENTION_SESSION_DAYS: '0' }), /RETENTION_SESSION_DAYS: must be at least 1 day/);
    assert.throws(() => loadConfig({ RETENTION_INBOUND_RAW_DAYS: '1.5' }), /RETENTION_INBOUND_RAW_DAYS: must be a whole number of days/);
    assert.throws(
      () => loadConfig({ RETENTION_CLOSED_TICKET_DAYS: 'forever' }),
      /RETENTION_CLOSED_TICKET_DAYS: must be a whole number of days/,
    );
    assert.throws(() => loadConfig({ RETENTION_CLOSED_TICKET_DAYS: '99999' }), /RETENTION_CLOSED_TICKET_DAYS: must be at most 36500 days/);
  });
});
