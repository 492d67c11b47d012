/**
 * Faults of the person's own audio hardware and permissions: the microphone blocked for the site,
 * and the chosen microphone unplugged in the middle of a call.
 */
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../test-support/chromium';
import { E2E_BASE_URL } from '../test-support/local-server';
import { liveCallOf, phone, PHONES } from '../test-support/emulator-api';
import { audioStats, expectMediaBothWays } from '../test-support/page-instrumentation';
import { callStatus, dial, newPhonePage, openDialPad, signIn } from '../test-support/phone-ui';
import { expect, test } from '../test-support/resilience';

/** Lets the test unplug an audio device: enumerateDevices stops listing it and devicechange fires. */
const UNPLUGGABLE_DEVICES = () => {
  const removed = new Set<string>();
  const devices = navigator.mediaDevices;
  const enumerate = devices.enumerateDevices.bind(devices);
  devices.enumerateDevices = async () => (await enumerate()).filter((d) => !removed.has(d.deviceId));
  (window as unknown as { __unplug: (id: string) => void }).__unplug = (id: string) => {
    removed.add(id);
    devices.dispatchEvent(new Event('devicechange'));
  };
};

test.describe('resilience: microphone and audio devices', () => {
  test('microphone blocked for the site: dialing says so with how to unblock, and the phone is ready again', async ({ survived }) => {
    // A browser of its own: without --use-fake-ui-for-media-stream the permission is really asked,
    // and this context denies it, as a person who clicked "Block" would.
    const options = chromiumLaunchOptions();
    const browser = await chromium.launch({ ...options, args: (options.args ?? []).filter((a) => a !== '--use-fake-ui-for-media-stream') });
    try {
      const context = await browser.newContext({ baseURL: E2E_BASE_URL, ignoreHTTPSErrors: true, locale: 'en-US', permissions: [] });
      const page = await context.newPage();
      await signIn(page, 'alice');
      const denied = await page.evaluate(() =>
        navigator.mediaDevices.getUserMedia({ audio: true }).then(
          (s) => (s.getTracks().forEach((t) => t.stop()), 'granted'),
          (e: Error) => e.name,
        ),
      );
      expect(denied).toBe('NotAllowedError');

      const pad = await openDialPad(page);
      await pad.input.fill(PHONES.echo);
      await pad.call.click();
      const alert = page.getByRole('alert').filter({ hasText: 'The microphone is blocked for this site.' });
      await expect(alert).toBeVisible({ timeout: 15_000 });
      await expect(alert).toContainText('set Microphone to Allow');
      await expect(page.getByRole('dialog')).toHaveCount(0);
      await expect(page.getByTestId('registration')).toHaveAttribute('data-state', 'registered');
      // Nothing is stuck: the phone dials again (and fails again, for the same reason, until unblocked).
      await alert.getByRole('button').click();
      await expect(alert).toBeHidden();
      await expect(page.getByRole('button', { name: 'New call' })).toBeEnabled();
      await context.grantPermissions(['microphone']);
      await dial(page, PHONES.echo);
      await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
      await page.getByRole('button', { name: 'Hang up' }).click();
      await expect(page.getByRole('dialog')).toHaveCount(0);
      survived('microphone blocked: "microphone blocked" with how to unblock, phone ready again, a call works once allowed');
      await context.close();
    } finally {
      await browser.close();
    }
  });

  test('the chosen microphone is unplugged mid-call: the call falls back to the default and says so', async ({ browser, request, survived }) => {
    const { context, page } = await newPhonePage(browser);
    await context.addInitScript(UNPLUGGABLE_DEVICES);
    await signIn(page, 'carol');

    await page.getByRole('button', { name: 'Audio settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Audio settings' });
    const mic = settings.getByRole('combobox', { name: 'Microphone', exact: true });
    await expect(mic.locator('option')).not.toHaveCount(1);
    const chosen = await mic.locator('option').nth(1).getAttribute('value');
    const label = (await mic.locator('option').nth(1).textContent()) ?? '';
    await mic.selectOption(chosen!);
    await settings.getByRole('button', { name: 'Done' }).click();

    await dial(page, PHONES.echo);
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
    await expectMediaBothWays(page);
    await liveCallOf(request, E2E_BASE_URL, 'carol');

    await page.evaluate((id) => (window as unknown as { __unplug: (id: string) => void }).__unplug(id), chosen!);
    const dialog = page.getByRole('dialog', { name: /^Call with/ });
    await expect(dialog.getByText(`“${label}” was disconnected. Using the default device instead.`)).toBeVisible({ timeout: 10_000 });
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall');
    // Still talking: the page keeps sending, and the echo phone keeps hearing it.
    const before = await audioStats(page);
    const heardBefore = (await phone(request, PHONES.echo)).heard.packetsReceived;
    await expect.poll(async () => (await audioStats(page)).packetsSent - before.packetsSent).toBeGreaterThan(25);
    await expect.poll(async () => (await phone(request, PHONES.echo)).heard.packetsReceived - heardBefore).toBeGreaterThan(25);
    await dialog.getByRole('button', { name: 'Hang up' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByTestId('registration')).toHaveAttribute('data-state', 'registered');
    survived(`microphone "${label}" unplugged mid-call: told "${label} was disconnected", the call continued on the default microphone`);
    await context.close();
  });
});
