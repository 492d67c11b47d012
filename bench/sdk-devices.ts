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
import type { Browser, Page } from '@playwright/test';
import twilio from 'twilio';
import type { LocalCredentials } from '../local-setup/setup';
import { ROOT, type LocalServer } from '../test-support/local-server';
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
