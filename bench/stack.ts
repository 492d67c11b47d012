/**
 * What the browser benches share: the web build brought up to date, one section's stack (the app server in
 * local mode, started as the tests start it, and Chromium), page hooks that note the moments the benches
 * time, and small statistics helpers.
 */
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { launchChromium } from '../test-support/chromium';
import { ROOT, startLocalServer, type LocalServer } from '../test-support/local-server';
import { newPhonePage } from '../test-support/phone-ui';

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

export interface BrowserStack {
  server: LocalServer;
  browser: Browser;
  /** The built web app the server serves. */
  dist: string;
}

/**
 * One browser section's stack: the web build brought up to date, the app server in local mode on `port`
 * and a Chromium; both are stopped however the section ends.
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

/**
 * Runs in every page before its scripts. Records, on one wall clock shared by all pages of the browser
 * (timeOrigin + now), the moments the benches need: the last click, signaling frames the Voice SDK
 * receives, and the first time an incoming-call dialog is in the DOM. (Peer connections are kept by the
 * tests' own recorder, test-support/page-instrumentation.ts.)
 */
export const RECORD_MOMENTS = () => {
  const w = window as unknown as BenchWindow;
  const now = () => performance.timeOrigin + performance.now();
  w.__bench = { clicks: [], frames: [], sent: [], incomingShownAt: [] };
  document.addEventListener('click', () => w.__bench.clicks.push(now()), true);

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
  };
  __peerConnections: RTCPeerConnection[];
}

/** A page of its own (as test-support's newPhonePage) that also records the moments above. */
export async function newInstrumentedPage(
  browser: Browser,
  options: { storageState?: Awaited<ReturnType<BrowserContext['storageState']>> } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await newPhonePage(browser, options);
  await context.addInitScript(RECORD_MOMENTS);
  return { context, page };
}

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
