/**
 * What a PostgreSQL data folder says about the server running on it: `postmaster.pid` (its process, socket
 * folder, port and readiness) and `PG_VERSION` (the major version that made it). Parsing is pure; the
 * process checks read /proc and send signal 0, nothing else.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface PostmasterInfo {
  pid: number;
  dataDir: string;
  port: number;
  /** The folder of its Unix socket, or '' when it listens on none. */
  socketDir: string;
  /** "ready" once it accepts connections; "starting", "stopping" or "standby" otherwise. */
  status: string;
}

/** postmaster.pid: pid, data folder, start time, port, socket folder, listen addresses, shared memory key, status. */
export function parsePostmasterPid(text: string): PostmasterInfo | undefined {
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return {
    pid,
    dataDir: lines[1] ?? '',
    port: Number.isInteger(port) ? port : 5432,
    socketDir: (lines[4] ?? '').trim(),
    status: (lines[7] ?? '').trim(),
  };
}

export async function readPostmaster(dataDir: string): Promise<PostmasterInfo | undefined> {
  try {
    return parsePostmasterPid(await readFile(join(dataDir, 'postmaster.pid'), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The major version a data folder was made by (PG_VERSION holds e.g. "18"), or undefined if it has none. */
export async function dataFolderMajor(dataDir: string): Promise<number | undefined> {
  try {
    const major = Number((await readFile(join(dataDir, 'PG_VERSION'), 'utf8')).trim());
    return Number.isInteger(major) ? major : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The parent process of `pid` (from /proc; undefined where there is no /proc or the process is gone). */
export function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces; the fields after it are plain.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(rest[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a PostgreSQL server process (by its command line; true where /proc cannot tell). */
export function isPostgresProcess(pid: number): boolean {
  try {
    return /postgres/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
}
