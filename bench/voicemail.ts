/**
 * Bench section "voicemail": how soon a message is on screen, and how fast its audio comes through the
 * app's proxy. Everyone is on Do not disturb, so a simulated phone calling the team number goes straight
 * to the greeting; it speaks (a 440 Hz tone) and hangs up.
 * - caller hangs up → message on screen: from the end of the recording (its start plus its length, on the
 *   emulator's clock, which is this machine's) to the row first showing in alice's tab (MutationObserver).
 * - audio proxy: GET /api/voicemails/:id/audio of a longer message, one request after another: first byte,
 *   whole file, and MB/s; the server streams it from the emulator's REST media (what Twilio would serve).
 */
import { request as httpsRequest } from 'node:https';
import type { APIRequestContext, Page } from '@playwright/test';
import { request as playwrightRequest } from '@playwright/test';
import { finishedRecordingOf, leaveMessage, PHONES, TEAM_NUMBER } from '../test-support/emulator-api';
import { DEMO_PASSWORD } from '../test-support/local-server';
import { signIn } from '../test-support/phone-ui';
import { sleep } from '../test-support/wait';
import { median, newInstrumentedPage, round, spread, withBrowserStack } from './stack';
import type { BenchOptions, BenchSection } from './types';

const PORT = 3808;
const RUNS = 4;
const MESSAGE_SECONDS = 2;
// The emulator helper waits 30 s for the recording to finish: greeting, beep and message fit in that.
const LONG_MESSAGE_SECONDS = 15;
const FETCHES = 40;
const CALLER = PHONES.tone;

/** Runs in the page: the first moment each voicemail row shows. */
const RECORD_VOICEMAIL_ROWS = () => {
  const w = window as unknown as { __voicemailRows: Record<string, number> };
  w.__voicemailRows = {};
  const note = () => {
    for (const row of document.querySelectorAll('[data-testid="voicemail"]')) {
      const id = row.getAttribute('data-voicemail-id');
      if (id && !(id in w.__voicemailRows)) w.__voicemailRows[id] = performance.timeOrigin + performance.now();
    }
  };
  new MutationObserver(note).observe(document, { childList: true, subtree: true });
};

const voicemailRows = (page: Page) => page.evaluate(() => ({ ...(window as unknown as { __voicemailRows: Record<string, number> }).__voicemailRows }));

/** Everyone on Do not disturb through the API (bob and carol have no tab). */
async function everyoneBusy(origin: string, available: boolean): Promise<void> {
  for (const username of ['alice', 'bob', 'carol']) {
    const ctx = await playwrightRequest.newContext({ ignoreHTTPSErrors: true, baseURL: origin, extraHTTPHeaders: { origin } });
    try {
      await ctx.post('/api/session', { data: { username, password: DEMO_PASSWORD } });
      const res = await ctx.put('/api/presence/me', { data: { availability: available ? 'available' : 'dnd' } });
      if (!res.ok()) throw new Error(`presence for ${username}: ${res.status()} ${await res.text()}`);
    } finally {
      await ctx.dispose();
    }
  }
}

/** Leaves one message; returns hang-up → row (ms) and the new voicemail's id. */
async function oneMessage(request: APIRequestContext, origin: string, page: Page, seconds: number): Promise<{ ms: number; id: string }> {
  const before = await voicemailRows(page);
  const callSid = await leaveMessage(request, CALLER, { to: TEAM_NUMBER, seconds, sound: 'tone', toneHz: 440, end: 'hangup' }, origin);
  const recording = await finishedRecordingOf(request, callSid, origin);
  const hungUpAt = Date.parse(recording.startTime) + (recording.durationMs ?? 0);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const fresh = Object.entries(await voicemailRows(page)).filter(([id]) => !(id in before));
    if (fresh.length > 0) return { ms: fresh[0]![1] - hungUpAt, id: fresh[0]![0] };
    if (Date.now() > deadline) return { ms: NaN, id: '' };
    await sleep(20);
  }
}

/** One GET of the audio: ms to the first byte and to the last, and the size. */
function fetchAudio(url: string, cookie: string): Promise<{ firstByte: number; total: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByte = NaN;
    let bytes = 0;
    const req = httpsRequest(url, { headers: { cookie }, rejectUnauthorized: false }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`audio answered ${res.statusCode}`));
      res.on('data', (chunk: Buffer) => {
        if (bytes === 0) firstByte = performance.now() - started;
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ firstByte, total: performance.now() - started, bytes }));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  return withBrowserStack(PORT, options, async ({ server, browser }) => {
    const request = await playwrightRequest.newContext({ ignoreHTTPSErrors: true });
    try {
      const alice = await newInstrumentedPage(browser);
      await alice.context.addInitScript(RECORD_VOICEMAIL_ROWS);
      await signIn(alice.page, 'alice', { origin: server.origin });
      await everyoneBusy(server.origin, false);

      await oneMessage(request, server.origin, alice.page, MESSAGE_SECONDS); // unmeasured: warms up
      const onScreen: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const { ms } = await oneMessage(request, server.origin, alice.page, MESSAGE_SECONDS);
        if (Number.isFinite(ms)) onScreen.push(ms);
        await sleep(300);
      }

      const long = await oneMessage(request, server.origin, alice.page, LONG_MESSAGE_SECONDS);
      const cookie = (await alice.context.cookies(server.origin)).map((c) => `${c.name}=${c.value}`).join('; ');
      const url = `${server.origin}/api/voicemails/${long.id}/audio`;
      await fetchAudio(url, cookie);
      const fetches = [];
      for (let i = 0; i < FETCHES; i++) fetches.push(await fetchAudio(url, cookie));
      await everyoneBusy(server.origin, true);

      const bytes = fetches[0]!.bytes;
      const seconds = fetches.reduce((s, f) => s + f.total, 0) / 1000;
      return {
        id: 'voicemail',
        title: 'Voicemail: message on screen, and audio through the app (local mode, Chromium, medians)',
        rows: [
          onScreen.length === 0 ? { name: 'caller hangs up → message on screen', value: 'not observed' } : { name: 'caller hangs up → message on screen', value: round(median(onScreen)), unit: 'ms', note: spread(onScreen) },
          { name: 'audio proxy: first byte', value: round(median(fetches.map((f) => f.firstByte)), 1), unit: 'ms', note: spread(fetches.map((f) => f.firstByte)) },
          { name: `audio proxy: whole ${LONG_MESSAGE_SECONDS} s message (${Math.round(bytes / 1024)} KB)`, value: round(median(fetches.map((f) => f.total))), unit: 'ms' },
          { name: 'audio proxy: throughput, one request at a time', value: round((bytes * fetches.length) / 1e6 / seconds, 1), unit: 'MB/s' },
        ],
        notes: [
          `${RUNS} ${MESSAGE_SECONDS}-second messages after one unmeasured; everyone on Do not disturb, so the call goes straight to the greeting.`,
          `The hang-up moment is the recording's end on the emulator's clock; the row's moment is taken in the tab. ${FETCHES} fetches of a ${LONG_MESSAGE_SECONDS}-second WAV, streamed (nothing held in memory).`,
        ],
        data: { onScreen, fetches },
      };
    } finally {
      await request.dispose();
    }
  });
}
