/**
 * Hold, transfer, three-way calls and call waiting in the app, with real media through the emulator's
 * conferences. Every party sends its own tone (phones) and who hears whom is read by frequency: a phone
 * from what it hears, a browser from what the emulator mixes for its conference participant.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectNoSeriousA11yFindings } from '../test-support/a11y';
import { expectPhoneState, phone, PHONES, TEAM_NUMBER } from '../test-support/emulator-api';
import { callDialog, callFrom, expectPhoneHears, expectPhoneHearsSound, expectUserHears, HOLD_MUSIC, tonePhone } from '../test-support/call-control-ui';
import { expectMediaBothWays } from '../test-support/page-instrumentation';
import { callStatus, expectTimerRunning, newPhonePage, recents, signIn } from '../test-support/phone-ui';

// Phones of this spec's own, so no other spec's call is in the way.
const CALLER = '+12025550171';
const SECOND = '+12025550172';
const ADDED = '+12025550173';
const HZ = { caller: 500, second: 620, added: 440 } as const;

async function user(browser: Browser, name: string) {
  // Without animations axe measures the settled colours, not a dialog halfway through fading in.
  const { context, page } = await newPhonePage(browser, { reducedMotion: 'reduce' });
  await signIn(page, name);
  return { context, page };
}

/** The phone calls the team and `page`'s user answers it. */
async function answerTeamCall(page: Page, from: string, toneHz: number, request: Parameters<typeof callFrom>[0]) {
  await callFrom(request, from, TEAM_NUMBER, toneHz);
  const incoming = page.getByRole('alertdialog', { name: 'Incoming call' });
  await incoming.getByRole('button', { name: 'Accept' }).click();
  await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
  return callDialog(page);
}

