/**
 * Bench section "messages": text messages on the team number, in local mode.
 * - phone texts → bubble on screen: a simulated phone texts the team number while alice has its
 *   conversation open; from the moment the text is handed to the emulator to the first moment the bubble
 *   is in alice's tab (a MutationObserver, on the wall clock the page and this process share). The whole
 *   way: the emulator's signed webhook, the commit with its events, the event stream and the render.
 * - texts accepted per second on /handle_sms: signed inbound webhooks, 16 at a time, each answered only
 *   after its commit (the route's rule), with p50/p99 latency.
 */
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Page } from '@playwright/test';
import { request as playwrightRequest } from '@playwright/test';
import { phoneTexts, PHONES, TEAM_NUMBER } from '../test-support/emulator-api';
import { signIn } from '../test-support/phone-ui';
import { sign } from '../test-support/server-fixtures';
import { sleep } from '../test-support/wait';
import { median, newInstrumentedPage, round, spread, withBrowserStack } from './stack';
import type { BenchOptions, BenchRow, BenchSection } from './types';

const PORT = 4560;
const RUNS = 7;
const CONCURRENCY = 16;
export const MESSAGE_ON_SCREEN_TARGET_MS = 1_000;

/** Runs in every page: the first moment each bubble's text is in the DOM. */
const RECORD_BUBBLES = () => {
  const w = window as unknown as { __bubbles: Record<string, number> };
  w.__bubbles = {};
  const note = () => {
    for (const bubble of document.querySelectorAll('[data-testid="message"]')) {
      const text = bubble.textContent ?? '';
      // Bracketed: the bubble's time follows the body in its text, digits and all.
      const marker = /\[(bench-[0-9a-z]+)\]/.exec(text)?.[1];
      if (marker && !(marker in w.__bubbles)) w.__bubbles[marker] = performance.timeOrigin + performance.now();
    }
  };
  new MutationObserver(note).observe(document, { childList: true, subtree: true, characterData: true });
};

async function bubbleAt(page: Page, marker: string): Promise<number> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const at = await page.evaluate((m) => (window as unknown as { __bubbles: Record<string, number> }).__bubbles[m], marker);
    if (at !== undefined) return at;
    if (Date.now() > deadline) return NaN;
    await sleep(10);
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Signed inbound texts straight at /handle_sms, `concurrency` at a time: accepted per second and latency. */
async function webhookThroughput(origin: string, dataDir: string, total: number): Promise<{ perSecond: number; latencies: number[]; failures: number }> {
  const { authToken, accountSid } = JSON.parse(await readFile(join(dataDir, 'credentials.json'), 'utf8')) as { authToken: string; accountSid: string };
  const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false, maxSockets: CONCURRENCY });
  const url = `${origin}/handle_sms`;
  const post = (params: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const req = https.request(url, {
        method: 'POST', agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(authToken, url, params) },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(new URLSearchParams(params).toString());
    });
  const stamp = Date.now().toString(16).slice(-8);
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const n = next++;
        const sid = `SM${stamp}${n.toString(16).padStart(24, '0')}`;
        const t = performance.now();
        const status = await post({
          AccountSid: accountSid, MessageSid: sid, SmsSid: sid, From: `+1415555${String(1000 + (n % 200)).padStart(4, '0')}`, To: TEAM_NUMBER,
          Body: `Load text ${n} – こんにちは`, NumMedia: '0', ApiVersion: '2010-04-01',
        });
        latencies.push(performance.now() - t);
        if (status !== 200) failures++;
      }
    }));
  } finally {
    agent.destroy();
  }
  return { perSecond: total / ((performance.now() - started) / 1000), latencies, failures };
}

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  return withBrowserStack(PORT, options, async ({ server, browser }) => {
    const request = await playwrightRequest.newContext({ ignoreHTTPSErrors: true });
    try {
      const alice = await newInstrumentedPage(browser);
      await alice.context.addInitScript(RECORD_BUBBLES);
      await signIn(alice.page, 'alice', { origin: server.origin });
      const messages = alice.page.getByRole('region', { name: 'Messages' });
      // Unmeasured: the first text makes the conversation, which alice opens.
      await phoneTexts(request, PHONES.manual, { to: TEAM_NUMBER, body: '[bench-warmup]' }, server.origin);
      await messages.locator(`[data-testid="conversation"][data-peer="${PHONES.manual}"]`).getByRole('button').click();
      await bubbleAt(alice.page, 'bench-warmup');

      const onScreen: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const marker = `bench-${Date.now().toString(36)}${i}`;
        const sentAt = Date.now();
        await phoneTexts(request, PHONES.manual, { to: TEAM_NUMBER, body: `Are you open today? [${marker}]` }, server.origin);
        const at = await bubbleAt(alice.page, marker);
        if (Number.isFinite(at)) onScreen.push(at - sentAt);
        await sleep(200);
      }

      const total = Math.max(200, Math.round((options.durationSeconds ?? 5) * 100));
      const load = await webhookThroughput(server.origin, server.dataDir, total);
      const m = median(onScreen);
      const rows: BenchRow[] = [
        onScreen.length === 0
          ? { name: 'phone texts → bubble in alice’s open conversation', value: 'not observed', target: `< ${MESSAGE_ON_SCREEN_TARGET_MS} ms`, ok: false }
          : { name: 'phone texts → bubble in alice’s open conversation', value: round(m), unit: 'ms', note: spread(onScreen), target: `< ${MESSAGE_ON_SCREEN_TARGET_MS} ms`, ok: m < MESSAGE_ON_SCREEN_TARGET_MS },
        { name: `texts accepted on /handle_sms (signed, ${CONCURRENCY} at a time)`, value: round(load.perSecond, 1), unit: 'msg/s', note: `${total} texts, ${load.failures} not 200` },
        { name: '/handle_sms latency p50', value: round(percentile(load.latencies, 50), 1), unit: 'ms' },
        { name: '/handle_sms latency p99', value: round(percentile(load.latencies, 99), 1), unit: 'ms' },
      ];
      return {
        id: 'messages',
        title: 'Text messages on the team number (local mode, embedded PostgreSQL, Chromium)',
        rows,
        notes: [
          `${RUNS} texts after one unmeasured one, alice signed in with the conversation open; the moment is taken by a MutationObserver in her tab.`,
          'Each webhook is answered only after the message and its live events are committed; alice’s tab stays open during the load.',
        ],
        data: { onScreen, latencies: load.latencies },
      };
    } finally {
      await request.dispose();
    }
  });
}
