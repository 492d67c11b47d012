/**
 * Shared pieces of the resilience suites (e2e/resilience-*.spec.ts): a scoreboard that prints
 * what each fault scenario tried and survived plus a total, the emulator's fault-injection
 * controls, and a stand-alone stack (emulator and app server as separate processes) that a test
 * can restart under a live call.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request as httpsRequest } from 'node:https';
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { DEMO_PASSWORD, E2E_PORT } from './support/browser';

// ---- scoreboard ----

interface Scoreboard {
  survived: string[];
}

/**
 * `survived(line)` prints one line per scenario; the worker prints the total when the run ends,
 * across every resilience file it ran.
 */
export const test = base.extend<{ survived: (line: string) => void }, { scoreboard: Scoreboard }>({
  scoreboard: [
    async ({}, use) => {
      const board: Scoreboard = { survived: [] };
      await use(board);
      if (board.survived.length > 0) console.log(`${board.survived.length} fault scenarios survived`);
    },
    { scope: 'worker' },
  ],
  survived: async ({ scoreboard }, use) => {
    await use((line: string) => {
      scoreboard.survived.push(line);
      console.log(`survived: ${line}`);
    });
  },
});
export { expect };

// ---- emulator control API ----

export async function emulatorApi<T = unknown>(
  request: APIRequestContext,
  origin: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await request.fetch(`${origin}/emulator/api${path}`, { method, ...(body !== undefined ? { data: body } : {}) });
  expect(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

export interface CallEvent {
  at: string;
  kind: string;
  text: string;
}

export interface CallDetail {
  sid: string;
  status: string;
  events: CallEvent[];
  media: { packetsReceived: number; packetsSent: number; iceState: string } | null;
}

export interface ClientView {
  sessionId: string;
  identity: string | null;
  registered: boolean;
  reachable: boolean;
  tokenExpired: boolean;
  tokenExpiresAt: string | null;
}

export const clients = (request: APIRequestContext, origin: string) => emulatorApi<ClientView[]>(request, origin, 'GET', '/clients');

/** The SDK leg of the page's current call, as the emulator sees it. */
export async function liveCallOf(request: APIRequestContext, origin: string, identity: string): Promise<CallDetail> {
  let sid = '';
  await expect
    .poll(async () => {
      const calls = await emulatorApi<{ sid: string; status: string; endpoint: { kind: string; identity?: string } }[]>(request, origin, 'GET', '/calls');
      sid = calls.find((c) => c.status === 'in-progress' && c.endpoint.kind === 'client' && c.endpoint.identity === identity)?.sid ?? '';
      return sid;
    }, { timeout: 15_000 })
    .not.toBe('');
  return emulatorApi<CallDetail>(request, origin, 'GET', `/calls/${sid}`);
}

// ---- media seen by the page ----

/** Audio packets received by the page's live peer connections (see RECORD_PEER_CONNECTIONS). */
/**
 * Records, inside the page, every distinct data-state the element with this test id shows, in order
 * ("none" while it is absent), so a test can assert a sequence it could miss by polling.
 */
export async function watchDataState(page: Page, testId: string): Promise<void> {
  await page.evaluate((id) => {
    const seen: string[] = [];
    const all = ((window as unknown as { __dataStates?: Record<string, string[]> }).__dataStates ??= {});
    all[id] = seen;
    const note = () => {
      const state = document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-state') ?? 'none';
      if (seen.at(-1) !== state) seen.push(state);
    };
    note();
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  }, testId);
}

/** What watchDataState has recorded so far. */
export function dataStates(page: Page, testId: string): Promise<string[]> {
  return page.evaluate((id) => (window as unknown as { __dataStates: Record<string, string[]> }).__dataStates[id] ?? [], testId);
}

export async function packetsIn(page: Page): Promise<{ received: number; sent: number }> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    const out = { received: 0, sent: 0 };
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') out.received += Number(s.packetsReceived ?? 0);
        if (s.type === 'outbound-rtp' && s.kind === 'audio') out.sent += Number(s.packetsSent ?? 0);
      });
    }
    return out;
  });
}

/** Media flows both ways from now on: packets keep arriving at the page and at the emulator. */
export async function expectMediaFlowing(page: Page, request: APIRequestContext, origin: string, callSid: string): Promise<void> {
  const before = await packetsIn(page);
  const leg = async () => (await emulatorApi<CallDetail>(request, origin, 'GET', `/calls/${callSid}`)).media?.packetsReceived ?? 0;
  const legBefore = await leg();
  await expect.poll(async () => (await packetsIn(page)).received - before.received, { timeout: 15_000 }).toBeGreaterThan(25);
  await expect.poll(async () => (await leg()) - legBefore, { timeout: 15_000 }).toBeGreaterThan(25);
}

// ---- a stand-alone stack: emulator and app server as separate processes ----

/** Ports just above the suite's own server (E2E_PORT): app, emulator, and the tests' own webhook. */
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

interface Proc {
  child: ChildProcess;
  out: string[];
}

function startProcess(script: string, env: Record<string, string>): Proc {
  // node --import tsx keeps one process per server, so a kill really takes the server down.
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
  return { child, out };
}

async function waitForHttps(url: string, ca: string | undefined, proc: Proc, timeoutMs = 60_000): Promise<void> {
  const agent = new Agent({ rejectUnauthorized: false, ...(ca ? { ca } : {}) });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`process exited (${proc.child.exitCode}): ${proc.out.join('')}`);
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
    if (Date.now() > deadline) throw new Error(`${url} did not answer in ${timeoutMs} ms: ${proc.out.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stopProcess(proc: Proc, signal: NodeJS.Signals): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.child.once('exit', () => resolve());
    proc.child.kill(signal);
  });
}

/**
 * Starts `npm run emulator` and the app server with EMULATOR_ORIGIN pointing at it, sharing a fresh
 * LOCAL_DATA_DIR. The emulator starts first so that it creates the credentials and certificate the
 * app server then reuses.
 */
export async function startStack(appEnv: Record<string, string> = {}): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'softphone-resilience-'));
  const appOrigin = `https://localhost:${STACK_PORTS.app}`;
  const emulatorOrigin = `https://localhost:${STACK_PORTS.emulator}`;
  const emulator = startProcess('emulator/main.ts', {
    EMULATOR_PORT: String(STACK_PORTS.emulator),
    EMULATOR_VOICE_URL: `${appOrigin}/handle_calls`,
    LOCAL_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
  });
  await waitForHttps(`${emulatorOrigin}/emulator/api/clients`, undefined, emulator);
  const env = {
    PORT: String(STACK_PORTS.app),
    LOCAL_DATA_DIR: dataDir,
    DEMO_PASSWORD,
    EMULATOR_ORIGIN: emulatorOrigin,
    LOG_LEVEL: 'info',
    ...appEnv,
  };
  let app = startProcess('server/main.ts', env);
  const appLogs: string[][] = [app.out];
  const ca = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
  await waitForHttps(`${appOrigin}/healthz`, ca, app);
  return {
    appOrigin,
    emulatorOrigin,
    dataDir,
    appLog: () => appLogs.flat().join(''),
    emulatorLog: () => emulator.out.join(''),
    async restartApp() {
      const started = Date.now();
      await stopProcess(app, 'SIGKILL');
      app = startProcess('server/main.ts', env);
      appLogs.push(app.out);
      await waitForHttps(`${appOrigin}/healthz`, ca, app);
      return { downMs: Date.now() - started };
    },
    async stop() {
      await Promise.all([stopProcess(app, 'SIGTERM'), stopProcess(emulator, 'SIGTERM')]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