test.describe('web: hold, transfer, three-way calls and call waiting', () => {
  test.beforeAll(async ({ request }) => {
    await tonePhone(request, CALLER, HZ.caller, false);
    await tonePhone(request, SECOND, HZ.second, false);
    await tonePhone(request, ADDED, HZ.added, true);
  });

  test('hold (music for the caller, nothing for alice), resume, then a blind transfer to bob', async ({ browser, request }) => {
    const alice = await user(browser, 'alice');
    const bob = await user(browser, 'bob');
    const dialog = await answerTeamCall(alice.page, CALLER, HZ.caller, request);
    await expect(bob.page.getByRole('alertdialog', { name: 'Incoming call' })).toBeHidden();
    await expectMediaBothWays(alice.page);

    await dialog.getByRole('button', { name: 'Hold' }).click();
    await expect(callStatus(alice.page)).toHaveText('On hold');
    await expectTimerRunning(alice.page);
    await expectPhoneHears(request, CALLER, { anyOf: HOLD_MUSIC });
    await expectUserHears(request, 'alice', { not: [HZ.caller] });
    await expect(dialog.getByTestId('call-parties')).toContainText('on hold');

    await dialog.getByRole('button', { name: 'Resume' }).click();
    await expect(callStatus(alice.page)).toHaveText('Connected');
    await expectUserHears(request, 'alice', { hears: [HZ.caller] });
    await expectPhoneHears(request, CALLER, { not: HOLD_MUSIC });
    await expectMediaBothWays(alice.page);

    // The call is in a conference now. A key alice presses reaches the caller as the key's two tones (a
    // conference plays keys into the room), which the caller's phone hears as the digit.
    await dialog.getByTestId('keypad-toggle').click();
    await dialog.getByRole('button', { name: '1', exact: true }).click();
    await expect.poll(async () => (await phone(request, CALLER)).heard.digits, { timeout: 5_000 }).toBe('1');
    await dialog.getByTestId('keypad-toggle').click();
    // Mute for real: muted, the caller hears nothing of alice's microphone; unmuted, it hears it again.
    await expectPhoneHearsSound(request, CALLER, true);
    await dialog.getByRole('button', { name: 'Mute' }).click();
    await expectPhoneHearsSound(request, CALLER, false);
    await dialog.getByRole('button', { name: 'Unmute' }).click();
    await expectPhoneHearsSound(request, CALLER, true);

    // Transfer now to a number nobody answers: after the ring time (TRANSFER_RING_SECONDS, 10 s here) the
    // call comes back to alice, ringing; she answers and talks to the caller again.
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await dialog.getByLabel('Colleague or number').fill(PHONES.noAnswer);
    await dialog.getByRole('button', { name: 'Transfer now' }).click();
    await expect(dialog).toBeHidden({ timeout: 15_000 });
    await expectPhoneHears(request, CALLER, { anyOf: HOLD_MUSIC });
    const back = alice.page.getByRole('alertdialog', { name: 'Incoming call' });
    await expect(back.getByTestId('transfer-offer')).toHaveText('+12025550105 did not answer: the call is back with you', { timeout: 30_000 });
    await back.getByRole('button', { name: 'Accept' }).click();
    await expect(callStatus(alice.page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
    await expectUserHears(request, 'alice', { hears: [HZ.caller] });
    await expectPhoneHears(request, CALLER, { not: HOLD_MUSIC });

    // Mute still works on a call that went through hold.
    await dialog.getByRole('button', { name: 'Mute' }).click();
    await expect(dialog.getByRole('button', { name: 'Unmute' })).toBeVisible();
    await dialog.getByRole('button', { name: 'Unmute' }).click();

    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await dialog.getByLabel('Colleague or number').fill('bob');
    await dialog.getByRole('button', { name: 'Transfer now' }).click();
    const ringing = bob.page.getByRole('alertdialog', { name: 'Incoming call' });
    await expect(ringing.getByTestId('transfer-offer')).toHaveText('alice is transferring (202) 555-0171 to you', { timeout: 15_000 });
    await expect(dialog).toBeHidden();
    await ringing.getByRole('button', { name: 'Accept' }).click();
    await expect(callStatus(bob.page)).toHaveAttribute('data-state', 'inCall');
    await expectUserHears(request, 'bob', { hears: [HZ.caller] });
    await expectPhoneHears(request, CALLER, { not: HOLD_MUSIC });
    await expectMediaBothWays(bob.page);
    await callDialog(bob.page).getByRole('button', { name: 'Hang up' }).click();
    await expect(callDialog(bob.page)).toBeHidden();
    // Recents says what happened to the call.
    await expect(recents(alice.page).getByTestId('recent-call').first()).toContainText('Transferred to bob', { timeout: 15_000 });
    await Promise.all([alice.context.close(), bob.context.close()]);
  });

  test('consult first: the caller waits on hold while alice talks to bob, then Complete transfer', async ({ browser, request }) => {
    const alice = await user(browser, 'alice');
    const bob = await user(browser, 'bob');
    const dialog = await answerTeamCall(alice.page, CALLER, HZ.caller, request);

    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await dialog.getByLabel('Colleague or number').fill('bob');
    await dialog.getByRole('button', { name: 'Consult first' }).click();
    await expect(dialog.getByTestId('transfer-status')).toHaveText('Calling bob…');
    const ringing = bob.page.getByRole('alertdialog', { name: 'Incoming call' });
    await ringing.getByRole('button', { name: 'Accept' }).click();
    await expect(dialog.getByTestId('transfer-status')).toHaveText('Talking to bob; the caller is on hold.', { timeout: 15_000 });
    await expectPhoneHears(request, CALLER, { anyOf: HOLD_MUSIC });
    await expectNoSeriousA11yFindings(alice.page, 'consulting');

    await dialog.getByRole('button', { name: 'Complete transfer' }).click();
    await expect(dialog).toBeHidden({ timeout: 15_000 });
    await expectUserHears(request, 'bob', { hears: [HZ.caller] });
    await expectPhoneHears(request, CALLER, { not: HOLD_MUSIC });
    await callDialog(bob.page).getByRole('button', { name: 'Hang up' }).click();
    await Promise.all([alice.context.close(), bob.context.close()]);
  });

  test('add a person: three-way, each hears the other two', async ({ browser, request }) => {
    const alice = await user(browser, 'alice');
    const dialog = await answerTeamCall(alice.page, CALLER, HZ.caller, request);

    // Consult first, then Cancel: the caller waits on hold while alice talks to the number, then is back.
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await dialog.getByLabel('Colleague or number').fill(ADDED);
    await dialog.getByRole('button', { name: 'Consult first' }).click();
    await expect(dialog.getByTestId('transfer-status')).toHaveAttribute('data-state', 'consulting', { timeout: 15_000 });
    await expectPhoneHears(request, CALLER, { anyOf: HOLD_MUSIC });
    await expectUserHears(request, 'alice', { hears: [HZ.added], not: [HZ.caller] });
    await expectPhoneHears(request, ADDED, { not: [HZ.caller] });
    await dialog.locator('.transfer-status').getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog.getByTestId('transfer-status')).toBeHidden({ timeout: 15_000 });
    await expectPhoneState(request, ADDED, 'idle');
    await expectUserHears(request, 'alice', { hears: [HZ.caller], not: [HZ.added] });
    await expectPhoneHears(request, CALLER, { not: HOLD_MUSIC });

    await dialog.getByRole('button', { name: 'Add person' }).click();
    await expectNoSeriousA11yFindings(alice.page, 'add person form');
    await dialog.getByLabel('Colleague or number').fill(ADDED);
    await dialog.getByRole('button', { name: 'Add to call' }).click();
    await expect(dialog.getByTestId('call-parties')).toContainText('(202) 555-0173', { timeout: 15_000 });
    await expectUserHears(request, 'alice', { hears: [HZ.caller, HZ.added] }, 25_000);
    await expectPhoneHears(request, CALLER, { hears: [HZ.added] });
    await expectPhoneHears(request, ADDED, { hears: [HZ.caller] });
    await expectMediaBothWays(alice.page);
    await dialog.getByRole('button', { name: 'Hang up' }).click();
    await expect(dialog).toBeHidden();
    await alice.context.close();
  });

  test('call waiting: Hold & accept by keyboard (the first caller hears music), then Swap back to them', async ({ browser, request }) => {
    const alice = await user(browser, 'alice');
    const dialog = await answerTeamCall(alice.page, CALLER, HZ.caller, request);
    await callFrom(request, SECOND, TEAM_NUMBER, HZ.second);
    const banner = dialog.getByTestId('call-waiting');
    await expect(banner).toContainText('Call waiting: (202) 555-0172', { timeout: 15_000 });
    await expect(alice.page.getByRole('alertdialog')).toBeHidden();
    await expectNoSeriousA11yFindings(alice.page, 'call waiting');

    // By keyboard: Tab reaches the banner's button inside the call dialog, Enter presses it.
    const holdAccept = banner.getByRole('button', { name: 'Hold & accept' });
    for (let i = 0; i < 25 && !(await holdAccept.evaluate((el) => el === document.activeElement)); i++) await alice.page.keyboard.press('Tab');
    await expect(holdAccept).toBeFocused();
    await alice.page.keyboard.press('Enter');
    await expect(dialog).toHaveAccessibleName('Call with (202) 555-0172', { timeout: 15_000 });
    await expect(callStatus(alice.page)).toHaveAttribute('data-state', 'inCall');
    const other = dialog.getByTestId('other-call');
    await expect(other).toContainText('On hold: (202) 555-0171');
    // The first caller waits in their call, parked at the server, hearing music; alice talks to the second.
    await expectPhoneHears(request, CALLER, { anyOf: HOLD_MUSIC });
    expect((await phone(request, CALLER)).state).not.toBe('idle');
    await expectPhoneHears(request, SECOND, { not: HOLD_MUSIC });
    await expectMediaBothWays(alice.page);
    await expectNoSeriousA11yFindings(alice.page, 'two calls');

    await other.getByRole('button', { name: 'Swap' }).click();
    await expect(dialog).toHaveAccessibleName('Call with (202) 555-0171', { timeout: 15_000 });
    await expect(dialog.getByTestId('other-call')).toContainText('On hold: (202) 555-0172', { timeout: 15_000 });
    await expectUserHears(request, 'alice', { hears: [HZ.caller] });
    await expectPhoneHears(request, CALLER, { not: HOLD_MUSIC });
    await expectPhoneHears(request, SECOND, { anyOf: HOLD_MUSIC });
    await expectMediaBothWays(alice.page);

    await dialog.getByRole('button', { name: 'Hang up' }).click();
    // The second caller, still parked, comes forward: Resume rings alice back into their call.
    const parked = dialog.getByTestId('parked-call');
    await expect(parked).toContainText('On hold: (202) 555-0172', { timeout: 15_000 });
    await parked.getByRole('button', { name: 'Resume' }).click();
    await expect(parked).toBeHidden({ timeout: 15_000 });
    await expectPhoneHears(request, SECOND, { not: HOLD_MUSIC });
    await expectUserHears(request, 'alice', { hears: [HZ.second] });
    await dialog.getByRole('button', { name: 'Hang up' }).click();
    await expect(dialog).toBeHidden();
    await expect.poll(async () => (await phone(request, SECOND)).state, { timeout: 15_000 }).toBe('idle');
    await alice.context.close();
  });
});
