/**
 * An all-day tab, shortened: many calls in one tab, and many token renewals and reconnects, leave
 * nothing behind (heap after garbage collection, DOM nodes, event listeners, timers, sockets, audio
 * objects of ended calls; the AudioContext the calls used is renewed and the old one closed) and the tab
 * still rings. Kept short for npm test; `npm run bench -- --soak`
 * runs the long versions and prints the figures. Thresholds are per call or absolute counts, never
 * times, and wide enough for a noisy machine: the leaks they guard against grew 10+ kB per call.
 *
 * Recents keeps a window of rows (a page) and every call adds one: the soak first fills bob's window with
 * calls of the kind it then makes (answered calls to the echo phone, reported to the app as Twilio
 * reports them), so the DOM and heap it measures are the same whether earlier specs made calls or not.
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { PAGE_SIZE } from '../web/src/core/history-store';
import { FRESH_AUDIO_AFTER_CALLS } from '../web/src/core/registration';
import { emulatorMetrics, phoneCalls, PHONES } from '../test-support/emulator-api';
import { CALL_OBJECTS, heapBytesWithoutCode, heapObjectCounts, pageResources, recordPageResources, resourceSession, slope, type PageResources } from '../test-support/page-resources';
import { callAndHangUp, callStatus, expectMetersMoving, hangUpIfInCall, newPhonePage, prepareDial, signIn } from '../test-support/phone-ui';
import { E2E_BASE_URL, E2E_DATA_DIR } from '../test-support/local-server';
import { addAnsweredCalls, dropSignaling, expireToken } from '../test-support/soak';

const CALLS = 30;
const WARM_UP = 6;
/**
 * Heap growth per call (least-squares over the samples after warm-up) that counts as flat. The heap is
 * the snapshot's objects without V8's compiled code (heapBytesWithoutCode): code keeps being optimized
 * for dozens of calls, the app's and the test driver's, and is bounded by the code there is.
 */
const FLAT_BYTES_PER_CALL = 4 * 1024;

const summary = (r: PageResources) =>
  `heap ${(r.heapBytes / 1e6).toFixed(2)} MB, ${r.nodes} nodes, ${r.listeners} listeners, ${r.intervals} intervals, ${r.timeouts} timeouts, ${r.sockets} sockets`;

/**
 * What may not grow: everything but the heap, which is judged by its slope. A few listeners, nodes or
 * pending timers come and go with the SDK's own cycles (sounds, heartbeat, registration); a leak adds
 * one or more per call or per renewal, far beyond these margins.
 */
function expectNothingAdded(before: PageResources, after: PageResources): void {
  const exact = ({ intervals, sockets, audioContexts, peerConnections }: PageResources) => ({ intervals, sockets, audioContexts, peerConnections });
  expect(exact(after)).toEqual(exact(before));
  expect(after.listeners).toBeLessThanOrEqual(before.listeners + 4);
  expect(after.nodes).toBeLessThanOrEqual(before.nodes + 4);
  expect(after.timeouts).toBeLessThanOrEqual(before.timeouts + 2);
}

