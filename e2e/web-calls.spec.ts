/**
 * The web UI against the local emulator: outgoing and incoming calls with simulated phones. Alice signs in
 * once for the file; every test starts at her ready phone and leaves it there (Playwright runs beforeAll
 * again in a fresh worker after a failure, so a failed test does not leave the next one a broken tab).
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { expectPhoneState, phone, phoneAction, phoneCalls, PHONES, TEAM_NUMBER } from '../test-support/emulator-api';
import { expectMediaBothWays } from '../test-support/page-instrumentation';
import { callStatus, dial, expectMetersMoving, expectRegistered, expectTimerRunning, newPhonePage, openDialPad, signIn } from '../test-support/phone-ui';

let context: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  ({ context, page } = await newPhonePage(browser));
  const registeredAfterMs = await signIn(page, 'alice');
  console.log(`registered ${Math.round(registeredAfterMs)} ms after page load`);
});

test.afterAll(async () => {
  await context?.close();
});

test.afterEach(async () => {
  // Ready for the next test: no dialog open, registered.
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await expectRegistered(page);
});

test.describe('web: calls to and from simulated phones', () => {
  test('signed in, dial a phone: ringing → in call with a running timer and moving meters, mute, DTMF heard, hang up', async ({ request }) => {
    await expect(page.getByTestId('identity')).toHaveText('alice');
    await expect(page.getByTestId('team-number')).toHaveText('(202) 555-0100');

    const dialog = await dial(page, '202 555 0102');
    await expect(dialog).toHaveAccessibleName('Call with (202) 555-0102');
    await expect(callStatus(page)).toHaveAttribute('data-state', 'ringing');
    await expectPhoneState(request, PHONES.manual, 'ringing');

    await phoneAction(request, PHONES.manual, 'answer');
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall');
    await expectTimerRunning(page);
    await expectMediaBothWays(page);
    await expectMetersMoving(page);
    await expect(page.getByTestId('registration')).toHaveText('On a call');
    await expect(page.getByTestId('registration')).toHaveAttribute('data-state', 'registered');

    const mute = dialog.getByRole('button', { name: 'Mute' });
    await mute.click();
    await expect(dialog.getByRole('button', { name: 'Unmute' })).toBeVisible();
    await expect(dialog.getByText('Your microphone is muted.')).toBeVisible();
    await dialog.getByRole('button', { name: 'Unmute' }).click();
    await expect(dialog.getByRole('button', { name: 'Mute' })).toBeVisible();

    await dialog.getByRole('button', { name: 'Keypad' }).click();
    await dialog.getByRole('button', { name: '1', exact: true }).click();
    await page.keyboard.press('9');
    await page.keyboard.press('#');
    await expect.poll(async () => (await phone(request, PHONES.manual)).heard.digits, { timeout: 10_000 }).toBe('19#');

    await dialog.getByRole('button', { name: 'Hang up' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('registration')).toHaveAttribute('data-state', 'registered');
    await expect(page.getByTestId('registration')).toHaveText('Ready for calls');
    await expectPhoneState(request, PHONES.manual, 'idle');
  });

  test('the far end hanging up closes the call dialog', async ({ request }) => {
    const dialog = await dial(page, PHONES.tone);
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
    await expectTimerRunning(page);
    await phoneAction(request, PHONES.tone, 'hangup');
    await expect(dialog).toBeHidden();
  });

  test('a busy phone: the dialer says the line is busy and the phone is ready again', async () => {
    // Not dial(): a busy line rejects so fast that the call dialog may be gone before it can be seen.
    const pad = await openDialPad(page);
    await pad.input.fill(PHONES.busy);
    await pad.call.click();
    await expect(page.getByRole('alert')).toContainText('The line is busy.');
    await expect(page.getByRole('dialog', { name: /^Call with/ })).toBeHidden();
    await expect(page.getByTestId('registration')).toHaveAttribute('data-state', 'registered');
    await page.getByRole('alert').getByRole('button', { name: 'Dismiss' }).click();
    await expect(page.getByRole('alert')).toHaveCount(0);
  });

  test('a phone calls the team number: caller ID shown, accept, talk, hang up', async ({ request }) => {
    await phoneCalls(request, PHONES.manual, TEAM_NUMBER);
    const incoming = page.getByRole('alertdialog', { name: 'Incoming call' });
    await expect(incoming).toBeVisible();
    await expect(incoming.getByTestId('caller-id')).toHaveText('(202) 555-0102');
    await expect(incoming.getByRole('button', { name: 'Accept' })).toBeFocused();
    await incoming.getByRole('button', { name: 'Accept' }).click();
    await expect(incoming).toBeHidden();
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall');
    await expectTimerRunning(page);
    await expectMediaBothWays(page);
    await expectPhoneState(request, PHONES.manual, 'in-call');
    await page.getByRole('button', { name: 'Hang up' }).click();
    await expectPhoneState(request, PHONES.manual, 'idle');
  });

  test('a phone calls the team number: reject closes the dialog and the caller is not left ringing', async ({ request }) => {
    await phoneCalls(request, PHONES.manual, TEAM_NUMBER);
    const incoming = page.getByRole('alertdialog', { name: 'Incoming call' });
    await expect(incoming).toBeVisible();
    await incoming.getByRole('button', { name: 'Reject' }).click();
    await expect(incoming).toBeHidden();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    // With nobody else signed in, the caller goes to voicemail: the greeting, not more ringing.
    await expect
      .poll(async () => (await phone(request, PHONES.manual)).heard.says.join(' | '), { timeout: 20_000 })
      .toContain('leave a message after the tone');
    await phoneAction(request, PHONES.manual, 'hangup');
    await expectPhoneState(request, PHONES.manual, 'idle');
  });

  test('the caller hanging up closes the incoming dialog', async ({ request }) => {
    await phoneCalls(request, PHONES.manual, TEAM_NUMBER);
    const incoming = page.getByRole('alertdialog', { name: 'Incoming call' });
    await expect(incoming).toBeVisible();
    await phoneAction(request, PHONES.manual, 'hangup');
    await expect(incoming).toBeHidden();
  });
});
