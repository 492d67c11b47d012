/**
 * A conference with real media legs: two SDK-like peers (werift in Node, SDP without candidates as
 * the Voice SDK sends it, signaling over the emulator's /signal WebSocket) and a simulated phone.
 * alice is added with the Participants API (she is rung like any incoming call, with the custom
 * parameters of her `to`); bob calls the team number, whose TwiML puts him in the room. Each party has
 * its own tone; who hears whom is read by frequency from each side's meters.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import twilio from 'twilio';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorPlugin } from '../plugin';
import { emulatorRequestClient } from '../../local-setup/twilio-client';
import { createMediaLeg } from '../media/leg';
import { stripCandidates } from '../media/sdp';
import { hasTone, type ToneReading } from '../media/spectrum';
import { InBandDigitDetector } from '../media/dtmf-inband';
import { HOLD_MUSIC_MAX_HZ } from '../media/hold-music';
import type { MediaLeg } from '../media/types';
import type { PhoneDetail } from '../../contracts/emulator/phones';
import type { CallDetail } from '../../contracts/emulator/calls';
import { eventually } from '../../test-support/wait';

const ACCOUNT = 'AC' + '5'.repeat(32);
const AUTH = '6'.repeat(32);
const KEY = { sid: 'SK' + '7'.repeat(32), secret: 'key-secret' };
const APP = 'AP' + '8'.repeat(32);
const TEAM = '+12025550100';
const TONE_PHONE = '+12025550401';

let app: FastifyInstance;
let hooks: http.Server;
let origin: string;
let client: twilio.Twilio;
const legs: MediaLeg[] = [];
const sockets: WebSocket[] = [];

beforeAll(async () => {
  hooks = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'text/xml' })
      .end('<Response><Dial><Conference beep="false">media-room</Conference></Dial></Response>'));
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const hooksOrigin = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  app = Fastify();
  await app.register(emulatorPlugin, {
    account: { accountSid: ACCOUNT, authToken: AUTH, apiKeys: [KEY] },
    applications: [{ sid: APP, voiceUrl: `${hooksOrigin}/voice` }],
    numbers: [{ phoneNumber: TEAM, voiceApplicationSid: APP }],
    phones: [{ number: TONE_PHONE, name: 'Tone', behaviour: { kind: 'answer', after: 100, audio: 'tone', toneHz: 440 } }],
    publicOrigin: hooksOrigin,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  client = twilio(ACCOUNT, AUTH, { accountSid: ACCOUNT, httpClient: emulatorRequestClient(origin) });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all(legs.map((l) => l.close()));
  await app.close();
  await new Promise((r) => hooks.close(r));
});

interface Frame { type: string; payload: Record<string, any> }

/** A Voice SDK device as the emulator sees one: a signaling socket, and a werift leg for its media. */
async function device(identity: string) {
  const token = new twilio.jwt.AccessToken(ACCOUNT, KEY.sid, KEY.secret, { identity, ttl: 600 });
  token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ incomingAllow: true, outgoingApplicationSid: APP }));
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/signal`);
  sockets.push(ws);
  const frames: Frame[] = [];
  ws.on('message', (data) => {
    const text = data.toString();
    if (text === '\n') return ws.send('\n');
    frames.push(JSON.parse(text) as Frame);
  });
  await new Promise((r) => ws.once('open', r));
  const send = (type: string, payload: object) => ws.send(JSON.stringify({ type, version: '1.6', payload }));
  send('listen', { token: token.toJwt(), reconnectTimeout: 30 });
  send('register', { media: { audio: true } });
  await eventually(() => frames.some((f) => f.type === 'ready'), `${identity} ready`, 5000);
  const leg = createMediaLeg({ id: `${identity}-browser` });
  legs.push(leg);
  return { frames, send, leg };
}

const phone = async (number: string) => (await (await fetch(`${origin}/emulator/api/phones/${encodeURIComponent(number)}`)).json()) as PhoneDetail;
/** Keys a browser hears in its received audio, found as the phones find them. */
function keysHeard(leg: MediaLeg): () => string {
  const detector = new InBandDigitDetector();
  let keys = '';
  leg.on('audio', (samples) => { keys += detector.push(samples) ?? ''; });
  return () => keys;
}
const call = async (sid: string) => (await (await fetch(`${origin}/emulator/api/calls/${sid}`)).json()) as CallDetail;
/** Tones heard clearly: a party's tone arrives near -9 dBFS; onsets and mixing products stay below -30. */
const clear = (tones: ToneReading[] | undefined) => (tones ?? []).filter((t) => t.dbfs >= -30);
const only = (tones: ToneReading[] | undefined, yes: number[], no: number[]) =>
  yes.every((hz) => hasTone(clear(tones), hz)) && no.every((hz) => !hasTone(clear(tones), hz));

describe('conference with SDK legs and a phone', { timeout: 60000 }, () => {
  it('alice (added by the API) at 880 Hz, bob (dialed in) at 500 Hz and a phone at 440 Hz: each hears the other two', async () => {
    const first = await client.conferences('media-room').participants.create({ from: TEAM, to: TONE_PHONE, beep: 'false' });
    const conference = client.conferences(first.conferenceSid);

    // bob calls in: the team number's TwiML puts him in the same room.
    const bob = await device('bob');
    const bobOffer = stripCandidates(await bob.leg.createOffer());
    bob.send('invite', { callsid: 'TJbob', sdp: bobOffer, twilio: { params: 'To=%2B12025550100' } });
    await eventually(() => bob.frames.some((f) => f.type === 'answer'), 'bob answered', 10000);
    await bob.leg.applyAnswer(bob.frames.find((f) => f.type === 'answer')!.payload.sdp);
    const bobSid = bob.frames.find((f) => f.type === 'answer')!.payload.callsid as string;
    void bob.leg.play({ kind: 'tone', frequencies: [500] });

    // alice is added by the API: she is rung with an invite that carries the custom parameters.
    const alice = await device('alice');
    const added = await conference.participants.create({ from: TEAM, to: 'client:alice?transferredBy=bob&ticket=42', label: 'alice', beep: 'false' });
    await eventually(() => alice.frames.some((f) => f.type === 'invite'), 'alice rung', 10000);
    const invite = alice.frames.find((f) => f.type === 'invite')!.payload;
    expect(invite.callsid).toBe(added.callSid);
    expect(invite.parameters).toMatchObject({ CallSid: added.callSid, From: TEAM, To: 'client:alice', AccountSid: ACCOUNT });
    expect(new URLSearchParams(invite.parameters.Params as string).get('transferredBy')).toBe('bob');
    const answer = stripCandidates(await alice.leg.answerOffer(invite.sdp as string));
    alice.send('answer', { callsid: added.callSid, sdp: answer });
    void alice.leg.play({ kind: 'tone', frequencies: [880] });
    await eventually(async () => (await conference.participants('alice').fetch()).status === 'connected', 'alice connected', 10000);
    expect((await client.calls(added.callSid).fetch()).direction).toBe('outbound-api');

    // What each browser receives, what each emulator leg sends and receives, what the phone hears.
    await eventually(() => only(alice.leg.stats().tones, [440, 500], [880]), 'alice hears the phone and bob', 15000);
    await eventually(() => only(bob.leg.stats().tones, [440, 880], [500]), 'bob hears the phone and alice', 15000);
    await eventually(async () => only((await phone(TONE_PHONE)).heard.tones, [500, 880], [440]), 'the phone hears bob and alice');
    const aliceLeg = (await call(added.callSid)).media!;
    expect(only(aliceLeg.tones, [880], [440, 500])).toBe(true);
    expect(only(aliceLeg.sent?.tones, [440, 500], [880])).toBe(true);
    expect(aliceLeg.codec).toBe('PCMU');

    // alice on hold: she hears music only; bob and the phone stop hearing her.
    await conference.participants('alice').update({ hold: true });
    await eventually(() => clear(alice.leg.stats().tones).length > 0 && clear(alice.leg.stats().tones).every((t) => t.hz < HOLD_MUSIC_MAX_HZ), 'alice hears music');
    await eventually(() => only(bob.leg.stats().tones, [440], [880]), 'bob no longer hears alice');
    await eventually(async () => only((await phone(TONE_PHONE)).heard.tones, [500], [880]), 'the phone no longer hears alice');
    // A key she presses on hold is not heard either: it is played into her voice, which nobody hears.
    const bobKeys = keysHeard(bob.leg);
    const aliceKeys = keysHeard(alice.leg);
    await alice.leg.sendDtmf('2');

    // The API mutes bob and takes alice off hold: she hears the phone but not bob; he still hears both.
    await conference.participants(bobSid).update({ muted: true });
    await conference.participants('alice').update({ hold: false });
    await eventually(() => only(alice.leg.stats().tones, [440], [500]), 'alice hears the phone, not muted bob', 15000);
    await eventually(() => only(bob.leg.stats().tones, [440, 880], []), 'bob still hears both');

    // Keys in the room are tones (no webhook, no RFC 4733 event to the others): alice's 1 reaches bob
    // and the phone, not herself; muted bob's 3 reaches nobody.
    await bob.leg.sendDtmf('3');
    await alice.leg.sendDtmf('1');
    await eventually(async () => (await phone(TONE_PHONE)).heard.digits === '1', 'the phone hears alice\'s 1', 5000);
    await eventually(() => bobKeys() === '1', 'bob hears alice\'s 1', 5000);
    expect(aliceKeys()).toBe('');
    expect(bob.leg.stats().digits).toBe('');

    // alice hangs up from her browser: she leaves, the others carry on.
    alice.send('hangup', { callsid: added.callSid });
    await eventually(async () => (await conference.participants.list()).length === 2, 'alice gone');
    await conference.update({ status: 'completed' });
    await eventually(() => bob.frames.some((f) => f.type === 'hangup'), 'bob\'s call ends with the conference');
  });
});
