/**
 * Media legs against real Chromium WebRTC, with SDP stripped of candidates exactly as the Voice
 * SDK sends it: ICE must connect through peer-reflexive checks, audio must flow and be audible
 * both ways, and DTMF must arrive as RFC 4733 events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPeers } from '../../test-support/browser-peers';
import { eventually } from '../../test-support/wait';
import { createMediaLeg } from './leg';
import { bridge } from './bridge';
import type { MediaLeg } from './types';

const TIMEOUT = 60000;
const connected = (s: string) => s === 'connected' || s === 'completed';

describe('media leg with Chromium', () => {
  let browser: BrowserPeers;
  const legs: MediaLeg[] = [];
  const leg = (id: string) => {
    const l = createMediaLeg({ id });
    legs.push(l);
    return l;
  };

  beforeAll(async () => {
    browser = await BrowserPeers.launch();
  }, TIMEOUT);

  afterAll(async () => {
    await Promise.all(legs.map((l) => l.close()));
    await browser?.close();
  });

  it('answers a candidate-less browser offer: audio both ways, DTMF, ICE restart', async () => {
    const l = leg('answer');
    await browser.create('caller');
    const offer = await browser.offer('caller');
    expect(offer).not.toMatch(/a=candidate/);
    const answer = await l.answerOffer(offer);
    expect(answer).toMatch(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
    expect(answer).toMatch(/a=rtpmap:0 PCMU\/8000/);
    expect(answer).not.toMatch(/opus/i);
    await browser.applyAnswer('caller', answer);
    void l.play({ kind: 'tone', frequencies: [440, 480] });

    await eventually(async () => connected((await browser.stats('caller')).iceState), 'browser ICE connected');
    await eventually(() => connected(l.stats().iceState), 'leg ICE connected');
    expect(l.stats().codec).toBe('PCMU');

    // What the browser hears from us: packets with energy (a tone, not silence).
    await eventually(async () => {
      const s = await browser.stats('caller');
      return s.packetsReceived > 25 && s.audioLevel > 0.01;
    }, 'browser hearing the tone');
    // What we hear from the browser: its fake microphone beeps.
    await eventually(() => l.stats().packetsReceived > 25 && l.stats().levelDbfs > -60, 'leg hearing the fake microphone');

    const heard: string[] = [];
    l.on('dtmf', (d) => heard.push(d));
    await browser.dtmf('caller', '19#');
    await eventually(() => l.stats().digits === '19#', 'digits 1 9 # over RTP');
    expect(heard).toEqual(['1', '9', '#']);

    // ICE restart reinvite, as the SDK sends after a network change: same leg, same pc.
    const before = l.stats().packetsReceived;
    const restart = await browser.offer('caller', true);
    await browser.applyAnswer('caller', await l.answerOffer(restart));
    await eventually(async () => connected((await browser.stats('caller')).iceState), 'ICE connected after restart');
    await eventually(() => l.stats().packetsReceived > before + 50, 'packets after ICE restart');
    const sentBefore = (await browser.stats('caller')).packetsReceived;
    await eventually(async () => (await browser.stats('caller')).packetsReceived > sentBefore + 50, 'browser packets after restart');
    await browser.closePeer('caller');
  }, TIMEOUT);

  it('offers to a browser that answers without candidates', async () => {
    const l = leg('offer');
    await browser.create('callee');
    const offer = await l.createOffer();
    expect(offer).toMatch(/127\.0\.0\.1/);
    const answer = await browser.answer('callee', offer);
    expect(answer).not.toMatch(/a=candidate/);
    await l.applyAnswer(answer);
    void l.play({ kind: 'speech', text: 'Hello from the emulator. This sentence is long enough to be heard for a while.' });

    await eventually(() => connected(l.stats().iceState), 'leg ICE connected');
    await eventually(async () => {
      const s = await browser.stats('callee');
      return s.packetsReceived > 25 && s.audioLevel > 0.01;
    }, 'browser hearing speech');
    await eventually(() => l.stats().packetsReceived > 25 && l.stats().levelDbfs > -60, 'leg hearing the browser');

    await browser.dtmf('callee', '*0');
    await eventually(() => l.stats().digits === '*0', 'digits * 0');
    await browser.closePeer('callee');
  }, TIMEOUT);

  it('bridges two browsers: each hears the other through the relay', async () => {
    const a = leg('bridge-a');
    const b = leg('bridge-b');
    await browser.create('alice');
    await browser.create('bob');
    await browser.applyAnswer('alice', await a.answerOffer(await browser.offer('alice')));
    await b.applyAnswer(await browser.answer('bob', await b.createOffer()));
    await eventually(() => connected(a.stats().iceState) && connected(b.stats().iceState), 'both legs connected');

    // Unbridged legs send silence: the browsers get packets but no energy.
    await eventually(async () => (await browser.stats('bob')).packetsReceived > 25, 'bob receiving silence');
    expect((await browser.stats('bob')).audioLevel).toBeLessThan(0.001);

    const joined = bridge(a, b);
    await eventually(async () => (await browser.stats('bob')).audioLevel > 0.01, 'bob hearing alice');
    await eventually(async () => (await browser.stats('alice')).audioLevel > 0.01, 'alice hearing bob');
    // Each leg still measures what it receives from its own browser.
    expect(a.stats().peakLevelDbfs).toBeGreaterThan(-60);
    expect(b.stats().peakLevelDbfs).toBeGreaterThan(-60);

    // DTMF from alice is heard by her leg and relayed on to bob's side.
    await browser.dtmf('alice', '5');
    await eventually(() => a.stats().digits.includes('5'), 'alice digit on her leg');

    joined.unbridge();
    const sent = b.stats().packetsSent;
    await eventually(() => b.stats().packetsSent > sent + 25, 'leg b sending its own stream after unbridge');
    await eventually(async () => (await browser.stats('bob')).audioLevel < 0.001, 'bob back to silence');
    await browser.closePeer('alice');
    await browser.closePeer('bob');
  }, TIMEOUT);
});
