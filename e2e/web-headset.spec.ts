/**
 * Headset buttons and lights through WebHID, with a fake `navigator.hid` that reproduces real headsets'
 * collections (test-support/fake-hid-page.ts). The report bytes below are written by hand from each
 * device's published layout, not computed by the app's usage finder, so a wrong bit position fails.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { expectPhoneState, phoneCalls, PHONES, TEAM_NUMBER } from '../test-support/emulator-api';
import { hidRequests, installFakeHid, lastHidReport, pressHid } from '../test-support/fake-hid-page';
import { expectMediaBothWays } from '../test-support/page-instrumentation';
import { callStatus, dial, newPhonePage, signIn } from '../test-support/phone-ui';
import { HEADSET_FIXTURES } from '../web/src/core/testing/headsets';

interface Layout {
  /** The input report: its id, length, and the bit of each button. */
  input: { id: number; bytes: number; hook: number; mute: number };
  /** Output report id and bit of each light. */
  ring: [number, number];
  offHook: [number, number];
  mute: [number, number];
}

const LAYOUTS: Record<string, Layout> = {
  'vbet-vt-lync': { input: { id: 1, bytes: 15, hook: 2, mute: 3 }, ring: [4, 0], offHook: [2, 0], mute: [3, 0] },
  'poly-blackwire-3220': { input: { id: 8, bytes: 1, hook: 1, mute: 0 }, ring: [24, 0], offHook: [23, 0], mute: [9, 0] },
  'gigaset-dongle': { input: { id: 2, bytes: 2, hook: 0, mute: 3 }, ring: [2, 2], offHook: [2, 0], mute: [2, 1] },
};

/** The headset reports these buttons down (all others up). */
function press(page: Page, layout: Layout, down: Array<'hook' | 'mute'>): Promise<void> {
  const bytes = new Array<number>(layout.input.bytes).fill(0);
  for (const button of down) {
    const bit = layout.input[button];
    bytes[bit >> 3]! |= 1 << (bit & 7);
  }
  return pressHid(page, layout.input.id, bytes);
}

/** Whether the app last set this light on. */
async function light(page: Page, [reportId, bit]: [number, number]): Promise<boolean | null> {
  const data = await lastHidReport(page, reportId);
  return data ? ((data[bit >> 3]! >> (bit & 7)) & 1) === 1 : null;
}

async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Audio settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Audio settings' });
  await expect(dialog).toBeVisible();
  return dialog;
}

async function connectHeadset(page: Page, name: string) {
  const dialog = await openSettings(page);
  await dialog.getByRole('button', { name: 'Connect headset' }).click();
  await expect(dialog.getByTestId('headset-state')).toHaveText(`Connected: ${name}`);
  return dialog;
}

test.describe('web: headset buttons and lights (WebHID)', () => {
  for (const [name, layout] of Object.entries(LAYOUTS)) {
    const device = HEADSET_FIXTURES[name]!.device;

    test(`${name}: ring light, hook switch answers, mute button mutes with its light, hook switch hangs up, lights off`, async ({ browser, request }) => {
      const { context, page } = await newPhonePage(browser);
      await installFakeHid(context, device);
      await signIn(page, 'alice');
      const settings = await connectHeadset(page, device.productName);
      expect(await hidRequests(page)).toEqual([{ filters: [{ usagePage: 0x0b }] }]);
      await settings.getByRole('button', { name: 'Done' }).click();

      await phoneCalls(request, PHONES.manual, TEAM_NUMBER);
      await expect(page.getByRole('alertdialog', { name: 'Incoming call' })).toBeVisible();
      await expect.poll(() => light(page, layout.ring)).toBe(true);

      await press(page, layout, ['hook']);
      await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall');
      await expectPhoneState(request, PHONES.manual, 'in-call');
      await expectMediaBothWays(page);
      await expect.poll(() => light(page, layout.offHook)).toBe(true);
      expect(await light(page, layout.ring)).toBe(false);

      // Pressed and released; the hook switch stays off hook meanwhile.
      await press(page, layout, ['hook', 'mute']);
      await press(page, layout, ['hook']);
      const call = page.getByRole('dialog', { name: /^Call with/ });
      await expect(call.getByText('Your microphone is muted.')).toBeVisible();
      await expect(call.getByRole('button', { name: 'Unmute' })).toBeVisible();
      await expect.poll(() => light(page, layout.mute)).toBe(true);

      await press(page, layout, []);
      await expect(call).toBeHidden();
      await expectPhoneState(request, PHONES.manual, 'idle');
      await expect.poll(() => light(page, layout.offHook)).toBe(false);
      expect(await light(page, layout.mute)).toBe(false);
      expect(await light(page, layout.ring)).toBe(false);
      await context.close();
    });
  }

  test('a granted headset reconnects after a reload; an outgoing call lights it; Disconnect forgets it; settings pass axe', async ({ browser, request }) => {
    const device = HEADSET_FIXTURES['poly-blackwire-3220']!.device;
    const layout = LAYOUTS['poly-blackwire-3220']!;
    const { context, page } = await newPhonePage(browser, { reducedMotion: 'reduce' });
    await installFakeHid(context, device);
    await signIn(page, 'alice');
    await (await connectHeadset(page, device.productName)).getByRole('button', { name: 'Done' }).click();

    await page.reload();
    await expect(page.getByTestId('registration')).toHaveAttribute('data-state', 'registered');
    // Reconnected without a click: the lights are set (all off) as soon as it is open.
    await expect.poll(() => light(page, layout.offHook)).toBe(false);

    await dial(page, PHONES.tone);
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
    await expect.poll(() => light(page, layout.offHook)).toBe(true);
    // The device follows the off-hook light, then its hook switch goes on hook: hang up.
    await press(page, layout, ['hook']);
    await press(page, layout, []);
    await expect(page.getByRole('dialog', { name: /^Call with/ })).toBeHidden();
    await expect.poll(() => light(page, layout.offHook)).toBe(false);

    await page.getByRole('button', { name: 'Device log' }).click();
    await expect(page.locator('#device-log')).toContainText('Headset connected: Plantronics Blackwire 3220 Series (047f:c056)');
    await expect(page.locator('#device-log')).toContainText('Headset: hanging up');

    const settings = await openSettings(page);
    await expect(settings.getByTestId('headset-state')).toHaveText(`Connected: ${device.productName}`);
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await settings.getByRole('button', { name: 'Disconnect' }).click();
    await expect(settings.getByTestId('headset-state')).toHaveText('No headset connected.');
    await page.reload();
    await expect(page.getByTestId('registration')).toHaveAttribute('data-state', 'registered');
    await expect((await openSettings(page)).getByTestId('headset-state')).toHaveText('No headset connected.');
    await context.close();
  });

  test('without WebHID the option is absent, with one sentence why', async ({ browser }) => {
    const { context, page } = await newPhonePage(browser);
    await installFakeHid(context, null);
    await signIn(page, 'alice');
    const settings = await openSettings(page);
    await expect(settings.getByText('Headset buttons need WebHID, which this browser does not have; Chrome and Edge have it.')).toBeVisible();
    await expect(settings.getByRole('button', { name: 'Connect headset' })).toHaveCount(0);
    await context.close();
  });
});
