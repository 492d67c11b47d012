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
import { EmbeddedPostgres } from '../server/store/embedded/cluster';
import { openStore } from '../server/store/store';
import type { Store, StoreOptions } from '../server/store/store';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test cluster's admin URL: TEST_DATABASE_URL, or the embedded cluster of this run. */
    databaseUrl: string;
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

/** A new, empty database on the test cluster. */
export async function testDatabase(adminUrl: string = inject('databaseUrl')): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
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

/** A store on a fresh test database for `config`'s users; closing it drops the database. */
export async function testStore(
  config: Pick<AppConfig, 'users' | 'historyRetentionDays' | 'localDataDir' | 'account'>,
  options: Partial<StoreOptions> = {},
): Promise<Store & { database: TestDatabase }> {
  const database = await testDatabase();
  const store = await openStore(
    { users: config.users, historyRetentionDays: config.historyRetentionDays, localDataDir: config.localDataDir, teamNumber: config.account.teamNumber },
    { log: quietLog, jobs: false, ...options, connection: database.connection },
  );
  const close = store.close;
  store.close = async () => {
    await close();
    await database.drop();
  };
  return Object.assign(store, { database });
}
