/**
 * The installable app: manifest, icons, the service worker (shell cached, nothing from the API, offline
 * start, updates between calls) and the install button.
 *
 * This spec has a Chromium of its own that trusts the local server's certificate
 * (--ignore-certificate-errors-spki-list): with Playwright's ignoreHTTPSErrors, which the other specs
 * use, Chromium refuses to register a service worker at all ("An SSL certificate error occurred when
 * fetching the script"). Trusting the certificate is what a real certificate gives in twilio mode.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { launchChromiumTrusting } from '../test-support/chromium';
import { E2E_BASE_URL, E2E_DATA_DIR, ROOT } from '../test-support/local-server';
import { instrument } from '../test-support/page-instrumentation';
import { callStatus, dial, expectRegistered, signIn } from '../test-support/phone-ui';
import { PHONES } from '../test-support/emulator-api';

const DIST = join(ROOT, 'dist/web');
let browser: Browser;

test.beforeAll(async () => {
  browser = await launchChromiumTrusting(join(ROOT, E2E_DATA_DIR, 'tls/cert.pem'));
});
test.afterAll(async () => {
  await browser.close();
});

async function newContext(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: E2E_BASE_URL, locale: 'en-US', viewport: { width: 1100, height: 800 } });
  await instrument(context);
  return { context, page: await context.newPage() };
}

/** Waits until a service worker controls the page. */
async function controlled(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.state ?? null), { timeout: 20_000 }).toBe('activated');
}

/** Every cached request's path, by cache name. */
function cachedPaths(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      out[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname).sort();
    }
    return out;
  });
}

/** The shell the build lists in sw.js. */
function shellOfBuild(): string[] {
  const sw = readFileSync(join(DIST, 'sw.js'), 'utf8');
  return (JSON.parse(/(\["\/".*?\])/.exec(sw)![1]!) as string[]).sort();
}

test.describe('web: installable app and service worker', () => {
  test('Chromium finds the app installable, its icons load, and the browser’s offer shows Install app', async () => {
    const { context, page } = await newContext();
    await signIn(page, 'alice');
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBe('/manifest.webmanifest');
    const response = await page.request.get(href!);
    expect(response.headers()['content-type']).toMatch(/^application\/manifest\+json/);
    const manifest = (await response.json()) as { name: string; display: string; start_url: string; icons: Array<{ src: string; sizes: string }> };
    expect(manifest).toMatchObject({ name: 'Softphone', display: 'standalone', start_url: '/' });
    for (const icon of manifest.icons) {
      const image = await page.request.get(icon.src);
      expect(image.status(), icon.src).toBe(200);
      expect(image.headers()['content-type']).toBe('image/png');
    }
    // Chromium's own verdict on the manifest, icons, secure origin and service worker. A test context
    // is an incognito-like profile, where nothing can be installed: that one error is the profile's.
    await controlled(page);
    const cdp = await context.newCDPSession(page);
    const errors = async () =>
      ((await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: Array<{ errorId: string }> }).installabilityErrors
        .map((e) => e.errorId)
        .filter((id) => id !== 'in-incognito');
    await expect.poll(errors).toEqual([]);

    // Headless Chromium never fires beforeinstallprompt (it has no install UI), so the offer is the
    // same event dispatched by hand: the button appears, opens the prompt, and goes away.
    const installButton = page.getByRole('button', { name: 'Install app' });
    await expect(installButton).toHaveCount(0);
    await page.evaluate(() => {
      const offer = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
        prompt: async () => void ((window as unknown as { __prompted: boolean }).__prompted = true),
        userChoice: Promise.resolve({ outcome: 'accepted' }),
      });
      window.dispatchEvent(offer);
    });
    await installButton.click();
    expect(await page.evaluate(() => (window as unknown as { __prompted?: boolean }).__prompted)).toBe(true);
    await expect(installButton).toHaveCount(0);
    await context.close();
  });

  test('the service worker caches exactly the shell, never API answers, and the app starts offline', async () => {
    const { context, page } = await newContext();
    await signIn(page, 'alice');
    await controlled(page);
    // A reload under the worker makes the app's requests pass by it again.
    await page.reload();
    await expectRegistered(page);
    const cached = await cachedPaths(page);
    const names = Object.keys(cached);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^softphone-shell-/);
    expect(cached[names[0]!]).toEqual(shellOfBuild());
    const everything = Object.values(cached).flat();
    expect(everything.filter((path) => /^\/(api|sounds|emulator|signal|handle_calls)\b/.test(path))).toEqual([]);

    await context.setOffline(true);
    await page.reload();
    await expect(page.getByText('You are offline. The phone starts as soon as the connection is back.')).toBeVisible();
    await context.setOffline(false);
    // Back online, the page starts for real by itself.
    await expectRegistered(page);
    await context.close();
  });

  test('a new version waits for the end of the call; Reload then switches to it', async () => {
    const files = ['sw.js', 'sw.js.br', 'sw.js.gz'].map((name) => join(DIST, name));
    const originals = files.map((file) => readFileSync(file));
    const { context, page } = await newContext();
    try {
      await signIn(page, 'alice');
      await controlled(page);
      const [before] = Object.keys(await cachedPaths(page));

      // "Deploy" a new build: the same worker with another version.
      const version = before!.slice('softphone-shell-'.length);
      const next = originals[0]!.toString('utf8').replaceAll(version, 'newbuild0001');
      expect(next).not.toBe(originals[0]!.toString('utf8'));
      writeFileSync(files[0]!, next);
      writeFileSync(files[1]!, brotliCompressSync(next));
      writeFileSync(files[2]!, gzipSync(next));

      await dial(page, PHONES.tone);
      await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
      const banner = page.getByTestId('update-banner');
      await expect(banner).toContainText('A new version of the softphone is ready. Reload after this call to use it.');
      await expect(banner.getByRole('button', { name: 'Reload' })).toHaveCount(0);

      await page.getByRole('button', { name: 'Hang up' }).click();
      await expect(banner.getByRole('button', { name: 'Reload' })).toBeVisible();
      await Promise.all([page.waitForEvent('load'), banner.getByRole('button', { name: 'Reload' }).click()]);
      await expectRegistered(page);
      await expect(page.getByTestId('update-banner')).toHaveCount(0);
      // The new worker is in charge, and the old version's shell is gone.
      expect(Object.keys(await cachedPaths(page))).toEqual(['softphone-shell-newbuild0001']);
    } finally {
      files.forEach((file, i) => writeFileSync(file, originals[i]!));
      await context.close();
    }
  });
});
