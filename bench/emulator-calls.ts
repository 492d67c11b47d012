/**
 * Bench section "emulator-calls": what the local Twilio stand-in costs per bridged call. N calls from
 * alice to bob are held at once (N = 1, 5, 10), each the full path: the Voice SDK's invite, the signed
 * webhook, <Dial><Client>, forking to bob's devices, two WebRTC legs at the emulator and the RTP relay
 * between them. The server process's CPU and memory come from the emulator's own /emulator/api/metrics,
 * sampled at both ends of a fixed window; the media is checked from the browser's WebRTC stats.
 *
 * To keep the browser light, the devices are bare Voice SDK Devices (the SDK's own bundle, 2N of them in
 * one tab, tokens signed with the local API key), not 2N copies of the app. The werift-level figures
 * (legs and relay alone, no signaling) are `npx tsx bench/media-legs.ts`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import twilio from 'twilio';
import type { DeviceOptions, PublicConfig } from '../contracts/api';
import type { LocalCredentials } from '../local-setup/setup';
import { launchChromium } from '../test-support/chromium';
import { emulatorMetrics } from '../test-support/emulator-api';
import { ROOT, startLocalServer, type LocalServer } from '../test-support/local-server';
import { audioStats, instrument } from '../test-support/page-instrumentation';
import { sleep } from '../test-support/wait';
import { round } from './stack';
import type { BenchOptions, BenchRow, BenchSection } from './types';

const PORT = 3805;
const LEVELS = [1, 5, 10];
const WINDOW_SECONDS = 8;
const SDK_SCRIPT = '/__bench/twilio.min.js';

function voiceToken(c: LocalCredentials, identity: string): string {
  const token = new twilio.jwt.AccessToken(c.accountSid, c.apiKeySid, c.apiKeySecret, { identity, ttl: 3600 });
  token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ outgoingApplicationSid: c.twimlAppSid, incomingAllow: true }));
  return token.toJwt();
}

interface SdkWindow {
  Twilio: { Device: new (token: string, options: object) => SdkDevice };
  devices: Record<string, SdkDevice & { activeCall?: SdkCall }>;
}
interface SdkDevice {
  register(): Promise<void>;
  connect(options: { params: Record<string, string> }): Promise<SdkCall>;
  on(event: string, listener: (arg: SdkCall) => void): void;
  audio: { incoming(on: boolean): void; outgoing(on: boolean): void; disconnect(on: boolean): void } | null;
  disconnectAll(): void;
  destroy(): void;
}
interface SdkCall {
  accept(): void;
  once(event: string, listener: () => void): void;
  status(): string;
  getRemoteStream?(): MediaStream | undefined;
}

/** In the page: a registered Device; callees answer their first incoming call while they have none. */
async function addDevice([name, token, options, answer]: [string, string, DeviceOptions, boolean]): Promise<void> {
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
      call.accept();
    });
  }
  await device.register();
  w.devices[name] = device;
}

/** In the page: the caller's call, resolved once the callee has answered (answerOnBridge). */
async function placeCall([name, to]: [string, string]): Promise<void> {
  const device = (window as unknown as SdkWindow).devices[name]!;
  const call = await device.connect({ params: { To: to } });
  device.activeCall = call;
  await new Promise<void>((resolve, reject) => {
    call.once('accept', resolve);
    call.once('disconnect', () => reject(new Error(`${name}'s call ended before it was answered`)));
    call.once('error', () => reject(new Error(`${name}'s call failed`)));
  });
}

