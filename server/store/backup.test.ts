/**
 * Backup and restore: every row of every table comes back as it was and ids continue after it; a restore
 * is all or nothing, refuses a damaged or foreign file and a database servers are using; and the commands
 * themselves, `npm run backup` beside a running server and `npm run restore` into a new data folder.
 */
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_TEAM_NUMBER } from '../../local-setup/demo';
import { callSid, scenarioArbitrary, scenarioDecision, scenarioRequests } from '../../test-support/call-scenarios';
import { quietLog, reachableTempDir, testDatabase } from '../../test-support/database';
import type { TestDatabase } from '../../test-support/database';
import { DEMO_PASSWORD, ROOT, localServerEnv, startLocalServer } from '../../test-support/local-server';
import { freePort, postSigned, signIn } from '../../test-support/node-client';
import fc from 'fast-check';
import { dialFact, statusFact, voiceFact } from '../history/facts';
import { HistoryRepository } from '../history/repository';
import { backup, otherServers, restore, TABLES } from './backup';
import { openDatabase } from './database';
import type { Database } from './database';

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
});

async function databaseWith(empty = false): Promise<{ tdb: TestDatabase; database: Database }> {
  const tdb = await testDatabase({ empty });
  const database = openDatabase(tdb.connection, { log: quietLog, applicationName: 'softphone-test' });
  cleanup.push(() => tdb.drop(), () => database.close());
  return { tdb, database };
}

async function dump(database: Database): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) out[t.name] = (await sql`SELECT * FROM ${sql.table(t.name)} ORDER BY ${sql.ref(t.key)}`.execute(database.db)).rows;
  return out;
}

