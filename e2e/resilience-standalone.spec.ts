/**
 * Faults that need the app server and the Twilio stand-in as separate processes (EMULATOR_ORIGIN):
 * the app server restarted under a live call, a tab frozen while a call comes in, webhooks that are
 * slow or fail, and access tokens that expire or are revoked. The stack runs with short token
 * lifetimes (TOKEN_TTL_SECONDS=60, the minimum: the SDK renews 10 s before expiry) and a short ring
 * (RING_TIMEOUT_SECONDS=5) so the real renewal and fallback paths run within the test.
 */
import { createServer, type Server } from 'node:http';
import type { Page } from '@playwright/test';
import { STACK_PORTS, startStandaloneStack, type Stack } from '../test-support/local-server';
import type { TokenGrant } from '../contracts/api';
import type { ApplicationView, CallDetail, CallSidResult, DropSignalingResult, ExpireTokenResult, PhoneDetail, RevokeTokenResult } from '../contracts/emulator';
import { clients, emulatorApi, liveCallOf, phonePath, PHONES, TEAM_NUMBER } from '../test-support/emulator-api';
import { dataStates, expectMediaBothWays, expectMediaFlowing, watchDataState } from '../test-support/page-instrumentation';
import { callStatus, dial, expectTimerRunning, newPhonePage, signIn } from '../test-support/phone-ui';
import { expect, test } from '../test-support/resilience';

let stack: Stack;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  stack = await startStandaloneStack({ TOKEN_TTL_SECONDS: '60', RING_TIMEOUT_SECONDS: '5' });
});

test.afterAll(async () => {
  await stack?.stop();
});

const api = <T = unknown>(request: import('@playwright/test').APIRequestContext, method: 'GET' | 'POST', path: string, body?: unknown) =>
  emulatorApi<T>(request, stack.emulatorOrigin, method, path, body);

async function stackPage(browser: import('@playwright/test').Browser, user: string) {
  const { context, page } = await newPhonePage(browser);
  await page.goto(`${stack.appOrigin}/`);
  await signIn(page, user, { navigate: false });
  return { context, page };
}

async function phoneCallsTeam(request: import('@playwright/test').APIRequestContext, number: string): Promise<string> {
  await expect.poll(async () => (await api<PhoneDetail>(request, 'GET', phonePath(number))).state, { timeout: 20_000 }).toBe('idle');
  return (await api<CallSidResult>(request, 'POST', `${phonePath(number)}/call`, { to: TEAM_NUMBER })).callSid;
}

async function sessionStatus(page: Page): Promise<number> {
  return page.evaluate(async () => (await fetch('/api/session', { credentials: 'same-origin' })).status);
}

/** Every registration state the header shows, in order. */
const watchRegistration = (page: Page) => watchDataState(page, 'registration');
const registrationStates = (page: Page) => dataStates(page, 'registration');

/**
 * Freezes the tab as Chrome's page lifecycle does for a background tab: no timers, no event
 * handlers, network messages queued until it resumes. `Page.setWebLifecycleState` is the real
 * control, but this headless Chromium accepts it without freezing a page it considers visible, so
 * the page's JavaScript is also held with the debugger (same effect: nothing runs, the socket's
 * frames wait), and on resume Chrome's `resume` event is dispatched if the browser did not fire it.
 */
async function freezeTab(page: Page): Promise<{ resume(): Promise<'browser' | 'dispatched'> }> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __lifecycle: string[] }).__lifecycle = seen;
    document.addEventListener('freeze', () => seen.push('freeze'));
    document.addEventListener('resume', () => seen.push('resume'));
    document.dispatchEvent(new Event('freeze'));
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  await cdp.send('Debugger.enable');
  await cdp.send('Debugger.pause');
  return {
    async resume() {
      await cdp.send('Debugger.resume');
      await cdp.send('Debugger.disable');
      await cdp.send('Page.setWebLifecycleState', { state: 'active' });
      return page.evaluate(async () => {
        const seen = (window as unknown as { __lifecycle: string[] }).__lifecycle;
        await new Promise((r) => setTimeout(r, 100));
        if (seen.at(-1) === 'resume') return 'browser' as const;
        document.dispatchEvent(new Event('resume'));
        return 'dispatched' as const;
      });
    },
  };
}

