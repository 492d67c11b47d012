/**
 * The team's memory of its calls, with real calls through the emulator: a missed call shows up live in
 * every member's tabs with the badge, seeing it clears the badge on all of that person's devices, Call
 * back connects with audio, an answered call says who answered and for how long, a member on Do not
 * disturb is not rung, and a seventh tab of one browser still registers and gets the live updates.
 *
 * The suite's server keeps its history between specs and runs, so rows are told apart by their ids.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectPhoneState, phone, phoneAction, phoneCalls, PHONES, TEAM_NUMBER } from '../test-support/emulator-api';
import { expectMediaBothWays } from '../test-support/page-instrumentation';
import {
  callStatus, colleaguePresence, expectRegistered, hangUpIfInCall, missedBadgeCount, newPhonePage, newRecentCall, recentCallIds, recents,
  setAvailable, signIn, titleFor, unreadTextCount, voicemailBadgeCount,
} from '../test-support/phone-ui';

const CALLER = PHONES.manual;
const CALLER_SHOWN = '(202) 555-0102';

async function incomingShown(pages: Page[]): Promise<void> {
  for (const page of pages) await expect(page.getByRole('alertdialog', { name: 'Incoming call' })).toBeVisible();
}

test.describe('web: Recents, the missed-calls badge and availability', () => {
  test('a missed call shows live in every member’s tabs; seeing it clears alice’s badge everywhere; bob calls back with audio', async ({ browser, request }) => {
    const alice = await newPhonePage(browser);
    await signIn(alice.page, 'alice');
    const aliceSecondTab = await alice.context.newPage();
    await aliceSecondTab.goto('/');
    await expectRegistered(aliceSecondTab);
    const aliceOtherDevice = await newPhonePage(browser);
    await signIn(aliceOtherDevice.page, 'alice');
    const bob = await newPhonePage(browser);
    await signIn(bob.page, 'bob');
    const everyone = [alice.page, aliceSecondTab, aliceOtherDevice.page, bob.page];
    for (const page of everyone) await expect(recents(page).getByText('Loading calls…')).toBeHidden();
    const known = await recentCallIds(alice.page);
    const badgeBefore = { alice: await missedBadgeCount(alice.page), bob: await missedBadgeCount(bob.page) };
    // Unheard voicemails count in the tab title too (the server keeps its data between specs and runs).
    const voicemails = { alice: await voicemailBadgeCount(alice.page), bob: await voicemailBadgeCount(bob.page) };

    // The phone rings the team and gives up before anyone answers.
    await phoneCalls(request, CALLER, TEAM_NUMBER);
    await incomingShown(everyone);
    await phoneAction(request, CALLER, 'hangup');
    for (const page of everyone) await expect(page.getByRole('alertdialog')).toBeHidden();

    // Live, without a reload: the row and the badge in every tab of both people.
    const rows = await Promise.all(everyone.map((page) => newRecentCall(page, known, /^(missed|voicemail)$/)));
    for (const row of rows) {
      await expect(row).toContainText(CALLER_SHOWN);
      await expect(row).toContainText('Missed');
      await expect(row.getByRole('img', { name: 'Missed call' })).toBeVisible();
    }
    await expect.poll(() => missedBadgeCount(alice.page)).toBe(badgeBefore.alice + 1);
    await expect.poll(() => missedBadgeCount(bob.page)).toBe(badgeBefore.bob + 1);
    await expect(alice.page).toHaveTitle(/^\(\d+\) /);

    // Alice looks at her list in one tab: her badge clears in her other tab and on her other device, not bob's.
    await recents(alice.page).getByRole('button', { name: 'Missed' }).click();
    for (const page of [alice.page, aliceSecondTab, aliceOtherDevice.page]) await expect(recents(page).getByTestId('missed-badge')).toHaveCount(0);
    // The tab titles follow the same counts (plus unread texts and unheard voicemails): no missed call for alice any more, bob's still there.
    for (const page of [alice.page, aliceSecondTab, aliceOtherDevice.page]) await expect(page).toHaveTitle(titleFor(voicemails.alice + (await unreadTextCount(page))));
    await expect.poll(() => missedBadgeCount(bob.page)).toBe(badgeBefore.bob + 1);
    await expect(bob.page).toHaveTitle(titleFor(badgeBefore.bob + 1 + voicemails.bob + (await unreadTextCount(bob.page))));

    // Bob calls back from the row: the phone rings, answers, and both hear each other.
    await expectPhoneState(request, CALLER, 'idle');
    await rows[3]!.getByRole('button', { name: /^Call back/ }).click();
    await expectPhoneState(request, CALLER, 'ringing');
    await phoneAction(request, CALLER, 'answer');
    await expect(callStatus(bob.page)).toHaveAttribute('data-state', 'inCall');
    await expectMediaBothWays(bob.page);
    expect((await phone(request, CALLER)).heard.packetsReceived).toBeGreaterThan(0);
    await hangUpIfInCall(bob.page);

    // The whole team sees that bob has called back.
    await expect(rows[0]!).toContainText('Called back by bob');
    await expect(rows[2]!).toContainText('Called back by bob');
    for (const context of [alice.context, aliceOtherDevice.context, bob.context]) await context.close();
  });

  test('an answered call says who answered and for how long', async ({ browser, request }) => {
    const alice = await newPhonePage(browser);
    const bob = await newPhonePage(browser);
    await signIn(alice.page, 'alice');
    await signIn(bob.page, 'bob');
    await expect(recents(alice.page).getByText('Loading calls…')).toBeHidden();
    const known = await recentCallIds(alice.page);

    await phoneCalls(request, CALLER, TEAM_NUMBER);
    await incomingShown([alice.page, bob.page]);
    await bob.page.getByRole('alertdialog').getByRole('button', { name: 'Accept' }).click();
    await expect(callStatus(bob.page)).toHaveAttribute('data-state', 'inCall');
    // While the call is up, colleagues see bob on a call.
    await expect(colleaguePresence(alice.page, 'bob')).toHaveText('On a call');
    await bob.page.waitForTimeout(2_000);
    await phoneAction(request, CALLER, 'hangup');
    await expect(callStatus(bob.page)).toBeHidden();

    const row = await newRecentCall(alice.page, known, 'answered');
    await expect(row).toContainText(CALLER_SHOWN);
    await expect(row).toContainText('Answered by bob');
    await expect(row).toContainText(/0:0[1-9]/);
    await expect(row.getByRole('img', { name: 'Incoming call' })).toBeVisible();
    await expect(colleaguePresence(alice.page, 'bob')).toHaveText('Available');
    await alice.context.close();
    await bob.context.close();
  });

  test('a member on Do not disturb is not rung, and colleagues see it', async ({ browser, request }) => {
    const alice = await newPhonePage(browser);
    const bob = await newPhonePage(browser);
    await signIn(alice.page, 'alice');
    await signIn(bob.page, 'bob');
    try {
      await setAvailable(bob.page, false);
      await expect(bob.page.getByRole('banner').getByText('Do not disturb')).toBeVisible();
      await expect(colleaguePresence(alice.page, 'bob')).toHaveText('Do not disturb');

      await phoneCalls(request, CALLER, TEAM_NUMBER);
      await incomingShown([alice.page]);
      // Every member's browser is rung at the same moment; bob's has had that moment and more.
      await alice.page.waitForTimeout(1_500);
      await expect(bob.page.getByRole('alertdialog')).toHaveCount(0);
      await alice.page.getByRole('alertdialog').getByRole('button', { name: 'Accept' }).click();
      await expect(callStatus(alice.page)).toHaveAttribute('data-state', 'inCall');
      await expect(colleaguePresence(bob.page, 'alice')).toHaveText('On a call');
      await phoneAction(request, CALLER, 'hangup');
      await expect(callStatus(alice.page)).toBeHidden();
    } finally {
      await setAvailable(bob.page, true);
    }
    await expect(colleaguePresence(alice.page, 'bob')).toHaveText('Available');
    await alice.context.close();
    await bob.context.close();
  });

  test('seven tabs of one browser all register and share one live stream, handed over when its tab closes', async ({ browser }) => {
    const { context, page: first } = await newPhonePage(browser);
    const streams: Array<{ lastEventId: string | null }> = [];
    context.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/events') streams.push({ lastEventId: r.headers()['last-event-id'] ?? null });
    });
    await signIn(first, 'carol');
    const tabs = [first];
    for (let i = 1; i < 7; i++) {
      const tab = await context.newPage();
      await tab.goto('/');
      tabs.push(tab);
    }
    for (const tab of tabs) await expectRegistered(tab);
    const seventh = tabs[6]!;
    try {
      expect(streams).toHaveLength(1);
      // A change made in the first tab reaches the seventh through the shared stream.
      await setAvailable(first, false);
      await expect(seventh.getByRole('switch', { name: 'Available' })).toHaveAttribute('aria-checked', 'false');

      // The tab holding the stream closes: another takes over and resumes after the last event.
      await first.close();
      await expect.poll(() => streams.length).toBe(2);
      expect(streams[1]!.lastEventId).not.toBeNull();
      await setAvailable(seventh, true);
      await expect(tabs[1]!.getByRole('switch', { name: 'Available' })).toHaveAttribute('aria-checked', 'true');
    } finally {
      await setAvailable(seventh, true);
      await context.close();
    }
  });
});
