/**
 * The local stack the browser benches measure: the app server in local mode (app + emulator on one
 * HTTPS origin) as a child process with fresh credentials, and Debian Chromium with fake media.
 * Also the page instrumentation they share and small statistics helpers.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, expect, request } from '@playwright/test';
import type { APIRequestContext, Browser, BrowserContext, Page } from '@playwright/test';
import { chromiumLaunchOptions } from '../e2e/support/browser';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH_PASSWORD = 'bench-password';
export const TEAM_NUMBER = '+12025550100';
/** The emulator's default simulated phone that answers at once and echoes. */
export const ECHO_PHONE = '+12025550101';

export interface LocalServer {
  origin: string;
  port: number;
  dataDir: string;
  pid: number;
  /** The emulator's control API and the app's routes, trusting the self-signed certificate. */
  api: APIRequestContext;
  close(): Promise<void>;
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (path.includes('.test.') || path.includes('/testing/')) continue;
    newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

function runToEnd(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

/**
 * The server serves dist/web; figures of a stale build would describe old code, so build when any web
 * source is newer than the build (or there is none).
 */
export async function ensureWebBuild(log: (line: string) => void = () => undefined): Promise<string> {
  const dist = join(ROOT, 'dist/web');
  const built = await stat(join(dist, 'index.html')).then((s) => s.mtimeMs, () => 0);
  const sources = Math.max(await newestMtime(join(ROOT, 'web/src')), (await stat(join(ROOT, 'web/index.html'))).mtimeMs);
  if (built < sources) {
    log('building the web app (dist/web is missing or older than web/src) …');
    await runToEnd(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn']);
  }
  return dist;
}

/** `tsx server/main.ts` in local mode on `port`, with a fresh data directory; resolves once /healthz answers. */
export interface BrowserStack {
  server: LocalServer;
  browser: Browser;
  /** The built web app the server serves. */
  dist: string;
}

/**
 * One browser section's stack: the web build brought up to date, the app server in local mode and a
 * Chromium; both are stopped however the section ends.
 */
export async function withBrowserStack<T>(port: number, options: { verbose?: boolean }, fn: (stack: BrowserStack) => Promise<T>): Promise<T> {
  const dist = await ensureWebBuild(options.verbose ? (line) => console.log(`  ${line}`) : undefined);
  const server = await startLocalServer(port);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    return await fn({ server, browser, dist });
  } finally {
    await browser?.close();
    await server.close();
  }
}

export async function startLocalServer(port: number): Promise<LocalServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'softphone-bench-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LOCAL_DATA_DIR: dataDir, DEMO_PASSWORD: BENCH_PASSWORD, LOG_LEVEL: 'warn' };
  // Local mode is chosen by the absence of Twilio credentials.
  for (const name of Object.keys(env)) if (name.startsWith('TWILIO_') || name === 'SOFTPHONE_USERS') delete env[name];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const origin = `https://localhost:${port}`;
  const api = await request.newContext({ baseURL: origin, ignoreHTTPSErrors: true });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`server on port ${port} exited with ${code}: ${stderr.trim()}`))),
  );
  exited.catch(() => undefined);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await Promise.race([
      api.get('/healthz', { timeout: 2000 }).then((r) => r.ok(), () => false),
      exited,
    ]);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server on port ${port} did not answer /healthz within 60 s: ${stderr.trim()}`);
    }
    await sleep(200);
  }
  return {
    origin,
    port,
    dataDir,
    pid: child.pid!,
    api,
    close: async () => {
      await api.dispose();
      if (child.exitCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(killer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions());
}

/**
 * Runs in every page before its scripts. Records, on one wall clock shared by all pages of the browser
 * (timeOrigin + now), the moments the benches need: the last click, signaling frames the Voice SDK
 * receives, and the first time an incoming-call dialog is in the DOM. Also keeps every
 * RTCPeerConnection for stats.
 */
export const INSTRUMENT_PAGE = () => {
  const w = window as unknown as BenchWindow;
  const now = () => performance.timeOrigin + performance.now();
  w.__bench = { clicks: [], frames: [], sent: [], incomingShownAt: [], peerConnections: [] };
  document.addEventListener('click', () => w.__bench.clicks.push(now()), true);

  const OriginalPc = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends OriginalPc {
    constructor(config?: RTCConfiguration) {
      super(config);
      w.__bench.peerConnections.push(this);
    }
  } as typeof RTCPeerConnection;

  const OriginalWs = window.WebSocket;
  window.WebSocket = class extends OriginalWs {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data !== 'string' || event.data.length < 2) return;
        const type = /"type"\s*:\s*"(\w+)"/.exec(event.data.slice(0, 200))?.[1];
        if (type && type !== 'ack') w.__bench.frames.push({ type, at: now() });
      });
    }

    override send(data: Parameters<WebSocket['send']>[0]) {
      if (typeof data === 'string' && data.length > 1) {
        const type = /"type"\s*:\s*"(\w+)"/.exec(data)?.[1];
        if (type) w.__bench.sent.push({ type, at: now() });
      }
      super.send(data);
    }
  } as typeof WebSocket;

  let shown = false;
  new MutationObserver(() => {
    const present = document.querySelector('[role="alertdialog"]') !== null;
    if (present && !shown) w.__bench.incomingShownAt.push(now());
    shown = present;
  }).observe(document, { childList: true, subtree: true });
};

export interface BenchWindow {
  __bench: {
    clicks: number[];
    /** Signaling frames received (type and time), heartbeats and acks left out. */
    frames: { type: string; at: number }[];
    /** Signaling frames sent. */
    sent: { type: string; at: number }[];
    incomingShownAt: number[];
    peerConnections: RTCPeerConnection[];
  };
}

/**
 * tsx compiles this file with esbuild's keepNames, which wraps named functions in `__name(…)`; functions
 * sent to the page (init scripts, page.evaluate) need that helper there too.
 */
export async function instrument(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: 'window.__name = (f) => f;' });
  await context.addInitScript(INSTRUMENT_PAGE);
}

export async function newInstrumentedPage(
  browser: Browser,
  options: { storageState?: Awaited<ReturnType<BrowserContext['storageState']>> } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-US', viewport: { width: 1100, height: 800 }, ...options });
  await instrument(context);
  const page = await context.newPage();
  return { context, page };
}

export async function expectRegistered(page: Page, timeout = 20_000): Promise<void> {
  await expect(page.getByTestId('registration')).toHaveAttribute('data-state', 'registered', { timeout });
}

export async function signIn(page: Page, origin: string, username: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(BENCH_PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await expectRegistered(page);
}

/** Opens the dial pad and types `target`; returns the Call button, ready to be clicked. */
export async function prepareDial(page: Page, target: string) {
  await page.getByRole('button', { name: 'New call' }).click();
  const dialog = page.getByRole('dialog', { name: 'New call' });
  await dialog.getByLabel('Phone number or name').fill(target);
  return dialog.getByRole('button', { name: 'Call', exact: true });
}

/** The call dialog's status: dialing, ringing, inCall, reconnecting. */
export function callState(page: Page) {
  return page.getByTestId('call-status');
}

export async function hangUpIfInCall(page: Page): Promise<void> {
  const hangUp = page.getByRole('button', { name: 'Hang up' });
  if (await hangUp.isVisible().catch(() => false)) await hangUp.click();
  await expect(hangUp).toBeHidden({ timeout: 10_000 });
}

export interface EmulatorMetrics {
  at: number;
  cpuUserMicros: number;
  cpuSystemMicros: number;
  rssBytes: number;
  activeCalls: number;
  activeMediaLegs: number;
  bridgedCalls: number;
  sessions: number;
}

export async function emulatorMetrics(api: APIRequestContext): Promise<EmulatorMetrics> {
  const response = await api.get('/emulator/api/metrics');
  if (!response.ok()) throw new Error(`GET /emulator/api/metrics: ${response.status()} ${await response.text()}`);
  return (await response.json()) as EmulatorMetrics;
}

/** CPU time (user + system) of a process and its threads, from /proc; undefined where there is no /proc. */
export async function processCpuMicros(pid: number): Promise<number | undefined> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /s, '').split(' ');
    // After the command name: utime and stime are fields 14 and 15 of stat(5), i.e. 11 and 12 here.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks / CLOCK_TICKS) * 1e6;
  } catch {
    return undefined;
  }
}
/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const round = (value: number, digits = 0) => Number(value.toFixed(digits));

export function spread(values: readonly number[], unit = 'ms'): string {
  if (values.length === 0) return 'n = 0';
  return `min ${Math.round(Math.min(...values))} ${unit}, max ${Math.round(Math.max(...values))} ${unit}, n = ${values.length}`;
}
