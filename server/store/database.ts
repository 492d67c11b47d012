/**
 * The connection to PostgreSQL: a `pg` pool under Kysely (every query built with Kysely's parameters), and
 * the store's health. Connection failures mark the store degraded at once; while degraded a probe tries
 * the database every few seconds and reports its return, which sets healing and the event stream's
 * catch-up going. Queries fail fast instead of queueing while the database is away.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { PostgresPool } from 'kysely';
import pg from 'pg';
import type { Schema } from './schema';

export type Db = Kysely<Schema>;

export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type HealthStatus = 'ok' | 'degraded';

const PROBE_INTERVAL_MS = 2000;
/** Network and server-state failures: the database is not there, as opposed to a query it refused. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '53300']);

export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (e?.code && (UNAVAILABLE_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i.test(e?.message ?? '');
}

/** Whether the database answers, since when it does not, and why. */
export class StoreHealth {
  status: HealthStatus = 'ok';
  since = new Date();
  reason: string | undefined;
  private readonly listeners = new Set<(status: HealthStatus) => void>();

  constructor(private readonly log: StoreLogger) {}

  onChange(listener: (status: HealthStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  failed(err: unknown): void {
    if (!isUnavailable(err)) return;
    const reason = (err as Error).message?.split('\n')[0] ?? String(err);
    if (this.status === 'degraded') return;
    this.status = 'degraded';
    this.since = new Date();
    this.reason = reason;
    this.log.error({ event: 'store-degraded', reason }, 'database unavailable: history, presence changes and live events are degraded; calls still connect');
    for (const l of this.listeners) l('degraded');
  }

  recovered(): void {
    if (this.status === 'ok') return;
    const downMs = Date.now() - this.since.getTime();
    this.status = 'ok';
    this.since = new Date();
    this.reason = undefined;
    this.log.info({ event: 'store-recovered', downMs }, 'database available again');
    for (const l of this.listeners) l('ok');
  }
}

export interface Database {
  db: Db;
  health: StoreHealth;
  /** A connection of its own (LISTEN), outside the pool. */
  connect(): Promise<pg.Client>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  log: StoreLogger;
  /** Pool size (default 10). */
  max?: number;
}

export function openDatabase(connection: pg.ClientConfig, options: DatabaseOptions): Database {
  const config: pg.PoolConfig = {
    ...connection,
    max: options.max ?? 10,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    application_name: 'softphone',
    statement_timeout: 10_000,
    query_timeout: 12_000,
  };
  const pool = new pg.Pool(config);
  const health = new StoreHealth(options.log);
  // An idle client whose server went away: note it, never crash.
  pool.on('error', (err) => health.failed(err));
  const tracked: PostgresPool = {
    async connect() {
      try {
        const client = await pool.connect();
        health.recovered();
        return client;
      } catch (err) {
        health.failed(err);
        throw err;
      }
    },
    end: () => pool.end(),
  };
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: tracked }) });

  let closed = false;
  const probe = setInterval(() => {
    if (health.status === 'ok' || closed) return;
    sql`SELECT 1`.execute(db).catch(() => undefined);
  }, PROBE_INTERVAL_MS);
  probe.unref();

  return {
    db,
    health,
    async connect() {
      const client = new pg.Client({ ...connection, application_name: 'softphone', connectionTimeoutMillis: 3000 } as pg.ClientConfig);
      try {
        await client.connect();
      } catch (err) {
        health.failed(err);
        client.end().catch(() => undefined);
        throw err;
      }
      return client;
    },
    async close() {
      closed = true;
      clearInterval(probe);
      await db.destroy();
    },
  };
}
