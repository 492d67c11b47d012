/**
 * One person with several tabs: one ringtone, answer anywhere, the other tabs' dialogs close; busy is
 * per person, so a second call shows as call waiting only in the tab that holds the call.
 */
import { expect, test } from '@playwright/test';
import { callDialog, callFrom, expectPhoneHears, HOLD_MUSIC, tonePhone } from '../test-support/call-control-ui';
import { expectPhoneState, phoneAction, phoneCalls, PHONES, TEAM_NUMBER } from '../test-support/emulator-api';
import { expectMediaBothWays } from '../test-support/page-instrumentation';
import { callStatus, expectRegistered, newPhonePage, signIn } from '../test-support/phone-ui';

// A phone of this spec's own for the second call, with a tone of its own.
const WAITING = '+12025550174';
const WAITING_HZ = 620;

test.describe('web: several tabs of one user', () => {
  test('a call rings once, is answered in the second tab, the first tab’s dialog closes; a second call waits only in the second tab', async ({
    browser,
    request,
  }) => {
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

    // A second call: the banner in the tab with the call; a quiet hint, no dialog, in the other.
    await tonePhone(request, WAITING, WAITING_HZ, false);
    await callFrom(request, WAITING, TEAM_NUMBER, WAITING_HZ);
    const dialog = callDialog(second);
    const banner = dialog.getByTestId('call-waiting');
    await expect(banner).toContainText('Call waiting: (202) 555-0174', { timeout: 15_000 });
    await expect(first.getByTestId('waiting-elsewhere')).toContainText('(202) 555-0174');
    await expect(firstIncoming).toBeHidden();
    await expect(first.getByTestId('call-waiting')).toBeHidden();

    // Hold & accept from the holder: the first caller hears hold music, the second talks to carol.
    await banner.getByRole('button', { name: 'Hold & accept' }).click();
    await expect(dialog).toHaveAccessibleName('Call with (202) 555-0174', { timeout: 15_000 });
    await expect(first.getByTestId('waiting-elsewhere')).toBeHidden();
    await expectPhoneHears(request, PHONES.manual, { anyOf: HOLD_MUSIC });
    await expectPhoneHears(request, WAITING, { not: HOLD_MUSIC });
    await expectMediaBothWays(second);

    // The second caller hangs up; Hang up on the parked call left in focus releases the first caller.
    await phoneAction(request, WAITING, 'hangup');
    await expect(dialog.getByTestId('parked-call')).toContainText('On hold: (202) 555-0102', { timeout: 15_000 });
    await dialog.getByRole('button', { name: 'Hang up' }).click();
    await expect(dialog).toBeHidden({ timeout: 15_000 });
    await expectPhoneState(request, PHONES.manual, 'idle');
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
