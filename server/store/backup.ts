/**
 * Backup and restore as data, through the query layer: one consistent snapshot of the app's tables
 * (a REPEATABLE READ transaction) written as gzipped JSON lines, and read back into a database migrated to
 * the backup's schema, then migrated to the newest. It needs no PostgreSQL client programs (the embedded
 * package ships none), works the same on the embedded database and on DATABASE_URL, and moves data across
 * PostgreSQL major versions, which a copy of the data folder cannot.
 *
 * File: a header line `{"format":"softphone-backup","version":1,"schema":…,"tables":{name: rows}}`, then one
 * line per row, `{"t": table, "r": row}`, table after table in key order.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { LATEST_MIGRATION, migrate, NewerSchemaError, schemaVersion } from './migrate';
import { MIGRATIONS } from './migrations/index';

export const BACKUP_FORMAT = 'softphone-backup';
const BATCH = 1000;

/** The app's tables and their keys, in an order that restores cleanly. */
export const TABLES: readonly { name: string; key: string; since?: string }[] = [
  { name: 'team_members', key: 'user_name' },
  { name: 'calls', key: 'id' },
  { name: 'call_facts', key: 'id' },
  { name: 'events', key: 'id' },
  { name: 'maintenance', key: 'job' },
  // `since`: the migration that made the table; a backup of an older schema has none to restore or empty.
  { name: 'conversations', key: 'id', since: '0002-messages' },
  { name: 'messages', key: 'id', since: '0002-messages' },
  { name: 'message_statuses', key: 'id', since: '0002-messages' },
  { name: 'conversation_reads', key: 'id', since: '0002-messages' },
  { name: 'voicemails', key: 'id', since: '0003-voicemail' },
  { name: 'voicemail_audio', key: 'voicemail_id', since: '0005-voicemail-audio' },
  { name: 'personal_numbers', key: 'user_name', since: '0006-personal-numbers' },
];

/** The tables a database at `schema` has. */
const tablesAt = (schema: string) => TABLES.filter((t) => t.since === undefined || t.since <= schema);
/** Sequences behind generated ids, set past the restored rows. */
const SEQUENCES: readonly { table: string; column: string }[] = [
  { table: 'calls', column: 'id' },
  { table: 'call_facts', column: 'id' },
  { table: 'events', column: 'id' },
  { table: 'conversations', column: 'id' },
  { table: 'messages', column: 'id' },
  { table: 'message_statuses', column: 'id' },
  { table: 'conversation_reads', column: 'id' },
  { table: 'voicemails', column: 'id' },
];

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: 1;
  schema: string;
  exportedAt: string;
  tables: Record<string, number>;
}

type AnyDb = Kysely<any>;
type Row = Record<string, unknown>;

/** Every row of one table, in key order, a batch at a time (keyset, so the snapshot's cost stays flat). */
async function* rowsOf(db: AnyDb, table: string, key: string): AsyncGenerator<Row> {
  let after: unknown;
  for (;;) {
    const condition = after === undefined ? sql`TRUE` : sql`${sql.ref(key)} > ${after}`;
    const result = await sql<Row>`SELECT * FROM ${sql.table(table)} WHERE ${condition} ORDER BY ${sql.ref(key)} LIMIT ${BATCH}`.execute(db);
    for (const row of result.rows) yield row;
    if (result.rows.length < BATCH) return;
    after = result.rows.at(-1)![key];
  }
}

// Binary columns (voicemail audio) travel as base64 under a key no JSON column of the app uses.
const withBytesAsText = (row: Row): Row =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Buffer.isBuffer(v) ? { $bytes: v.toString('base64') } : v]));
const isBytes = (v: unknown): v is { $bytes: string } =>
  v !== null && typeof v === 'object' && typeof (v as { $bytes?: unknown }).$bytes === 'string' && Object.keys(v).length === 1;

