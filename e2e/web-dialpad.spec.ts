/** Dial pad validation and accessibility of every screen (axe-core: no serious or critical findings). */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { expectPhoneState, phoneAction, phoneCalls, PHONES, TEAM_NUMBER } from '../test-support/emulator-api';
import { dial, newPhonePage, openDialPad, signIn } from '../test-support/phone-ui';

async function expectNoSeriousA11yFindings(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${what}: ${v.id} ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

test.describe('web: dial pad', () => {
  test('says why before dialing an invalid or disallowed number, and places nothing', async ({ browser }) => {
    const { context, page } = await newPhonePage(browser);
    await signIn(page, 'alice');
    const pad = await openDialPad(page);
    await expect(pad.input).toBeFocused();

    await pad.input.fill('202555');
    await pad.call.click();
    await expect(pad.dialog.getByText('This number is too short.')).toBeVisible();
    await expect(pad.input).toHaveAttribute('aria-invalid', 'true');

    await pad.input.fill('+44 20 7946 0123');
    await expect(pad.dialog.getByText('Calls to United Kingdom are not allowed from this phone.')).toBeVisible();
    await pad.call.click();
    await expect(pad.dialog).toBeVisible();

    // Emergency numbers are not placed from this phone (EMERGENCY_CALLING is off), and it says so at once.
    await pad.input.fill('911');
    await expect(pad.dialog.getByText('This phone does not place emergency calls. Use another phone to call 911.')).toBeVisible();
    await pad.call.click();
    await expect(page.getByRole('dialog', { name: /^Call with/ })).toHaveCount(0);

    await pad.input.fill('dave');
    await pad.call.click();
    await expect(pad.dialog.getByText('Nobody called “dave” is in your team.')).toBeVisible();
    await expect(page.getByRole('dialog', { name: /^Call with/ })).toHaveCount(0);

    // Keyboard entry is formatted as typed; Backspace removes digits, not formatting.
    await pad.input.fill('');
    await page.keyboard.type('2025550');
    await expect(pad.input).toHaveValue('(202) 555-0');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await expect(pad.input).toHaveValue('(202) 55');

    await page.keyboard.press('Escape');
    await expect(pad.dialog).toBeHidden();
    await expect(page.getByRole('button', { name: 'New call' })).toBeFocused();
    await context.close();
  });

  test('every screen passes axe without serious or critical findings', async ({ browser, request }) => {
    // Without animations axe measures the settled colours, not a dialog halfway through fading in.
    const { context, page } = await newPhonePage(browser, { reducedMotion: 'reduce' });
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await expectNoSeriousA11yFindings(page, 'sign-in');
    await signIn(page, 'alice');
    await expectNoSeriousA11yFindings(page, 'home');
    await openDialPad(page);
    await page.getByLabel('Phone number or name').fill('202555');
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    await expectNoSeriousA11yFindings(page, 'dial pad');
    await page.keyboard.press('Escape');

    await phoneCalls(request, PHONES.manual, TEAM_NUMBER);
    await expect(page.getByRole('alertdialog')).toBeVisible();
    await expectNoSeriousA11yFindings(page, 'incoming call');
    await page.getByRole('button', { name: 'Accept' }).click();
    const call = page.getByRole('dialog', { name: /^Call with/ });
    await call.getByRole('button', { name: 'Keypad' }).click();
    await expectNoSeriousA11yFindings(page, 'call in progress');
    await call.getByRole('button', { name: 'Hang up' }).click();
    await expectPhoneState(request, PHONES.manual, 'idle');

    await page.getByRole('button', { name: 'Audio settings' }).click();
    await expect(page.getByRole('dialog', { name: 'Audio settings' })).toBeVisible();
    await expectNoSeriousA11yFindings(page, 'audio settings');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Device log' }).click();
    await expect(page.getByRole('region', { name: 'Device log' })).toBeVisible();
    await expectNoSeriousA11yFindings(page, 'device log');
    await context.close();
  });

  test('a call the far end rejects ends cleanly and leaves a working phone', async ({ browser, request }) => {
    const { context, page } = await newPhonePage(browser);
    await signIn(page, 'alice');
    await expectPhoneState(request, PHONES.manual, 'idle');
    const call = await dial(page, PHONES.manual);
    await expect(page.getByTestId('call-status')).toHaveAttribute('data-state', 'ringing');
    await phoneAction(request, PHONES.manual, 'reject');
    await expect(call).toBeHidden({ timeout: 15_000 });
    // Whatever the far end did, the person is back at a working phone, not stuck in a dialog.
    await expect(page.getByRole('button', { name: 'New call' })).toBeEnabled();
    await context.close();
  });
});
