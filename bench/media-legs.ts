/**
 * Media plane figures: set-up time (answerOffer to ICE connected), packets per second per leg,
 * and CPU per bridged call. Prints numbers; asserts nothing.
 *
 *   npx tsx bench/media-legs.ts            # werift "phones" and Chromium peers
 *   npx tsx bench/media-legs.ts --node     # werift only (no browser needed)
 *
 * In the werift-only runs the far ends are werift legs in the same process, so the CPU figure
 * covers four endpoints per call (an upper bound); with Chromium peers only the emulator's two
 * legs per call run in this process.
 */
import { createMediaLeg } from '../emulator/media/leg';
import { bridge } from '../emulator/media/bridge';
import { stripCandidates } from '../emulator/media/sdp';
import type { MediaLeg } from '../emulator/media/types';
import { BrowserPeers } from '../test-support/browser-peers';
import { eventually, sleep } from '../test-support/wait';

const MEASURE_MS = 10000;
const connected = (l: MediaLeg) => l.stats().iceState === 'connected';

interface Call {
  legs: MediaLeg[];
  ends: MediaLeg[];
  close(): Promise<void>;
}

async function nodeCall(i: number, setupTimes: number[]): Promise<Call> {
  const legs: MediaLeg[] = [];
  const ends: MediaLeg[] = [];
  for (const side of ['a', 'b']) {
    const emu = createMediaLeg({ id: `call${i}-${side}` });
    const phone = createMediaLeg({ id: `phone${i}-${side}` });
    const offer = stripCandidates(await phone.createOffer());
    const t0 = performance.now();
    await phone.applyAnswer(await emu.answerOffer(offer));
    await eventually(() => connected(emu), 'connected', 30000);
    setupTimes.push(performance.now() - t0);
    legs.push(emu);
    ends.push(phone);
  }
  void ends[0]!.play({ kind: 'tone', frequencies: [440] });
  void ends[1]!.play({ kind: 'tone', frequencies: [660] });
  bridge(legs[0]!, legs[1]!);
  return { legs, ends, close: async () => void (await Promise.all([...legs, ...ends].map((l) => l.close()))) };
}

async function browserCall(browser: BrowserPeers, i: number, setupTimes: number[]): Promise<Call> {
  const legs: MediaLeg[] = [];
  for (const side of ['a', 'b']) {
    const name = `call${i}-${side}`;
    const emu = createMediaLeg({ id: name });
    await browser.create(name);
    const offer = await browser.offer(name);
    const t0 = performance.now();
    await browser.applyAnswer(name, await emu.answerOffer(offer));
    await eventually(() => connected(emu), 'connected', 30000);
    setupTimes.push(performance.now() - t0);
    legs.push(emu);
  }
  bridge(legs[0]!, legs[1]!);
  return {
    legs,
    ends: [],
    close: async () => {
      await Promise.all(legs.map((l) => l.close()));
      for (const side of ['a', 'b']) await browser.closePeer(`call${i}-${side}`);
    },
  };
}

async function measure(label: string, calls: Call[], setupTimes: number[]): Promise<void> {
  await sleep(1000); // let jitter from set-up settle
  const legs = calls.flatMap((c) => c.legs);
  const before = legs.map((l) => l.stats());
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(MEASURE_MS);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  const after = legs.map((l) => l.stats());
  const sentRate = after.map((s, i) => (s.packetsSent - before[i]!.packetsSent) / seconds);
  const recvRate = after.map((s, i) => (s.packetsReceived - before[i]!.packetsReceived) / seconds);
  const cpuPct = ((cpu.user + cpu.system) / 1e6 / seconds) * 100;
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const sorted = [...setupTimes].sort((a, b) => a - b);
  console.log(
    [
      `${label}: ${calls.length} bridged call(s), ${legs.length} emulator legs`,
      `  set-up answerOffer->ICE connected: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`,
      `  packets/s per leg: sent ${avg(sentRate).toFixed(1)} (min ${Math.min(...sentRate).toFixed(1)}), received ${avg(recvRate).toFixed(1)} (min ${Math.min(...recvRate).toFixed(1)})`,
      `  CPU: ${cpuPct.toFixed(1)}% of one core in total, ${(cpuPct / calls.length).toFixed(2)}% per bridged call`,
      `  levels received (dBFS): ${after.map((s) => s.levelDbfs.toFixed(0)).join(' ')}`,
    ].join('\n'),
  );
}

async function run(label: string, count: number, make: (i: number, times: number[]) => Promise<Call>): Promise<void> {
  const times: number[] = [];
  const calls: Call[] = [];
  for (let i = 0; i < count; i++) calls.push(await make(i, times));
  await measure(label, calls, times);
  for (const c of calls) await c.close();
}

const nodeOnly = process.argv.includes('--node');
await run('werift phones', 1, nodeCall);
await run('werift phones', 5, nodeCall);
if (!nodeOnly) {
  const browser = await BrowserPeers.launch();
  try {
    await run('Chromium peers', 1, (i, t) => browserCall(browser, i, t));
    await run('Chromium peers', 5, (i, t) => browserCall(browser, 100 + i, t));
  } finally {
    await browser.close();
  }
}
process.exit(0);