describe('backup and restore', () => {
  it('brings back every row of every table, and new ids continue after the restored ones', async () => {
    const source = await databaseWith();
    await source.database.db.insertInto('team_members').values(['alice', 'bob', 'carol'].map((user_name) => ({ user_name, seen_up_to: null }))).execute();
    const history = new HistoryRepository(source.database.db);
    for (const s of fc.sample(scenarioArbitrary, 40)) {
      const { decision, target } = scenarioDecision(s);
      for (const r of scenarioRequests({ ...s, sid: callSid() })) {
        const fact = r.path === '/handle_calls' ? voiceFact(r.params, decision, target, r.at) : r.path === '/handle_calls/status' ? statusFact(r.params, r.at) : dialFact(r.params, r.at);
        await history.record([fact!]);
      }
    }
    await history.markSeen('bob', undefined);
    // Binary audio and the newer tables travel too.
    const [vm] = await sql<{ id: string }>`
      INSERT INTO voicemails (recording_sid, call_sid, duration_seconds, created_at) VALUES ('RE1', 'CA1', 3, now()) RETURNING id`.execute(source.database.db).then((r) => r.rows);
    const audio = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37) % 256));
    await sql`INSERT INTO voicemail_audio (voicemail_id, content_type, size, audio) VALUES (${vm!.id}, 'audio/wav', ${audio.length}, ${audio})`.execute(source.database.db);
    await sql`INSERT INTO personal_numbers (user_name, number) VALUES ('alice', '+14155550123')`.execute(source.database.db);
    const dir = await reachableTempDir('softphone-backup-');
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'b.jsonl.gz');
    const header = await backup(source.database.db, file);
    expect(header.tables.calls).toBe(40);

    const target = await databaseWith(true);
    await restore(target.database.db, file);
    expect(await dump(target.database)).toEqual(await dump(source.database));
    expect((await dump(target.database)).voicemail_audio).toMatchObject([{ audio }]);
    const before = await sql<{ id: string }>`SELECT max(id) AS id FROM events`.execute(target.database.db);
    await new HistoryRepository(target.database.db).markSeen('alice', undefined);
    const after = await sql<{ id: string }>`SELECT max(id) AS id FROM events`.execute(target.database.db);
    expect(Number(after.rows[0]!.id)).toBeGreaterThan(Number(before.rows[0]!.id));

    // A damaged file changes nothing: all or nothing.
    const lines = (await import('node:zlib')).gunzipSync(await readFile(file)).toString().split('\n');
    const damaged = join(dir, 'damaged.jsonl.gz');
    await writeFile(damaged, gzipSync(lines.slice(0, lines.length - 5).join('\n')));
    await expect(restore(target.database.db, damaged)).rejects.toThrow(/the file is damaged/);
    expect(await dump(target.database)).toMatchObject({ calls: (await dump(source.database)).calls });
    const foreign = join(dir, 'foreign.jsonl.gz');
    await writeFile(foreign, gzipSync('{"hello":"world"}\n'));
    await expect(restore(target.database.db, foreign)).rejects.toThrow(/is not a softphone backup/);
    const newer = join(dir, 'newer.jsonl.gz');
    await writeFile(newer, gzipSync(`${JSON.stringify({ ...header, schema: '9999-later' })}\n`));
    await expect(restore(target.database.db, newer)).rejects.toThrow(/newer than this server/);
  });

  it('lists every table of the schema, so none is left out of a backup', async () => {
    const { database } = await databaseWith();
    const r = await sql<{ name: string }>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'kysely_%'`.execute(database.db);
    expect(r.rows.map((t) => t.name).sort()).toEqual(TABLES.map((t) => t.name).sort());
  });

  it('counts the servers using a database (restore refuses while any is)', async () => {
    const { tdb, database } = await databaseWith();
    expect(await otherServers(database.db)).toBe(0);
    const server = openDatabase(tdb.connection, { log: quietLog });
    await sql`SELECT 1`.execute(server.db);
    expect(await otherServers(database.db)).toBe(1);
    await server.close();
  });
});

describe('npm run backup / npm run restore', () => {
  it('backs up beside a running server, refuses to restore under it, and restores into a new data folder', { timeout: 240_000 }, async () => {
    const run = promisify(execFile);
    const cli = (args: string[], dataDir: string) =>
      run(process.execPath, ['--import', 'tsx', join(ROOT, 'server/backup.ts'), ...args], { cwd: ROOT, env: localServerEnv({ LOCAL_DATA_DIR: dataDir }) });
    const first = await reachableTempDir('softphone-cli-');
    const second = await reachableTempDir('softphone-cli-');
    cleanup.push(() => rm(first, { recursive: true, force: true }), () => rm(second, { recursive: true, force: true }));
    const port = await freePort();
    let server = await startLocalServer(port, { dataDir: first, settings: { LOG_LEVEL: 'warn' } });
    cleanup.push(() => server.close());
    const { authToken, accountSid } = JSON.parse(await readFile(join(first, 'credentials.json'), 'utf8')) as { authToken: string; accountSid: string };
    const from = '+14155550166';
    const res = await postSigned(server.origin, server.origin, authToken, '/handle_calls/status', {
      AccountSid: accountSid, CallSid: callSid(), From: from, To: LOCAL_TEAM_NUMBER, CallStatus: 'completed', Direction: 'inbound', SequenceNumber: '0', Timestamp: new Date().toUTCString(),
    });
    expect(res.status).toBe(204);

    const file = join(first, 'kept.jsonl.gz');
    const made = await cli(['backup', file], first);
    expect(made.stdout).toMatch(/^Backed up 1 calls \(1 callbacks\), 3 team members/);
    await expect(cli(['restore', file], first)).rejects.toMatchObject({ stderr: expect.stringMatching(/^restore: \d+ server connection\(s\) use this database; stop every softphone server first/) });
    await server.close();

    const restored = await cli(['restore', file], second);
    expect(restored.stdout).toMatch(/Restored 1 calls/);
    server = await startLocalServer(port, { dataDir: second, settings: { LOG_LEVEL: 'warn' } });
    const alice = await signIn(server.origin, 'alice', DEMO_PASSWORD);
    const list = await alice.json<{ items: { from: string; outcome: string }[] }>('GET', '/api/calls');
    expect(list.body.items).toEqual([expect.objectContaining({ from, outcome: 'missed' })]);
    await server.close();
  });
});
