/**
 * Where the embedded database lives. Normally in LOCAL_DATA_DIR/postgres. As root it runs as the `postgres`
 * user (PostgreSQL refuses to run as root), and that user must pass through every folder above its data:
 * one 0700 folder on the way (root's home, a `mktemp -d` folder) makes initdb fail with "Permission denied".
 * LOCAL_DATA_DIR itself is the server's own folder, so it is opened for passing through (0711: no listing,
 * its files stay 0600); folders above it are never changed. When one of them blocks the way, the data goes
 * to a folder of its own under /var/tmp (kept across reboots), named after LOCAL_DATA_DIR, and the server
 * says so at start. A folder that already holds the data wins, so the data never moves by itself.
 */
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';

/** The account PostgreSQL runs as when the server runs as root. */
export interface OsUser {
  name: string;
  uid: number;
  gid: number;
  /** Every group it belongs to, its own included. */
  groups: readonly number[];
}

export interface FolderStat {
  mode: number;
  uid: number;
  gid: number;
}

export const FALLBACK_ROOT = '/var/tmp/softphone-postgres';

export function canPassThrough(stat: FolderStat, user: OsUser): boolean {
  if (stat.uid === user.uid) return (stat.mode & 0o100) !== 0;
  if (user.groups.includes(stat.gid)) return (stat.mode & 0o010) !== 0;
  return (stat.mode & 0o001) !== 0;
}

/** `path` and every folder above it, from the root down. */
export function foldersDownTo(path: string): string[] {
  const out: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    out.unshift(p);
    if (dirname(p) === p) return out;
  }
}

export interface HomeInput {
  /** LOCAL_DATA_DIR, absolute. */
  localDataDir: string;
  /** Set when running as root: the account PostgreSQL runs as. */
  user?: OsUser;
  /** stat() of a folder, undefined when it does not exist yet. */
  stat(path: string): FolderStat | undefined;
  /** Whether a home already holds a database. */
  hasDatabase(home: string): boolean;
}

export interface HomeChoice {
  /** The folder holding the cluster (`data/`), its log and its owner file. */
  home: string;
  /** LOCAL_DATA_DIR needs o+x so that the postgres user can pass through it. */
  openLocalDataDir: boolean;
  /** Why the data is not under LOCAL_DATA_DIR, to say at start. */
  note?: string;
}

export function fallbackHome(localDataDir: string): string {
  return join(FALLBACK_ROOT, createHash('sha256').update(resolve(localDataDir)).digest('hex').slice(0, 16));
}

export function chooseHome(input: HomeInput): HomeChoice {
  const local = join(input.localDataDir, 'postgres');
  const user = input.user;
  if (!user) return { home: local, openLocalDataDir: false };

  const localStat = input.stat(input.localDataDir);
  const openLocalDataDir = localStat !== undefined && !canPassThrough(localStat, user);
  const blocked = foldersDownTo(dirname(input.localDataDir)).filter((folder) => {
    const stat = input.stat(folder);
    return stat !== undefined && !canPassThrough(stat, user);
  });
  const fallback = fallbackHome(input.localDataDir);

  if (input.hasDatabase(local)) {
    if (blocked.length > 0) {
      throw new Error(
        `LOCAL_DATA_DIR: the user ${user.name} that runs the embedded database cannot pass through ${blocked[0]}; ` +
          `allow it (chmod o+x ${blocked[0]}) or move ${local} to a reachable folder`,
      );
    }
    return { home: local, openLocalDataDir };
  }
  if (input.hasDatabase(fallback) || blocked.length > 0) {
    const reason = blocked.length > 0 ? `the user ${user.name} cannot pass through ${blocked[0]}` : 'it was made there before';
    return { home: fallback, openLocalDataDir: false, note: `The embedded database is kept in ${fallback}: ${reason} on the way to ${local}.` };
  }
  return { home: local, openLocalDataDir };
}
