/**
 * Versioned migrations at start-up. Replicas starting together take turns on a session advisory lock, so
 * each migration runs once and the others find the schema up to date; migrations run in one transaction.
 * A database that has run migrations this code does not know (a newer version of the server has been
 * there) is refused: running old code on it would corrupt what the newer code wrote.
 */
import { Migrator, sql } from 'kysely';
import type { Kysely } from 'kysely';
import { MIGRATIONS } from './migrations/index';

/** Arbitrary but fixed: two 32-bit keys, a space of their own beside the bigint keys Kysely uses. */
const LOCK = [0x50484f4e, 1] as const;

export class NewerSchemaError extends Error {
  constructor(readonly unknown: string[]) {
    super(
      `The database schema is newer than this server (it has migration ${unknown.join(', ')}, which this version does not know): ` +
        'run the newer version, or restore a backup made with this one',
    );
    this.name = 'NewerSchemaError';
  }
}

export interface MigrationResult {
  /** Migrations this start applied (empty when another replica had, or nothing was new). */
  applied: string[];
  /** The newest migration the database has now. */
  version: string;
}

export const LATEST_MIGRATION = Object.keys(MIGRATIONS).sort().at(-1)!;

async function executed(db: Kysely<unknown>): Promise<string[]> {
  const found = await sql<{ exists: boolean }>`SELECT to_regclass('kysely_migration') IS NOT NULL AS exists`.execute(db);
  if (!found.rows[0]?.exists) return [];
  const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
  return rows.rows.map((r) => r.name);
}

/** Migrates up to `target` (default: the newest this code knows); any Kysely will do, migrations know their tables. */
export async function migrate(db: Kysely<any>, target: string = LATEST_MIGRATION): Promise<MigrationResult> {
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${LOCK[0]}::int, ${LOCK[1]}::int)`.execute(conn);
    try {
      const done = await executed(conn);
      const unknown = done.filter((name) => !(name in MIGRATIONS));
      if (unknown.length > 0) throw new NewerSchemaError(unknown);
      const migrator = new Migrator({ db: conn, provider: { getMigrations: async () => MIGRATIONS } });
      const { error, results } = await migrator.migrateTo(target);
      if (error) throw error;
      const applied = (results ?? []).filter((r) => r.status === 'Success' && r.direction === 'Up').map((r) => r.migrationName);
      const now = await executed(conn);
      return { applied, version: now.at(-1) ?? '' };
    } finally {
      await sql`SELECT pg_advisory_unlock(${LOCK[0]}::int, ${LOCK[1]}::int)`.execute(conn);
    }
  });
}

/** The newest migration the database has run ('' for an empty database). */
export async function schemaVersion(db: Kysely<unknown>): Promise<string> {
  return (await executed(db)).at(-1) ?? '';
}
