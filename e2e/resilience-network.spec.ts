/**
 * Faults on the network between the browser and Twilio (here the local emulator), during a call
 * placed from the real UI: the signaling socket drops, and the media path goes dark for seconds.
 */
import type { Page } from '@playwright/test';
import { E2E_BASE_URL } from '../test-support/local-server';
import type { BlockMediaResult, CallDetail, DropSignalingResult } from '../contracts/emulator';
import { emulatorApi, liveCallOf, PHONES } from '../test-support/emulator-api';
import { audioStats, dataStates, expectMediaBothWays, expectMediaFlowing, watchDataState } from '../test-support/page-instrumentation';
import { callStatus, dial, expectTimerRunning, newPhonePage, signIn } from '../test-support/phone-ui';
import { expect, test } from '../test-support/resilience';

/** Every distinct data-state the call dialog shows, in order. */
const watchCallStates = (page: Page) => watchDataState(page, 'call-status');
const callStates = (page: Page) => dataStates(page, 'call-status');

test.describe('resilience: network faults during a call', () => {
  test('signaling socket dropped mid-call: the call carries on, the dialog shows reconnecting then connected', async ({ browser, request, survived }) => {
    const { context, page } = await newPhonePage(browser);
    await signIn(page, 'alice');
    await dial(page, PHONES.echo);
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
    await expectMediaBothWays(page);
    const call = await liveCallOf(request, E2E_BASE_URL, 'alice');
    await watchCallStates(page);

    const dropped = Date.now();
    const { dropped: sockets } = await emulatorApi<DropSignalingResult>(request, E2E_BASE_URL, 'POST', '/faults/drop-signaling', { identity: 'alice' });
    expect(sockets).toBe(1);
    await expect.poll(() => callStates(page), { timeout: 20_000 }).toEqual(['inCall', 'reconnecting', 'inCall']);
    const recoveredMs = Date.now() - dropped;
    await expectTimerRunning(page);
    await expectMediaFlowing(page, request, E2E_BASE_URL, call.sid);
    const detail = await emulatorApi<CallDetail>(request, E2E_BASE_URL, 'GET', `/calls/${call.sid}`);
    expect(detail.status).toBe('in-progress');
    if (detail.endpoint.kind !== 'client') throw new Error(`${call.sid} is not alice's SDK leg`);
    expect(detail.endpoint.signalingConnected).toBe(true);
    await expect(page.getByTestId('registration')).toHaveAttribute('data-state', 'registered', { timeout: 15_000 });

    // Signaling works again: hanging up reaches the emulator.
    await page.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(async () => (await emulatorApi<CallDetail>(request, E2E_BASE_URL, 'GET', `/calls/${call.sid}`)).status).toBe('completed');
    survived(`signaling socket dropped mid-call: reconnecting shown, back to connected after ${recoveredMs} ms, media both ways after, hang-up delivered`);
    await context.close();
  });

  test('media blocked both ways for 8 s: ICE restart, the call recovers and audio flows again', async ({ browser, request, survived }) => {
    const { context, page } = await newPhonePage(browser);
    await signIn(page, 'bob');
    await dial(page, PHONES.echo);
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
    await expectMediaBothWays(page);
    const call = await liveCallOf(request, E2E_BASE_URL, 'bob');
    await watchCallStates(page);

    const blockMs = 8_000;
    const blockedAt = Date.now();
    const { blocked } = await emulatorApi<BlockMediaResult>(request, E2E_BASE_URL, 'POST', '/faults/block-media', { identity: 'bob', ms: blockMs });
    expect(blocked).toEqual([call.sid]);
    // Nothing arrives while the path is dark.
    await page.waitForTimeout(2_000);
    const during = await audioStats(page);
    await page.waitForTimeout(1_000);
    expect((await audioStats(page)).packetsReceived - during.packetsReceived).toBeLessThan(5);

    // The SDK notices (ICE disconnected + no bytes) and says so; then it restarts ICE and recovers.
    await expect(callStatus(page)).toHaveAttribute('data-state', 'reconnecting', { timeout: 20_000 });
    const reconnectingAfterMs = Date.now() - blockedAt;
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall', { timeout: 45_000 });
    const recoveredAfterMs = Date.now() - blockedAt;
    await expectMediaFlowing(page, request, E2E_BASE_URL, call.sid);
    const detail = await emulatorApi<CallDetail>(request, E2E_BASE_URL, 'GET', `/calls/${call.sid}`);
    expect(detail.status).toBe('in-progress');
    const restartEvents = detail.events.filter((e) => e.text.includes('reinvite (ICE restart)'));
    const restarts = restartEvents.length;
    expect(restarts).toBeGreaterThanOrEqual(1);
    const blockEvent = detail.events.find((e) => e.text.startsWith('media blocked'))!;
    const firstRestartMs = Date.parse(restartEvents[0]!.at) - Date.parse(blockEvent.at);
    expect(await callStates(page)).toEqual(['inCall', 'reconnecting', 'inCall']);

    await page.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(async () => (await emulatorApi<CallDetail>(request, E2E_BASE_URL, 'GET', `/calls/${call.sid}`)).status).toBe('completed');
    survived(
      `media blocked ${blockMs / 1000} s: reconnecting after ${(reconnectingAfterMs / 1000).toFixed(1)} s, ` +
        `${restarts} ICE restart(s) (first ${(firstRestartMs / 1000).toFixed(1)} s into the outage), ` +
        `audio back ${((recoveredAfterMs - blockMs) / 1000).toFixed(1)} s after the path reopened`,
    );
    await context.close();
  });
});
