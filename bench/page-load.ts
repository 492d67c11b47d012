/**
 * Bench section "page-load": from navigation start to the Voice SDK Device registered, for a signed-in
 * user opening the app (local mode, loopback, Chromium). The app marks the moment itself
 * (`performance.mark('softphone-registered')` in web/src/main.tsx); the steps before it come from the
 * Navigation and Resource Timing entries and the signaling frames the SDK receives.
 */
import type { Browser, Page } from '@playwright/test';
import { signIn } from '../test-support/phone-ui';
import { median, newInstrumentedPage, round, spread, withBrowserStack } from './stack';
import type { BenchWindow } from './stack';
import type { BenchOptions, BenchSection } from './types';

const PORT = 3801;
const WARM_RUNS = 7;
const COLD_RUNS = 3;
export const TARGET_MS = 500;

interface LoadTimes {
  /** All the milliseconds below are from navigation start. */
  registered: number;
  domContentLoaded: number;
  sessionChecked: number;
  tokenReceived: number;
  sdkLoaded: number;
  signalingConnected: number;
  signalingReady: number;
}

async function registeredLoad(page: Page, load: () => Promise<unknown>): Promise<LoadTimes> {
  await load();
  await page.waitForFunction(() => performance.getEntriesByName('softphone-registered').length > 0, undefined, { timeout: 20_000 });
  return page.evaluate(() => {
    const end = (pattern: RegExp) => (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) => pattern.test(e.name))?.responseEnd ?? NaN;
    const frame = (type: string) => (window as unknown as BenchWindow).__bench.frames.find((f) => f.type === type);
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return {
      registered: performance.getEntriesByName('softphone-registered')[0]!.startTime,
      domContentLoaded: nav.domContentLoadedEventEnd,
      sessionChecked: end(/\/api\/session$/),
      tokenReceived: end(/\/api\/token$/),
      sdkLoaded: end(/\/assets\/twilio-[\w-]+\.js$/),
      signalingConnected: (frame('connected')?.at ?? NaN) - performance.timeOrigin,
      signalingReady: (frame('ready')?.at ?? NaN) - performance.timeOrigin,
    };
  });
}

async function measure(browser: Browser, origin: string) {
  const { context, page } = await newInstrumentedPage(browser);
  await signIn(page, 'alice', { origin });
  // One unmeasured reload: the server's first requests (and Chromium's) warm up JIT and caches.
  await registeredLoad(page, () => page.reload());
  const warm: LoadTimes[] = [];
  for (let i = 0; i < WARM_RUNS; i++) warm.push(await registeredLoad(page, () => page.reload()));

  // Cold HTTP cache, still signed in: a fresh context with only the session cookie.
  const storageState = await context.storageState();
  await context.close();
  const cold: LoadTimes[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const { context: fresh, page: coldPage } = await newInstrumentedPage(browser, { storageState });
    cold.push(await registeredLoad(coldPage, () => coldPage.goto(`${origin}/`)));
    await fresh.close();
  }
  return { warm, cold };
}

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  return withBrowserStack(PORT, options, async ({ server, browser }) => {
    const { warm, cold } = await measure(browser, server.origin);
    const m = (runs: LoadTimes[], key: keyof LoadTimes) => round(median(runs.map((r) => r[key])));
    const warmRegistered = warm.map((r) => r.registered);
    const ok = median(warmRegistered) < TARGET_MS;
    return {
      id: 'page-load',
      title: 'Page load → Device registered (signed in, local mode, Chromium)',
      rows: [
        {
          name: 'reload → registered (median)',
          value: m(warm, 'registered'),
          unit: 'ms',
          target: `< ${TARGET_MS} ms`,
          ok,
          note: spread(warmRegistered),
        },
        { name: '  DOMContentLoaded', value: m(warm, 'domContentLoaded'), unit: 'ms', note: 'HTML, entry JS and CSS (revalidated from cache)' },
        { name: '  session checked (GET /api/session)', value: m(warm, 'sessionChecked'), unit: 'ms' },
        { name: '  token received (POST /api/token)', value: m(warm, 'tokenReceived'), unit: 'ms' },
        { name: '  Voice SDK chunk loaded', value: m(warm, 'sdkLoaded'), unit: 'ms', note: 'requested by the entry at start-up' },
        { name: '  signaling "connected" received', value: m(warm, 'signalingConnected'), unit: 'ms', note: 'Device created, wss://…/signal open, listen answered' },
        { name: '  signaling "ready" received', value: m(warm, 'signalingReady'), unit: 'ms', note: 'register answered' },
        {
          name: 'cold cache → registered (median)',
          value: m(cold, 'registered'),
          unit: 'ms',
          target: `< ${TARGET_MS} ms`,
          ok: median(cold.map((r) => r.registered)) < TARGET_MS,
          note: spread(cold.map((r) => r.registered)),
        },
      ],
      notes: [
        `${WARM_RUNS} reloads of a signed-in tab after one unmeasured reload; ${COLD_RUNS} loads in fresh contexts (empty HTTP cache, same session).`,
        'Times are from navigation start; "registered" is the app\'s performance mark, set when the Device reports registered.',
      ],
      data: { warm, cold },
    };
  });
}
