/** Every screen and dialog, in every language, saved into the test artifacts for review. */
import { expect, test } from '@playwright/test';
import { expectPhoneState, phoneAction, phoneCalls, PHONES, TEAM_NUMBER } from '../test-support/emulator-api';
import { callStatus, chooseLanguage, LANGUAGES, newPhonePage, shot, signIn } from '../test-support/phone-ui';

for (const language of LANGUAGES) {
  test(`web: every dialog screenshotted in ${language}`, async ({ browser, request }, testInfo) => {
    const { context, page } = await newPhonePage(browser, { reducedMotion: 'reduce' });
    await page.goto('/');
    await chooseLanguage(page, language);
    await shot(page, testInfo, `${language}-01-sign-in`);
    await signIn(page, 'alice', { navigate: false });
    await shot(page, testInfo, `${language}-02-home`);

    // Dial pad: a number being typed, then an inline reason.
    await page.keyboard.press('n');
    const pad = page.getByRole('dialog');
    const input = pad.locator('input[name="number"]');
    await expect(input).toBeFocused();
    await page.keyboard.type('2025550');
    await shot(page, testInfo, `${language}-03-dial-pad`);
    await input.fill('+442079460123');
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    await shot(page, testInfo, `${language}-04-dial-pad-not-allowed`);
    await input.fill('b');
    await shot(page, testInfo, `${language}-05-dial-pad-colleague`);

    // Outgoing call: ringing, then connected with the keypad open and muted.
    await expectPhoneState(request, PHONES.manual, 'idle');
    await input.fill('2025550102');
    await pad.locator('button[type="submit"]').click();
    await expect(callStatus(page)).toHaveAttribute('data-state', 'ringing');
    await shot(page, testInfo, `${language}-06-call-ringing`);
    await phoneAction(request, PHONES.manual, 'answer');
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall');
    const call = page.getByRole('dialog');
    await call.getByTestId('keypad-toggle').click();
    await page.keyboard.press('m');
    await page.keyboard.press('1');
    // The picture shows a call under way: the timer past 0:00.
    await expect(page.getByRole('timer')).not.toHaveText('0:00');
    await shot(page, testInfo, `${language}-07-call-in-progress`);
    await phoneAction(request, PHONES.manual, 'hangup');
    await expect(call).toBeHidden();

    // Incoming call from a phone.
    await phoneCalls(request, PHONES.manual, TEAM_NUMBER);
    const incoming = page.getByRole('alertdialog');
    await expect(incoming).toBeVisible();
    await shot(page, testInfo, `${language}-08-incoming-call`);
    await page.keyboard.press('Escape');
    await expect(incoming).toBeHidden();
    await phoneAction(request, PHONES.manual, 'hangup');

    // Audio settings and the device log.
    await page.locator('.header-actions button').nth(0).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    // The microphone preview is running: its meter shows a level.
    await expect.poll(() => page.getByRole('dialog').getByRole('meter').first().getAttribute('aria-valuenow')).not.toMatch(/^(0|null)?$/);
    await shot(page, testInfo, `${language}-09-audio-settings`);
    await page.keyboard.press('Escape');
    await page.locator('.header-actions button[aria-controls="device-log"]').click();
    await expect(page.locator('#device-log')).toBeVisible();
    await page.locator('#device-log').scrollIntoViewIfNeeded();
    await shot(page, testInfo, `${language}-10-device-log`);
    await context.close();
  });
}
