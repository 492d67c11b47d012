/**
 * The real, unmodified Voice SDK in Chromium (fake microphone) against the local Twilio Voice
 * emulator served by the app in local mode: registration, calls both ways with media measured from
 * WebRTC stats, forking, DTMF into <Gather>, token expiry. Through the web UI instead, and asserting the
 * same emulator facts: two browsers bridged (e2e/web-colleagues.spec.ts) and the signaling socket dropped
 * mid-call (e2e/resilience-network.spec.ts).
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import twilio from 'twilio';
import { emulatorRequestClient } from '../local-setup/twilio-client';
import type { PublicConfig, TokenGrant } from '../contracts/api';
import type { CallDetail, CallSidResult, PhoneDetail, StateView } from '../contracts/emulator';
import type { LocalCredentials } from '../local-setup/setup';
import { emulatorApi, phonePath, PHONES, TEAM_NUMBER } from '../test-support/emulator-api';
import { DEMO_PASSWORD, E2E_BASE_URL } from '../test-support/local-server';
import { audioStats, instrument } from '../test-support/page-instrumentation';

const ECHO_PHONE = PHONES.echo;
const MANUAL_PHONE = PHONES.manual;

const credentials = (): LocalCredentials => JSON.parse(readFileSync('.local/e2e/credentials.json', 'utf8')) as LocalCredentials;
const certificate = (): string => readFileSync('.local/e2e/tls/cert.pem', 'utf8');

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

/** Everything the page keeps about its Device and calls, for the test to read. */
declare global {
  interface Window {
    Twilio: any;
    device: any;
    calls: any[];
    deviceErrors: { code: number; name: string; message: string }[];
    deviceEvents: string[];
  }
}

async function signedInPage(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, bypassCSP: true, permissions: ['microphone'] });
  contexts.push(context);
  // Every RTCPeerConnection the SDK makes is kept, so the test can read WebRTC stats the standard way.
  await instrument(context);
  const page = await context.newPage();
  await page.goto('/healthz');
  await page.addScriptTag({ path: 'node_modules/@twilio/voice-sdk/dist/twilio.min.js' });
  const status = await page.evaluate(async ({ user, password }) => {
    const res = await fetch('/api/session', {
      method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: user, password }),
    });
    return res.status;
  }, { user, password: DEMO_PASSWORD });
  expect(status).toBe(200);
  return page;
}

async function fetchToken(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const res = await fetch('/api/token', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    return ((await res.json()) as TokenGrant).token;
  });
}

/** Creates window.device with the app's own deviceOptions and registers it. */
async function registeredDevice(browser: Browser, user: string, token?: string): Promise<Page> {
  const page = await signedInPage(browser, user);
  const jwt = token ?? (await fetchToken(page));
  await page.evaluate(async (jwt) => {
    const config = (await (await fetch('/api/config')).json()) as PublicConfig;
    window.calls = [];
    window.deviceErrors = [];
    window.deviceEvents = [];
    const device = new window.Twilio.Device(jwt, { ...config.deviceOptions, logLevel: 'warn' });
    window.device = device;
    device.on('error', (e: any) => window.deviceErrors.push({ code: e.code, name: e.name, message: e.message }));
    for (const name of ['registered', 'unregistered', 'tokenWillExpire']) device.on(name, () => window.deviceEvents.push(name));
    device.on('incoming', (call: any) => {
      window.calls.push(call);
      call.events = [];
      for (const ev of ['accept', 'cancel', 'disconnect', 'reject', 'reconnecting', 'reconnected']) call.on(ev, () => call.events.push(ev));
    });
    await device.register();
  }, jwt);
  await expect.poll(() => page.evaluate(() => window.device.state)).toBe('registered');
  return page;
}

/** Places a call with device.connect and keeps it as window.calls[n]; resolves with the index. */
async function connect(page: Page, to: string, params: Record<string, string> = {}): Promise<number> {
  return page.evaluate(async ({ to, params }) => {
    const call = await window.device.connect({ params: { To: to, ...params } });
    call.events = [];
    for (const ev of ['accept', 'ringing', 'cancel', 'disconnect', 'reject', 'reconnecting', 'reconnected', 'error']) {
      call.on(ev, (arg: any) => call.events.push(ev === 'error' ? `error:${arg?.code}` : ev));
    }
    window.calls.push(call);
    return window.calls.length - 1;
  }, { to, params });
}

