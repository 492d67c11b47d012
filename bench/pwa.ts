/**
 * Bench section "pwa": the installable app's start-up and the bytes the headset and app features add.
 *
 * - Load to "Ready for calls" (the app's `softphone-registered` mark) for a signed-in user: a first
 *   visit (empty cache, no service worker: cold), and repeat loads with the service worker serving the
 *   shell (warm) next to repeat loads with service workers blocked (HTTP cache only). Chromium trusts
 *   the local certificate here (--ignore-certificate-errors-spki-list), as it would a real one in
 *   twilio mode; with ignored certificate errors it registers no service worker at all.
 * - Bytes: the lazily loaded headset and service-worker chunks, the worker itself, the icons and
 *   manifest, and how much of the headset and app-feature code is in the first load (attributed from
 *   the source maps; only small loaders and banners belong there).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { SourceMapConsumer } from 'source-map-js';
import { launchChromiumTrusting } from '../test-support/chromium';
import { ROOT, startLocalServer } from '../test-support/local-server';
import { instrument } from '../test-support/page-instrumentation';
import { signIn } from '../test-support/phone-ui';
import { gzipSize, staticFirstLoad } from '../web/scripts/bundle-analysis';
import { ensureWebBuild, median, round, spread } from './stack';
import type { BenchOptions, BenchRow, BenchSection } from './types';

const PORT = 3806;
const WARM_RUNS = 7;
const COLD_RUNS = 3;

/** Sources of the headset and installable-app features, by what they are. */
const FEATURES: Array<{ name: string; pattern: RegExp }> = [
  { name: 'headset', pattern: /^web\/src\/(core\/(headset|hid-)|ui\/HeadsetSettings)/ },
  { name: 'installable app', pattern: /^web\/src\/(core\/(install-prompt|app-update|service-worker-client|unseen)|ui\/(InstallAppButton|AppUpdateBanner|app-services))/ },
];

const kb = (bytes: number) => Number((bytes / 1000).toFixed(2));

async function registered(page: Page, load: () => Promise<unknown>): Promise<number> {
  await load();
  await page.waitForFunction(() => performance.getEntriesByName('softphone-registered').length > 0, undefined, { timeout: 20_000 });
  return page.evaluate(() => performance.getEntriesByName('softphone-registered')[0]!.startTime);
}

async function newContext(browser: Browser, origin: string, options: { storageState?: Awaited<ReturnType<BrowserContext['storageState']>>; block?: boolean } = {}) {
  const context = await browser.newContext({
    baseURL: origin,
    viewport: { width: 1100, height: 800 },
    serviceWorkers: options.block ? 'block' : 'allow',
    ...(options.storageState ? { storageState: options.storageState } : {}),
  });
  await instrument(context);
  return { context, page: await context.newPage() };
}

async function measure(browser: Browser, origin: string) {
  const { context, page } = await newContext(browser, origin);
  await signIn(page, 'alice', { origin });
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', undefined, { timeout: 20_000 });
  const storageState = await context.storageState();
  await registered(page, () => page.reload());
  const warm: number[] = [];
  let servedByWorker = 0;
  for (let i = 0; i < WARM_RUNS; i++) {
    warm.push(await registered(page, () => page.reload()));
    // The page itself came through the worker (navigation timing notes the worker's start).
    if (await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).workerStart > 0)) servedByWorker++;
  }
  await context.close();

  const blocked = await newContext(browser, origin, { storageState, block: true });
  await registered(blocked.page, () => blocked.page.goto('/'));
  const httpCache: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) httpCache.push(await registered(blocked.page, () => blocked.page.reload()));
  await blocked.context.close();

  // First visits: a fresh context each (empty HTTP cache, no worker), already signed in.
  const cold: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const fresh = await newContext(browser, origin, { storageState: { cookies: storageState.cookies, origins: [] } });
    cold.push(await registered(fresh.page, () => fresh.page.goto('/')));
    await fresh.context.close();
  }
  return { warm, httpCache, cold, servedByWorker };
}

