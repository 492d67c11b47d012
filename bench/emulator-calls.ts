/**
 * Bench section "emulator-calls": what the local Twilio stand-in costs per bridged call. N calls from
 * alice to bob are held at once (N = 1, 5, 10), each the full path: the Voice SDK's invite, the signed
 * webhook, <Dial><Client>, forking to bob's devices, two WebRTC legs at the emulator and the RTP relay
 * between them. The server process's CPU and memory come from the emulator's own /emulator/api/metrics,
 * sampled at both ends of a fixed window; the media is checked from the browser's WebRTC stats.
 *
 * To keep the browser light, the devices are bare Voice SDK Devices (the SDK's own bundle, 2N of them in
 * one tab, tokens signed with the local API key), not 2N copies of the app. The werift-level figures
 * (legs and relay alone, no signaling) are `npx tsx bench/media-legs.ts`.
 */
import type { APIRequestContext, Page } from '@playwright/test';
import { emulatorMetrics } from '../test-support/emulator-api';
import { audioStats } from '../test-support/page-instrumentation';
import { sleep } from '../test-support/wait';
import { placeCall, withDeviceStack, withTimeout } from './sdk-devices';
import { round } from './stack';
import type { BenchOptions, BenchRow, BenchSection } from './types';

const PORT = 3805;
const LEVELS = [1, 5, 10];
const WINDOW_SECONDS = 8;

interface Level {
  calls: number;
  bridged: number;
  cpuPercent: number;
  rssMB: number;
  packetsPerSecondPerLeg: number;
  browserLegs: number;
}

async function measureLevel(api: APIRequestContext, page: Page, calls: number): Promise<Level> {
  await sleep(1000); // past the set-up of the last call
  const before = await emulatorMetrics(api);
  const packetsBefore = await audioStats(page);
  await sleep(WINDOW_SECONDS * 1000);
  const after = await emulatorMetrics(api);
  const packetsAfter = await audioStats(page);
  const wall = (after.at - before.at) / 1000;
  const cpu = after.cpuUserMicros + after.cpuSystemMicros - before.cpuUserMicros - before.cpuSystemMicros;
  return {
    calls,
    bridged: after.bridgedCalls,
    cpuPercent: (cpu / 1e6 / wall) * 100,
    rssMB: after.rssBytes / 1e6,
    packetsPerSecondPerLeg: calls === 0 ? 0 : (packetsAfter.packetsReceived - packetsBefore.packetsReceived) / wall / packetsAfter.connections,
    browserLegs: packetsAfter.connections,
  };
}

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  const log = options.verbose ? (line: string) => console.log(`  ${line}`) : () => undefined;
  const levels = await withDeviceStack(PORT, {}, async ({ api, page, device }) => {
    if (options.verbose) page.on('console', (m) => m.type() === 'error' && log(`page: ${m.text()}`));
    const levels: Level[] = [await measureLevel(api, page, 0)];
    let placed = 0;
    for (const target of LEVELS) {
      for (; placed < target; placed++) {
        await device(`bob${placed}`, 'bob', true);
        await device(`alice${placed}`, 'alice', false);
        await withTimeout(`call ${placed + 1}`, page.evaluate(placeCall, [`alice${placed}`, 'bob'] as [string, string]));
      }
      const level = await measureLevel(api, page, target);
      log(`${target} call(s): ${level.cpuPercent.toFixed(1)}% CPU, ${level.rssMB.toFixed(0)} MB RSS, ${level.bridged} bridged`);
      levels.push(level);
    }
    return levels;
  });

  const idle = levels[0]!;
  const rows: BenchRow[] = [
    { name: 'idle (no calls)', value: round(idle.cpuPercent, 1), unit: '% CPU', note: `${round(idle.rssMB)} MB RSS` },
  ];
  for (const l of levels.slice(1)) {
    const perCallCpu = (l.cpuPercent - idle.cpuPercent) / l.calls;
    const perCallMB = (l.rssMB - idle.rssMB) / l.calls;
    rows.push({
      name: `${l.calls} bridged call${l.calls === 1 ? '' : 's'}: per call`,
      value: round(perCallCpu, 2),
      unit: '% CPU',
      note: `${round(perCallMB, 1)} MB RSS per call; total ${round(l.cpuPercent, 1)}% CPU, ${round(l.rssMB)} MB; ${l.bridged}/${l.calls} bridged, ${round(l.packetsPerSecondPerLeg, 1)} packets/s per browser leg (${l.browserLegs} legs)`,
    });
  }
  const allBridged = levels.slice(1).every((l) => l.bridged === l.calls && l.packetsPerSecondPerLeg > 40);
  rows.push({ name: 'every call bridged, ~50 packets/s on every browser leg', value: allBridged ? 'yes' : 'no', target: 'yes', ok: allBridged });
  return {
    id: 'emulator-calls',
    title: 'Emulator cost per bridged call (server process in local mode, alice → bob, N at once)',
    rows,
    notes: [
      `CPU is of one core, from the server process's own counters over ${WINDOW_SECONDS} s per level; per-call figures are (level − idle) / N.`,
      'RSS includes what V8 has not collected yet, so per-call memory is indicative.',
      'Werift-level figures (legs and relay alone): npx tsx bench/media-legs.ts',
    ],
    data: { levels },
  };
}
