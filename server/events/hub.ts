/**
 * Every replica's view of the event outbox: one LISTEN connection per replica, woken by NOTIFY at each
 * commit (from any replica), reads the new rows in id order and hands each to the replica's observers (the
 * team cache) and then to its open streams whose user the event is for. A stream that reconnects replays
 * what it missed from the table; when the database is away the hub reconnects, catches up from the last id
 * it delivered, and tells observers to reload what they cache.
 */
import { sql } from 'kysely';
import type pg from 'pg';
import type { Database, StoreLogger } from '../store/database';
import { EVENT_RETENTION_JOB, EVENTS_CHANNEL } from './outbox';
import type { StoredEventType } from './outbox';

export interface HubEvent {
  id: number;
  type: StoredEventType;
  audience: string[] | null;
  payload: Record<string, unknown>;
}

export interface HubObserver {
  /** Every event, in id order, before any stream gets it. */
  event(event: HubEvent): void;
  /** Events may have been missed (the listener reconnected): reload. */
  resync(): Promise<void>;
}

export interface Subscriber {
  user: string;
  deliver(event: HubEvent): void;
}

const BATCH = 500;
const RETRY_MS = [500, 1000, 2000, 5000];

export const isFor = (event: Pick<HubEvent, 'audience'>, user: string) => event.audience === null || event.audience.includes(user);

export class EventHub {
  private last = 0;
  private listener: pg.Client | undefined;
  private pumping: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private retries = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private everConnected = false;
  private readonly subscribers = new Set<Subscriber>();
  private readonly observers = new Set<HubObserver>();

  constructor(
    private readonly database: Database,
    private readonly log: StoreLogger,
  ) {}

  /** The id of the last event this replica delivered. */
  get lastId(): number {
    return this.last;
  }

  get streams(): number {
    return this.subscribers.size;
  }

  /** Whether the hub has read the outbox at least once (until then its ids mean nothing). */
  get connected(): boolean {
    return this.everConnected;
  }

  observe(observer: HubObserver): void {
    this.observers.add(observer);
  }

  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /** Starts from the newest event in the table; if the database is away, keeps trying in the background. */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (err) {
      this.log.warn({ event: 'events-listener-down', reason: (err as Error).message }, 'live events wait for the database');
      this.scheduleReconnect();
    }
  }

  private async connect(): Promise<void> {
    const client = await this.database.connect();
    client.on('notification', () => void this.pump());
    const lost = (err?: Error) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => undefined);
      if (err) this.database.health.failed(err);
      if (!this.closed) {
        this.log.warn({ event: 'events-listener-lost', reason: err?.message }, 'live events listener lost; reconnecting');
        this.scheduleReconnect();
      }
    };
    client.on('error', lost);
    client.on('end', () => lost());
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.listener = client;
    this.retries = 0;
    if (!this.everConnected) {
      const top = await sql<{ id: string | null }>`SELECT max(id) AS id FROM events`.execute(this.database.db);
      this.last = Number(top.rows[0]?.id ?? 0);
      this.everConnected = true;
    } else {
      for (const o of this.observers) await o.resync();
    }
    await this.pump();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    const delay = RETRY_MS[Math.min(this.retries++, RETRY_MS.length - 1)]!;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch(() => this.scheduleReconnect());
    }, delay);
    this.retryTimer.unref();
  }

  /** Reads and delivers everything after the last delivered id; one read at a time, repeated if woken meanwhile. */
  pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
        do {
          this.again = false;
          for (;;) {
            const rows = await this.database.db
              .selectFrom('events')
              .select(['id', 'type', 'audience', 'payload'])
              .where('id', '>', String(this.last))
              .orderBy('id')
              .limit(BATCH)
              .execute();
            for (const row of rows) this.dispatch({ id: Number(row.id), type: row.type as StoredEventType, audience: row.audience, payload: row.payload });
            if (rows.length < BATCH) break;
          }
        } while (this.again && !this.closed);
      } catch (err) {
        this.database.health.failed(err);
      } finally {
        this.pumping = undefined;
      }
    })();
    return this.pumping;
  }

  private dispatch(event: HubEvent): void {
    this.last = event.id;
    for (const o of this.observers) o.event(event);
    for (const s of this.subscribers) if (isFor(event, s.user)) s.deliver(event);
  }

  /** The user's events after `after` up to `upTo`, or undefined when some of them are gone (purged, or another database). */
  async replay(user: string, after: number, upTo: number): Promise<HubEvent[] | undefined> {
    const bounds = await sql<{ max: string | null; purged: string | null }>`
      SELECT (SELECT max(id) FROM events) AS max,
             (SELECT position FROM maintenance WHERE job = ${EVENT_RETENTION_JOB}) AS purged`.execute(this.database.db);
    const max = Number(bounds.rows[0]?.max ?? 0);
    const purged = Number(bounds.rows[0]?.purged ?? 0);
    if (after > max || after < purged) return undefined;
    const rows = await this.database.db
      .selectFrom('events')
      .select(['id', 'type', 'audience', 'payload'])
      .where('id', '>', String(after))
      .where('id', '<=', String(upTo))
      .where((eb) => eb.or([eb('audience', 'is', null), eb(sql.val(user), '=', eb.fn.any('audience'))]))
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: Number(r.id), type: r.type as StoredEventType, audience: r.audience, payload: r.payload }));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
    await this.pumping;
  }
}
