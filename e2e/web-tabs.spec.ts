/** One person with several tabs: one ringtone, answer anywhere, the other tabs' dialogs close. */
import { expect, test } from '@playwright/test';
import { phoneAction, phoneCalls, PHONES, TEAM_NUMBER } from '../test-support/emulator-api';
import { callStatus, expectRegistered, newPhonePage, signIn } from '../test-support/phone-ui';

test.describe('web: several tabs of one user', () => {
  test('a call rings once, is answered in the second tab, and the first tab’s dialog closes', async ({ browser, request }) => {
    const { context, page: first } = await newPhonePage(browser);
    await signIn(first, 'carol');
    const second = await context.newPage();
    await second.goto('/');
    await expectRegistered(second);

    // Exactly one tab rings; the other says so.
    const otherTabHint = 'Another tab of this phone plays the ringtone.';
    await expect.poll(async () => (await first.getByText(otherTabHint).count()) + (await second.getByText(otherTabHint).count())).toBe(1);

    await phoneCalls(request, PHONES.manual, TEAM_NUMBER);
    const firstIncoming = first.getByRole('alertdialog', { name: 'Incoming call' });
    const secondIncoming = second.getByRole('alertdialog', { name: 'Incoming call' });
    await expect(firstIncoming).toBeVisible();
    await expect(secondIncoming).toBeVisible();

    await secondIncoming.getByRole('button', { name: 'Accept' }).click();
    await expect(callStatus(second)).toHaveAttribute('data-state', 'inCall');
    await expect(firstIncoming).toBeHidden();
    await expect(first.getByText('The call was answered in another tab.')).toBeVisible();

    await phoneAction(request, PHONES.manual, 'hangup');
    await expect(second.getByRole('dialog', { name: /^Call with/ })).toBeHidden();
    await context.close();
  });

  test('rejecting in one tab closes the dialog in the others', async ({ browser, request }) => {
    const { context, page: first } = await newPhonePage(browser);
    await signIn(first, 'carol');
    const second = await context.newPage();
    await second.goto('/');
    await expectRegistered(second);
    await phoneCalls(request, PHONES.manual, TEAM_NUMBER);
    await expect(first.getByRole('alertdialog', { name: 'Incoming call' })).toBeVisible();
    await expect(second.getByRole('alertdialog', { name: 'Incoming call' })).toBeVisible();
    await first.getByRole('button', { name: 'Reject' }).click();
    await expect(first.getByRole('alertdialog')).toBeHidden();
    await expect(second.getByRole('alertdialog')).toBeHidden();
    await context.close();
  });
});
