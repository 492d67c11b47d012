/** Debian's Chromium with fake media devices, for the browser tests, the media-leg tests and the benches. */
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from '@playwright/test';

/** Debian's chromium, or CHROMIUM_PATH; Playwright cannot download its own browsers here. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((p): p is string => !!p && existsSync(p));
  if (!found) {
    throw new Error('No Chromium found: install Debian\'s "chromium" package or set CHROMIUM_PATH');
  }
  return found;
}

export function chromiumLaunchOptions(): LaunchOptions {
  return {
    executablePath: chromiumPath(),
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-gpu',
      '--disable-quic',
      '--no-sandbox',
    ],
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions());
}

/** The base64 SHA-256 of a certificate's public key, as Chromium's --ignore-certificate-errors-spki-list wants it. */
export function spkiHash(certPem: string): string {
  const key = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(key).digest('base64');
}

/**
 * Chromium that trusts one certificate (the local server's) as if a real authority had signed it.
 * Needed for service workers: Chromium refuses to register one on an origin whose certificate errors
 * it was told to ignore (Playwright's ignoreHTTPSErrors), but accepts a certificate it trusts.
 */
export function launchChromiumTrusting(certFile: string, extraArgs: string[] = []): Promise<Browser> {
  const options = chromiumLaunchOptions();
  const spki = spkiHash(readFileSync(certFile, 'utf8'));
  return chromium.launch({ ...options, args: [...(options.args ?? []), `--ignore-certificate-errors-spki-list=${spki}`, ...extraArgs] });
}
