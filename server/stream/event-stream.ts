import type { Response } from 'express';
import { z } from 'zod';
import { TooManyRequestsError, ValidationError } from '../../core/errors';
import type { User } from '../../core/model';
import type { Logger } from '../../core/ports';
import type { FeedDetail } from '../../core/tickets/ticket-service';
import { route, type RouteDef } from '../http/routes';
import { eventView } from '../tickets/ticket-views';

/** Where the stream reads events: the ticket service's feed. */
export interface EventFeed {
  feed(afterId: number, limit: number, officer?: User): Promise<FeedDetail[]>;
  lastEventId(): Promise<number>;
}

export interface StreamOptions {
  feed: EventFeed;
  logger: Logger;
  /** A comment line this often keeps proxies from closing an idle stream (default 15 s). */
  heartbeatMs?: number;
  /** New rows are read this often even without a notice, so a lost notice (Redis down) loses nothing (default 5 s). */
  catchUpMs?: number;
  /** Open streams per user; one more is a 429 (default 5). */
  maxPerUser?: number;
}

/** The most events a reconnecting client is replayed. */
export const REPLAY_LIMIT = 500;
/** Rows read per query while catching up. */
const BATCH = 500;
/**
 * How far below the highest id each read looks again: on PostgreSQL a transaction may commit
 * after another that took a higher event id, and its rows must not be skipped.
 */
const LOOKBACK = 100;

interface Connection {
  user: User;
  res: Response;
  /** The ids the replay sent, so a live event is not sent twice. */
  replayed: Set<number> | null;
  /** Events that arrived while the replay was read; sent after it. */
  pending: FeedDetail[] | null;
  dropped: boolean;
}

/**
 * What this process has read: every id up to `base` counts as handed out, above it those in
 * `delivered`; `cursor` is the highest id read.
 */
interface ReadState {
  base: number;
  cursor: number;
  delivered: Set<number>;
}

/** One process's live streams: one read of the new rows per notice, fanned out per viewer. */
export interface StreamHub {
  /** New events were committed (a notice from any process). */
  notify(): void;
  open(user: User, res: Response, lastEventId: number | null): Promise<void>;
  /** Ends every open stream (the server then closes without waiting for them). */
  close(): void;
  readonly size: number;
}

/** Whether a viewer may see an event: staff every one, an officer the public events of their own tickets. */
function visibleTo(user: User, d: FeedDetail): boolean {
  return user.role !== 'officer' || (d.event.public && d.requesterId === user.id);
}

