/**
 * As root, the embedded PostgreSQL runs as the system user `postgres` (PostgreSQL refuses to run as root).
 * An existing one is used as it is; otherwise it is created, as a system account without a login shell.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { OsUser } from './folder';

const run = promisify(execFile);
export const POSTGRES_OS_USER = 'postgres';

async function lookup(name: string): Promise<OsUser | undefined> {
  try {
    const [uid, gid, groups] = await Promise.all([
      run('id', ['-u', name]),
      run('id', ['-g', name]),
      run('id', ['-G', name]),
    ]);
    return {
      name,
      uid: Number(uid.stdout.trim()),
      gid: Number(gid.stdout.trim()),
      groups: groups.stdout.trim().split(/\s+/).map(Number),
    };
  } catch {
    return undefined;
  }
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The account to run PostgreSQL as, created if missing; `created` says whether it was. */
export async function postgresOsUser(): Promise<{ user: OsUser; created: boolean }> {
  const existing = await lookup(POSTGRES_OS_USER);
  if (existing) return { user: existing, created: false };
  try {
    await run('groupadd', ['--system', POSTGRES_OS_USER]).catch(() => undefined);
    await run('useradd', ['--system', '--gid', POSTGRES_OS_USER, '--no-create-home', '--shell', '/usr/sbin/nologin', POSTGRES_OS_USER]);
  } catch (err) {
    throw new Error(
      `PostgreSQL refuses to run as root and the user "${POSTGRES_OS_USER}" could not be created (${(err as Error).message.split('\n')[0]}); ` +
        'create it, run the server as another user, or set DATABASE_URL',
    );
  }
  const created = await lookup(POSTGRES_OS_USER);
  if (!created) throw new Error(`The user "${POSTGRES_OS_USER}" was created but cannot be found`);
  return { user: created, created: true };
}
