/**
 * Real PostgreSQL for tests. `npm test` starts one embedded cluster for the whole run (vitest's global
 * setup below, a throwaway cluster without fsync); with TEST_DATABASE_URL the same tests run against that
 * server instead (its user needs CREATEDB). Each test file gets a database of its own, dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { AppConfig } from '../server/config';
import { openDatabase, type Database } from '../server/store/database';
import { EmbeddedPostgres } from '../server/store/embedded/cluster';
import { isAlive, readPostmaster } from '../server/store/embedded/postmaster';
import { migrate } from '../server/store/migrate';
import { openStore } from '../server/store/store';
import type { Store, StoreOptions } from '../server/store/store';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test cluster's admin URL: TEST_DATABASE_URL, or the embedded cluster of this run. */
    databaseUrl: string;
    /** A database on it with the current schema, copied for each test database (CREATE DATABASE … TEMPLATE). */
    databaseTemplate: string;
  }
}

/** A folder the `postgres` user can reach when tests run as root (mkdtemp makes 0700 folders). */
export async function reachableTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o711);
  return dir;
}

export interface TestCluster {
  url: string;
  stop(): Promise<void>;
}

/** An embedded cluster in a fresh folder, for a test run or a test of its own; removed on stop. */
export async function startTestCluster(options: { tcpPort?: number; durable?: boolean } = {}): Promise<TestCluster & { cluster: EmbeddedPostgres; dir: string }> {
  const dir = await reachableTempDir('softphone-pg-');
  const quiet = { info() {}, warn() {} };
  const cluster = new EmbeddedPostgres({
    localDataDir: dir,
    log: quiet,
    ...(options.tcpPort === undefined ? {} : { tcpPort: options.tcpPort }),
    ...(options.durable ? {} : { settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } }),
  });
  const started = await cluster.start();
  return {
    url: started.url,
    cluster,
    dir,
    async stop() {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface TestDatabase {
  url: string;
  connection: pg.ClientConfig;
  drop(): Promise<void>;
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/** Makes the template the test databases are copied from: migrated once per run, not once per test. */
export async function createTemplate(adminUrl: string): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `softphone_template_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const database = openDatabase({ connectionString: withDatabase(adminUrl, name) }, { log: quietLog, max: 1 });
  try {
    await migrate(database.db);
  } finally {
    await database.close();
  }
  return { name, drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`) };
}

/**
 * A new database on the test cluster: with the current schema (a copy of the run's template), or empty
 * for tests of the migrations themselves.
 */
export async function testDatabase(options: { empty?: boolean; adminUrl?: string; template?: string } = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? inject('databaseUrl');
  const template = options.empty ? 'template1' : (options.template ?? inject('databaseTemplate'));
  const name = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`);
  const url = withDatabase(adminUrl, name);
  return {
    url,
    connection: { connectionString: url },
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export const quietLog = { info() {}, warn() {}, error() {} };

/** A fresh test database opened as the server opens it (quietly); `close` closes it and drops it. */
export async function openTestDatabase(): Promise<{ database: Database; close(): Promise<void> }> {
  const tdb = await testDatabase();
  const database = openDatabase(tdb.connection, { log: quietLog });
  const close = async () => {
    await database.close();
    await tdb.drop();
  };
  return { database, close };
}

type StoreConfigOf = Pick<AppConfig, 'users' | 'historyRetentionDays' | 'localDataDir' | 'account'> & Partial<Pick<AppConfig, 'messageRetentionDays' | 'voicemail'>>;

const storeConfig = (config: StoreConfigOf) => ({
  users: config.users,
  historyRetentionDays: config.historyRetentionDays,
  messageRetentionDays: config.messageRetentionDays,
  voicemailRetentionDays: config.voicemail?.retentionDays,
  localDataDir: config.localDataDir,
  teamNumber: config.account.teamNumber,
});

/** A store on a fresh test database for `config`'s users; closing it drops the database. */
export async function testStore(config: StoreConfigOf, options: Partial<StoreOptions> & { database?: TestDatabase } = {}): Promise<Store & { database: TestDatabase }> {
  const database = options.database ?? (await testDatabase());
  const store = await openStore(
    storeConfig(config),
    { log: quietLog, jobs: false, ...options, connection: database.connection },
  );
  const close = store.close;
  store.close = async () => {
    await close();
    await database.drop();
  };
  return Object.assign(store, { database });
}

/** Outside vitest (the bench): a store on an embedded cluster of its own, stopped and removed on close. */
export async function standaloneStore(config: StoreConfigOf, options: Partial<StoreOptions> = {}): Promise<Store> {
  const cluster = await startTestCluster({ durable: true });
  const store = await openStore(
    storeConfig(config),
    { log: quietLog, jobs: false, ...options, connection: { connectionString: cluster.url } },
  );
  const close = store.close;
  store.close = async () => {
    await close();
    await cluster.stop();
  };
  return store;
}

/**
 * Stops a PostgreSQL a killed test server left running on `localDataDir` (its embedded database), so that a
 * failing test leaves no process behind.
 */
export async function stopLeftOverPostgres(localDataDir: string): Promise<void> {
  const info = await readPostmaster(join(localDataDir, 'postgres', 'data'));
  if (!info || !isAlive(info.pid)) return;
  process.kill(info.pid, 'SIGINT');
  for (let i = 0; i < 200 && isAlive(info.pid); i++) await new Promise((r) => setTimeout(r, 50));
}

/** One query on its own connection, as another client of the database would run it. */
export async function queryRows<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
