/**
 * `npm run backup -- [file]` and `npm run restore -- <file>`: the call history, availability and the rest of
 * the database as a portable file (store/backup.ts), for the embedded database or the one DATABASE_URL names.
 * Backup works while the server runs (a consistent snapshot); restore wants every server stopped. Without
 * a running server, the embedded database is started for the job and stopped after.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import type pg from 'pg';
import { ConfigError, parseConfig } from './config';
import { backup, otherServers, readHeader, restore } from './store/backup';
import { openDatabase } from './store/database';
import { EmbeddedPostgres, runningEmbedded } from './store/embedded/cluster';

function fail(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const silent = { info() {}, warn() {}, error() {} };

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const [command, fileArg] = process.argv.slice(2);
  if (command !== 'backup' && command !== 'restore') fail('usage: npm run backup -- [file]   or   npm run restore -- <file>');
  if (command === 'restore' && !fileArg) fail('restore: name the backup file: npm run restore -- <file>');
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }

  let embedded: EmbeddedPostgres | undefined;
  let connection: pg.ClientConfig;
  if (config.databaseUrl !== undefined) {
    connection = { connectionString: config.databaseUrl };
  } else {
    const running = await runningEmbedded(config.localDataDir);
    if (running) connection = running;
    else {
      embedded = new EmbeddedPostgres({ localDataDir: config.localDataDir, log: { info: say, warn: say } });
      connection = (await embedded.start()).connection;
    }
  }
  const database = openDatabase(connection, { log: silent, max: 2, applicationName: 'softphone-backup' });
  try {
    if (command === 'backup') {
      const file = resolve(fileArg ?? join(config.localDataDir, 'backups', `softphone-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl.gz`));
      await mkdir(dirname(file), { recursive: true });
      const header = await backup(database.db, file);
      say(`Backed up ${summary(header.tables)} (schema ${header.schema}) to ${file}`);
    } else {
      const file = resolve(fileArg!);
      const header = await readHeader(file);
      const servers = await otherServers(database.db);
      if (servers > 0) fail(`restore: ${servers} server connection(s) use this database; stop every softphone server first (they cache what a restore replaces)`);
      await restore(database.db, file);
      say(`Restored ${summary(header.tables)} from ${file} (made ${header.exportedAt}, schema ${header.schema})`);
    }
  } finally {
    await database.close();
    await embedded?.stop();
  }
}

function summary(tables: Record<string, number>): string {
  return `${tables.calls ?? 0} calls (${tables.call_facts ?? 0} callbacks), ${tables.team_members ?? 0} team members, ${tables.events ?? 0} recent events`;
}

main().catch((err: unknown) => fail(`${process.argv[2] ?? 'backup'}: ${(err as Error).message.split('\n')[0]}`));
