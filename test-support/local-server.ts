/**
 * The one way tests and benches start a real server (`server/main.ts`, or `emulator/main.ts` on its own)
 * as a child process and wait until it answers: the browser suite's server (e2e/global-setup.ts), the
 * resilience suite's stand-alone stack, and the benches' servers.
 *
 * Every such server runs in local mode with settings of its own, whatever the shell or a developer's .env
 * says: the variables the server reads are all set, to the test's value or to '' (which the config treats
 * as unset and dotenv does not overwrite), so twilio-mode settings in the environment cannot leak in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../server/config';
import { sleep } from './wait';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The demo password of every server the tests start. */
export const DEMO_PASSWORD = 'e2e-password';
/** The browser suite's server (playwright.config.ts). */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_BASE_URL = `https://localhost:${E2E_PORT}`;
/** Where the browser suite's server keeps its credentials and certificate (relative to the repository). */
export const E2E_DATA_DIR = '.local/e2e';

/** Every variable `parseConfig` reads, found by letting it read an environment that records the names. */
function configVariables(): string[] {
  const read = new Set<string>();
  const recorder = new Proxy({} as Record<string, string | undefined>, {
    get(_target, name) {
      if (typeof name === 'string') read.add(name);
      return undefined;
    },
  });
  parseConfig(recorder);
  return [...read];
}

/** This process's environment with every server setting replaced: blank, or the given value. */
export function localServerEnv(settings: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
  for (const name of configVariables()) env[name] = '';
  return { ...env, ...settings };
}

export interface ServerProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves when it has exited (at once if it already has). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `script` (relative to the repository) with `node --import tsx`: one process per server, so a
 * kill really takes the server down. It is killed when this process exits, however the run ends.
 */
export function startProcess(script: string, settings: Record<string, string>, options: { echo?: boolean; args?: string[] } = {}): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...(options.args ?? [])], {
    cwd: ROOT,
    env: localServerEnv(settings),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const collect = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    out.push(chunk.toString());
    if (options.echo) stream.write(chunk);
  };
  child.stdout!.on('data', collect(process.stdout));
  child.stderr!.on('data', collect(process.stderr));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => process.off('exit', killOnExit), () => undefined);
  return {
    child,
    output: () => out.join(''),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

/**
 * Polls `url` (the self-signed local certificate is accepted) until it answers below 500; fails at once,
 * with the server's output, if the process exits.
 */
export async function waitUntilAnswering(url: string, proc: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const agent = new Agent({ keepAlive: false, rejectUnauthorized: false });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
        throw new Error(`${url}: the server exited (${proc.child.exitCode ?? proc.child.signalCode}): ${proc.output().trim()}`);
      }
      const ok = await new Promise<boolean>((resolve) => {
        const req = httpsRequest(url, { agent, timeout: 2000 }, (res) => {
          res.resume();
          resolve((res.statusCode ?? 500) < 500);
        });
        req.on('error', () => resolve(false));
        req.on('timeout', () => {
          req.destroy();
          resolve(false);
        });
        req.end();
      });
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s: ${proc.output().trim()}`);
      await sleep(200);
    }
  } finally {
    agent.destroy();
  }
}

export interface LocalServer {
  origin: string;
  port: number;
  dataDir: string;
  pid: number;
  output(): string;
  /** Kills the server process (SIGKILL: no goodbye) and keeps its data folder. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the server and removes its data folder unless it was given. */
  close(): Promise<void>;
}

/**
 * `server/main.ts` in local mode (app and emulator on one HTTPS origin) on `port`; resolves once /healthz
 * answers. Without `dataDir` it gets fresh credentials in a temporary folder, removed on close.
 */
export async function startLocalServer(
  port: number,
  options: { dataDir?: string; settings?: Record<string, string>; echo?: boolean } = {},
): Promise<LocalServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'softphone-test-')));
  const proc = startProcess('server/main.ts', {
    PORT: String(port),
    LOCAL_DATA_DIR: dataDir,
    // The demo users' password, unless the caller names its own users (the server refuses both at once).
    ...(options.settings?.SOFTPHONE_USERS ? {} : { DEMO_PASSWORD }),
    LOG_LEVEL: 'warn',
    ...options.settings,
  }, { echo: options.echo ?? false });
  const origin = `https://localhost:${port}`;
  try {
    await waitUntilAnswering(`${origin}/healthz`, proc);
  } catch (err) {
    await proc.stop('SIGKILL');
    throw err;
  }
  return {
    origin,
    port,
    dataDir,
    pid: proc.child.pid!,
    output: proc.output,
    kill: (signal: NodeJS.Signals = 'SIGKILL') => proc.stop(signal),
    async close() {
      await proc.stop();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Ports just above the browser suite's own server: app, emulator, and a test's own webhook. */
export const STACK_PORTS = { app: E2E_PORT + 1, emulator: E2E_PORT + 2, webhook: E2E_PORT + 3 } as const;

export interface Stack {
  appOrigin: string;
  emulatorOrigin: string;
  dataDir: string;
  /** Everything both processes printed, for assertions about their logs. */
  appLog: () => string;
  emulatorLog: () => string;
  /** Kills the app server without a goodbye (SIGKILL) and starts it again; resolves when it answers. */
  restartApp(): Promise<{ downMs: number }>;
  stop(): Promise<void>;
}

/**
 * `npm run emulator` and the app server with EMULATOR_ORIGIN pointing at it, as separate processes sharing
 * a fresh LOCAL_DATA_DIR. The emulator starts first so that it creates the credentials and certificate the
 * app server then reuses.
 */
export async function startStandaloneStack(appSettings: Record<string, string> = {}): Promise<Stack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'softphone-resilience-'));
  const appOrigin = `https://localhost:${STACK_PORTS.app}`;
  const emulatorOrigin = `https://localhost:${STACK_PORTS.emulator}`;
  const emulator = startProcess('emulator/main.ts', {
    EMULATOR_PORT: String(STACK_PORTS.emulator),
    EMULATOR_VOICE_URL: `${appOrigin}/handle_calls`,
    LOCAL_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
  });
  await waitUntilAnswering(`${emulatorOrigin}/emulator/api/clients`, emulator);
  const settings = {
    PORT: String(STACK_PORTS.app),
    LOCAL_DATA_DIR: dataDir,
    DEMO_PASSWORD,
    EMULATOR_ORIGIN: emulatorOrigin,
    LOG_LEVEL: 'info',
    ...appSettings,
  };
  let app = startProcess('server/main.ts', settings);
  const appLogs = [app.output];
  await waitUntilAnswering(`${appOrigin}/healthz`, app);
  return {
    appOrigin,
    emulatorOrigin,
    dataDir,
    appLog: () => appLogs.map((log) => log()).join(''),
    emulatorLog: emulator.output,
    async restartApp() {
      const started = Date.now();
      await app.stop('SIGKILL');
      app = startProcess('server/main.ts', settings);
      appLogs.push(app.output);
      await waitUntilAnswering(`${appOrigin}/healthz`, app);
      return { downMs: Date.now() - started };
    },
    async stop() {
      await Promise.all([app.stop(), emulator.stop()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