/** Still reachable: a phone calls `identity`, the tab rings, and the call connects. */
async function expectRingsAndConnects(page: Page, request: APIRequestContext, identity: string): Promise<void> {
  await phoneCalls(request, PHONES.manual, `client:${identity}`);
  const incoming = page.getByRole('alertdialog', { name: 'Incoming call' });
  await expect(incoming).toBeVisible({ timeout: 15_000 });
  await incoming.getByRole('button', { name: 'Accept' }).click();
  await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall');
  await page.getByRole('button', { name: 'Hang up' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
}

test.describe('web: an all-day tab', () => {
  test.describe.configure({ timeout: 240_000 });

  test(`${CALLS} calls in one tab leave nothing behind`, async ({ browser, request }) => {
    await addAnsweredCalls(E2E_BASE_URL, E2E_DATA_DIR, 'bob', PHONES.echo, PAGE_SIZE);
    const { context, page } = await newPhonePage(browser);
    await recordPageResources(context);
    await signIn(page, 'bob');
    const cdp = await resourceSession(page);
    const objectsBefore = await heapObjectCounts(cdp, [...CALL_OBJECTS, 'AudioContext']);

    const heap: { call: number; bytes: number }[] = [];
    let before: PageResources | undefined;
    for (let n = 1; n <= CALLS; n++) {
      await callAndHangUp(page, PHONES.echo, 200);
      if (n >= WARM_UP && (n - WARM_UP) % 4 === 0) {
        before ??= await pageResources(page, cdp);
        heap.push({ call: n, bytes: await heapBytesWithoutCode(cdp) });
      }
    }
    await page.waitForTimeout(1000);
    const after = await pageResources(page, cdp);
    heap.push({ call: CALLS, bytes: await heapBytesWithoutCode(cdp) });
    const perCall = slope(heap.map((h) => h.call), heap.map((h) => h.bytes));
    console.log(`soak: ${CALLS} calls; heap without compiled code ${(perCall / 1024).toFixed(2)} kB/call after warm-up; before ${summary(before!)}; after ${summary(after)}`);

    expect(perCall).toBeLessThan(FLAT_BYTES_PER_CALL);
    expectNothingAdded(before!, after);
    expect(after.peerConnections).toBe(0);
    // No more of an ended call's objects than before the first call. Chromium itself holds the last
    // call's microphone stream for 8 s after its getUserMedia (page-resources.ts, bench/call-memory.ts).
    const added = async () => {
      const counts = await heapObjectCounts(cdp, CALL_OBJECTS);
      return Object.fromEntries(CALL_OBJECTS.map((name) => [name, counts[name]! - objectsBefore[name]!]).filter(([, n]) => n !== 0));
    };
    await expect.poll(added, { timeout: 20_000, intervals: [1000] }).toEqual({});
    // The emulator let go of every leg too.
    await expect.poll(async () => {
      const m = await emulatorMetrics(request);
      return [m.activeCalls, m.activeMediaLegs, m.ringingForks];
    }).toEqual([0, 0, 0]);
    // The device log says it is capped and shows every line up to the cap. A call through the UI logs five
    // lines, so 30 calls stay under 500; dropping older lines is App.test.tsx's and log.test.ts's, and the
    // bench's long soak overflows the log for real.
    await page.getByRole('button', { name: 'Device log' }).click();
    const log = page.getByRole('region', { name: 'Device log' });
    await expect(log.getByTestId('log-cap')).toHaveText(/^Keeps the last 500 entries\.( Older entries dropped: \d+\.)?$/);
    const lines = await log.getByRole('listitem').count();
    expect(lines).toBeGreaterThanOrEqual(CALLS * 5);
    expect(lines).toBeLessThanOrEqual(500);
    // After FRESH_AUDIO_AFTER_CALLS calls, once the tab has been quiet a moment (here: while the heap was
    // measured), the Device is renewed on a fresh AudioContext and the old context is closed; the renewed
    // Device carries calls, meters and all, and rings.
    const renewed = log.getByRole('listitem').filter({ hasText: /Connection renewed after \d+ calls/ });
    await expect(renewed.first()).toBeVisible({ timeout: 15_000 });
    expect(Number(/after (\d+) calls/.exec((await renewed.first().textContent()) ?? '')?.[1])).toBeGreaterThanOrEqual(FRESH_AUDIO_AFTER_CALLS);
    await expect.poll(async () => (await pageResources(page, cdp)).audioContexts).toBe(1);
    // The old context is not only closed but let go (as many AudioContext objects as before the first
    // call, the in-use context's two meter nodes): its meters' nodes were stopped first, or each would keep
    // it, audio graph and all, for the page's life (level-worklet-port.ts).
    await expect
      .poll(async () => heapObjectCounts(cdp, ['AudioContext', 'AudioWorkletNode']), { timeout: 10_000 })
      .toEqual({ AudioContext: objectsBefore.AudioContext, AudioWorkletNode: 2 });
    await page.getByRole('button', { name: 'Device log' }).click();
    await (await prepareDial(page, PHONES.echo)).click();
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
    await expectMetersMoving(page);
    await hangUpIfInCall(page);
    await expectRingsAndConnects(page, request, 'bob');
    await context.close();
  });

  test('token renewals and reconnects add no listener, timer or socket, and the tab still rings', async ({ browser, request }) => {
    const cycles = 8;
    const { context, page } = await newPhonePage(browser);
    await recordPageResources(context);
    await signIn(page, 'carol');
    const cdp = await resourceSession(page);
    // A first cycle of each, so lazily made things (the new Device's chunks, the SDK's reconnect state) exist.
    await expireToken(page, request, 'carol');
    await dropSignaling(page, request, 'carol');
    await page.waitForTimeout(1000);
    const before = await pageResources(page, cdp);
    const heapBefore = await heapBytesWithoutCode(cdp);
    for (let i = 0; i < cycles; i++) {
      await expireToken(page, request, 'carol');
      await dropSignaling(page, request, 'carol');
    }
    await page.waitForTimeout(1000);
    const after = await pageResources(page, cdp);
    const heapAfter = await heapBytesWithoutCode(cdp);
    console.log(`soak: ${cycles} token renewals and ${cycles} reconnects; heap without compiled code ${((heapAfter - heapBefore) / 1024).toFixed(1)} kB more; before ${summary(before)}; after ${summary(after)}`);
    expectNothingAdded(before, after);
    // Each reconnect replaces the Device; what is left of the old ones must be collectable.
    expect(heapAfter - heapBefore).toBeLessThan(cycles * 16 * 1024);

    await expectRingsAndConnects(page, request, 'carol');
    await context.close();
  });
});