function frame(d: FeedDetail): string {
  const data = { ...eventView(d.event, d.actor), ticket_id: d.event.ticketId };
  return `id: ${d.event.id}\nevent: ${d.event.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function createStreamHub(o: StreamOptions): StreamHub {
  const heartbeatMs = o.heartbeatMs ?? 15_000;
  const catchUpMs = o.catchUpMs ?? 5_000;
  const maxPerUser = o.maxPerUser ?? 5;
  const connections = new Set<Connection>();
  const perUser = new Map<number, number>();
  /** Null while no stream is open. */
  let state: ReadState | null = null;
  let reading: Promise<void> | null = null;
  let again = false;
  let timers: NodeJS.Timeout[] = [];

  const send = (c: Connection, d: FeedDetail) => {
    if (c.replayed?.has(d.event.id)) return;
    if (visibleTo(c.user, d)) c.res.write(frame(d));
  };

  /** Reads the rows not handed out yet and hands each to every stream; notices during a read cause one more read. */
  async function readNew(): Promise<void> {
    for (;;) {
      const st = state;
      if (st === null) return;
      const rows = await o.feed.feed(Math.max(st.base, st.cursor - LOOKBACK), BATCH);
      for (const d of rows) {
        if (d.event.id <= st.base || st.delivered.has(d.event.id)) continue;
        st.delivered.add(d.event.id);
        st.cursor = Math.max(st.cursor, d.event.id);
        for (const c of connections) {
          if (c.pending) c.pending.push(d);
          else send(c, d);
        }
      }
      if (st.cursor - LOOKBACK > st.base) {
        st.base = st.cursor - LOOKBACK;
        for (const id of st.delivered) if (id <= st.base) st.delivered.delete(id);
      }
      if (rows.length < BATCH) return;
    }
  }

  function notify(): void {
    if (connections.size === 0) return;
    if (reading) {
      again = true;
      return;
    }
    reading = (async () => {
      do {
        again = false;
        await readNew().catch((err: unknown) => o.logger.warn({ err }, 'could not read new events for the live streams'));
      } while (again);
      reading = null;
    })();
  }

  function startTimers() {
    timers = [
      setInterval(() => {
        for (const c of connections) c.res.write(': heartbeat\n\n');
      }, heartbeatMs),
      setInterval(notify, catchUpMs),
    ];
    for (const t of timers) t.unref();
  }

  function drop(c: Connection) {
    if (c.dropped) return;
    c.dropped = true;
    connections.delete(c);
    const n = (perUser.get(c.user.id) ?? 1) - 1;
    if (n > 0) perUser.set(c.user.id, n);
    else perUser.delete(c.user.id);
    if (connections.size === 0) {
      for (const t of timers) clearInterval(t);
      timers = [];
      state = null;
    }
  }

  return {
    notify,
    get size() {
      return connections.size;
    },
    async open(user, res, lastEventId) {
      if ((perUser.get(user.id) ?? 0) >= maxPerUser)
        throw new TooManyRequestsError(`at most ${maxPerUser} streams may be open per user; close one first`);
      const c: Connection = { user, res, replayed: null, pending: lastEventId === null ? null : [], dropped: false };
      perUser.set(user.id, (perUser.get(user.id) ?? 0) + 1);
      res.on('close', () => drop(c));
      try {
        if (state === null) {
          const last = await o.feed.lastEventId();
          state ??= { base: last, cursor: last, delivered: new Set() };
        }
      } catch (err) {
        drop(c);
        throw err;
      }
      if (c.dropped) return; // the client left meanwhile
      if (connections.size === 0) startTimers();
      connections.add(c);
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        'X-Accel-Buffering': 'no',
        Connection: 'keep-alive',
      });
      res.write(': stream open\n\n');
      if (lastEventId === null) return;
      try {
        // The missed events (the oldest REPLAY_LIMIT of them at most), then what arrived meanwhile.
        const replay = await o.feed.feed(lastEventId, REPLAY_LIMIT, user);
        for (const d of replay) send(c, d);
        c.replayed = new Set(replay.map((d) => d.event.id));
      } catch (err) {
        o.logger.warn({ err }, 'could not replay events to a live stream');
      } finally {
        const pending = c.pending ?? [];
        c.pending = null;
        for (const d of pending) send(c, d);
      }
    },
    close() {
      for (const c of [...connections]) {
        c.res.end();
        drop(c);
      }
    },
  };
}

const LastEventId = z
  .string()
  .regex(/^\d{1,15}$/, 'must be the id of an event (digits)')
  .transform(Number);

/** The live stream: `GET /api/v1/stream` (text/event-stream). */
export function streamRoutes(hub: StreamHub): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/stream',
      operationId: 'streamEvents',
      summary: 'The live stream of ticket events the caller may see (server-sent events)',
      access: 'user',
      query: z.strictObject({
        last_event_id: LastEventId.optional().describe('As the Last-Event-ID header, for clients that cannot set headers'),
      }),
      headers: {
        'Last-Event-ID': {
          description: 'The id of the last event received: the events after it are replayed first (at most 500)',
          schema: { type: 'string', pattern: '^[0-9]+$' },
        },
      },
      success: 200,
      mediaTypes: ['text/event-stream'],
      alsoAnswers: { 429: { description: 'Too many streams open for this user' } },
      handler: async ({ req, res, user, query }) => {
        const header = req.get('last-event-id');
        let last: number | null = query.last_event_id ?? null;
        if (header !== undefined && header !== '') {
          const parsed = LastEventId.safeParse(header.trim());
          if (!parsed.success)
            throw new ValidationError('Last-Event-ID must be the id of an event', [
              { path: 'Last-Event-ID', message: 'must be the id of an event (digits)' },
            ]);
          last = parsed.data;
        }
        await hub.open(user, res, last);
      },
    }),
  ];
}
