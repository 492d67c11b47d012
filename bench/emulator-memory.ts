/**
 * Bench section "emulator-memory": whether the local Twilio stand-in keeps anything per call. Calls are
 * placed one after another from bare Voice SDK Devices, alternately alice → bob (two WebRTC legs bridged,
 * forking, the signed webhook) and alice → the echo phone (one leg and a simulated phone); each is held
 * briefly and hung up by alice. Every 25 calls the server process is asked for its figures after a full
 * garbage collection (it runs with --expose-gc): heap, calls kept, live calls, legs, ringing forks, and
 * process.getActiveResourcesInfo() by type (sockets, UDP sockets, timers).
 *
 * The emulator keeps the most recent finished calls for the console and the REST API, a bounded number,
 * so the heap grows until that store is full and then must stay flat: the figure is the growth per call
 * over the last half of the run, and the verdict "heap reaches a plateau" says whether it is below
 * FLAT_BYTES_PER_CALL. Handles are compared with the idle server's 32 s after the last call, once the
 * database pool has closed the connections the calls opened. 100 calls by default; `npm run bench --
 * --soak` makes it 500.
 */
import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { emulatorMetrics, PHONES, type EmulatorMetrics } from '../test-support/emulator-api';
import { slope } from '../test-support/page-resources';
import { hangUpAndSettle, placeCall, withDeviceStack, withTimeout } from './sdk-devices';
import { round } from './stack';
import type { BenchOptions, BenchRow, BenchSection } from './types';

const PORT = 3807;
const WARM_UP_CALLS = 10;
const SAMPLE_EVERY = 25;
/** The app's database pool closes connections idle for 30 s (server/store/database.ts): then handles are the idle server's. */
const SETTLE_MS = 32_000;
const HOLD_MS = 300;
/** Growth per call, over the second half, below which the heap counts as flat (allocator noise). */
const FLAT_BYTES_PER_CALL = 2048;

interface Sample {
  call: number;
  metrics: EmulatorMetrics;
}

