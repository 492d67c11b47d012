/**
 * Migrations: replicas starting at once run each migration once; a schema newer than the code is refused
 * with one line; and a store whose external database does not answer at start starts degraded (calls must
 * still connect) and opens once the database is there.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { quietLog, startTestCluster, testDatabase } from '../../test-support/database';
import type { TestDatabase } from '../../test-support/database';
import { eventually } from '../../test-support/wait';
import { openDatabase } from './database';
import { LATEST_MIGRATION, migrate, NewerSchemaError } from './migrate';
import { MIGRATIONS } from './migrations/index';
import { openStore } from './store';

const dropped: TestDatabase[] = [];
afterAll(async () => {
  for (const d of dropped) await d.drop();
});

const storeConfig = { users: [{ name: 'alice' }], historyRetentionDays: 365, localDataDir: '.local', teamNumber: '+12025550100' };

describe('migrations', () => {
  it('two replicas starting at once: every migration runs once, both end up on the newest schema', async () => {
    const tdb = await testDatabase({ empty: true });
    dropped.push(tdb);
    const replicas = [openDatabase(tdb.connection, { log: quietLog }), openDatabase(tdb.connection, { log: quietLog })];
    const results = await Promise.all(replicas.map((r) => migrate(r.db)));
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, Object.keys(MIGRATIONS).length]);
    expect(results.every((r) => r.version === LATEST_MIGRATION)).toBe(true);
    const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(replicas[0]!.db);
    expect(rows.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
    for (const r of replicas) await r.close();
  });

  it('refuses a database a newer server has migrated, in one line, and so does opening the store', async () => {
    const tdb = await testDatabase();
    dropped.push(tdb);
    const database = openDatabase(tdb.connection, { log: quietLog });
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', now()::text)`.execute(database.db);
    const error = await migrate(database.db).catch((e: Error) => e);
    expect(error).toBeInstanceOf(NewerSchemaError);
    expect((error as Error).message).toMatch(/^The database schema is newer than this server \(it has migration 9999-from-the-future/);
    expect((error as Error).message).not.toContain('\n');
    await database.close();
    await expect(openStore(storeConfig, { log: quietLog, jobs: false, connection: tdb.connection })).rejects.toBeInstanceOf(NewerSchemaError);
  });
});

describe('a database that does not answer at start', () => {
  it('the store starts degraded and opens by itself once the database is there', { timeout: 120_000 }, async () => {
    const cluster = await startTestCluster();
    const url = cluster.url;
    await cluster.cluster.stop();
    const store = await openStore(storeConfig, { log: quietLog, jobs: false, connection: { connectionString: url } });
    try {
      expect(store.migration).toBeUndefined();
      expect(store.health.status).toBe('degraded');
      expect(store.team.available()).toEqual(new Set(['alice']));
      await cluster.cluster.start();
      await eventually(() => store.migration !== undefined, 'the store opened', 60_000);
      await eventually(() => store.health.status === 'ok', 'healthy again', 30_000);
      expect(store.migration!.version).toBe(LATEST_MIGRATION);
      expect(await store.history.unseen('alice')).toEqual({ missedCalls: 0, voicemails: 0, seenUpTo: null });
    } finally {
      await store.close();
      await cluster.stop();
    }
  });
});