/** Bytes of the given sources in `files` (JS, from their source maps), raw and gzip. */
function bytesOfSources(dist: string, files: readonly string[], pattern: RegExp): { raw: number; gzip: number } {
  let text = '';
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    const mapFile = join(dist, `${file}.map`);
    if (!existsSync(mapFile)) continue;
    const lines = readFileSync(join(dist, file), 'utf8').split('\n');
    const consumer = new SourceMapConsumer(JSON.parse(readFileSync(mapFile, 'utf8')));
    const segments: Array<{ line: number; column: number; source: string | null }> = [];
    consumer.eachMapping((m) => segments.push({ line: m.generatedLine, column: m.generatedColumn, source: m.source }));
    const mapDir = join(dist, posix.dirname(file));
    segments.forEach((s, i) => {
      const next = segments[i + 1];
      const line = lines[s.line - 1] ?? '';
      const source = s.source ? relative(ROOT, resolve(mapDir, s.source)) : '';
      if (pattern.test(source)) text += line.slice(s.column, next && next.line === s.line ? next.column : line.length);
    });
  }
  return { raw: Buffer.byteLength(text), gzip: text ? gzipSize(text) : 0 };
}

function fileSizes(dist: string, names: readonly string[]) {
  let raw = 0;
  let gzip = 0;
  let br = 0;
  for (const name of names) {
    const data = readFileSync(join(dist, name));
    raw += data.length;
    gzip += gzipSize(data);
    br += existsSync(join(dist, `${name}.br`)) ? statSync(join(dist, `${name}.br`)).size : gzipSize(data);
  }
  return { raw, gzip, br };
}

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  const dist = await ensureWebBuild(options.verbose ? (line) => console.log(`  ${line}`) : undefined);
  const server = await startLocalServer(PORT);
  let browser: Browser | undefined;
  let times: Awaited<ReturnType<typeof measure>>;
  try {
    browser = await launchChromiumTrusting(join(server.dataDir, 'tls/cert.pem'));
    times = await measure(browser, server.origin);
  } finally {
    await browser?.close();
    await server.close();
  }

  const assets = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);
  const chunk = (prefix: string) => assets.filter((f) => posix.basename(f).startsWith(prefix));
  const headsetChunk = fileSizes(dist, chunk('headset-manager-'));
  const workerClient = fileSizes(dist, chunk('service-worker-client-'));
  const worker = fileSizes(dist, ['sw.js']);
  const installFiles = fileSizes(dist, ['manifest.webmanifest', ...readdirSync(join(dist, 'icons')).filter((f) => f.endsWith('.png')).map((f) => `icons/${f}`)]);
  const firstLoad = staticFirstLoad(dist);
  const inFirstLoad = FEATURES.map(({ name, pattern }) => ({ name, ...bytesOfSources(dist, firstLoad, pattern) }));

  const ms = (values: number[]) => round(median(values));
  const rows: BenchRow[] = [
    { name: 'first visit → registered (median, cold)', value: ms(times.cold), unit: 'ms', note: `${spread(times.cold)}; empty cache, no service worker yet` },
    { name: 'repeat load, service worker → registered (median, warm)', value: ms(times.warm), unit: 'ms', note: `${spread(times.warm)}; ${times.servedByWorker} of ${times.warm.length} pages answered by the worker` },
    { name: 'repeat load, HTTP cache only → registered (median)', value: ms(times.httpCache), unit: 'ms', note: `${spread(times.httpCache)}; service workers blocked` },
    { name: 'headset chunk (lazy: headset-manager)', value: kb(headsetChunk.gzip), unit: 'kB gzip', note: `${kb(headsetChunk.raw)} kB raw, ${kb(headsetChunk.br)} kB as sent (br); loaded only with a headset or in audio settings` },
    { name: 'service-worker client chunk (lazy)', value: kb(workerClient.gzip), unit: 'kB gzip', note: `${kb(workerClient.raw)} kB raw; loaded after registering` },
    { name: 'sw.js', value: kb(worker.gzip), unit: 'kB gzip', note: `${kb(worker.raw)} kB raw` },
    { name: 'manifest and icons', value: kb(installFiles.raw), unit: 'kB', note: 'PNG, not compressed further' },
    ...inFirstLoad.map((f) => ({
      name: `${f.name} code in the first load`,
      value: kb(f.gzip),
      unit: 'kB gzip',
      note: `${kb(f.raw)} kB raw (loaders, store and banners; strings live in the English dictionary)`,
    })),
  ];
  return {
    id: 'pwa',
    title: 'Installable app: start-up with the service worker, and the bytes of the headset and app features',
    rows,
    notes: [
      `${WARM_RUNS} reloads per warm figure after one unmeasured reload; ${COLD_RUNS} first visits in fresh contexts (same session cookie).`,
      'Local mode, loopback, Chromium trusting the local certificate; times are from navigation start to the softphone-registered mark.',
    ],
    data: { times, headsetChunk, workerClient, worker, installFiles, inFirstLoad },
  };
}