const resourcesText = (r: Record<string, number>) =>
  Object.entries(r)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  const calls = options.soak ? 500 : 100;
  const log = options.verbose ? (line: string) => console.log(`  ${line}`) : () => undefined;
  // BENCH_HEAP_SNAPSHOTS=<folder> writes the server's heap snapshots halfway and after the last call
  // (call-<n>.heapsnapshot), to compare with `npx tsx bench/heap-diff.ts <a> <b>`.
  const snapshotDir = process.env.BENCH_HEAP_SNAPSHOTS;
  const nodeOptions = snapshotDir ? `--expose-gc --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshotDir}` : '--expose-gc';
  const { idle, samples, settled, seconds } = await withDeviceStack(PORT, { settings: { NODE_OPTIONS: nodeOptions } }, async ({ server, api, page, device }) => {
    const snapshot = async (call: number) => {
      if (!snapshotDir || (call !== calls / 2 && call !== calls)) return;
      const before = new Set(await readdir(snapshotDir));
      process.kill(server.pid, 'SIGUSR2');
      // The snapshot is written on the server's main thread (tens of seconds for ~100 MB): once it answers
      // again, the file is complete.
      let written: string | undefined;
      while (!written) {
        await api.get('/emulator/api/metrics', { timeout: 600_000 });
        written = (await readdir(snapshotDir)).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
      }
      await rename(join(snapshotDir, written), join(snapshotDir, `call-${call}.heapsnapshot`));
    };
    await device('bob', 'bob', true);
    await device('alice', 'alice', false);

    const idle = await emulatorMetrics(api, '', true);
    if (!idle.collected) throw new Error('the server did not collect garbage: it needs node --expose-gc');
    const samples: Sample[] = [];
    const started = performance.now();
    for (let n = 1; n <= calls; n++) {
      const to = n % 2 === 0 ? PHONES.echo : 'bob';
      await withTimeout(`call ${n} to ${to}`, page.evaluate(placeCall, ['alice', to] as [string, string]));
      await page.waitForTimeout(HOLD_MS);
      await withTimeout(`hanging up call ${n}`, page.evaluate(hangUpAndSettle, ['alice', 10_000] as [string, number]));
      if (n === WARM_UP_CALLS || (n > WARM_UP_CALLS && n % SAMPLE_EVERY === 0) || n === calls) {
        await page.waitForTimeout(500); // the legs' asynchronous close
        const metrics = await emulatorMetrics(api, '', true);
        samples.push({ call: n, metrics });
        await snapshot(n);
        log(`call ${n}: heap ${(metrics.heapUsedBytes / 1e6).toFixed(1)} MB, ${metrics.keptCalls} calls kept, ${metrics.activeCalls} live, resources: ${resourcesText(metrics.activeResources)}`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    await page.waitForTimeout(SETTLE_MS);
    const settled = await emulatorMetrics(api, '', true);
    log(`${SETTLE_MS / 1000} s later: heap ${(settled.heapUsedBytes / 1e6).toFixed(1)} MB, resources: ${resourcesText(settled.activeResources)}`);
    return { idle, samples, settled, seconds };
  });

  const first = samples[0]!;
  const last = samples.at(-1)!;
  const secondHalf = samples.filter((s) => s.call >= calls / 2);
  const perCall = slope(secondHalf.map((s) => s.call), secondHalf.map((s) => s.metrics.heapUsedBytes));
  const peak = Math.max(...samples.map((s) => s.metrics.heapUsedBytes));
  const leftOver = last.metrics.activeCalls + last.metrics.activeMediaLegs + last.metrics.ringingForks;
  const grewFromIdle = (m: EmulatorMetrics) => Object.entries(m.activeResources).filter(([type, n]) => n > (idle.activeResources[type] ?? 0));
  const grewText = (grew: [string, number][]) => (grew.length === 0 ? 'as idle' : grew.map(([type, n]) => `${type} ${idle.activeResources[type] ?? 0}→${n}`).join(', '));
  const resourcesGrew = grewFromIdle(settled);
  const plateau = perCall < FLAT_BYTES_PER_CALL;
  const window = `calls ${secondHalf[0]?.call}–${calls}`;
  const rows: BenchRow[] = [
    {
      name: `heap growth per call, ${window} (after GC)`,
      value: round(perCall / 1024, 2),
      unit: 'kB/call',
      target: `< ${FLAT_BYTES_PER_CALL / 1024} kB/call`,
      ok: plateau,
      note: `heap ${round(idle.heapUsedBytes / 1e6, 1)} MB idle, ${round(first.metrics.heapUsedBytes / 1e6, 1)} MB after ${first.call} calls, peak ${round(peak / 1e6, 1)} MB, ${round(last.metrics.heapUsedBytes / 1e6, 1)} MB after ${calls}`,
    },
    {
      name: 'heap reaches a plateau',
      value: plateau ? 'yes' : 'no',
      target: 'yes',
      ok: plateau,
      note: `least-squares slope over the samples of ${window}, once the store of finished calls is full`,
    },
    { name: 'calls kept for the console and REST API', value: last.metrics.keptCalls, note: 'live and finished; finished ones are bounded' },
    {
      name: 'live calls, media legs and ringing forks after the last call',
      value: `${last.metrics.activeCalls}, ${last.metrics.activeMediaLegs}, ${last.metrics.ringingForks}`,
      target: '0, 0, 0',
      ok: leftOver === 0,
    },
    {
      name: `active handles ${SETTLE_MS / 1000} s after the last call (process.getActiveResourcesInfo)`,
      value: grewText(resourcesGrew),
      target: 'as idle',
      ok: resourcesGrew.length === 0,
      note: `idle: ${resourcesText(idle.activeResources)}; right after the last call: ${grewText(grewFromIdle(last.metrics))} (the database pool's connections, closed after 30 s idle)`,
    },
    { name: 'RSS after the last call', value: round(last.metrics.rssBytes / 1e6), unit: 'MB', note: `${round(idle.rssBytes / 1e6)} MB idle` },
  ];
  return {
    id: 'emulator-memory',
    title: `Emulator memory and handles over ${calls} consecutive calls (server process in local mode)`,
    rows,
    notes: [
      `Calls alternate alice → bob (bridged legs) and alice → the echo phone, held ${HOLD_MS} ms each; ${round(seconds / calls, 2)} s per call. Figures from GET /emulator/api/metrics?gc=true every ${SAMPLE_EVERY} calls.`,
      'The server process is the app with the emulator inside it (local mode); its idle handles include the database pool and the listening sockets.',
      options.soak ? 'Soak run (--soak).' : 'npm run bench -- --soak makes it 500 calls.',
    ],
    data: { calls, idle, samples, settled },
  };
}
