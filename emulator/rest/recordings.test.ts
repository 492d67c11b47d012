/**
 * <Record> end to end through the emulator plugin: simulated phones leave messages on a TwiML
 * that records, the app's webhooks are checked for Twilio's parameters, order and signatures, and
 * the recordings are read back through the `twilio` helper library and the media URLs, whose audio
 * is analysed (length, frequency) rather than trusted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RecordingRoutes } from '../../contracts/emulator/recordings';
import { dominantFrequency, readWav, toneStrength } from '../../test-support/audio-analysis';
import { eventually } from '../../test-support/wait';
import { emulatorPlugin } from '../plugin';
import { emulatorRequestClient } from '../../local-setup/twilio-client';

const ACCOUNT = 'AC' + '5'.repeat(32);
const AUTH = '6'.repeat(32);
const KEY = { sid: 'SK' + '7'.repeat(32), secret: 'key-secret' };
const TEAM = '+12025550100';
const PUBLIC_ORIGIN = 'https://emulator.example.test';

interface Hit { path: string; params: Record<string, string>; signed: boolean; at: number }

let app: FastifyInstance;
let origin: string;
let hooks: http.Server;
let hooksOrigin: string;
let hits: Hit[] = [];
/** The TwiML the team number answers with. */
let voiceTwiml = '';

