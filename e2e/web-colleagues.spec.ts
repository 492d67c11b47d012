/**
 * Two people, two browsers: alice calls bob by name and they hear each other. The team number ringing
 * everyone signed in is e2e/emulator-console.spec.ts's (a phone calls it from the console, bob takes it).
 */
import { expect, test } from '@playwright/test';
import { liveCallOf } from '../test-support/emulator-api';
import { E2E_BASE_URL } from '../test-support/local-server';
import { expectMediaBothWays } from '../test-support/page-instrumentation';
import { callStatus, dial, expectTimerRunning, signedInPages } from '../test-support/phone-ui';

test.describe('web: colleague to colleague', () => {
  test('alice dials bob from the dial pad, bob accepts, both talk, alice mutes and hangs up', async ({ browser, request }) => {
    const [alice, bob] = await signedInPages(browser, ['alice', 'bob']);

    const aliceCall = await dial(alice.page, 'bob');
    await expect(aliceCall).toHaveAccessibleName('Call with bob');
    const incoming = bob.page.getByRole('alertdialog', { name: 'Incoming call' });
    await expect(incoming).toBeVisible();
    await expect(incoming.getByTestId('caller-id')).toHaveText('alice');
    await expect(incoming.getByText('Colleague')).toBeVisible();
    await incoming.getByRole('button', { name: 'Accept' }).click();

    await expect(callStatus(alice.page)).toHaveAttribute('data-state', 'inCall');
    await expect(callStatus(bob.page)).toHaveAttribute('data-state', 'inCall');
    await expectTimerRunning(alice.page);
    await expectTimerRunning(bob.page);
    const aliceMedia = await expectMediaBothWays(alice.page);
    const bobMedia = await expectMediaBothWays(bob.page);
    console.log('alice media', aliceMedia, 'bob media', bobMedia);
    // Two browsers: the emulator bridges their media legs to each other.
    expect((await liveCallOf(request, E2E_BASE_URL, 'alice')).bridged).toBe(true);

    await aliceCall.getByRole('button', { name: 'Mute' }).click();
    await expect(aliceCall.getByRole('button', { name: 'Unmute' })).toBeVisible();
    await aliceCall.getByRole('button', { name: 'Unmute' }).click();
    await expect(aliceCall.getByRole('button', { name: 'Mute' })).toBeVisible();

    await aliceCall.getByRole('button', { name: 'Hang up' }).click();
    await expect(aliceCall).toBeHidden();
    await expect(bob.page.getByRole('dialog', { name: /^Call with/ })).toBeHidden();
    await expect(alice.page.getByTestId('registration')).toHaveAttribute('data-state', 'registered');
    await expect(bob.page.getByTestId('registration')).toHaveAttribute('data-state', 'registered');
    await alice.context.close();
    await bob.context.close();
  });
});