/** Writes a backup of `db` to `file`; returns its header (what it holds). */
export async function backup(db: AnyDb, file: string): Promise<BackupHeader> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
    const schema = await schemaVersion(trx);
    if (schema === '') throw new Error('The database has no softphone schema yet: nothing to back up');
    const counts: Record<string, number> = {};
    for (const t of tablesAt(schema)) {
      const r = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(t.name)}`.execute(trx);
      counts[t.name] = Number(r.rows[0]!.n);
    }
    const header: BackupHeader = { format: BACKUP_FORMAT, version: 1, schema, exportedAt: new Date().toISOString(), tables: counts };
    async function* lines(): AsyncGenerator<string> {
      yield `${JSON.stringify(header)}\n`;
      for (const t of tablesAt(schema)) for await (const row of rowsOf(trx, t.name, t.key)) yield `${JSON.stringify({ t: t.name, r: withBytesAsText(row) })}\n`;
    }
    await pipeline(Readable.from(lines()), createGzip(), createWriteStream(file, { mode: 0o600 }));
    return header;
  });
}

async function* linesOf(file: string): AsyncGenerator<string> {
  const input = createReadStream(file).pipe(createGunzip());
  const reader = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of reader) if (line !== '') yield line;
  } finally {
    reader.close();
    input.destroy();
  }
}

export async function readHeader(file: string): Promise<BackupHeader> {
  for await (const line of linesOf(file)) {
    const header = JSON.parse(line) as BackupHeader;
    if (header.format !== BACKUP_FORMAT || header.version !== 1) throw new Error(`${file} is not a softphone backup`);
    return header;
  }
  throw new Error(`${file} is empty`);
}

/**
 * Replaces everything in `db` with the backup in `file`: the schema first brought to the backup's version,
 * the rows loaded in one transaction (all or nothing), then the newest migrations run.
 */
export async function restore(db: AnyDb, file: string): Promise<BackupHeader> {
  const header = await readHeader(file);
  if (!(header.schema in MIGRATIONS)) throw new NewerSchemaError([header.schema]);
  const current = await schemaVersion(db);
  if (current !== '' && current > header.schema) {
    throw new Error(`The database has a newer schema (${current}) than the backup (${header.schema}): restore into an empty database`);
  }
  await migrate(db, header.schema);
  const loaded: Record<string, number> = {};
  await db.transaction().execute(async (trx) => {
    await sql`TRUNCATE ${sql.join(tablesAt(header.schema).map((t) => sql.table(t.name)))}`.execute(trx);
    let batch: Row[] = [];
    let table = '';
    const flush = async () => {
      if (batch.length === 0) return;
      // Values go in as they were read: JSON (facts, payloads) as text, arrays and times as PostgreSQL takes them.
      const rows = batch.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, isBytes(v) ? Buffer.from(v.$bytes, 'base64') : v !== null && typeof v === 'object' && !Array.isArray(v) ? JSON.stringify(v) : v])));
      await trx.insertInto(table).values(rows).execute();
      loaded[table] = (loaded[table] ?? 0) + batch.length;
      batch = [];
    };
    let first = true;
    for await (const line of linesOf(file)) {
      if (first) {
        first = false;
        continue;
      }
      const { t, r } = JSON.parse(line) as { t: string; r: Row };
      if (!tablesAt(header.schema).some((x) => x.name === t)) throw new Error(`${file}: unknown table ${t}`);
      if (t !== table || batch.length >= 500) {
        await flush();
        table = t;
      }
      batch.push(r);
    }
    await flush();
    for (const s of SEQUENCES.filter((q) => tablesAt(header.schema).some((t) => t.name === q.table))) {
      await sql`SELECT setval(pg_get_serial_sequence(${s.table}, ${s.column}), coalesce((SELECT max(${sql.ref(s.column)}) FROM ${sql.table(s.table)}), 0) + 1, false)`.execute(trx);
    }
  });
  for (const [name, count] of Object.entries(header.tables)) {
    if ((loaded[name] ?? 0) !== count) throw new Error(`${file}: ${name} holds ${loaded[name] ?? 0} rows, the header says ${count}; the file is damaged`);
  }
  if (header.schema !== LATEST_MIGRATION) await migrate(db);
  return header;
}

/** Other servers connected to this database (they cache the team and would not see the restore). */
export async function otherServers(db: AnyDb): Promise<number> {
  const r = await sql<{ n: string }>`
    SELECT count(*) AS n FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = 'softphone' AND pid <> pg_backend_pid()`.execute(db);
  return Number(r.rows[0]!.n);
}

