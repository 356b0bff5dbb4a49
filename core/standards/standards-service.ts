/**
 * Use cases of the service standards (the lighter trackers): list them with their current status,
 * record events, read compliance for a period, let admins change target/period/owners, and mail a
 * standard's owners once whenever one of its subjects turns at_risk or missed.
 *
 * The pure rules live beside this file (catalogue, periods, record-rules, evaluate); this file
 * reaches the world only through the ports of core/ports/standards.ts and a clock.
 */
import type { Clock } from '../clock';
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from '../errors';
import type { User } from '../model';
import { NOTIFY_TARGET_HINT, isNotifyTarget, resolveTargets, userTargetProblems } from '../notify/recipients';
import type {
  HelpdeskFigures,
  Logger,
  Page,
  PageQuery,
  StandardAlertMail,
  StandardAuditEntry,
  StandardSettings,
  StandardsDatabase,
  StandardsStores,
  StoredStandardRecord,
} from '../ports';
import { getStandard, STANDARDS, type Standard, type Unit } from './catalogue';
import { UNIT_LABEL } from './unit-labels';
import { evaluate, STATUS_SEVERITY, statusChanged, worstStatus, type Evaluation, type Status } from './evaluate';
import { currentPeriod, periodContaining, startOfLocalDate, tryPeriodFor, type Period, type StandardPeriod } from './periods';
import { parseRecord, type StandardRecord } from './record-rules';

/** Who an alert goes to until an admin names the owners: every supervisor and admin. */
export const DEFAULT_STANDARD_OWNERS: readonly string[] = ['role:supervisor', 'role:admin'];

/** An open inquiry this close to its deadline makes purchase-inquiry-48h at_risk (the first SLA warning, PT12H). */
export const NEAR_DUE_MS = 12 * 3600_000;

/** A period that ended this recently is evaluated once more, so its final "missed" is mailed. */
export const GRACE_MS = 7 * 86_400_000;

/** The catalogue standard with the admin's target and period in force. */
const effective = (base: Standard, st: StandardSettings): Standard => ({ ...base, target: st.target, period: st.period });

const toRule = (r: StoredStandardRecord): StandardRecord => ({
  subject: r.subject,
  occurred_at: r.occurredAt,
  value: r.value,
  ref: r.ref,
  note: r.note,
  event_at: r.eventAt,
});

// ---------------------------------------------------------------------------------------------
// Settings rules

const WHOLE_UNITS: readonly Unit[] = [
  'sessions',
  'consultations',
  'programmes',
  'notices',
  'channels',
  'products',
  'updates',
  'courses',
  'distributions',
  'regions',
  'KRW',
];

