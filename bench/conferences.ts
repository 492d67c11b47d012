/**
 * Bench section "conferences": what the emulator's conference mixer costs.
 *
 * 1. The mixer alone, in this process: one 20 ms frame for N participants (decode-free: the frames are
 *    PCM), with and without the per-participant work a simulated phone adds (its tone, its meters).
 * 2. The server in local mode with 10 conferences of 3 simulated phones at once (every phone its own
 *    tone), and one Chromium peer dialed into the first conference as a console-operated phone (a real
 *    WebRTC leg through the jitter buffer, the mixer and the PCMU encoder). CPU and memory come from the
 *    emulator's /metrics, sampled at both ends of a fixed window; who hears whom is checked by frequency
 *    from the control API's conference view.
 */
import { request, type APIRequestContext } from '@playwright/test';
import { PhoneAudio } from '../emulator/conferences/audio';
import { mixFrame, type MixPart } from '../emulator/media/mixer';
import { hasTone } from '../emulator/media/spectrum';
import { ToneGenerator } from '../emulator/media/synth';
import type { ConferenceView, MetricsView } from '../contracts/emulator';
import { BrowserPeers } from '../test-support/browser-peers';
import { emulatorApi, emulatorMetrics, phonePath } from '../test-support/emulator-api';
import { startLocalServer } from '../test-support/local-server';
import { eventually, sleep } from '../test-support/wait';
import { round } from './stack';
import type { BenchOptions, BenchRow, BenchSection } from './types';

const PORT = 3806;
const CONFERENCES = 10;
const PER_CONFERENCE = 3;
const WINDOW_SECONDS = 8;
const OBSERVER = '+12025550399';

/** µs of one core per mixed frame, for N participants. */
function mixerMicros(n: number, withPhones: boolean): number {
  const frames = Array.from({ length: n }, (_, i) => {
    const f = new Int16Array(160);
    new ToneGenerator({ frequencies: [500 + 50 * i] }).render(f);
    return f;
  });
  const phones = withPhones ? frames.map((_, i) => new PhoneAudio({ kind: 'tone', frequencies: [500 + 50 * i] })) : [];
  const outs = frames.map(() => new Int16Array(160));
  const scratch = new Int32Array(160);
  const parts: MixPart[] = frames.map((voice) => ({ voice, hears: 'room' }));
  const iterations = Math.max(2000, Math.round(60000 / n));
  const run = (count: number) => {
    for (let k = 0; k < count; k++) {
      if (withPhones) phones.forEach((p, i) => p.pullVoice(frames[i]!));
      mixFrame(parts, null, outs, scratch);
      if (withPhones) phones.forEach((p, i) => p.deliver(outs[i]!, k * 20));
    }
  };
  run(200); // warm up the JIT
  const t0 = process.cpuUsage();
  run(iterations);
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / iterations;
}

/** Per participant: µs per frame, and the share of one core at 50 frames a second. */
function perParticipant(n: number, withPhones: boolean): { micros: number; percent: number } {
  const micros = mixerMicros(n, withPhones) / n;
  return { micros, percent: (micros * 50) / 1e4 };
}

async function cpuPercent(api: APIRequestContext): Promise<{ percent: number; rssMB: number; metrics: MetricsView }> {
  const before = await emulatorMetrics(api);
  await sleep(WINDOW_SECONDS * 1000);
  const after = await emulatorMetrics(api);
  const wall = (after.at - before.at) / 1000;
  const cpu = after.cpuUserMicros + after.cpuSystemMicros - before.cpuUserMicros - before.cpuSystemMicros;
  return { percent: (cpu / 1e6 / wall) * 100, rssMB: after.rssBytes / 1e6, metrics: after };
}

const toneOf = (conference: number, seat: number) => 500 + 100 * (conference * PER_CONFERENCE + seat);
const numberOf = (conference: number, seat: number) => `+120255504${String(conference * PER_CONFERENCE + seat).padStart(2, '0')}`;

