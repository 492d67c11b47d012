/**
 * Bench section "call-setup": alice calls bob through the UI, in two tabs of one Chromium (local mode).
 * - click Call → bob's Voice SDK receives the invite, and → bob's incoming-call dialog is on screen;
 * - bob clicks Accept → alice's call is connected (SDK accept), → bob's first RTP packet, and → the first
 *   frame of bob's audio reaches alice's tab (his distinctive tone, not the ringback before it).
 * Every moment is taken inside the page where it happens, on the wall clock all pages of one browser
 * share (performance.timeOrigin + performance.now()).
 */
import type { Page } from '@playwright/test';
import { callStatus, hangUpIfInCall, prepareDial, signIn } from '../test-support/phone-ui';
import { sleep } from '../test-support/wait';
import { median, newInstrumentedPage, round, spread, withBrowserStack } from './stack';
import type { BenchWindow } from './stack';
import type { BenchOptions, BenchRow, BenchSection } from './types';

const PORT = 3802;
const RUNS = 5;
export const RING_TARGET_MS = 150;
/**
 * Peak level (of full scale) above which a frame alice receives is bob's: he sends a 1 kHz sine at 0.9,
 * the ringback alice hears before it peaks at 0.5 (440 + 480 Hz at 0.25 each).
 */
const CALLEE_PEAK = 0.7;

/** Bob's microphone: a loud 1 kHz tone, so that alice can tell his audio from the ringback. */
const TONE_MICROPHONE = () => {
  const devices = navigator.mediaDevices;
  const original = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    const stream = await original(constraints);
    if (!constraints?.audio) return stream;
    const context = new AudioContext();
    const oscillator = context.createOscillator();
    oscillator.frequency.value = 1000;
    const gain = context.createGain();
    gain.gain.value = 0.9;
    const destination = context.createMediaStreamDestination();
    oscillator.connect(gain).connect(destination);
    oscillator.start();
    for (const track of stream.getAudioTracks()) track.stop();
    return new MediaStream([...destination.stream.getAudioTracks(), ...stream.getVideoTracks()]);
  };
};

/** In the page: resolves with the time the first open RTCPeerConnection has received an audio packet. */
function firstPacket(timeoutMs: number): Promise<number | null> {
  const w = window as unknown as BenchWindow;
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve) => {
    const poll = async () => {
      for (const pc of w.__peerConnections) {
        if (pc.connectionState === 'closed') continue;
        let received = 0;
        (await pc.getStats()).forEach((s: { type: string; kind?: string; packetsReceived?: number }) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio') received += s.packetsReceived ?? 0;
        });
        if (received > 0) return resolve(performance.timeOrigin + performance.now());
      }
      if (performance.now() > deadline) return resolve(null);
      setTimeout(poll, 2);
    };
    void poll();
  });
}

/**
 * Alice's tab: every received audio frame passes through an encoded (insertable) stream that decodes the
 * PCMU payload and notes, on the shared wall clock, each frame louder than anything in the ringback (bob's
 * tone) as it arrives, before the jitter buffer. Senders get a plain pass-through, which the API requires.
 * (An RTCRtpScriptTransform set on the SDK's receiver saw no audio frames in Chromium 156.)
 */
const WATCH_LOUD_FRAMES = ([peak]: [number]) => {
  const w = window as unknown as BenchWindow & { __loudFrames: number[] };
  w.__loudFrames = [];
  const decode = new Int16Array(256);
  for (let i = 0; i < 256; i++) {
    const u = ~i & 0xff;
    const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u >> 4) & 7)) - 0x84;
    decode[i] = u & 0x80 ? -magnitude : magnitude;
  }
  type Encoded = { createEncodedStreams(): { readable: ReadableStream; writable: WritableStream } };
  const passThrough = (endpoint: Encoded) => {
    const { readable, writable } = endpoint.createEncodedStreams();
    void readable.pipeTo(writable);
  };
  const watch = (receiver: Encoded) => {
    const { readable, writable } = receiver.createEncodedStreams();
    let loud = false;
    void readable
      .pipeThrough(
        new TransformStream<{ data: ArrayBuffer }>({
          transform(frame, controller) {
            let max = 0;
            for (const b of new Uint8Array(frame.data)) max = Math.max(max, Math.abs(decode[b]!));
            const now = max / 32768 > peak;
            if (now && !loud) w.__loudFrames.push(performance.timeOrigin + performance.now());
            loud = now;
            controller.enqueue(frame);
          },
        }),
      )
      .pipeTo(writable);
  };
  const Instrumented = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Instrumented {
    constructor(config?: RTCConfiguration) {
      super({ ...config, encodedInsertableStreams: true } as RTCConfiguration);
      this.addEventListener('track', (event: RTCTrackEvent) => watch(event.receiver as unknown as Encoded));
    }

    override addTrack(track: MediaStreamTrack, ...streams: MediaStream[]): RTCRtpSender {
      const sender = super.addTrack(track, ...streams);
      passThrough(sender as unknown as Encoded);
      return sender;
    }
  } as typeof RTCPeerConnection;
};

/** In the page: resolves with the first time a loud frame arrived after `since`. */
function loudFrameAfter([since, timeoutMs]: [number, number]): Promise<number | null> {
  const w = window as unknown as { __loudFrames: number[] };
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve) => {
    const check = () => {
      const at = w.__loudFrames.find((t) => t > since);
      if (at !== undefined) return resolve(at);
      if (performance.now() > deadline) return resolve(null);
      setTimeout(check, 5);
    };
    check();
  });
}