async function openDeviceLog(page: Page) {
  await page.getByRole('button', { name: 'Device log' }).click();
  return () => page.locator('#device-log li').allTextContents();
}

test.describe('resilience: app server and emulator as separate processes', () => {
  test('the app server is killed and restarted during a call: the call and the sign-in survive', async ({ browser, request, survived }) => {
    const { context, page } = await stackPage(browser, 'alice');
    await dial(page, PHONES.echo);
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
    await expectMediaBothWays(page);
    const call = await liveCallOf(request, stack.emulatorOrigin, 'alice');

    const { downMs } = await stack.restartApp();
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall');
    await expectTimerRunning(page);
    await expectMediaFlowing(page, request, stack.emulatorOrigin, call.sid);
    // Stateless sessions: the cookie from before the restart still signs this page in, and the
    // restarted server hands out tokens to it.
    expect(await sessionStatus(page)).toBe(200);
    const token = await page.evaluate(async () => {
      const res = await fetch('/api/token', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      return { status: res.status, ttl: ((await res.json()) as TokenGrant).ttl };
    });
    expect(token).toEqual({ status: 200, ttl: 60 });

    await page.getByRole('button', { name: 'Hang up' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    expect((await api<CallDetail>(request, 'GET', `/calls/${call.sid}`)).status).toBe('completed');

    // The device still places calls: the new call's webhook is answered by the restarted server.
    await dial(page, PHONES.echo);
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
    await expectMediaBothWays(page);
    await page.getByRole('button', { name: 'Hang up' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByTestId('registration')).toHaveAttribute('data-state', 'registered');
    survived(`app server killed and restarted (${(downMs / 1000).toFixed(1)} s down) mid-call: media kept flowing, session 200, new token and a new call after`);
    await context.close();
  });

  test('a tab frozen while a call comes in: the caller hears the fallback; on resume the tab registers again and rings', async ({ browser, request, survived }) => {
    const { context, page } = await stackPage(browser, 'alice');
    const log = await openDeviceLog(page);
    const tab = await freezeTab(page);

    const callSid = await phoneCallsTeam(request, PHONES.manual);
    // Nobody answers in RING_TIMEOUT_SECONDS: the after-dial voicemail greeting says so; a silent caller leaves no message and the call ends.
    await expect
      .poll(async () => (await api<PhoneDetail>(request, 'GET', phonePath(PHONES.manual))).heard.says.join(' | '), { timeout: 30_000 })
      .toContain('no one is available');
    await expect.poll(async () => (await api<CallDetail>(request, 'GET', `/calls/${callSid}`)).status, { timeout: 20_000 }).toBe('completed');
    const fallbackEvents = (await api<CallDetail>(request, 'GET', `/calls/${callSid}`)).events.map((e) => e.text);
    expect(fallbackEvents.some((t) => t.includes('after-dial'))).toBe(true);

    // While frozen the gateway gave up on the silent socket (as it does after 30 s without heartbeats).
    const { dropped } = await api<DropSignalingResult>(request, 'POST', '/faults/drop-signaling', { identity: 'alice' });
    expect(dropped).toBe(1);
    const resumedAt = Date.now();
    const resumeEvent = await tab.resume();
    await expect.poll(log, { timeout: 10_000 }).toEqual(expect.arrayContaining([expect.stringContaining('Tab resumed')]));
    await expect.poll(async () => (await clients(request, stack.emulatorOrigin)).some((c) => c.identity === 'alice' && c.reachable), { timeout: 30_000 }).toBe(true);
    const reRegisteredMs = Date.now() - resumedAt;
    await expect(page.getByTestId('registration')).toHaveAttribute('data-state', 'registered');
    // The missed call does not linger on screen.
    await expect(page.getByRole('alertdialog')).toHaveCount(0);

    // Reachable again: the next caller rings this tab.
    await phoneCallsTeam(request, PHONES.manual);
    const incoming = page.getByRole('alertdialog', { name: 'Incoming call' });
    await expect(incoming).toBeVisible({ timeout: 15_000 });
    await incoming.getByRole('button', { name: 'Accept' }).click();
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall');
    await expectMediaBothWays(page);
    await page.getByRole('button', { name: 'Hang up' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    survived(`tab frozen (${resumeEvent} resume) while the team number rang: caller heard "no one is available" after the 5 s ring; on resume registered again in ${(reRegisteredMs / 1000).toFixed(1)} s and the next call rang and connected`);
    await context.close();
  });

  test('a webhook that fails (500), is too slow (timeout) or is slow: the caller hears the application error or waits; the next call works', async ({ browser, request, survived }) => {
    const hits: string[] = [];
    const server: Server = createServer((req, res) => {
      hits.push(req.url ?? '');
      req.resume();
      if (req.url?.startsWith('/fail')) {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('boom');
        return;
      }
      // Slow: answers after 3 s, with TwiML of its own.
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<Response><Say>Thanks for waiting</Say><Hangup/></Response>');
      }, 3_000);
    });
    await new Promise<void>((r) => server.listen(STACK_PORTS.webhook, '127.0.0.1', r));
    const { context, page } = await stackPage(browser, 'bob');
    const [application] = await api<ApplicationView[]>(request, 'GET', '/applications');
    const original = application!.voiceUrl;
    const setVoiceUrl = (voiceUrl: string) => api(request, 'POST', `/applications/${application!.sid}`, { voiceUrl });
    const webhook = `http://127.0.0.1:${STACK_PORTS.webhook}`;
    const heard = async () => (await api<PhoneDetail>(request, 'GET', phonePath(PHONES.manual))).heard.says;
    const outcomes: string[] = [];
    try {
      for (const [url, expected, code] of [
        [`${webhook}/fail`, 'an application error has occurred', '11200'],
        [`${webhook}/slow#rt=1000`, 'an application error has occurred', '11205'],
        [`${webhook}/slow`, 'Thanks for waiting', null],
      ] as const) {
        await setVoiceUrl(url);
        const callSid = await phoneCallsTeam(request, PHONES.manual);
        await expect.poll(async () => (await heard()).join(' | '), { timeout: 20_000 }).toContain(expected);
        await expect.poll(async () => (await api<CallDetail>(request, 'GET', `/calls/${callSid}`)).status, { timeout: 20_000 }).toBe('completed');
        const events = (await api<CallDetail>(request, 'GET', `/calls/${callSid}`)).events.map((e) => e.text);
        if (code) {
          expect(events.some((t) => t.startsWith(code))).toBe(true);
          outcomes.push(`${code}`);
        } else {
          outcomes.push('slow answer');
        }
      }
      // The SDK caller gets the same treatment: an answered call that speaks the error and ends.
      await setVoiceUrl(`${webhook}/fail`);
      await dial(page, PHONES.echo);
      await expect(page.getByRole('dialog')).toHaveCount(0, { timeout: 30_000 });
      await expect(page.getByTestId('registration')).toHaveAttribute('data-state', 'registered');
    } finally {
      await setVoiceUrl(original);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    // Twilio's debugger is the emulator's log here.
    expect(stack.emulatorLog()).toMatch(/webhook failed: HTTP retrieval failure[^\n]*returned 500/);
    expect(stack.emulatorLog()).toMatch(/webhook failed: HTTP connection failure[^\n]*timed out after 1000 ms/);
    expect(hits.filter((h) => h.startsWith('/slow')).every((h) => !h.includes('#'))).toBe(true);

    // Nothing else broke: with the real voice URL back, calls both ways work.
    await dial(page, PHONES.echo);
    await expect(callStatus(page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
    await expectMediaBothWays(page);
    await page.getByRole('button', { name: 'Hang up' }).click();
    await phoneCallsTeam(request, PHONES.manual);
    const incoming = page.getByRole('alertdialog', { name: 'Incoming call' });
    await expect(incoming).toBeVisible({ timeout: 15_000 });
    await incoming.getByRole('button', { name: 'Reject' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    survived(`webhook faults (${outcomes.join(', ')}): callers heard the application error or waited 3 s for a slow answer; errors logged; calls both ways worked after`);
    await context.close();
  });

  test('tokens expire during a call and while idle: renewed without unregistering; a revoked token says so and Try again recovers', async ({ browser, request, survived }) => {
    test.setTimeout(150_000);
    const idle = await stackPage(browser, 'carol');
    const busy = await stackPage(browser, 'bob');
    await watchRegistration(idle.page);
    await watchRegistration(busy.page);
    const idleLog = await openDeviceLog(idle.page);
    const expiryOf = async (identity: string) => (await clients(request, stack.emulatorOrigin)).find((c) => c.identity === identity)?.tokenExpiresAt ?? null;
    const firstIdle = await expiryOf('carol');
    const firstBusy = await expiryOf('bob');
    expect(firstIdle).not.toBeNull();

    await dial(busy.page, PHONES.echo);
    await expect(callStatus(busy.page)).toHaveAttribute('data-state', 'inCall', { timeout: 15_000 });
    const call = await liveCallOf(request, stack.emulatorOrigin, 'bob');

    // While those two wait for their renewal (50 s), a third tab goes through the gateway's own faults; the
    // emulator applies them to alice's socket only, and the phone rings her directly, not the team.
    const faulted = await stackPage(browser, 'alice');
    // Expired on the gateway's side (31205 → AccessTokenExpired): renewed from the error, still reachable.
    const { expired } = await api<ExpireTokenResult>(request, 'POST', '/faults/expire-token', { identity: 'alice' });
    expect(expired).toBe(1);
    await expect.poll(async () => (await clients(request, stack.emulatorOrigin)).find((c) => c.identity === 'alice')?.tokenExpired, { timeout: 15_000 }).toBe(false);
    await expect(faulted.page.getByTestId('registration')).toHaveAttribute('data-state', 'registered');
    await expect.poll(async () => (await api<PhoneDetail>(request, 'GET', phonePath(PHONES.manual))).state, { timeout: 20_000 }).toBe('idle');
    await api<CallSidResult>(request, 'POST', `${phonePath(PHONES.manual)}/call`, { to: 'client:alice' });
    const ringing = faulted.page.getByRole('alertdialog', { name: 'Incoming call' });
    await expect(ringing).toBeVisible({ timeout: 15_000 });
    await ringing.getByRole('button', { name: 'Reject' }).click();

    // Revoked (31204 → AccessTokenInvalid): the person is told, and Try again gets a new token.
    const { revoked } = await api<RevokeTokenResult>(request, 'POST', '/faults/revoke-token', { identity: 'alice' });
    expect(revoked).toBe(1);
    const alert = faulted.page.getByRole('alert').filter({ hasText: 'The phone service refused this sign-in' });
    await expect(alert).toBeVisible({ timeout: 15_000 });
    await expect(faulted.page.getByTestId('registration')).toHaveAttribute('data-state', 'error');
    await alert.getByRole('button', { name: 'Try again' }).click();
    await expect(faulted.page.getByTestId('registration')).toHaveAttribute('data-state', 'registered', { timeout: 20_000 });
    await expect(alert).toBeHidden();
    await expect.poll(async () => (await clients(request, stack.emulatorOrigin)).some((c) => c.identity === 'alice' && c.reachable)).toBe(true);

    // The SDK's tokenWillExpire fires 10 s before the 60 s token runs out; the app renews it.
    const unreachable = new Set<string>();
    await expect
      .poll(async () => {
        for (const c of await clients(request, stack.emulatorOrigin)) if (!c.reachable && c.identity && c.identity !== 'alice') unreachable.add(c.identity);
        return [(await expiryOf('carol')) !== firstIdle, (await expiryOf('bob')) !== firstBusy];
      }, { timeout: 70_000, intervals: [1_000] })
      .toEqual([true, true]);
    expect([...unreachable]).toEqual([]);
    expect(await registrationStates(idle.page)).toEqual(['registered']);
    expect(await registrationStates(busy.page)).toEqual(['registered']);
    await expect(callStatus(busy.page)).toHaveAttribute('data-state', 'inCall');
    await expectMediaFlowing(busy.page, request, stack.emulatorOrigin, call.sid);
    expect(await idleLog()).toEqual(expect.arrayContaining([expect.stringContaining('Token refreshed (valid 60 s)')]));
    await busy.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(busy.page.getByRole('dialog')).toHaveCount(0);
    survived('tokens renewed 10 s before expiry during a call and while idle (never unregistered); meanwhile another tab renewed after a gateway-side expiry (31205) and showed a revocation (31204) with Try again that recovered');
    await idle.context.close();
    await busy.context.close();
    await faulted.context.close();
  });
});