/** Whether every phone of every conference hears exactly its two partners' tones (and not its own). */
function everyoneHearsTheirPartners(views: ConferenceView[]): { ok: number; total: number } {
  let ok = 0;
  let total = 0;
  for (const view of views) {
    const c = Number(/^bench-(\d+)$/.exec(view.friendlyName)?.[1]);
    if (Number.isNaN(c)) continue;
    for (const p of view.participants) {
      if (p.endpoint.kind !== 'phone' || p.endpoint.number === OBSERVER) continue;
      total++;
      const seat = Array.from({ length: PER_CONFERENCE }, (_, s) => s).find((s) => numberOf(c, s) === p.to);
      if (seat === undefined) continue;
      const clear = p.hears.filter((t) => t.dbfs >= -30);
      const partners = Array.from({ length: PER_CONFERENCE }, (_, s) => s).filter((s) => s !== seat).map((s) => toneOf(c, s));
      if (partners.every((hz) => hasTone(clear, hz)) && !hasTone(clear, toneOf(c, seat))) ok++;
    }
  }
  return { ok, total };
}

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  const log = options.verbose ? (line: string) => console.log(`  ${line}`) : () => undefined;
  const rows: BenchRow[] = [];
  const mixer = [3, 10, 30].map((n) => ({ n, bare: perParticipant(n, false), phones: perParticipant(n, true) }));
  for (const m of mixer) {
    rows.push({
      name: `mixer, ${m.n} participants: per participant`, value: round(m.bare.micros, 2), unit: 'µs/frame',
      note: `${round(m.bare.percent, 3)}% of a core; with a phone's tone and meters ${round(m.phones.micros, 2)} µs/frame (${round(m.phones.percent, 3)}%)`,
    });
  }

  const server = await startLocalServer(PORT);
  const api = await request.newContext({ baseURL: server.origin, ignoreHTTPSErrors: true });
  let browser: BrowserPeers | undefined;
  try {
    const idle = await cpuPercent(api);
    log(`idle: ${idle.percent.toFixed(1)}% CPU`);
    for (let c = 0; c < CONFERENCES; c++) {
      for (let s = 0; s < PER_CONFERENCE; s++) {
        const number = numberOf(c, s);
        await emulatorApi(api, '', 'POST', '/phones', { number, name: `Bench ${c}.${s}`, behaviour: { kind: 'answer', after: 100, audio: 'tone', toneHz: toneOf(c, s) } });
        await emulatorApi(api, '', 'POST', '/conferences/participants', { conference: `bench-${c}`, to: number, beep: 'false' });
      }
    }
    await eventually(async () => (await emulatorApi<ConferenceView[]>(api, '', 'GET', '/conferences'))
      .filter((v) => v.status === 'in-progress' && v.participants.every((p) => p.status === 'connected')).length === CONFERENCES, 'conferences up', 30_000);
    const phonesOnly = await cpuPercent(api);
    log(`${CONFERENCES} conferences of phones: ${phonesOnly.percent.toFixed(1)}% CPU`);

    // The observer: a Chromium peer operating a phone, dialed into the first conference.
    browser = await BrowserPeers.launch();
    await emulatorApi(api, '', 'POST', '/phones', { number: OBSERVER, name: 'Observer', behaviour: { kind: 'manual' } });
    const observer = phonePath(OBSERVER);
    const { sdp } = await emulatorApi<{ sdp: string }>(api, '', 'POST', `${observer}/operate`);
    await browser.create('observer');
    await emulatorApi(api, '', 'POST', `${observer}/operate/answer`, { sdp: await browser.answer('observer', sdp) });
    await emulatorApi(api, '', 'POST', '/conferences/participants', { conference: 'bench-0', to: OBSERVER, beep: 'false' });
    await eventually(async () => (await emulatorApi<{ state: string }>(api, '', 'GET', observer)).state === 'ringing', 'observer ringing', 15_000);
    await emulatorApi(api, '', 'POST', `${observer}/answer`);
    await eventually(async () => (await browser!.stats('observer')).audioLevel > 0.01, 'observer hears the conference', 15_000);
    const before = await browser.stats('observer');
    const withObserver = await cpuPercent(api);
    const after = await browser.stats('observer');
    const views = await emulatorApi<ConferenceView[]>(api, '', 'GET', '/conferences');
    const observerView = views.find((v) => v.friendlyName === 'bench-0')?.participants.find((p) => p.to === OBSERVER);
    const observerHears = [0, 1, 2].every((s) => hasTone((observerView?.hears ?? []).filter((t) => t.dbfs >= -30), toneOf(0, s)));
    const hearing = everyoneHearsTheirPartners(views);
    const observerPps = (after.packetsReceived - before.packetsReceived) / WINDOW_SECONDS;
    const participants = CONFERENCES * PER_CONFERENCE;

    rows.push(
      { name: 'server idle (no calls)', value: round(idle.percent, 1), unit: '% CPU', note: `${round(idle.rssMB)} MB RSS` },
      {
        name: `${CONFERENCES} three-party conferences of phones: per conference`, value: round((phonesOnly.percent - idle.percent) / CONFERENCES, 2), unit: '% CPU',
        note: `per participant ${round((phonesOnly.percent - idle.percent) / participants, 3)}%; total ${round(phonesOnly.percent, 1)}% CPU, ${round(phonesOnly.rssMB)} MB RSS`,
      },
      {
        name: '… plus one Chromium peer in the first conference', value: round(withObserver.percent - phonesOnly.percent, 2), unit: '% CPU',
        note: `total ${round(withObserver.percent, 1)}% CPU; the peer receives ${round(observerPps, 1)} packets/s at audio level ${round(after.audioLevel, 3)}`,
      },
      { name: 'every phone hears exactly its two partners (by frequency)', value: `${hearing.ok}/${hearing.total}`, target: `${participants}/${participants}`, ok: hearing.ok === participants },
      { name: 'the Chromium peer\'s leg carries all three tones of its conference', value: observerHears ? 'yes' : 'no', target: 'yes', ok: observerHears },
    );
    return {
      id: 'conferences',
      title: 'Conference mixer (in process) and 10 three-party conferences in the server (local mode)',
      rows,
      notes: [
        'Mixer figures: CPU time per 20 ms frame divided by participants, in this process; a call sends 50 frames a second.',
        `Server CPU is of one core, from the emulator's own counters over ${WINDOW_SECONDS} s; per-conference figures are (level − idle) / ${CONFERENCES}.`,
        'Phones have no RTP leg (their tone is mixed and what they hear is metered in process); the Chromium peer is a real WebRTC leg.',
      ],
      data: { mixer, idle, phonesOnly, withObserver, hearing, observerPps },
    };
  } finally {
    await browser?.close();
    await api.dispose();
    await server.close();
  }
}
