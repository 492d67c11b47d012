/**
 * Bench section "bundle": the JavaScript and CSS a signed-in first load fetches before the phone is
 * registered, gzip-compressed, and whose code it is. The file list comes from a real page load in
 * Chromium (Resource Timing up to the app's `softphone-registered` mark), so a chunk the app starts
 * loading at once (the Voice SDK) counts, and one loaded later on demand does not; the sizes and
 * owners come from the build and its source maps (web/scripts/bundle-analysis.ts).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from '@playwright/test';
import { analyzeBundle, staticFirstLoad } from '../web/scripts/bundle-analysis';
import { ROOT } from '../test-support/local-server';
import { signIn } from '../test-support/phone-ui';
import { newInstrumentedPage, withBrowserStack } from './stack';
import type { BenchOptions, BenchRow, BenchSection } from './types';

const PORT = 3803;
export const FIRST_LOAD_JS_TARGET = 160_000;
export const OWN_CODE_TARGET = 30_000;

const kb = (bytes: number) => Number((bytes / 1000).toFixed(1));

/** Asset paths (relative to dist) the page requested before and after it was registered. */
async function observedLoad(browser: Browser, origin: string): Promise<{ before: string[]; after: string[] }> {
  const { context, page } = await newInstrumentedPage(browser);
  try {
    await signIn(page, 'alice', { origin });
    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName('softphone-registered').length > 0, undefined, { timeout: 20_000 });
    // Let what the app loads right after registering arrive, so it can be listed as "later". The live event
    // stream stays open, so the network is never idle: wait until no resource has arrived for a second.
    for (let seen = -1; ; ) {
      const now = await page.evaluate(() => performance.getEntriesByType('resource').length);
      if (now === seen) break;
      seen = now;
      await page.waitForTimeout(1_000);
    }
    const entries = await page.evaluate(() => {
      const registered = performance.getEntriesByName('softphone-registered')[0]!.startTime;
      return performance.getEntriesByType('resource').map((e) => ({ path: new URL(e.name).pathname, early: e.startTime < registered }));
    });
    const assets = entries.filter((e) => /^\/assets\/.+\.(?:js|css)$/.test(e.path));
    const unique = (list: typeof assets) => [...new Set(list.map((e) => e.path.slice(1)))];
    const before = unique(assets.filter((e) => e.early));
    return { before, after: unique(assets.filter((e) => !e.early)).filter((p) => !before.includes(p)) };
  } finally {
    await context.close();
  }
}

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  const { dist, observed } = await withBrowserStack(PORT, options, async ({ server, browser, dist }) => ({
    dist,
    observed: await observedLoad(browser, server.origin),
  }));
  // index.html's own graph is loaded before anything runs; include it even if the cache hid a request.
  const firstLoad = [...new Set([...staticFirstLoad(dist), ...observed.before])];
  const report = analyzeBundle(dist, firstLoad, ROOT);
  const later = analyzeBundle(dist, observed.after, ROOT);
  const file = (name: string) => report.files.find((f) => f.file === name)!;
  // What a browser really downloads: the build's Brotli copy (web/scripts/precompress.ts), sent as Content-Encoding: br.
  const sentBytes = (name: string) => {
    const br = join(dist, `${name}.br`);
    return existsSync(br) ? statSync(br).size : file(name).gzip;
  };
  const firstLoadJsSent = firstLoad.filter((name) => name.endsWith('.js')).reduce((sum, name) => sum + sentBytes(name), 0);
  const fileRows: BenchRow[] = firstLoad.map((name) => ({
    name: `  ${name}`,
    value: kb(file(name).gzip),
    unit: 'kB gzip',
    note: `${kb(file(name).raw)} kB raw`,
  }));
  return {
    id: 'bundle',
    title: 'First-load JavaScript and CSS (fetched before the phone is registered), gzip',
    rows: [
      {
        name: 'first-load JavaScript',
        value: kb(report.js.gzip),
        unit: 'kB gzip',
        target: `≤ ${kb(FIRST_LOAD_JS_TARGET)} kB`,
        ok: report.js.gzip <= FIRST_LOAD_JS_TARGET,
        note: `${kb(report.js.raw)} kB raw, ${(report.js.gzip / FIRST_LOAD_JS_TARGET).toFixed(2)} of the budget`,
      },
      {
        name: '  as sent (Brotli, Content-Encoding: br)',
        value: kb(firstLoadJsSent),
        unit: 'kB',
        note: 'the build\'s precompressed copies, which the server sends to browsers that accept br',
      },
      {
        name: '  our code (web/src)',
        value: kb(report.byOwner.own.gzip),
        unit: 'kB gzip',
        target: `≤ ${kb(OWN_CODE_TARGET)} kB`,
        ok: report.byOwner.own.gzip <= OWN_CODE_TARGET,
        note: `${kb(report.byOwner.own.raw)} kB raw`,
      },
      { name: '  React (react, react-dom, scheduler)', value: kb(report.byOwner.react.gzip), unit: 'kB gzip', note: `${kb(report.byOwner.react.raw)} kB raw` },
      { name: '  Voice SDK (with its dependencies)', value: kb(report.byOwner['voice-sdk'].gzip), unit: 'kB gzip', note: `${kb(report.byOwner['voice-sdk'].raw)} kB raw` },
      { name: '  other (bundler runtime, unmapped)', value: kb(report.byOwner.other.gzip), unit: 'kB gzip', note: `${kb(report.byOwner.other.raw)} kB raw` },
      { name: 'first-load CSS', value: kb(report.css.gzip), unit: 'kB gzip', note: `${kb(report.css.raw)} kB raw` },
      ...fileRows,
      {
        name: 'loaded after registering (on demand)',
        value: kb(later.js.gzip + later.css.gzip),
        unit: 'kB gzip',
        note: observed.after.map((f) => f.replace(/^assets\//, '')).join(', ') || 'nothing',
      },
    ],
    notes: [
      'Owners are attributed from the source maps; each owner\'s code is gzipped on its own, so the parts add up to slightly more than the total.',
      'The targets are in gzip; the server sends the precompressed Brotli copies (or gzip) written by the build.',
    ],
    data: { firstLoad: report, later, observed },
  };
}
