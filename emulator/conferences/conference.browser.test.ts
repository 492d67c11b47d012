/**
 * A real Chromium WebRTC peer in a conference: it operates a simulated phone (as the console's "Use my
 * microphone and speaker" does) and is dialed into a room with two tone phones. Chromium must play
 * the mixed PCMU the emulator encodes for it, and the phones must hear its fake microphone.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConferenceView } from '../../contracts/emulator/conferences';
import type { PhoneDetail } from '../../contracts/emulator/phones';
import { BrowserPeers } from '../../test-support/browser-peers';
import { eventually } from '../../test-support/wait';
import { HOLD_MUSIC_MAX_HZ } from '../media/hold-music';
import { hasTone, type ToneReading } from '../media/spectrum';
import { emulatorPlugin } from '../plugin';

const TIMEOUT = 60000;
const A = '+12025550501';
const B = '+12025550502';
const DESK = '+12025550503';

let app: FastifyInstance;
let origin: string;
let browser: BrowserPeers;

async function control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${origin}/emulator/api${path}`, {
    method, ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
const phonePath = (n: string) => `/phones/${encodeURIComponent(n)}`;
const clear = (tones: ToneReading[] | undefined) => (tones ?? []).filter((t) => t.dbfs >= -30);

beforeAll(async () => {
  app = Fastify();
  await app.register(emulatorPlugin, {
    account: { accountSid: 'AC' + '9'.repeat(32), authToken: '8'.repeat(32), apiKeys: [] },
    applications: [],
    numbers: [{ phoneNumber: '+12025550100' }],
    phones: [
      { number: A, name: 'A', behaviour: { kind: 'answer', after: 100, audio: 'tone', toneHz: 440 } },
      { number: B, name: 'B', behaviour: { kind: 'answer', after: 100, audio: 'tone', toneHz: 660 } },
      { number: DESK, name: 'Desk', behaviour: { kind: 'manual' } },
    ],
    publicOrigin: 'http://127.0.0.1',
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await BrowserPeers.launch();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('a Chromium peer in a conference', () => {
  it('hears the mix of two tone phones, is heard by them, and hears music on hold', async () => {
    const { sdp } = await control<{ sdp: string }>('POST', `${phonePath(DESK)}/operate`);
    await browser.create('desk');
    await control('POST', `${phonePath(DESK)}/operate/answer`, { sdp: await browser.answer('desk', sdp) });
    for (const to of [A, B, DESK]) await control('POST', '/conferences/participants', { conference: 'browser-room', to, beep: 'false' });
    await eventually(async () => (await control<PhoneDetail>('GET', phonePath(DESK))).state === 'ringing', 'desk rings');
    await control('POST', `${phonePath(DESK)}/answer`);

    const desk = async () => (await control<ConferenceView[]>('GET', '/conferences'))
      .find((c) => c.friendlyName === 'browser-room')!.participants.find((p) => p.to === DESK)!;
    await eventually(async () => (await desk()).status === 'connected', 'desk connected');
    // The browser plays what we send, and what we send is the two phones' tones.
    await eventually(async () => {
      const s = await browser.stats('desk');
      return s.packetsReceived > 50 && s.audioLevel > 0.01;
    }, 'Chromium hears the conference');
    await eventually(async () => {
      const hears = clear((await desk()).hears);
      return hasTone(hears, 440) && hasTone(hears, 660);
    }, 'the desk leg carries 440 and 660 Hz');
    // The phones hear Chromium's fake microphone as well as each other.
    for (const n of [A, B]) {
      await eventually(async () => (await control<PhoneDetail>('GET', phonePath(n))).heard.peakLevelDbfs > -60, `${n} hears the browser`);
    }
    expect((await desk()).speaking || (await desk()).levelDbfs > -60).toBe(true);

    await control('POST', `/conferences/${(await control<ConferenceView[]>('GET', '/conferences')).find((c) => c.friendlyName === 'browser-room')!.sid}/participants/${(await desk()).callSid}`, { hold: true });
    await eventually(async () => {
      const hears = clear((await desk()).hears);
      return hears.length > 0 && hears.every((t) => t.hz < HOLD_MUSIC_MAX_HZ);
    }, 'the desk leg carries music only');
    await eventually(async () => (await browser.stats('desk')).audioLevel > 0.001, 'Chromium hears the music');
    await browser.closePeer('desk');
  }, TIMEOUT);
});