/** In the page: resolves with the time the call dialog's status reads `state`. */
function callStateIs([state, timeoutMs]: [string, number]): Promise<number | null> {
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve) => {
    const check = () => {
      const el = document.querySelector('[data-testid="call-status"]') as HTMLElement | null;
      if (el?.dataset.state === state) return resolve(performance.timeOrigin + performance.now());
      if (performance.now() > deadline) return resolve(null);
      requestAnimationFrame(check);
    };
    check();
  });
}

const bench = (page: Page) => page.evaluate(() => {
  const b = (window as unknown as BenchWindow).__bench;
  return { clicks: [...b.clicks], frames: [...b.frames], sent: [...b.sent], incomingShownAt: [...b.incomingShownAt] };
});

interface Run {
  /** Milliseconds from alice's click on Call. */
  inviteSent: number;
  inviteReceived: number;
  dialogShown: number;
  /** Milliseconds from bob's click on Accept. */
  callerConnected: number;
  calleeFirstPacket: number;
  callerHearsCallee: number;
}

async function oneCall(alice: Page, bob: Page): Promise<Run> {
  const callButton = await prepareDial(alice, 'bob');
  const before = { alice: await bench(alice), bob: await bench(bob) };
  await callButton.click();
  await bob.getByRole('alertdialog').waitFor({ state: 'visible', timeout: 10_000 });
  await callStatus(alice).waitFor({ timeout: 10_000 });
  // Let the ringback play a little, as a person takes a moment to answer.
  await sleep(300);

  const calleeFirstPacket = bob.evaluate(firstPacket, 10_000);
  const callerConnected = alice.evaluate(callStateIs, ['inCall', 10_000] as [string, number]);
  const acceptAt = await bob.evaluate(() => performance.timeOrigin + performance.now());
  await bob.getByRole('alertdialog').getByRole('button', { name: 'Accept' }).click();
  const callerHears = alice.evaluate(loudFrameAfter, [acceptAt, 10_000] as [number, number]);
  const times = { calleeFirstPacket: await calleeFirstPacket, callerHears: await callerHears, callerConnected: await callerConnected };

  const after = { alice: await bench(alice), bob: await bench(bob) };
  const clickCall = after.alice.clicks.at(-1)!;
  const clickAccept = after.bob.clicks.at(-1)!;
  const firstAfter = (list: { type: string; at: number }[], from: number, type: string) => list.slice(from).find((f) => f.type === type)?.at ?? NaN;
  const fromAccept = (t: number | null) => (t === null ? NaN : t - clickAccept);
  await hangUpIfInCall(alice);
  await bob.getByRole('button', { name: 'Hang up' }).waitFor({ state: 'hidden', timeout: 10_000 });
  return {
    inviteSent: firstAfter(after.alice.sent, before.alice.sent.length, 'invite') - clickCall,
    inviteReceived: firstAfter(after.bob.frames, before.bob.frames.length, 'invite') - clickCall,
    dialogShown: (after.bob.incomingShownAt[before.bob.incomingShownAt.length] ?? NaN) - clickCall,
    callerConnected: fromAccept(times.callerConnected),
    calleeFirstPacket: fromAccept(times.calleeFirstPacket),
    callerHearsCallee: fromAccept(times.callerHears),
  };
}

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  return withBrowserStack(PORT, options, async ({ server, browser }) => {
    const a = await newInstrumentedPage(browser);
    const b = await newInstrumentedPage(browser);
    await b.context.addInitScript(TONE_MICROPHONE);
    await a.context.addInitScript(WATCH_LOUD_FRAMES, [CALLEE_PEAK] as [number]);
    await signIn(a.page, 'alice', { origin: server.origin });
    await signIn(b.page, 'bob', { origin: server.origin });

    await oneCall(a.page, b.page); // unmeasured: first call warms up both tabs and the server
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await oneCall(a.page, b.page));
      await sleep(300);
    }

    const col = (key: keyof Run) => runs.map((r) => r[key]).filter((v) => Number.isFinite(v));
    const row = (name: string, key: keyof Run, extra: Partial<BenchRow> = {}): BenchRow => {
      const values = col(key);
      return values.length === 0
        ? { name, value: 'not observed', ...extra, ...(extra.target ? { ok: false } : {}) }
        : { name, value: round(median(values)), unit: 'ms', note: spread(values), ...extra };
    };
    const ring = median(col('dialogShown'));
    return {
      id: 'call-setup',
      title: 'Call set-up, alice → bob in two tabs (local mode, Chromium, medians)',
      rows: [
        row('click Call → bob\'s incoming dialog shown', 'dialogShown', { target: `< ${RING_TARGET_MS} ms`, ok: ring < RING_TARGET_MS }),
        row('  click Call → alice\'s SDK sends invite', 'inviteSent'),
        row('  click Call → bob\'s SDK receives invite', 'inviteReceived'),
        row('bob clicks Accept → bob\'s first RTP packet', 'calleeFirstPacket'),
        row('bob clicks Accept → alice connected (call accepted)', 'callerConnected'),
        row('bob clicks Accept → alice receives bob\'s audio', 'callerHearsCallee', { note: `${spread(col('callerHearsCallee'))}; first RTP frame of his voice at her tab` }),
      ],
      notes: [
        `${RUNS} calls after one unmeasured call; each moment is taken in the tab where it happens (timeOrigin + now, one clock per browser).`,
        'Before bob answers alice already receives ringback (answerOnBridge early media), so bob\'s microphone is a loud 1 kHz tone and alice\'s tab decodes every received frame (insertable streams) to note the first one louder than the ringback.',
      ],
      data: { runs },
    };
  });
}
