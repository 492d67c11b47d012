/**
 * <Record> with real media: a caller on a WebRTC leg (werift in Node, offering without candidates as
 * the Voice SDK does) calls TwiML that records. What the caller receives is measured for the beep,
 * what the emulator keeps is measured for the caller's own tone, and the recording is ended by a
 * key sent as RFC 4733 telephone-events and by the SDK's `dtmf` signaling message.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dominantFrequency, toneStrength } from '../../../test-support/audio-analysis';
import { sdkSession } from '../../../test-support/emulator-fakes';
import { eventually, sleep } from '../../../test-support/wait';
import { createEmulator, type Emulator } from '../../emulator';
import { bridge } from '../../media/bridge';
import { createMediaLeg } from '../../media/leg';
import { stripCandidates } from '../../media/sdp';
import type { MediaLeg } from '../../media/types';

const ACCOUNT = 'AC' + 'e'.repeat(32);
const AUTH = 'f'.repeat(32);
const KEY = { sid: 'SK' + 'e'.repeat(32), secret: 'secret' };
const APP = 'AP' + 'e'.repeat(32);

let hooks: http.Server;
let hooksOrigin: string;
const actions: Record<string, string>[] = [];
let emulator: Emulator;
let browser: MediaLeg | null = null;

beforeAll(async () => {
  hooks = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      if (req.url === '/recorded') actions.push(Object.fromEntries(new URLSearchParams(body)));
      const twiml = req.url === '/voice'
        ? '<Response><Record action="/recorded" finishOnKey="#" timeout="10"/></Response>'
        : '<Response><Hangup/></Response>';
      res.writeHead(200, { 'Content-Type': 'text/xml' }).end(twiml);
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  hooksOrigin = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  emulator = createEmulator({
    account: { accountSid: ACCOUNT, authToken: AUTH, apiKeys: [KEY] },
    applications: [{ sid: APP, voiceUrl: `${hooksOrigin}/voice` }],
    numbers: [],
    publicOrigin: 'https://emulator.test',
  }, { createLeg: (id) => createMediaLeg({ id }), bridge });
});
afterEach(async () => {
  await browser?.close();
  browser = null;
});
afterAll(async () => {
  emulator.shutdown();
  await new Promise((r) => hooks.close(r));
});

/** A signed-in SDK device that calls the TwiML App from a werift leg; returns what it hears and how to press keys. */
async function sdkCall() {
  const sent: { type: string; payload: { callsid?: string; sdp?: string } }[] = [];
  const session = sdkSession(emulator, sent);
  const token = new twilio.jwt.AccessToken(ACCOUNT, KEY.sid, KEY.secret, { identity: 'alice', ttl: 600 });
  token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ outgoingApplicationSid: APP }));
  session.receive(JSON.stringify({ type: 'listen', payload: { token: token.toJwt() } }));
  browser = createMediaLeg({ id: 'browser' });
  const heard: Int16Array[] = [];
  browser.on('audio', (s) => heard.push(s));
  const offer = stripCandidates(await browser.createOffer());
  session.receive(JSON.stringify({ type: 'invite', payload: { callsid: 'TJ1', sdp: offer, twilio: { params: 'To=voicemail' } } }));
  const answer = (await eventually(() => sent.find((m) => m.type === 'answer'), 'the answer'))!;
  await browser.applyAnswer(answer.payload.sdp!);
  const callSid = answer.payload.callsid!;
  await eventually(() => browser!.stats().iceState === 'connected', 'media connected');
  void browser.play({ kind: 'tone', frequencies: [660] });
  const heardSamples = () => Int16Array.from(heard.flatMap((h) => [...h]));
  return { session, callSid, heardSamples, leg: browser };
}

describe('<Record> on a WebRTC leg', { timeout: 60_000 }, () => {
  it('beeps to the caller, records the caller\'s tone, and ends on # sent as RFC 4733', async () => {
    const { callSid, heardSamples, leg } = await sdkCall();
    const recording = (await eventually(() => emulator.recordings.list().find((r) => r.callSid === callSid), 'recording to start'))!;
    // The caller heard the 1 kHz beep before recording began, and nothing of it afterwards.
    const beforeStart = heardSamples();
    expect(dominantFrequency(beforeStart)).toBeGreaterThan(990);
    expect(dominantFrequency(beforeStart)).toBeLessThan(1010);
    expect(toneStrength(beforeStart, 1000)).toBeGreaterThan(0.05);
    await sleep(1500);
    await leg.sendDtmf('#');
    const action = await eventually(() => actions.find((a) => a.CallSid === callSid), 'the action');
    expect(action).toMatchObject({ Digits: '#', RecordingUrl: recording.mediaUrl });
    const kept = recording.samples!;
    expect(kept.length / 8000).toBeGreaterThan(1.2);
    expect(kept.length / 8000).toBeLessThan(2.5);
    expect(Math.abs(dominantFrequency(kept) - 660)).toBeLessThanOrEqual(3);
    expect(toneStrength(kept, 1000)).toBeLessThan(0.01);
  });

  it('ends on # sent as the SDK\'s dtmf signaling message', async () => {
    const { session, callSid } = await sdkCall();
    const recording = (await eventually(() => emulator.recordings.list().find((r) => r.callSid === callSid), 'recording to start'))!;
    await sleep(1000);
    session.receive(JSON.stringify({ type: 'dtmf', payload: { callsid: callSid, dtmf: '#' } }));
    const action = await eventually(() => actions.find((a) => a.CallSid === callSid), 'the action');
    expect(action).toMatchObject({ Digits: '#', RecordingDuration: '1' });
    expect(recording.status).toBe('completed');
    expect(Math.abs(dominantFrequency(recording.samples!) - 660)).toBeLessThanOrEqual(3);
  });
});