const callStatus = (page: Page, i: number) => page.evaluate((i) => window.calls[i]?.status(), i);
const callEvents = (page: Page, i: number) => page.evaluate((i) => window.calls[i]?.events as string[], i);
const callSid = (page: Page, i: number) => page.evaluate((i) => window.calls[i]?.parameters.CallSid as string, i);

const controlApi = <T = unknown>(page: Page, method: string, path: string, body?: unknown) => emulatorApi<T>(page.request, E2E_BASE_URL, method, path, body);

/** The twilio helper library, pointed at the emulator's REST API. */
function restClient() {
  const c = credentials();
  return twilio(c.apiKeySid, c.apiKeySecret, { accountSid: c.accountSid, httpClient: emulatorRequestClient(E2E_BASE_URL, certificate()) });
}

test.describe('Twilio Voice emulator with the real Voice SDK', () => {
  test('registers a device and shows it as a registered client', async ({ browser }) => {
    const page = await registeredDevice(browser, 'alice');
    const state = await controlApi<StateView>(page, 'GET', '/state');
    expect(state.clients).toEqual(expect.arrayContaining([expect.objectContaining({ identity: 'alice', registered: true, reachable: true })]));
    expect(await page.evaluate(() => window.device.identity)).toBe('alice');
    await page.evaluate(() => window.device.unregister());
    await expect.poll(() => page.evaluate(() => window.device.state)).toBe('unregistered');
  });

  test('calls the echo phone: audio flows both ways and the phone hears the browser', async ({ browser }) => {
    const page = await registeredDevice(browser, 'alice');
    const i = await connect(page, ECHO_PHONE);
    await expect.poll(() => callStatus(page, i), { timeout: 15_000 }).toBe('open');
    const sid = await callSid(page, i);
    expect(sid).toMatch(/^CA[0-9a-f]{32}$/);

    // Packets and audio energy both ways, from the page's own WebRTC stats.
    await expect.poll(async () => {
      const s = await audioStats(page);
      return s.packetsReceived > 100 && s.packetsSent > 100 && s.energyReceived > 0 && s.energySent > 0;
    }, { timeout: 15_000 }).toBe(true);

    // The phone "hears" the browser's fake microphone through the emulator's media endpoint.
    await expect.poll(async () => {
      const phone = await controlApi<PhoneDetail>(page, 'GET', phonePath(ECHO_PHONE));
      return phone.state === 'in-call' && phone.heard.packetsReceived > 50 && phone.heard.peakLevelDbfs > -60;
    }, { timeout: 10_000 }).toBe(true);

    const detail = await controlApi<CallDetail>(page, 'GET', `/calls/${sid}`);
    expect(detail.status).toBe('in-progress');
    expect(detail.media!.codec).toBe('PCMU');
    expect(detail.children).toHaveLength(1);
    const child = await controlApi<CallDetail>(page, 'GET', `/calls/${detail.children[0]}`);
    expect(child).toMatchObject({ to: ECHO_PHONE, direction: 'outbound-dial', status: 'in-progress', parentCallSid: sid });
    console.log(`call set-up: invite → ringing ${detail.ringingMs} ms (TwiML fetched, early media), invite → answer ${detail.setupMs} ms (includes the phone ringing 800 ms)`);

    await page.evaluate((i) => window.calls[i].disconnect(), i);
    await expect.poll(async () => (await controlApi<CallDetail>(page, 'GET', `/calls/${sid}`)).status).toBe('completed');
    await expect.poll(async () => (await controlApi<PhoneDetail>(page, 'GET', phonePath(ECHO_PHONE))).state).toBe('idle');
  });

  test('a phone calls the team number: the ring group rings and the page that answers gets the call', async ({ browser }) => {
    // Registered side by side, as two people's browsers would be.
    const [alice, bob] = await Promise.all([registeredDevice(browser, 'alice'), registeredDevice(browser, 'bob')]);
    const { callSid: parentSid } = await controlApi<CallSidResult>(alice, 'POST', `${phonePath(MANUAL_PHONE)}/call`, { to: TEAM_NUMBER });
    expect(parentSid).toMatch(/^CA[0-9a-f]{32}$/);
    await expect.poll(() => alice.evaluate(() => window.calls.length), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => bob.evaluate(() => window.calls.length)).toBe(1);
    const incoming = await alice.evaluate(() => ({ from: window.calls[0].parameters.From, to: window.calls[0].parameters.To, sid: window.calls[0].parameters.CallSid }));
    expect(incoming.from).toBe(MANUAL_PHONE);
    expect(incoming.to).toBe('client:alice');
    expect(incoming.sid).toMatch(/^CA[0-9a-f]{32}$/);

    await alice.evaluate(() => window.calls[0].accept());
    await expect.poll(() => callStatus(alice, 0)).toBe('open');
    await expect.poll(() => callEvents(bob, 0)).toContain('cancel');
    await expect.poll(async () => {
      const s = await audioStats(alice);
      return s.packetsReceived > 50 && s.packetsSent > 50 && s.energyReceived > 0;
    }, { timeout: 15_000 }).toBe(true);
    const phone = await controlApi<PhoneDetail>(alice, 'GET', phonePath(MANUAL_PHONE));
    expect(phone.state).toBe('in-call');
    await expect.poll(async () => (await controlApi<PhoneDetail>(alice, 'GET', phonePath(MANUAL_PHONE))).heard.packetsReceived).toBeGreaterThan(20);

    // The phone hangs up; the browser sees the call end.
    await controlApi(alice, 'POST', `${phonePath(MANUAL_PHONE)}/hangup`);
    await expect.poll(() => callEvents(alice, 0)).toContain('disconnect');
    await expect.poll(async () => (await controlApi<CallDetail>(alice, 'GET', `/calls/${parentSid}`)).status).toBe('completed');
  });

  test('rejecting an incoming call ends it for the caller as busy', async ({ browser }) => {
    const page = await registeredDevice(browser, 'carol');
    const client = restClient();
    const call = await client.calls.create({ to: 'client:carol', from: TEAM_NUMBER, twiml: '<Response><Say>Never heard</Say></Response>' });
    await expect.poll(() => page.evaluate(() => window.calls.length), { timeout: 15_000 }).toBe(1);
    expect(await page.evaluate(() => window.calls[0].parameters.CallSid)).toBe(call.sid);
    await page.evaluate(() => window.calls[0].reject());
    await expect.poll(() => callStatus(page, 0)).toBe('closed');
    await expect.poll(async () => (await client.calls(call.sid).fetch()).status).toBe('busy');
  });

  test('a caller who hangs up before the answer cancels the ringing phone', async ({ browser }) => {
    const page = await registeredDevice(browser, 'alice');
    const i = await connect(page, MANUAL_PHONE);
    await expect.poll(async () => (await controlApi<PhoneDetail>(page, 'GET', phonePath(MANUAL_PHONE))).state, { timeout: 15_000 }).toBe('ringing');
    await expect.poll(() => callEvents(page, i)).toContain('ringing');
    const sid = await callSid(page, i);
    await page.evaluate((i) => window.calls[i].disconnect(), i);
    await expect.poll(async () => (await controlApi<PhoneDetail>(page, 'GET', phonePath(MANUAL_PHONE))).state).toBe('idle');
    const detail = await controlApi<CallDetail>(page, 'GET', `/calls/${sid}`);
    expect(detail.status).toBe('canceled');
    const child = await controlApi<CallDetail>(page, 'GET', `/calls/${detail.children[0]}`);
    expect(child.status).toBe('canceled');
  });

  test('two registrations of one identity: answering in one cancels the other', async ({ browser }) => {
    const [tab1, tab2, alice] = await Promise.all([registeredDevice(browser, 'bob'), registeredDevice(browser, 'bob'), registeredDevice(browser, 'alice')]);
    await connect(alice, 'client:bob');
    await expect.poll(() => tab1.evaluate(() => window.calls.length), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => tab2.evaluate(() => window.calls.length)).toBe(1);
    expect(await tab1.evaluate(() => window.calls[0].parameters.CallSid)).toBe(await tab2.evaluate(() => window.calls[0].parameters.CallSid));
    await tab2.evaluate(() => window.calls[0].accept());
    await expect.poll(() => callStatus(tab2, 0)).toBe('open');
    await expect.poll(() => callEvents(tab1, 0)).toContain('cancel');
    expect(await callStatus(tab1, 0)).toBe('closed');
  });

  test('Call.sendDigits is heard by a <Gather> and posted to its action', async ({ browser }) => {
    const page = await registeredDevice(browser, 'alice');
    const client = restClient();
    const action = `${E2E_BASE_URL}/emulator/twiml/say?text=${encodeURIComponent('You pressed {Digits}')}`;
    const call = await client.calls.create({
      to: 'client:alice', from: TEAM_NUMBER,
      twiml: `<Response><Gather numDigits="4" timeout="10" action="${action.replace(/&/g, '&amp;')}"><Say>Enter your code</Say></Gather><Say>No input</Say></Response>`,
    });
    await expect.poll(() => page.evaluate(() => window.calls.length), { timeout: 15_000 }).toBe(1);
    await page.evaluate(() => window.calls[0].accept());
    await expect.poll(() => callStatus(page, 0)).toBe('open');
    await expect.poll(async () => (await audioStats(page)).packetsReceived, { timeout: 10_000 }).toBeGreaterThan(10);
    await page.evaluate(() => window.calls[0].sendDigits('1234'));
    await expect.poll(async () => {
      const detail = await controlApi<CallDetail>(page, 'GET', `/calls/${call.sid}`);
      return detail.events.map((e) => e.text);
    }, { timeout: 15_000 }).toEqual(expect.arrayContaining(['Gather got "1234"', 'Say "You pressed 1234"']));
    const detail = await controlApi<CallDetail>(page, 'GET', `/calls/${call.sid}`);
    expect(detail.media!.digits).toBe('1234');
    await client.calls(call.sid).update({ status: 'completed' });
    await expect.poll(() => callStatus(page, 0)).toBe('closed');
  });

  test('token expiry: 31205 (AccessTokenExpired), then updateToken keeps the device registered', async ({ browser }) => {
    const c = credentials();
    const mint = (ttl: number) => {
      const token = new twilio.jwt.AccessToken(c.accountSid, c.apiKeySid, c.apiKeySecret, { identity: 'carol', ttl });
      token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true, outgoingApplicationSid: c.twimlAppSid }));
      return token.toJwt();
    };
    const page = await registeredDevice(browser, 'carol', mint(12));
    await expect.poll(() => page.evaluate(() => window.deviceEvents), { timeout: 10_000 }).toContain('tokenWillExpire');
    await expect.poll(() => page.evaluate(() => window.deviceErrors.map((e) => e.code)), { timeout: 20_000 }).toContain(20104);
    expect(await page.evaluate(() => window.deviceErrors.find((e) => e.code === 20104)?.name)).toBe('AccessTokenExpired');
    const state = await controlApi<StateView>(page, 'GET', '/state');
    expect(state.clients.find((x) => x.identity === 'carol')!.tokenExpired).toBe(true);

    await page.evaluate((jwt) => window.device.updateToken(jwt), mint(600));
    await expect.poll(async () => {
      const s = await controlApi<StateView>(page, 'GET', '/state');
      return s.clients.some((x) => x.identity === 'carol' && x.reachable);
    }).toBe(true);
    expect(await page.evaluate(() => window.device.state)).toBe('registered');
    // Still reachable: a call to carol rings this device.
    await controlApi(page, 'POST', `${phonePath(MANUAL_PHONE)}/call`, { to: 'client:carol' });
    await expect.poll(() => page.evaluate(() => window.calls.length), { timeout: 15_000 }).toBe(1);
    await page.evaluate(() => window.calls[0].reject());
  });
});
