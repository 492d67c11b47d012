/**
 * Media legs connected to each other in Node. One side of each pair plays the browser's part
 * (its SDP stripped of candidates, as the Voice SDK sends it); the other is the emulator's leg.
 */
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMediaLeg } from './leg';
import { bridge } from './bridge';
import { stripCandidates } from './sdp';
import { buildWav } from './wav';
import { ToneGenerator } from './synth';
import { hasTone } from './spectrum';
import { listenOnTestPort } from '../../test-support/test-port';
import { eventually } from '../../test-support/wait';
import type { MediaLeg } from './types';

const connected = (l: MediaLeg) => l.stats().iceState === 'connected';
let legs: MediaLeg[] = [];
const leg = (id: string) => {
  const l = createMediaLeg({ id });
  legs.push(l);
  return l;
};

/** The "phone" offers without candidates; the emulator leg answers, as for an SDK outgoing call. */
async function pair(name: string): Promise<{ emu: MediaLeg; phone: MediaLeg }> {
  const emu = leg(`${name}-emu`);
  const phone = leg(`${name}-phone`);
  // Our answer keeps its candidates (as it does for the SDK); the phone finds us through them.
  await phone.applyAnswer(await emu.answerOffer(stripCandidates(await phone.createOffer())));
  await eventually(() => connected(emu) && connected(phone), `${name} connected`);
  return { emu, phone };
}

