/**
 * The embedded PostgreSQL: where its data goes (as root, through folders its user can pass), that data
 * survives a restart, a server killed without a goodbye leaves a PostgreSQL that the next start stops
 * cleanly, a live owner is not robbed of it, and a data folder of another major version or a stray folder is
 * refused with one line that says what to do.
 */
import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { reachableTempDir } from '../../../test-support/database';
import { ROOT } from '../../../test-support/local-server';
import { eventually } from '../../../test-support/wait';
import { canPassThrough, chooseHome, fallbackHome, foldersDownTo } from './folder';
import type { FolderStat, OsUser } from './folder';
import { EmbeddedPostgres } from './cluster';
import { isAlive, parsePostmasterPid } from './postmaster';

const postgresUser: OsUser = { name: 'postgres', uid: 101, gid: 104, groups: [104] };
const dir = (mode: number, uid = 0, gid = 0): FolderStat => ({ mode: 0o040000 | mode, uid, gid });

describe('where the data goes', () => {
  const stats = (table: Record<string, FolderStat>) => (path: string) => table[path];
  const base = { '/': dir(0o755), '/srv': dir(0o755), '/srv/app': dir(0o755) };
  const cases: [string, Record<string, FolderStat>, string, boolean, string | undefined, boolean][] = [
    // name, folders, LOCAL_DATA_DIR, data already in the fallback, expected home ('local' | 'fallback'), open LOCAL_DATA_DIR
    ['everything passable', { ...base, '/srv/app/.local': dir(0o755) }, '/srv/app/.local', false, 'local', false],
    ['LOCAL_DATA_DIR 0700 (as made): opened to 0711', { ...base, '/srv/app/.local': dir(0o700) }, '/srv/app/.local', false, 'local', true],
    ['root\'s home above it', { '/': dir(0o755), '/root': dir(0o700), '/root/app': dir(0o755), '/root/app/.local': dir(0o700) }, '/root/app/.local', false, 'fallback', false],
    ['a mktemp -d folder above it', { '/': dir(0o755), '/tmp': dir(0o1777), '/tmp/tmp.x': dir(0o700), '/tmp/tmp.x/.local': dir(0o700) }, '/tmp/tmp.x/.local', false, 'fallback', false],
    ['a group folder of the postgres group', { ...base, '/srv/app': dir(0o750, 0, 104), '/srv/app/.local': dir(0o700) }, '/srv/app/.local', false, 'local', true],
    ['data already in the fallback stays there', { ...base, '/srv/app/.local': dir(0o755) }, '/srv/app/.local', true, 'fallback', false],
  ];
  it.each(cases)('%s', (_name, folders, local, inFallback, expected, open) => {
    const choice = chooseHome({ localDataDir: local, user: postgresUser, stat: stats(folders), hasDatabase: (home) => inFallback && home === fallbackHome(local) });
    expect(choice.home).toBe(expected === 'local' ? join(local, 'postgres') : fallbackHome(local));
    expect(choice.openLocalDataDir).toBe(open);
    if (expected === 'fallback' && !inFallback) expect(choice.note).toMatch(/cannot pass through \/(root|tmp\/tmp\.x)/);
  });

  it('not as root: always under LOCAL_DATA_DIR, nothing changed', () => {
    expect(chooseHome({ localDataDir: '/root/x', stat: () => dir(0o700), hasDatabase: () => false })).toEqual({ home: '/root/x/postgres', openLocalDataDir: false });
  });

  it('data under an unreachable LOCAL_DATA_DIR is not moved behind its back: one line says what to do', () => {
    const folders = { '/': dir(0o755), '/root': dir(0o700), '/root/.local': dir(0o700) };
    expect(() => chooseHome({ localDataDir: '/root/.local', user: postgresUser, stat: stats(folders), hasDatabase: (h) => h === '/root/.local/postgres' })).toThrow(
      /^LOCAL_DATA_DIR: the user postgres .* cannot pass through \/root; allow it \(chmod o\+x \/root\) or move/,
    );
  });

  it('reads folder permissions as the kernel does', () => {
    expect(canPassThrough(dir(0o700, 101), postgresUser)).toBe(true);
    expect(canPassThrough(dir(0o770, 0, 104), postgresUser)).toBe(true);
    expect(canPassThrough(dir(0o706, 0, 104), postgresUser)).toBe(false);
    expect(canPassThrough(dir(0o711), postgresUser)).toBe(true);
    expect(foldersDownTo('/a/b')).toEqual(['/', '/a', '/a/b']);
  });

  it('reads postmaster.pid', () => {
    const text = '4242\n/srv/data\n1700000000\n5432\n/srv/data\n\n  1234   5678\nready   \n';
    expect(parsePostmasterPid(text)).toEqual({ pid: 4242, dataDir: '/srv/data', port: 5432, socketDir: '/srv/data', status: 'ready' });
    expect(parsePostmasterPid('garbage')).toBeUndefined();
  });
});