async function openDevicePage(browser: Browser, server: LocalServer): Promise<Page> {
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

interface Level {
  calls: number;
  bridged: number;
  cpuPercent: number;
  rssMB: number;
  packetsPerSecondPerLeg: number;
  browserLegs: number;
}

async function measureLevel(api: APIRequestContext, page: Page, calls: number): Promise<Level> {
  await sleep(1000); // past the set-up of the last call
  const before = await emulatorMetrics(api);
  const packetsBefore = await audioStats(page);
  await sleep(WINDOW_SECONDS * 1000);
  const after = await emulatorMetrics(api);
  const packetsAfter = await audioStats(page);
  const wall = (after.at - before.at) / 1000;
  const cpu = after.cpuUserMicros + after.cpuSystemMicros - before.cpuUserMicros - before.cpuSystemMicros;
  return {
    calls,
    bridged: after.bridgedCalls,
    cpuPercent: (cpu / 1e6 / wall) * 100,
    rssMB: after.rssBytes / 1e6,
    packetsPerSecondPerLeg: calls === 0 ? 0 : (packetsAfter.packetsReceived - packetsBefore.packetsReceived) / wall / packetsAfter.connections,
    browserLegs: packetsAfter.connections,
  };
}

function withTimeout<T>(what: string, promise: Promise<T>, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  const log = options.verbose ? (line: string) => console.log(`  ${line}`) : () => undefined;
  const server = await startLocalServer(PORT);
  const api = await request.newContext({ baseURL: server.origin, ignoreHTTPSErrors: true });
  let browser: Browser | undefined;
  try {
    const credentials = JSON.parse(await readFile(join(server.dataDir, 'credentials.json'), 'utf8')) as LocalCredentials;
    const config = (await (await api.get('/api/config')).json()) as PublicConfig;
    browser = await launchChromium();
    const page = await openDevicePage(browser, server);
    if (options.verbose) page.on('console', (m) => m.type() === 'error' && log(`page: ${m.text()}`));

    const levels: Level[] = [await measureLevel(api, page, 0)];
    let placed = 0;
    for (const target of LEVELS) {
      for (; placed < target; placed++) {
        const device = (name: string, identity: string, answer: boolean) =>
          withTimeout(`registering ${name}`, page.evaluate(addDevice, [name, voiceToken(credentials, identity), config.deviceOptions, answer] as [string, string, DeviceOptions, boolean]));
        await device(`bob${placed}`, 'bob', true);
        await device(`alice${placed}`, 'alice', false);
        await withTimeout(`call ${placed + 1}`, page.evaluate(placeCall, [`alice${placed}`, 'bob'] as [string, string]));
      }
      const level = await measureLevel(api, page, target);
      log(`${target} call(s): ${level.cpuPercent.toFixed(1)}% CPU, ${level.rssMB.toFixed(0)} MB RSS, ${level.bridged} bridged`);
      levels.push(level);
    }
    await page.evaluate(() => Object.values((window as unknown as SdkWindow).devices).forEach((d) => d.destroy()));

    const idle = levels[0]!;
    const rows: BenchRow[] = [
      { name: 'idle (no calls)', value: round(idle.cpuPercent, 1), unit: '% CPU', note: `${round(idle.rssMB)} MB RSS` },
    ];
    for (const l of levels.slice(1)) {
      const perCallCpu = (l.cpuPercent - idle.cpuPercent) / l.calls;
      const perCallMB = (l.rssMB - idle.rssMB) / l.calls;
      rows.push({
        name: `${l.calls} bridged call${l.calls === 1 ? '' : 's'}: per call`,
        value: round(perCallCpu, 2),
        unit: '% CPU',
        note: `${round(perCallMB, 1)} MB RSS per call; total ${round(l.cpuPercent, 1)}% CPU, ${round(l.rssMB)} MB; ${l.bridged}/${l.calls} bridged, ${round(l.packetsPerSecondPerLeg, 1)} packets/s per browser leg (${l.browserLegs} legs)`,
      });
    }
    const allBridged = levels.slice(1).every((l) => l.bridged === l.calls && l.packetsPerSecondPerLeg > 40);
    rows.push({ name: 'every call bridged, ~50 packets/s on every browser leg', value: allBridged ? 'yes' : 'no', target: 'yes', ok: allBridged });
    return {
      id: 'emulator-calls',
      title: 'Emulator cost per bridged call (server process in local mode, alice → bob, N at once)',
      rows,
      notes: [
        `CPU is of one core, from the server process's own counters over ${WINDOW_SECONDS} s per level; per-call figures are (level − idle) / N.`,
        'RSS includes what V8 has not collected yet, so per-call memory is indicative.',
        'Werift-level figures (legs and relay alone): npx tsx bench/media-legs.ts',
      ],
      data: { levels },
    };
  } finally {
    await browser?.close();
    await api.dispose();
    await server.close();
  }
}