beforeAll(async () => {
  hooks = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const signed = twilio.validateRequest(AUTH, String(req.headers['x-twilio-signature']), `${hooksOrigin}${req.url}`, params);
      hits.push({ path: req.url ?? '', params, signed, at: Date.now() });
      const twiml = req.url === '/voice' ? voiceTwiml
        : req.url === '/recorded' ? '<Response><Say>Thank you, goodbye.</Say><Hangup/></Response>'
        : '<Response/>';
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end(twiml);
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  hooksOrigin = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  app = Fastify();
  await app.register(emulatorPlugin, {
    account: { accountSid: ACCOUNT, authToken: AUTH, apiKeys: [KEY] },
    applications: [],
    numbers: [{ phoneNumber: TEAM, voiceUrl: `${hooksOrigin}/voice` }],
    publicOrigin: PUBLIC_ORIGIN,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app.close();
  await new Promise((r) => hooks.close(r));
});
beforeEach(() => {
  hits = [];
});

const client = (user = ACCOUNT, pass = AUTH) => twilio(user, pass, { accountSid: ACCOUNT, httpClient: emulatorRequestClient(origin) });
const basic = (user = ACCOUNT, pass = AUTH) => ({ Authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
/** RecordingUrl names the public origin; the test reaches the same path on the emulator it runs. */
const local = (recordingUrl: string) => `${origin}${new URL(recordingUrl).pathname}`;

async function control<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${origin}/emulator/api${path}`, {
    method, ...(body !== undefined ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
}

async function addPhone(number: string, behaviour: Record<string, unknown>): Promise<void> {
  expect((await control('POST', '/phones', { number, name: number, behaviour })).status).toBe(201);
}

const recordTwiml = (attrs = '') => `<Response><Say>Please leave a message.</Say><Record action="/recorded" maxLength="20" finishOnKey="#" `
  + `recordingStatusCallback="/recording-status" recordingStatusCallbackEvent="in-progress completed absent"${attrs}/><Say>No message.</Say></Response>`;

/** The app's requests to `path`, for one call (an earlier test's late callbacks may still arrive). */
const hitsTo = (path: string, callSid?: string) => hits.filter((h) => h.path === path && (!callSid || h.params.CallSid === callSid));

/** Counts MPEG audio frames (sync word, layer III) and the samples they hold. */
function mp3Seconds(buf: Buffer): { frames: number; seconds: number; sampleRate: number } {
  const RATES: Record<number, number[]> = { 0: [11025, 12000, 8000], 2: [22050, 24000, 16000], 3: [44100, 48000, 32000] };
  const KBPS_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
  let at = 0;
  let frames = 0;
  let sampleRate = 0;
  while (at + 4 <= buf.length) {
    if (buf[at] !== 0xff || (buf[at + 1]! & 0xe0) !== 0xe0) break;
    const version = (buf[at + 1]! >> 3) & 3;
    const rate = RATES[version]![(buf[at + 2]! >> 2) & 3]!;
    const kbps = KBPS_V2[(buf[at + 2]! >> 4) & 15]!;
    const padding = (buf[at + 2]! >> 1) & 1;
    sampleRate = rate;
    at += Math.floor((72 * kbps * 1000) / rate) + padding;
    frames++;
  }
  return { frames, seconds: (frames * 576) / sampleRate, sampleRate };
}

describe('a phone leaves a message on a <Record>', { timeout: 60_000 }, () => {
  it('records the tone it speaks, reports it to the app in order, and serves it through the REST API', async () => {
    voiceTwiml = recordTwiml();
    const phone = '+12025550177';
    await addPhone(phone, { kind: 'manual' });
    const left = await control<{ callSid: string }>('POST', `/phones/${encodeURIComponent(phone)}/leave-message`, { to: TEAM, seconds: 2, toneHz: 523 });
    expect(left.status).toBe(201);
    const callSid = left.body.callSid;
    await eventually(() => hitsTo('/recording-status').some((h) => h.params.RecordingStatus === 'completed'), 'the completed callback');

    // The app hears: in-progress, then the action with the key, then completed; all signed.
    const statuses = hitsTo('/recording-status');
    const action = hitsTo('/recorded')[0]!;
    expect(statuses.map((h) => h.params.RecordingStatus)).toEqual(['in-progress', 'completed']);
    expect(statuses[0]!.at).toBeLessThanOrEqual(action.at);
    expect(action.at).toBeLessThanOrEqual(statuses[1]!.at);
    expect([...statuses, action].every((h) => h.signed)).toBe(true);
    const recordingSid = action.params.RecordingUrl!.split('/').pop()!;
    expect(recordingSid).toMatch(/^RE[0-9a-f]{32}$/);
    expect(action.params).toMatchObject({
      AccountSid: ACCOUNT, CallSid: callSid, From: phone, To: TEAM, Direction: 'inbound', CallStatus: 'in-progress',
      RecordingUrl: `${PUBLIC_ORIGIN}/2010-04-01/Accounts/${ACCOUNT}/Recordings/${recordingSid}`, RecordingDuration: '2', Digits: '#',
    });
    expect(statuses[0]!.params).toEqual({
      AccountSid: ACCOUNT, CallSid: callSid, RecordingSid: recordingSid, RecordingUrl: action.params.RecordingUrl,
      RecordingStatus: 'in-progress', RecordingChannels: '1', RecordingSource: 'RecordVerb', RecordingStartTime: expect.stringMatching(/ \+0000$/),
    });
    expect(statuses[1]!.params).toMatchObject({ RecordingStatus: 'completed', RecordingDuration: '2', RecordingSid: recordingSid });
    expect(statuses[1]!.params.ErrorCode).toBeUndefined();
    // The action's TwiML ran: the caller was thanked and the call ended.
    await eventually(async () => (await client().calls(callSid).fetch()).status === 'completed', 'the call to end');

    // REST: fetch, list (all, by call, by date), the call's own list.
    const c = client();
    const fetched = await c.recordings(recordingSid).fetch();
    expect(fetched).toMatchObject({ sid: recordingSid, callSid, accountSid: ACCOUNT, status: 'completed', duration: '2', channels: 1, source: 'RecordVerb', errorCode: null });
    expect(fetched.mediaUrl).toBe(action.params.RecordingUrl);
    expect(fetched.dateCreated).toBeInstanceOf(Date);
    expect((await c.recordings.list({ callSid })).map((r) => r.sid)).toEqual([recordingSid]);
    expect((await c.recordings.list({ dateCreatedAfter: new Date(Date.now() - 60_000) })).map((r) => r.sid)).toContain(recordingSid);
    expect(await c.recordings.list({ dateCreatedBefore: new Date(Date.now() - 3_600_000) })).toEqual([]);
    expect((await c.calls(callSid).recordings.list()).map((r) => r.sid)).toEqual([recordingSid]);
    expect((await c.calls(callSid).recordings(recordingSid).fetch()).status).toBe('completed');

    // The media: about 2 s at the phone's 523 Hz, with no beep in it, and the same audio without an extension.
    const wav = await fetch(`${local(action.params.RecordingUrl!)}.wav`, { headers: basic(KEY.sid, KEY.secret) });
    expect(wav.status).toBe(200);
    expect(wav.headers.get('content-type')).toBe('audio/x-wav');
    expect(wav.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await wav.arrayBuffer());
    const audio = readWav(bytes);
    expect(audio.sampleRate).toBe(8000);
    expect(audio.seconds).toBeGreaterThan(1.9);
    expect(audio.seconds).toBeLessThan(2.1);
    expect(Math.abs(dominantFrequency(audio.samples) - 523)).toBeLessThanOrEqual(3);
    expect(toneStrength(audio.samples, 1000)).toBeLessThan(0.01);
    const bare = await fetch(local(action.params.RecordingUrl!), { headers: basic() });
    expect(Buffer.from(await bare.arrayBuffer()).equals(bytes)).toBe(true);

    const mp3 = await fetch(`${local(action.params.RecordingUrl!)}.mp3`, { headers: basic() });
    expect(mp3.status).toBe(200);
    expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
    const frames = mp3Seconds(Buffer.from(await mp3.arrayBuffer()));
    expect(frames.sampleRate).toBe(8000);
    expect(frames.seconds).toBeGreaterThan(1.9);
    expect(frames.seconds).toBeLessThan(2.5);

    // Seeking: a byte range, and hostile ranges refused without harm.
    const part = await fetch(`${local(action.params.RecordingUrl!)}.wav`, { headers: { ...basic(), Range: 'bytes=44-1043' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 44-1043/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(44, 1044))).toBe(true);
    for (const range of ['bytes=999999999-', 'bytes=5-2', 'bytes=-0', 'bytes=0-1,5-9', 'bytes=abc', `bytes=${'9'.repeat(400)}-`, 'bytes=--1']) {
      const res = await fetch(`${local(action.params.RecordingUrl!)}.wav`, { headers: { ...basic(), Range: range } });
      expect(res.status, range).toBe(416);
      expect(res.headers.get('content-range'), range).toBe(`bytes */${bytes.length}`);
    }

    // The console reads the same recording without credentials, and can play it.
    const listed = await control<{ sid: string; audioUrl: string; durationMs: number; from: string }[]>('GET', '/recordings');
    expect([...Value.Errors(RecordingRoutes.list.response[200], listed.body)]).toEqual([]);
    expect([...Value.Errors(RecordingRoutes.get.response[200], (await control('GET', `/recordings/${recordingSid}`)).body)]).toEqual([]);
    const mine = listed.body.find((r) => r.sid === recordingSid)!;
    expect(mine).toMatchObject({ from: phone, audioUrl: `/emulator/api/recordings/${recordingSid}/audio` });
    expect(Math.abs(mine.durationMs - 2000)).toBeLessThan(100);
    const played = await fetch(`${origin}${mine.audioUrl}`);
    expect(Buffer.from(await played.arrayBuffer()).equals(bytes)).toBe(true);

    // Delete through the helper: gone from the REST API and the console.
    expect(await c.recordings(recordingSid).remove()).toBe(true);
    await expect(c.recordings(recordingSid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    expect((await fetch(`${local(action.params.RecordingUrl!)}.wav`, { headers: basic() })).status).toBe(404);
    expect((await control('GET', `/recordings/${recordingSid}`)).status).toBe(404);
  });

  it('refuses bad credentials, another account and made-up recordings with Twilio errors', async () => {
    voiceTwiml = recordTwiml();
    const phone = '+12025550178';
    await addPhone(phone, { kind: 'manual' });
    const { body } = await control<{ callSid: string }>('POST', `/phones/${encodeURIComponent(phone)}/leave-message`, { to: TEAM, seconds: 1 });
    await eventually(() => hitsTo('/recorded', body.callSid)[0], 'the action');
    const url = hitsTo('/recorded', body.callSid)[0]!.params.RecordingUrl!;
    const sid = url.split('/').pop()!;

    await expect(client(ACCOUNT, 'wrong').recordings(sid).fetch()).rejects.toMatchObject({ status: 401, code: 20003 });
    await expect(client(KEY.sid, 'wrong').recordings.list()).rejects.toMatchObject({ status: 401, code: 20003 });
    const anonymous = await fetch(`${local(url)}.wav`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 20003, status: 401 });
    const other = 'AC' + '9'.repeat(32);
    const elsewhere = await fetch(`${origin}/2010-04-01/Accounts/${other}/Recordings/${sid}.wav`, { headers: basic() });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toMatchObject({ code: 20404, status: 404, more_info: 'https://www.twilio.com/docs/errors/20404' });
    await expect(client().recordings('RE' + '0'.repeat(32)).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(client().recordings('RE' + '0'.repeat(32)).remove()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(client().calls('CA' + '0'.repeat(32)).recordings(sid).fetch()).rejects.toMatchObject({ status: 404 });
    for (const made of ['nope', 'RE123.wav', `${sid}.ogg`, `${sid}.json.wav`]) {
      expect((await fetch(`${origin}/2010-04-01/Accounts/${ACCOUNT}/Recordings/${made}`, { headers: basic() })).status, made).toBe(404);
    }
    const badDate = await fetch(`${origin}/2010-04-01/Accounts/${ACCOUNT}/Recordings.json?DateCreated=yesterday`, { headers: basic() });
    expect(badDate.status).toBe(400);
  });

  it('refuses a leave-message it cannot do, in words', async () => {
    const cases: [string, unknown, number, string][] = [
      ['/phones/%2B19995550000/leave-message', { to: TEAM, seconds: 1 }, 404, 'No simulated phone has number +19995550000'],
      ['/phones/%2B12025550102/leave-message', { to: TEAM }, 400, 'seconds must be a number from 0.1 to 600'],
      ['/phones/%2B12025550102/leave-message', { to: TEAM, seconds: 1, end: 'star' }, 400, 'end must be hash or hangup'],
      ['/phones/%2B12025550102/leave-message', { seconds: 1 }, 400, 'to is required'],
    ];
    for (const [path, body, status, error] of cases) {
      const res = await control<{ error: string }>('POST', path, body);
      expect([res.status, res.body.error], path).toEqual([status, error]);
    }
  });

  it('still posts the action when the caller hangs up, with Digits=hangup', async () => {
    voiceTwiml = recordTwiml();
    const phone = '+12025550179';
    await addPhone(phone, { kind: 'manual' });
    const { body } = await control<{ callSid: string }>('POST', `/phones/${encodeURIComponent(phone)}/leave-message`, { to: TEAM, seconds: 1, end: 'hangup', sound: 'speech' });
    await eventually(() => hitsTo('/recording-status', body.callSid).some((h) => h.params.RecordingStatus === 'completed'), 'the completed callback');
    expect(hitsTo('/recorded', body.callSid)[0]!.params).toMatchObject({ Digits: 'hangup', RecordingDuration: '1', CallStatus: 'completed' });
    const recording = await client().recordings.list({ callSid: body.callSid });
    expect(recording[0]).toMatchObject({ status: 'completed', duration: '1' });
    // The call's TwiML after the <Record> never ran: the caller was gone.
    const events = (await control<{ events: { text: string }[] }>('GET', `/calls/${body.callSid}`)).body.events.map((e) => e.text);
    expect(events.some((t) => t.includes('No message'))).toBe(false);
  });

  it('keeps nothing from a caller who says nothing: absent, no action, the next verb runs', async () => {
    voiceTwiml = recordTwiml(' timeout="1"');
    const phone = '+12025550180';
    // A manual phone with nobody at the console says nothing.
    await addPhone(phone, { kind: 'manual' });
    const { body } = await control<{ callSid: string }>('POST', `/phones/${encodeURIComponent(phone)}/call`, { to: TEAM });
    await eventually(() => hitsTo('/recording-status', body.callSid).some((h) => h.params.RecordingStatus === 'absent'), 'the absent callback');
    const absent = hitsTo('/recording-status', body.callSid).find((h) => h.params.RecordingStatus === 'absent')!;
    expect(absent.params).toMatchObject({ CallSid: body.callSid, ErrorCode: '16102', RecordingDuration: '0' });
    expect(absent.signed).toBe(true);
    expect(hitsTo('/recorded', body.callSid)).toEqual([]);
    const sid = absent.params.RecordingSid!;
    expect(await client().recordings(sid).fetch()).toMatchObject({ status: 'absent', errorCode: 16102, duration: '0' });
    expect((await fetch(`${origin}/2010-04-01/Accounts/${ACCOUNT}/Recordings/${sid}.wav`, { headers: basic() })).status).toBe(404);
    const events = (await control<{ events: { text: string }[] }>('GET', `/calls/${body.callSid}`)).body.events.map((e) => e.text);
    expect(events).toContain('Say "No message."');
    await control('POST', `/phones/${encodeURIComponent(phone)}/hangup`);
  });

  it('pages a filtered list the way the helper library follows it', async () => {
    const since = new Date(Date.now() - 1000);
    const phones = ['+12025550191', '+12025550192', '+12025550193'];
    const calls = await Promise.all(phones.map(async (to, i) => {
      await addPhone(to, { kind: 'answer', after: 50, toneHz: 300 + i * 100 });
      return client().calls.create({ to, from: TEAM, twiml: `<Response><Record maxLength="1" playBeep="false" action="${hooksOrigin}/recorded"/></Response>` });
    }));
    const sids = calls.map((c) => c.sid);
    await eventually(async () => (await client().recordings.list({ dateCreatedAfter: since })).filter((r) => sids.includes(r.callSid) && r.status === 'completed').length === 3, 'three recordings');
    const first = await client().recordings.page({ dateCreatedAfter: since, pageSize: 1 });
    expect(first.instances).toHaveLength(1);
    expect(first.nextPageUrl).toContain('DateCreated%3E=');
    const all = await client().recordings.list({ dateCreatedAfter: since, pageSize: 1 });
    expect(sids.every((sid) => all.some((r) => r.callSid === sid))).toBe(true);
    expect(new Set(all.map((r) => r.sid)).size).toBe(all.length);
  });

  it('records a tone phone answering a REST call, at the phone\'s toneHz', async () => {
    const phone = '+12025550181';
    await addPhone(phone, { kind: 'answer', after: 100, toneHz: 880 });
    const call = await client().calls.create({
      to: phone, from: TEAM,
      twiml: `<Response><Record maxLength="2" playBeep="false" action="${hooksOrigin}/recorded" recordingStatusCallback="${hooksOrigin}/recording-status"/></Response>`,
    });
    await eventually(() => hitsTo('/recording-status', call.sid)[0], 'the completed callback');
    const done = hitsTo('/recorded', call.sid)[0]!;
    expect(done.params).toMatchObject({ CallSid: call.sid, RecordingDuration: '2', Direction: 'outbound-api' });
    expect(done.params.Digits).toBeUndefined();
    const wav = await fetch(`${local(done.params.RecordingUrl!)}.wav`, { headers: basic() });
    const audio = readWav(Buffer.from(await wav.arrayBuffer()));
    expect(Math.abs(audio.seconds - 2)).toBeLessThan(0.1);
    expect(Math.abs(dominantFrequency(audio.samples) - 880)).toBeLessThanOrEqual(3);
  });
});
