/** Shared steps for the web UI suites: sign-in, the emulator's control API, media stats, screenshots. */
import { expect, type APIRequestContext, type Browser, type BrowserContext, type Page, type TestInfo } from '@playwright/test';
import { DEMO_PASSWORD } from './support/browser';

export const TEAM_NUMBER = '+12025550100';
/** Simulated phones the emulator creates by default (see emulator/phones.ts). */
export const PHONES = {
  echo: '+12025550101',
  manual: '+12025550102',
  busy: '+12025550103',
  tone: '+12025550104',
  noAnswer: '+12025550105',
} as const;

export const LANGUAGES = ['en', 'ja', 'zh-TW', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * Records every RTCPeerConnection the page creates, so tests can read WebRTC stats the way a
 * person's ears would: packets and audio energy in both directions.
 */
const RECORD_PEER_CONNECTIONS = () => {
  const Original = window.RTCPeerConnection;
  const list: RTCPeerConnection[] = [];
  (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = list;
  window.RTCPeerConnection = class extends Original {
    constructor(config?: RTCConfiguration) {
      super(config);
      list.push(this);
    }
  } as typeof RTCPeerConnection;
};

export async function newPhonePage(
  browser: Browser,
  options: { locale?: string; reducedMotion?: 'reduce' | 'no-preference' } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    viewport: { width: 1100, height: 800 },
    reducedMotion: options.reducedMotion ?? 'no-preference',
  });
  await context.addInitScript(RECORD_PEER_CONNECTIONS);
  const page = await context.newPage();
  return { context, page };
}

export async function signIn(page: Page, username: string, options: { navigate?: boolean } = {}): Promise<number> {
  if (options.navigate !== false) await page.goto('/');
  // By field name rather than label, so this works in every language.
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await expectRegistered(page);
  return page.evaluate(() => performance.getEntriesByName('softphone-registered')[0]?.startTime ?? -1);
}

export async function expectRegistered(page: Page): Promise<void> {
  await expect(page.getByTestId('registration')).toHaveAttribute('data-state', 'registered', { timeout: 20_000 });
}

export async function openDialPad(page: Page) {
  await page.getByRole('button', { name: 'New call' }).click();
  const dialog = page.getByRole('dialog', { name: 'New call' });
  await expect(dialog).toBeVisible();
  return { dialog, input: dialog.getByLabel('Phone number or name'), call: dialog.getByRole('button', { name: 'Call', exact: true }) };
}

export async function dial(page: Page, target: string) {
  const pad = await openDialPad(page);
  await pad.input.fill(target);
  await pad.call.click();
  const dialog = page.getByRole('dialog', { name: /^Call with/ });
  await expect(dialog).toBeVisible();
  return dialog;
}

export function callStatus(page: Page) {
  return page.getByTestId('call-status');
}

/** The timer text must change: it is running, not just shown. */
export async function expectTimerRunning(page: Page): Promise<void> {
  const timer = page.getByRole('timer');
  await expect(timer).toBeVisible();
  const first = await timer.textContent();
  await expect(timer).not.toHaveText(first ?? '', { timeout: 5_000 });
  await expect(timer).toHaveText(/^\d+:\d\d$/);
}

// ---- emulator control API ----

interface PhoneView {
  number: string;
  state: 'idle' | 'ringing' | 'calling' | 'in-call';
  callSid: string | null;
  heard: { digits: string; says: string[]; levelDbfs: number; peakLevelDbfs: number; packetsReceived: number };
}

const api = (path: string) => `/emulator/api${path}`;

export async function phone(request: APIRequestContext, number: string): Promise<PhoneView> {
  const response = await request.get(api(`/phones/${encodeURIComponent(number)}`));
  expect(response.ok(), await response.text()).toBe(true);
  return (await response.json()) as PhoneView;
}

export async function expectPhoneState(request: APIRequestContext, number: string, state: PhoneView['state']): Promise<void> {
  await expect.poll(async () => (await phone(request, number)).state, { timeout: 15_000 }).toBe(state);
}

export async function phoneAction(request: APIRequestContext, number: string, action: 'answer' | 'reject' | 'hangup'): Promise<void> {
  const response = await request.post(api(`/phones/${encodeURIComponent(number)}/${action}`), { data: {} });
  expect(response.ok(), await response.text()).toBe(true);
}

export async function phoneCalls(request: APIRequestContext, from: string, to: string): Promise<string> {
  // A phone still finishing an earlier test's call cannot place a new one.
  await expectPhoneState(request, from, 'idle');
  const response = await request.post(api(`/phones/${encodeURIComponent(from)}/call`), { data: { to } });
  expect(response.ok(), await response.text()).toBe(true);
  return ((await response.json()) as { callSid: string }).callSid;
}

// ---- media ----

export interface MediaStats {
  packetsSent: number;
  packetsReceived: number;
  /** Total audio energy received (Chromium's inbound-rtp totalAudioEnergy). */
  energyReceived: number;
}

export async function mediaStats(page: Page): Promise<MediaStats> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    const totals = { packetsSent: 0, packetsReceived: 0, energyReceived: 0 };
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      report.forEach((s: Record<string, unknown>) => {
        if (s.type === 'outbound-rtp' && s.kind === 'audio') totals.packetsSent += Number(s.packetsSent ?? 0);
        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          totals.packetsReceived += Number(s.packetsReceived ?? 0);
          totals.energyReceived += Number(s.totalAudioEnergy ?? 0);
        }
      });
    }
    return totals;
  });
}

/** Audio flows both ways: packets go out, and packets carrying sound come in. */
export async function expectMediaBothWays(page: Page): Promise<MediaStats> {
  let last: MediaStats = { packetsSent: 0, packetsReceived: 0, energyReceived: 0 };
  await expect
    .poll(
      async () => {
        last = await mediaStats(page);
        return last.packetsSent > 50 && last.packetsReceived > 50 && last.energyReceived > 0;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return last;
}

// ---- screenshots ----

export async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  // Let enter animations finish so the picture shows the settled dialog.
  await page.waitForTimeout(200);
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

export async function chooseLanguage(page: Page, language: Language): Promise<void> {
  // The label is translated, so find the switcher by its options instead.
  const select = page.locator('select:has(option[value="zh-TW"])').first();
  await select.selectOption(language);
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}
