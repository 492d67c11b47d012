/**
 * Bare Voice SDK Devices in one page, for the emulator benches: the SDK's own bundle served same-origin,
 * tokens signed with the local API key from the server's credentials.json, callees that answer their
 * first incoming call, and callers that place a call and wait for the answer. Much lighter than a tab of
 * the app per device, so the emulator, not the browser, is what is measured.
 *
 * The functions passed to the page run there, not in Node: they may use only what they are given.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import twilio from 'twilio';
import type { LocalCredentials } from '../local-setup/setup';
import { launchChromium } from '../test-support/chromium';
import { ROOT, startLocalServer, type LocalServer } from '../test-support/local-server';
import { instrument } from '../test-support/page-instrumentation';

const SDK_SCRIPT = '/__bench/twilio.min.js';

export function voiceToken(c: LocalCredentials, identity: string, ttl = 3600): string {
  const token = new twilio.jwt.AccessToken(c.accountSid, c.apiKeySid, c.apiKeySecret, { identity, ttl });
  token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ outgoingApplicationSid: c.twimlAppSid, incomingAllow: true }));
  return token.toJwt();
}

export async function localCredentials(server: LocalServer): Promise<LocalCredentials> {
  return JSON.parse(await readFile(join(server.dataDir, 'credentials.json'), 'utf8')) as LocalCredentials;
}

export interface SdkWindow {
  Twilio: { Device: new (token: string, options: object) => SdkDevice };
  devices: Record<string, SdkDevice & { activeCall?: SdkCall }>;
}
export interface SdkDevice {
  register(): Promise<void>;
  connect(options: { params: Record<string, string> }): Promise<SdkCall>;
  on(event: string, listener: (arg: SdkCall) => void): void;
  audio: { incoming(on: boolean): void; outgoing(on: boolean): void; disconnect(on: boolean): void } | null;
  disconnectAll(): void;
  destroy(): void;
}
export interface SdkCall {
  accept(): void;
  disconnect(): void;
  once(event: string, listener: () => void): void;
  status(): string;
  getRemoteStream?(): MediaStream | undefined;
}

/**
 * In the page: a registered Device; a callee answers its first incoming call while it has none, and
 * is free again once that call ends.
 */
export async function addDevice([name, token, options, answer]: [string, string, object, boolean]): Promise<void> {
  const w = window as unknown as SdkWindow;
  w.devices ??= {};
  const device = new w.Twilio.Device(token, { ...options, allowIncomingWhileBusy: false }) as SdkWindow['devices'][string];
  device.audio?.incoming(false);
  device.audio?.outgoing(false);
  device.audio?.disconnect(false);
  if (answer) {
    device.on('incoming', (call) => {
      if (device.activeCall) return;
      device.activeCall = call;
      const free = () => {
        if (device.activeCall === call) device.activeCall = undefined;
      };
      for (const event of ['disconnect', 'cancel', 'reject', 'error']) call.once(event, free);
      call.accept();
    });
  }
  await device.register();
  w.devices[name] = device;
}

/** In the page: the caller's call, resolved once the far end has answered (answerOnBridge). */
export async function placeCall([name, to]: [string, string]): Promise<void> {
  const device = (window as unknown as SdkWindow).devices[name]!;
  const call = await device.connect({ params: { To: to } });
  device.activeCall = call;
  await new Promise<void>((resolve, reject) => {
    call.once('accept', resolve);
    call.once('disconnect', () => reject(new Error(`${name}'s call ended before it was answered`)));
    call.once('error', () => reject(new Error(`${name}'s call failed`)));
  });
}

/**
 * In the page: the caller hangs up; resolves once every device of the page is free again (the callee's
 * side has ended too), so the next call starts from a quiet emulator.
 */
export async function hangUpAndSettle([name, timeoutMs]: [string, number]): Promise<void> {
  const w = window as unknown as SdkWindow;
  const device = w.devices[name]!;
  const call = device.activeCall;
  device.activeCall = undefined;
  call?.disconnect();
  const deadline = performance.now() + timeoutMs;
  while (Object.values(w.devices).some((d) => d.activeCall && d.activeCall.status() !== 'closed')) {
    if (performance.now() > deadline) throw new Error('a callee still has a call after the caller hung up');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const d of Object.values(w.devices)) if (d.activeCall?.status() === 'closed') d.activeCall = undefined;
}

/** A page on the server's own origin with the SDK loaded (ready for addDevice). */
export async function openDevicePage(browser: Browser, server: LocalServer): Promise<Page> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  await instrument(context);
  const sdk = await readFile(join(ROOT, 'node_modules/@twilio/voice-sdk/dist/twilio.min.js'));
  // The document must come from the server itself: Chromium's local-network checks block a routed
  // (address-less) page from opening wss://localhost. Only the SDK script is routed, same-origin.
  await context.route(`${server.origin}${SDK_SCRIPT}`, (route) => route.fulfill({ contentType: 'text/javascript', body: sdk }));
  const page = await context.newPage();
  await page.goto(`${server.origin}/healthz`);
  await page.addScriptTag({ url: SDK_SCRIPT });
  return page;
}

export function withTimeout<T>(what: string, promise: Promise<T>, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface DeviceStack {
  server: LocalServer;
  /** Requests to the server (its emulator API among them). */
  api: APIRequestContext;
  /** The one page the Devices live in. */
  page: Page;
  /** Registers a Device called `name` for `identity` in the page; a callee (`answer`) answers its calls. */
  device(name: string, identity: string, answer: boolean): Promise<void>;
}

/**
 * An emulator bench's stack: the app server in local mode on `port`, Chromium with one page for bare
 * Devices signed with the server's own credentials; the Devices are destroyed after `fn`, and all of it
 * is closed even when `fn` fails.
 */
export async function withDeviceStack<T>(
  port: number,
  serverOptions: Parameters<typeof startLocalServer>[1],
  fn: (stack: DeviceStack) => Promise<T>,
): Promise<T> {
  const server = await startLocalServer(port, serverOptions);
  const api = await request.newContext({ baseURL: server.origin, ignoreHTTPSErrors: true });
  let browser: Browser | undefined;
  try {
    const credentials = await localCredentials(server);
    const config = (await (await api.get('/api/config')).json()) as { deviceOptions: object };
    browser = await launchChromium();
    const page = await openDevicePage(browser, server);
    const device = (name: string, identity: string, answer: boolean) =>
      withTimeout(`registering ${name}`, page.evaluate(addDevice, [name, voiceToken(credentials, identity), config.deviceOptions, answer] as [string, string, object, boolean]));
    const result = await fn({ server, api, page, device });
    await page.evaluate(() => Object.values((window as unknown as SdkWindow).devices ?? {}).forEach((d) => d.destroy()));
    return result;
  } finally {
    await browser?.close();
    await api.dispose();
    await server.close();
  }
}