const quiet = { info() {}, warn() {} };
const folders: string[] = [];
afterAll(async () => {
  for (const f of folders) await rm(f, { recursive: true, force: true });
});

async function query(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** A process owning the cluster in `local`, for killing. */
function owner(local: string): Promise<{ pid: number; postgresPid: number; url: string; child: ReturnType<typeof spawn> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test-support/embedded-owner.ts'), local], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /ready (\d+) (\S+)/.exec(out);
      if (m) resolve({ pid: child.pid!, postgresPid: Number(m[1]), url: m[2]!, child });
    });
    child.stderr!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('exit', (code) => reject(new Error(`owner exited (${code}): ${out}`)));
  });
}

describe('the embedded cluster', () => {
  it('keeps its data across restarts, and a server killed with SIGKILL leaves a PostgreSQL the next start stops cleanly', { timeout: 120_000 }, async () => {
    const local = await reachableTempDir('softphone-embedded-');
    folders.push(local);
    const first = await owner(local);
    await query(first.url, 'CREATE TABLE kept (n int)');
    await query(first.url, 'INSERT INTO kept VALUES (42)');

    // Another server on the same folder while the owner lives: refused, the owner's database untouched.
    await expect(new EmbeddedPostgres({ localDataDir: local, log: quiet }).start()).rejects.toThrow(/^LOCAL_DATA_DIR: the embedded database in .* is in use by another server \(process \d+\)/);
    expect(isAlive(first.postgresPid)).toBe(true);

    first.child.kill('SIGKILL');
    await eventually(() => first.child.exitCode !== null || first.child.signalCode !== null, 'the owner died');
    expect(isAlive(first.postgresPid), 'PostgreSQL outlives a SIGKILLed server').toBe(true);

    const warnings: string[] = [];
    const next = new EmbeddedPostgres({ localDataDir: local, log: { info() {}, warn: (m) => warnings.push(m) } });
    const started = await next.start();
    try {
      expect(warnings.join('\n')).toMatch(/left running by a server that did not shut down/);
      expect(isAlive(first.postgresPid)).toBe(false);
      expect(started.initialised).toBe(false);
      expect((await query(started.url, 'SELECT n FROM kept')).rows).toEqual([{ n: 42 }]);
    } finally {
      await next.stop();
    }
    expect(isAlive(started.pid)).toBe(false);
  });

  it('refuses a data folder of another PostgreSQL version, and a stray folder, with one line each', async () => {
    const local = await reachableTempDir('softphone-embedded-');
    folders.push(local);
    const data = join(local, 'postgres', 'data');
    await mkdir(data, { recursive: true });
    await writeFile(join(data, 'PG_VERSION'), '16\n');
    const error = await new EmbeddedPostgres({ localDataDir: local, log: quiet }).start().catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^LOCAL_DATA_DIR: .* holds a PostgreSQL 16 database and this server runs PostgreSQL \d+; to move the data, run `npm run backup`/);
    expect((error as Error).message).not.toContain('\n');

    await rm(join(data, 'PG_VERSION'));
    await writeFile(join(data, 'something'), 'x');
    await expect(new EmbeddedPostgres({ localDataDir: local, log: quiet }).start()).rejects.toThrow(/^LOCAL_DATA_DIR: .* is not empty but holds no database/);
  });
});