let server: http.Server;
let origin: string;
beforeAll(async () => {
  const tone = new Int16Array(16000 * 0.5);
  new ToneGenerator({ frequencies: [600], amplitude: 0.5 }, 16000).render(tone);
  const wav = buildWav(tone, 16000);
  server = await listenOnTestPort((req, res) => {
    if (req.url === '/tone.wav') res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav);
    else if (req.url === '/moved') res.writeHead(302, { location: '/tone.wav' }).end();
    else if (req.url === '/text') res.writeHead(200).end('not audio');
    else res.writeHead(404).end();
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));
afterEach(async () => {
  await Promise.all(legs.map((l) => l.close()));
  legs = [];
});

describe('media leg', { timeout: 60000 }, () => {
  it('starts out idle', () => {
    const l = leg('idle');
    expect(l.stats()).toEqual({
      packetsReceived: 0,
      packetsSent: 0,
      levelDbfs: -127,
      peakLevelDbfs: -127,
      codec: null,
      iceState: 'new',
      digits: '',
      tones: [],
      sent: { levelDbfs: -127, tones: [] },
    });
  });

  it('refuses an offer without PCMU', async () => {
    const other = leg('opus-only');
    const offer = (await other.createOffer()).replace(/^(m=audio \S+ \S+) 0 101/m, '$1 101').replace(/^a=rtpmap:0 .*\r\n/m, '');
    await expect(leg('strict').answerOffer(offer)).rejects.toThrow();
  });

  it('sends silence until told otherwise, then a tone at the expected level', async () => {
    const { emu, phone } = await pair('tone');
    await eventually(() => phone.stats().packetsReceived > 10, 'packets');
    expect(phone.stats().levelDbfs).toBe(-127);
    expect(emu.stats().codec).toBe('PCMU');
    void emu.play({ kind: 'tone', frequencies: [1000] });
    // One tone at half scale: about -9 dBFS after mu-law.
    await eventually(() => Math.abs(phone.stats().levelDbfs + 9) < 1, 'tone level');
    // Both ends measure it by frequency: what the phone receives is what the emulator's leg sends.
    await eventually(() => hasTone(phone.stats().tones ?? [], 1000) && hasTone(emu.stats().sent?.tones ?? [], 1000), '1000 Hz both ends');
    expect(Math.abs(emu.stats().sent!.levelDbfs + 9)).toBeLessThan(1);
  });

  it('resolves a finite playback when it ends, and a replaced one when replaced', async () => {
    const { emu } = await pair('finite');
    let ended = false;
    await emu.play({ kind: 'tone', frequencies: [440], durationMs: 200 }).then(() => (ended = true));
    expect(ended).toBe(true);
    const endless = emu.play({ kind: 'tone', frequencies: [440] });
    void emu.play({ kind: 'silence' });
    await expect(endless).resolves.toBeUndefined();
    const speech = emu.play({ kind: 'speech', text: 'Hi' });
    await expect(speech).resolves.toBeUndefined();
  });

  it('plays a WAV from a URL (16 kHz resampled, redirects followed)', async () => {
    const { emu, phone } = await pair('url');
    const played = emu.play({ kind: 'url', url: `${origin}/moved`, loop: 2 });
    await eventually(() => phone.stats().levelDbfs > -15, 'wav audio');
    await played;
    await expect(emu.play({ kind: 'url', url: `${origin}/missing.wav` })).rejects.toThrow(/HTTP 404/);
    await expect(emu.play({ kind: 'url', url: `${origin}/text` })).rejects.toThrow(/only WAV/);
  });

  it('echoes what it hears', async () => {
    const { emu, phone } = await pair('echo');
    void emu.play({ kind: 'echo' });
    void phone.play({ kind: 'tone', frequencies: [700] });
    await eventually(() => phone.stats().levelDbfs > -15, 'echo back');
  });

  it('sends DTMF as RFC 4733 events heard once per key', async () => {
    const { emu, phone } = await pair('dtmf');
    const heard: string[] = [];
    phone.on('dtmf', (d) => heard.push(d));
    await emu.sendDtmf('1w2*#AD');
    await eventually(() => phone.stats().digits === '12*#AD', 'digits');
    expect(heard).toEqual(['1', '2', '*', '#', 'A', 'D']);
    await expect(emu.sendDtmf('x')).rejects.toThrow(/Cannot send DTMF/);
    emu.noteDigit('9');
    expect(emu.stats().digits).toBe('9');
  });

  it('counts packets both ways at about 50 per second', async () => {
    const { emu, phone } = await pair('rate');
    await eventually(() => emu.stats().packetsSent > 100, '2 s of packets');
    const sent = emu.stats().packetsSent;
    expect(phone.stats().packetsReceived).toBeGreaterThan(sent - 10);
    expect(emu.stats().packetsReceived).toBeGreaterThan(50);
  });

  it('fault: blockMedia drops every datagram both ways for a while, then packets flow again', async () => {
    const { emu, phone } = await pair('block');
    await eventually(() => phone.stats().packetsReceived > 25 && emu.stats().packetsReceived > 25, 'flowing');
    emu.blockMedia(1_500);
    await new Promise((r) => setTimeout(r, 200)); // packets already in flight
    const inAtPhone = phone.stats().packetsReceived;
    const inAtEmu = emu.stats().packetsReceived;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(phone.stats().packetsReceived - inAtPhone).toBe(0);
    expect(emu.stats().packetsReceived - inAtEmu).toBe(0);
    await eventually(() => phone.stats().packetsReceived > inAtPhone + 25 && emu.stats().packetsReceived > inAtEmu + 25, 'flowing again');
  });

  it('emits ice states and closed', async () => {
    const states: string[] = [];
    const emu = leg('events');
    const phone = leg('events-phone');
    emu.on('ice', (s) => states.push(s));
    let closed = false;
    emu.on('closed', () => (closed = true));
    await phone.applyAnswer(await emu.answerOffer(stripCandidates(await phone.createOffer())));
    await eventually(() => states.includes('connected'), 'connected event');
    await emu.close();
    expect(closed).toBe(true);
    expect(emu.stats().iceState).toBe('closed');
    await expect(emu.play({ kind: 'silence' })).rejects.toThrow(/closed/);
  });
});

describe('bridge', { timeout: 60000 }, () => {
  it('relays audio and DTMF both ways, and unbridges to silence', async () => {
    const one = await pair('b1');
    const two = await pair('b2');
    void one.phone.play({ kind: 'tone', frequencies: [500] });
    void two.phone.play({ kind: 'tone', frequencies: [900], onMs: 100, offMs: 100 }); // cadence: about 3 dB lower on average
    await eventually(() => one.phone.stats().packetsReceived > 10 && two.phone.stats().packetsReceived > 10, 'flowing');
    expect(two.phone.stats().levelDbfs).toBe(-127);

    const joined = bridge(one.emu, two.emu);
    await eventually(() => two.phone.stats().levelDbfs > -12, 'phone 2 hears phone 1');
    await eventually(() => one.phone.stats().levelDbfs > -16 && one.phone.stats().levelDbfs < -10, 'phone 1 hears phone 2');
    expect(() => bridge(one.emu, leg('third'))).toThrow(/already bridged/);

    await one.phone.sendDtmf('42');
    await eventually(() => two.phone.stats().digits === '42', 'relayed digits');
    expect(one.emu.stats().digits).toBe('42');

    // Each leg keeps counting what it receives.
    const before = one.emu.stats().packetsReceived;
    await eventually(() => one.emu.stats().packetsReceived > before + 20, 'leg still counting');

    joined.unbridge();
    await eventually(() => two.phone.stats().levelDbfs === -127, 'silence after unbridge');
    const received = two.phone.stats().packetsReceived;
    await eventually(() => two.phone.stats().packetsReceived > received + 20, 'packets keep flowing after unbridge');
  });

  it('ends when a leg closes, leaving the other on its own stream', async () => {
    const one = await pair('c1');
    const two = await pair('c2');
    void one.phone.play({ kind: 'tone', frequencies: [500] });
    bridge(one.emu, two.emu);
    await eventually(() => two.phone.stats().levelDbfs > -12, 'bridged');
    await one.emu.close();
    await eventually(() => two.phone.stats().levelDbfs === -127, 'survivor silent');
    const received = two.phone.stats().packetsReceived;
    await eventually(() => two.phone.stats().packetsReceived > received + 20, 'survivor still sending');
  });

  it('fills silence while the partner sends nothing', async () => {
    const one = await pair('d1');
    const two = await pair('d2');
    bridge(one.emu, two.emu);
    await one.phone.close(); // phone 1 goes quiet; its leg stays up
    const received = two.phone.stats().packetsReceived;
    await eventually(() => two.phone.stats().packetsReceived > received + 20, 'filler packets');
  });
});