/** Problems with an admin's change of target, period or owners; empty when it is acceptable. */
export function settingsProblems(base: Standard, patch: { target?: number; period?: StandardPeriod; owners?: string[] }): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (patch.target !== undefined) {
    const t = patch.target;
    if (base.kind === 'availability')
      out.push({
        path: 'target',
        message: `${base.id} is judged on every day of the period (365, or 366 in a leap year); its target cannot be changed`,
      });
    else if (!Number.isFinite(t) || t <= 0) out.push({ path: 'target', message: 'target must be a number greater than 0' });
    else if ((base.unit === 'percent' || base.unit === 'points') && t > 100)
      out.push({ path: 'target', message: `target is in ${base.unit === 'percent' ? 'percent' : 'points'}: write a number up to 100` });
    else if (WHOLE_UNITS.includes(base.unit) && !Number.isInteger(t))
      out.push({ path: 'target', message: `target counts ${base.unit}: write a whole number` });
  }
  if (patch.period !== undefined && patch.period !== base.period) {
    // Only calendar-repeating promises may switch grain; standing and per-item ones have no period to change.
    const repeating = (p: StandardPeriod) => p === 'year' || p === 'month';
    if (!repeating(base.period))
      out.push({
        path: 'period',
        message: `${base.id} is judged ${base.period === 'none' ? 'as a standing level' : 'per item'}; its period cannot be changed`,
      });
    else if (!repeating(patch.period)) out.push({ path: 'period', message: 'period must be "year" or "month" for this standard' });
  }
  if (patch.owners !== undefined) {
    patch.owners.forEach((o, i) => {
      if (!isNotifyTarget(o))
        out.push({ path: `owners.${i}`, message: `${JSON.stringify(o)} is not a notify target naming staff; ${NOTIFY_TARGET_HINT}` });
    });
    if (patch.owners.length === 0) out.push({ path: 'owners', message: 'name at least one owner, e.g. "role:supervisor"' });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The service

/** A standard as in force (catalogue with the admin's target and period), its settings and its status in its current period. */
export interface StandardStatus {
  standard: Standard;
  settings: StandardSettings;
  evaluation: Evaluation;
}

/** One standard in full: its status, the catalogue's own promise and the audit of admin changes (newest 50). */
export interface StandardDetail extends StandardStatus {
  catalogue: Standard;
  history: StandardAuditEntry[];
}

/** A standard's figure and status in one month (year to date for a yearly standard): one point of a sparkline. */
export interface TrendPoint {
  /** `2026-03`. */
  label: string;
  from: Date;
  actual: number | null;
  target: number;
  status: Status;
}

/** A standard with its current status and its course over the last months, oldest first. */
export interface StandardOverview extends StandardStatus {
  trend: TrendPoint[];
}

/** One alert: a subject (or the whole standard) turned at_risk or missed, and the owners it was mailed to. */
export interface StandardAlert {
  at: Date;
  /** `team:…` etc.; null = the standard as a whole. */
  subject: string | null;
  period: string;
  status: Status;
  actual: number | null;
  target: number | null;
  recipients: Array<Pick<StandardAlertMail, 'toUserId' | 'toAddress' | 'toName' | 'mailStatus'>>;
}

/** The last `n` months up to the one containing `now`, oldest first. */
export function recentMonths(now: Date, n: number): Period[] {
  const out: Period[] = [periodContaining('month', now)];
  while (out.length < n) out.unshift(periodContaining('month', new Date(out[0]!.from.getTime() - 1)));
  return out;
}

/** The compliance of one standard over one period (voided records left out), with the ticket counts of the helpdesk standard. */
export interface StandardCompliance {
  standard: Standard;
  evaluation: Evaluation;
  tickets: HelpdeskFigures | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** How a record is kept in the audit trail when it is voided: the whole record before and after, as stored JSON. */
function auditSnapshot(r: StoredStandardRecord) {
  return {
    id: r.id,
    standard_id: r.standardId,
    subject: r.subject,
    occurred_at: r.occurredAt.toISOString(),
    value: r.value,
    ref: r.ref,
    note: r.note,
    event_at: iso(r.eventAt),
    created_by: r.createdBy,
    created_at: r.createdAt.toISOString(),
    voided: r.voidedAt !== null,
    voided_at: iso(r.voidedAt),
    voided_by: r.voidedBy,
    void_reason: r.voidReason,
  };
}

/** What one evaluation pass did. */
export interface EvaluationSummary {
  standards: number;
  changed: number;
  mails: number;
}

/** Service-standard use cases; entry points (routes, the daily job) call these. */
export function createStandardsService(deps: { db: StandardsDatabase; clock: Clock; logger?: Logger }) {
  const { db, clock, logger } = deps;

  function baseOf(id: string): Standard {
    const base = getStandard(id);
    if (!base) throw new NotFoundError(`standard ${JSON.stringify(id)} does not exist; the list of standards gives the ids`);
    return base;
  }

  async function load(s: StandardsStores, id: string): Promise<{ std: Standard; st: StandardSettings }> {
    const base = baseOf(id);
    const st = await s.standards.settingsOf(id);
    if (!st) throw new NotFoundError(`standard ${id} is not set up in this database; run the migrations`);
    return { std: effective(base, st), st };
  }

  /** Evaluates one standard over one period at `now`, with ticket counts for the helpdesk standard. */
  async function evaluateIn(
    s: StandardsStores,
    std: Standard,
    period: Period,
    now: Date,
    loaded?: StandardRecord[],
  ): Promise<{ e: Evaluation; tickets: HelpdeskFigures | null }> {
    if (std.kind === 'helpdesk') {
      // Open inquiries only say something about a period that is running now.
      const running = period.from.getTime() <= now.getTime() && now.getTime() < period.to.getTime();
      const tickets = await s.standards.helpdesk(period.from, period.to, running ? now : null, NEAR_DUE_MS);
      return { e: evaluate(std, [], period, now, { helpdesk: tickets }), tickets };
    }
    const records = loaded ?? (await s.standards.records(std.id)).map(toRule);
    return { e: evaluate(std, records, period, now), tickets: null };
  }

  /** The grain a standard is reported in by default. */
  const grainOf = (std: Standard) => (std.period === 'month' ? ('month' as const) : ('year' as const));

  /**
   * Current period, plus the previous one while it ended less than GRACE_MS ago — unless it ended
   * before the tracker was set up (a rollout in early January must not mail last year's misses).
   */
  function periodsToWatch(std: Standard, st: StandardSettings, now: Date): Period[] {
    const cur = currentPeriod(std.period, now);
    const prev = periodContaining(grainOf(std), new Date(cur.from.getTime() - 1));
    const watch = now.getTime() - prev.to.getTime() < GRACE_MS && st.createdAt.getTime() < prev.to.getTime();
    return watch ? [cur, prev] : [cur];
  }

  /** The period a new record lands in (the maintenance's, the reported day's, or its own time's). */
  function periodOfRecord(std: Standard, r: StandardRecord): Period | null {
    const at = std.kind === 'lead_time' ? r.event_at : std.kind === 'availability' && r.ref ? startOfLocalDate(r.ref) : r.occurred_at;
    return at ? periodContaining(grainOf(std), at) : null;
  }

  /**
   * Evaluates `std` over `periods`, stores each subject's status and queues one standard-alert per
   * owner for every subject that turned at_risk or missed — all in the caller's transaction, so
   * the mail exists exactly when the status change commits, and the compare-and-set on the old
   * status makes a concurrent evaluation send nothing twice.
   */
  async function evaluateAndAlert(
    s: StandardsStores,
    std: Standard,
    st: StandardSettings,
    periods: Period[],
    now: Date,
  ): Promise<{ changed: number; mails: number }> {
    let changed = 0;
    let mails = 0;
    for (const period of periods) {
      const { e } = await evaluateIn(s, std, period, now);
      const worstSubject = e.subjects.length ? worstStatus(e.subjects.map((x) => x.status)) : null;
      // The standard as a whole is tracked too, but alerts only when it says more than its subjects
      // (no subjects yet, or education-courses short of courses while every course has its survey).
      const rows = [
        {
          subject: '*',
          period: e.period.label,
          actual: e.actual,
          target: e.target,
          status: e.status,
          alerts: worstSubject === null || STATUS_SEVERITY[e.status] > STATUS_SEVERITY[worstSubject],
        },
        ...e.subjects.map((x) => ({
          subject: x.subject,
          period: x.period,
          actual: x.actual as number | null,
          target: x.target,
          status: x.status,
          alerts: true,
        })),
      ];
      const before = await s.standards.statuses(std.id, [...new Set(rows.map((r) => r.period))]);
      for (const row of rows) {
        const prev = before.get(`${row.subject}|${row.period}`) ?? null;
        if (prev === row.status) continue;
        if (!(await s.standards.setStatus({ standardId: std.id, subject: row.subject, period: row.period }, prev, row.status, now)))
          continue;
        changed += 1;
        if (!row.alerts || std.informational || !statusChanged(prev, row.status)) continue;
        const recipients = await resolveTargets(s.users, st.owners);
        for (const r of recipients) {
          await s.outbox.enqueue(
            {
              ticketId: null,
              toUserId: r.userId,
              toAddress: r.address,
              toName: r.name,
              locale: r.locale,
              template: 'standard-alert',
              data: {
                standardId: std.id,
                standardTitle: r.locale === 'en' ? std.title_en : std.title_ko,
                // statusChanged lets only at_risk and missed through.
                standardSubject: row.subject === '*' ? null : row.subject,
                status: row.status as 'at_risk' | 'missed',
                period: row.period,
                actual: row.actual,
                target: row.target,
                // A course's own figures are surveys, not courses.
                unit: std.survey_per_ref && row.subject !== '*' ? null : (UNIT_LABEL[r.locale][std.unit] ?? null),
                recipientName: r.name,
              },
            },
            now,
          );
          mails += 1;
        }
      }
    }
    return { changed, mails };
  }

  /** Re-evaluates after `record` was added or voided: the watched periods and the record's own. */
  async function evaluateAround(s: StandardsStores, std: Standard, st: StandardSettings, record: StandardRecord, now: Date) {
    const periods = periodsToWatch(std, st, now);
    const own = periodOfRecord(std, record);
    if (own && !periods.some((p) => p.label === own.label)) periods.push(own);
    await evaluateAndAlert(s, std, st, periods, now);
  }

  async function evaluateOne(id: string, now: Date): Promise<{ changed: number; mails: number }> {
    return db.transaction(async (s) => {
      const { std, st } = await load(s, id);
      return evaluateAndAlert(s, std, st, periodsToWatch(std, st, now), now);
    });
  }

  /** One standard: its promise, settings, current status and the audit of admin changes. */
  async function detail(id: string): Promise<StandardDetail> {
    const now = clock.now();
    const { std, st } = await load(db.stores, id);
    const base = baseOf(id);
    const { e } = await evaluateIn(db.stores, std, currentPeriod(std.period, now), now);
    const history = await db.stores.standards.audit(id, 50);
    return { standard: std, settings: st, evaluation: e, catalogue: base, history };
  }

  /** The standard's points over `months` months ending with the current one (its records read once). */
  async function trendOf(std: Standard, months: number, now: Date, loaded?: StandardRecord[]): Promise<TrendPoint[]> {
    const records = std.kind === 'helpdesk' ? [] : (loaded ?? (await db.stores.standards.records(std.id)).map(toRule));
    const out: TrendPoint[] = [];
    for (const m of recentMonths(now, months)) {
      const { e } = await evaluateIn(db.stores, std, m, now, records);
      out.push({ label: m.label, from: m.from, actual: e.actual, target: e.target, status: e.status });
    }
    return out;
  }

  return {
    /**
     * Every standard with its status in its current period (as list() gives it) and its figure at
     * the end of each of the last `months` months — a yearly standard's year to date, a monthly
     * one's month, a standing one's level — for a page of sparklines. Records are read once per standard.
     */
    async overview(months = 6): Promise<StandardOverview[]> {
      const now = clock.now();
      const settings = new Map((await db.stores.standards.settings()).map((x) => [x.id, x]));
      const out: StandardOverview[] = [];
      for (const base of STANDARDS) {
        const st = settings.get(base.id);
        if (!st) continue;
        const std = effective(base, st);
        const records = std.kind === 'helpdesk' ? [] : (await db.stores.standards.records(std.id)).map(toRule);
        const { e } = await evaluateIn(db.stores, std, currentPeriod(std.period, now), now, records);
        out.push({ standard: std, settings: st, evaluation: e, trend: await trendOf(std, months, now, records) });
      }
      return out;
    },

    /** One standard's points over the last `months` months, oldest first. */
    async trend(id: string, months = 12): Promise<TrendPoint[]> {
      const { std } = await load(db.stores, id);
      return trendOf(std, months, clock.now());
    },

    /**
     * The alerts of a standard, newest first: each status change that mailed its owners, with
     * whom it reached and how the sending went (read from the mails of its newest `limit` alerts).
     */
    async alerts(id: string, limit = 300): Promise<StandardAlert[]> {
      baseOf(id);
      const out: StandardAlert[] = [];
      const byKey = new Map<string, StandardAlert>();
      for (const m of await db.stores.standards.alertMails(id, limit)) {
        // One status change queues one mail per owner, all in one transaction at one instant.
        const key = `${m.createdAt.getTime()}|${m.subject ?? '*'}|${m.period}|${m.status}`;
        let a = byKey.get(key);
        if (!a) {
          a = {
            at: m.createdAt,
            subject: m.subject,
            period: m.period,
            status: m.status,
            actual: m.actual,
            target: m.target,
            recipients: [],
          };
          byKey.set(key, a);
          out.push(a);
        }
        a.recipients.push({ toUserId: m.toUserId, toAddress: m.toAddress, toName: m.toName, mailStatus: m.mailStatus });
      }
      return out;
    },

    /** The names of these users (who posted or voided records, the owners named by id). */
    async names(ids: number[]): Promise<Map<number, string>> {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return new Map();
      return new Map((await db.stores.users.byIds(unique)).map((u) => [u.id, u.name]));
    },

    /** Every standard with its status in its current period (one call for a dashboard). */
    async list(): Promise<Page<StandardStatus>> {
      const now = clock.now();
      const settings = new Map((await db.stores.standards.settings()).map((x) => [x.id, x]));
      const items: StandardStatus[] = [];
      for (const base of STANDARDS) {
        const st = settings.get(base.id);
        if (!st) continue;
        const std = effective(base, st);
        const { e } = await evaluateIn(db.stores, std, currentPeriod(std.period, now), now);
        items.push({ standard: std, settings: st, evaluation: e });
      }
      return { items, nextCursor: null };
    },

    get: detail,

    /** Validates a record with the core rules, stores it and re-evaluates its standard (alerts included). */
    async addRecord(actor: User, id: string, input: unknown): Promise<StoredStandardRecord> {
      const now = clock.now();
      const base = baseOf(id);
      if (base.kind === 'helpdesk') {
        throw new ConflictError(
          `${id} is computed from the helpdesk tickets and takes no records; its figures come from resolved inquiries`,
        );
      }
      const { record, problems } = parseRecord(base, input, now);
      if (!record)
        throw new ValidationError(
          `the record is not valid for ${id}: ${problems.map((p) => `${p.path || '(body)'}: ${p.message}`).join('; ')}`,
          problems,
        );
      const stored = await db.transaction(async (s) => {
        const { std, st } = await load(s, id);
        const saved = await s.standards.insertRecord({
          standardId: id,
          subject: record.subject ?? null,
          occurredAt: record.occurred_at,
          value: record.value ?? null,
          ref: record.ref ?? null,
          note: record.note ?? null,
          eventAt: record.event_at ?? null,
          createdBy: actor.id,
          createdAt: now,
        });
        await evaluateAround(s, std, st, record, now);
        return saved;
      });
      return stored;
    },

    /**
     * A supervisor voids a record (a typo, a record of the wrong team): it stays listed, flagged
     * with who, when and why, stops counting, and the standard is re-evaluated as after a new
     * record (alerts included). Audited in the standard's history.
     */
    async voidRecord(actor: User, id: string, recordId: number, reason: string): Promise<StoredStandardRecord> {
      const now = clock.now();
      baseOf(id);
      const voided = await db.transaction(async (s) => {
        const { std, st } = await load(s, id);
        const before = await s.standards.recordOf(id, recordId);
        if (!before) throw new NotFoundError(`${id} has no record ${recordId}`);
        const v = { at: now, by: actor.id, reason };
        if (before.voidedAt || !(await s.standards.voidRecord(recordId, v))) {
          throw new ConflictError(`record ${recordId} is already voided; a voided record stays as it is`);
        }
        const after: StoredStandardRecord = { ...before, voidedAt: v.at, voidedBy: v.by, voidReason: v.reason };
        await s.standards.addAudit({
          standardId: id,
          actorId: actor.id,
          at: now,
          changes: { [`record ${recordId}`]: { from: auditSnapshot(before), to: auditSnapshot(after) } },
        });
        await evaluateAround(s, std, st, toRule(before), now);
        return after;
      });
      logger?.info({ standard: id, record: recordId, actor: actor.id }, 'service standard record voided');
      return voided;
    },

    /** A standard's records, newest first, optionally of one subject or inside one period. */
    async records(id: string, q: { subject?: string; period?: string } & PageQuery): Promise<Page<StoredStandardRecord>> {
      baseOf(id);
      let range: { from?: Date; to?: Date } = {};
      if (q.period !== undefined) {
        const p = tryPeriodFor(q.period);
        if (!p.ok) throw new ValidationError(p.message, [{ path: p.path, message: p.message }]);
        range = { from: p.period.from, to: p.period.to };
      }
      return db.stores.standards.listRecords(id, { subject: q.subject, ...range }, { limit: q.limit, cursor: q.cursor });
    },

    /** Compliance over `?period=2026|2026-03`, by default the standard's current period. */
    async compliance(id: string, periodSpec?: string): Promise<StandardCompliance> {
      const now = clock.now();
      const { std } = await load(db.stores, id);
      let period = currentPeriod(std.period, now);
      if (periodSpec !== undefined) {
        const p = tryPeriodFor(periodSpec);
        if (!p.ok) throw new ValidationError(p.message, [{ path: p.path, message: p.message }]);
        period = p.period;
      }
      const { e, tickets } = await evaluateIn(db.stores, std, period, now);
      return { standard: std, evaluation: e, tickets };
    },

    /** Admins change target, period or owners; every change is audited, then the standard is re-evaluated. */
    async update(actor: User, id: string, patch: { target?: number; period?: StandardPeriod; owners?: string[] }): Promise<StandardDetail> {
      const base = baseOf(id);
      const problems = settingsProblems(base, patch);
      if (patch.owners) problems.push(...(await userTargetProblems(db.stores.users, patch.owners, 'owners')));
      if (problems.length) throw new ValidationError(problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
      const now = clock.now();
      await db.transaction(async (s) => {
        const { st } = await load(s, id);
        const owners = patch.owners ? [...new Set(patch.owners)] : undefined;
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        if (patch.target !== undefined && patch.target !== st.target) changes.target = { from: st.target, to: patch.target };
        if (patch.period !== undefined && patch.period !== st.period) changes.period = { from: st.period, to: patch.period };
        if (owners && JSON.stringify(owners) !== JSON.stringify(st.owners)) changes.owners = { from: st.owners, to: owners };
        if (Object.keys(changes).length === 0) return;
        const next = await s.standards.updateSettings(id, { target: patch.target, period: patch.period, owners }, now);
        await s.standards.addAudit({ standardId: id, actorId: actor.id, at: now, changes });
        const std = effective(base, next);
        await evaluateAndAlert(s, std, next, periodsToWatch(std, next, now), now);
      });
      return detail(id);
    },

    /** Evaluates every standard for its current (and just-ended) period and mails owners about changes. */
    async evaluateAll(now: Date = clock.now()): Promise<EvaluationSummary> {
      const out: EvaluationSummary = { standards: 0, changed: 0, mails: 0 };
      // One transaction per standard: short write locks, and one bad standard does not block the rest.
      const failed: string[] = [];
      for (const std of STANDARDS) {
        try {
          const r = await evaluateOne(std.id, now);
          out.standards += 1;
          out.changed += r.changed;
          out.mails += r.mails;
        } catch (err) {
          failed.push(std.id);
          logger?.error({ err, standard: std.id }, 'service standard evaluation failed');
        }
      }
      logger?.info({ ...out }, 'service standards evaluated');
      // Thrown after the others ran, so the job retries; the statuses already stored make that safe.
      if (failed.length) throw new Error(`evaluation failed for ${failed.join(', ')}`);
      return out;
    },
  };
}

export type StandardsService = ReturnType<typeof createStandardsService>;

/**
 * The daily job's processor: `(job) => Promise<EvaluationSummary>`. It holds no data and is
 * idempotent (statuses are compared-and-set), so a retry or a second run sends nothing twice.
 * BullMQ-free on purpose: core imports no queue library.
 */
export function standardsDailyProcessor(service: Pick<StandardsService, 'evaluateAll'>) {
  return async (_job?: unknown): Promise<EvaluationSummary> => service.evaluateAll();
}
