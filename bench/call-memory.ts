/**
 * Bench section "call-memory": whether a tab that makes call after call keeps anything per call. alice
 * calls the echo phone through the UI, holds the call briefly (meters and timer running) and hangs up,
 * many times in one tab. After a warm-up, every few calls the page's heap is measured after a full
 * garbage collection, with its DOM nodes, event listeners, timers, sockets and peer connections; the
 * heap's growth per call is the least-squares slope over those samples, over all of them and over the
 * second half once the device log is full (the plateau; only a run long enough has it). Recents' window
 * is filled before the first call, with answered calls to the echo phone reported as Twilio reports them.
 * Heap snapshots 1 s and 9 s after the last call count the browser objects an ended call would keep
 * alive if anything still referenced it (test-support/page-resources.ts says what counts as alive).
 * The renderer processes' private memory, sampled with the heap, shows what a call leaves outside the
 * JavaScript heap (proc-memory.ts).
 *
 * 40 calls by default; `npm run bench -- --soak` makes it 200 (BENCH_SOAK_CALLS=<n> more, to see where
 * V8's compiled code levels off). The verdict is on the heap without V8's compiled code: the code keeps
 * growing, less and less, for a few hundred calls as V8 optimizes more of the same functions (the app's,
 * the SDK's and the test driver's injected scripts alike), and is reported beside it. A memory-infra dump at
 * the plateau's start and after the last call says which of Chromium's allocators the renderer's growth is in.
 * The renderer also holds the DevTools agent's copy of every body the tab receives (Playwright enables CDP's
 * Network domain on every page), above all the sounds each renewed Device downloads: the bodies received
 * per call are reported beside it so that its slope can be read (docs/benchmarks.md).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PAGE_SIZE } from '../web/src/core/history-store';
import { LOG_LIMIT } from '../web/src/core/log';
import { PHONES } from '../test-support/emulator-api';
import { bytesWithoutCode, CALL_OBJECTS, heapObjectCounts, heapSnapshotText, pageResources, recordPageResources, resourceSession, slope, type PageResources } from '../test-support/page-resources';
import { callAndHangUp, newPhonePage, signIn } from '../test-support/phone-ui';
import { addAnsweredCalls } from '../test-support/soak';
import { rendererAllocators, rendererPrivateBytes } from './proc-memory';
import { round, withBrowserStack } from './stack';
import type { BenchOptions, BenchRow, BenchSection } from './types';

const PORT = 3806;
const WARM_UP_CALLS = 10;
const SAMPLE_EVERY = 5;
/**
 * Chromium keeps every getUserMedia promise, and the microphone stream it resolved to, for 8 s after the
 * request (a timeout for its usage metrics: ScriptPromiseResolverWithTracker), whatever the page does.
 * The last call's stream is still there 1 s after hanging up; what is there 9 s after is kept.
 */
const OBJECTS_SETTLE_MS = 8000;
/** Lines one call through the UI adds to the device log (e2e/web-soak.spec.ts counts them too). */
const LOG_LINES_PER_CALL = 5;
/** Growth per call below this is noise (a string interned, a table grown) rather than a leak. */
const FLAT_BYTES_PER_CALL = 1024;
/**
 * The renderer's memory moves by a few MB from sample to sample (allocator caches, compositor), which a
 * 200-call slope spreads below this; one Web Audio stream source kept per call (its sink's resampler and
 * FIFO, ~60 kB on a bare page) is above it, and so are the meters' two worklet nodes left on each closed
 * context (~0.5 MB a renewal: 28.4 kB/call over 200 calls, against 9.8 without; docs/benchmarks.md).
 */
const RENDERER_FLAT_KB_PER_CALL = 20;

/**
 * Runs in the page before its scripts: adds up the bodies it receives over HTTP (fetch, XHR), as resource
 * timing reports them once each is complete. A long-lived response (the live event stream) counts only
 * when it ends.
 */
const COUNT_HTTP_BODIES = () => {
  const w = window as unknown as HttpBodiesWindow;
  w.__httpBodyBytes = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as PerformanceResourceTiming[]) w.__httpBodyBytes += entry.decodedBodySize;
  }).observe({ type: 'resource', buffered: true });
};

interface HttpBodiesWindow {
  __httpBodyBytes: number;
}

interface Sample {
  call: number;
  resources: PageResources;
  /** The heap snapshot's bytes without V8's compiled code (bytesWithoutCode). */
  withoutCode: number;
  /**
   * The page renderers' private memory (proc-memory.ts: audio buffers and the like, outside the heap) once
   * Chromium's deterministic memory dump has made its low-memory collection: what the tab keeps.
   */
  renderer: number;
  /** The same just before that dump, right after the call: what it keeps plus what it holds for reuse. */
  rendererAfterCall: number;
  /** The renderers of the browser's own interface (not the tab's), after the dump. */
  browserUi: number;
}

/** BENCH_SOAK_CALLS: how many calls the soak makes (200 unless set); a plateau needs a multiple of 10, from 40. */
function soakCalls(value: string | undefined): number {
  if (value === undefined) return 200;
  const calls = Number(value);
  if (!Number.isInteger(calls) || calls < 40 || calls % 10 !== 0) throw new Error(`BENCH_SOAK_CALLS must be a multiple of 10 from 40, not "${value}"`);
  return calls;
}

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  const calls = options.soak ? soakCalls(process.env.BENCH_SOAK_CALLS) : 40;
  const log = options.verbose ? (line: string) => console.log(`  ${line}`) : () => undefined;
  return withBrowserStack(PORT, options, async ({ server, browser }) => {
    // Recents' window full from the start, with rows like the ones the calls add.
    await addAnsweredCalls(server.origin, server.dataDir, 'alice', PHONES.echo, PAGE_SIZE);
    // Not the bench's moment recorder: it keeps every signaling frame, which would grow per call.
    const { context, page } = await newPhonePage(browser);
    await recordPageResources(context);
    await context.addInitScript(COUNT_HTTP_BODIES);
    await signIn(page, 'alice', { origin: server.origin });
    const cdp = await resourceSession(page);
    const objectsBefore = await heapObjectCounts(cdp, CALL_OBJECTS);

    // The device log fills over the first calls (LOG_LIMIT lines, five a call): the plateau is the slope
    // over the second half once it is full; the verdict is on it, so only a run long enough has one.
    const plateauFrom = Math.max(calls / 2, LOG_LIMIT / LOG_LINES_PER_CALL);
    // BENCH_HEAP_SNAPSHOTS=<folder> keeps the page's heap snapshots where the plateau starts and after the
    // last call (tab-call-<n>.heapsnapshot), to compare with `npx tsx bench/heap-diff.ts <a> <b>`.
    const snapshotDir = process.env.BENCH_HEAP_SNAPSHOTS;
    const samples: Sample[] = [];
    const allocators: { call: number; bytes: Record<string, number> }[] = [];
    const sample = async (call: number, resources: PageResources) => {
      // Read before the snapshot, whose serialization grows the renderer for a while; `resources` has just
      // collected garbage.
      const afterCall = await rendererPrivateBytes(browser);
      allocators.push({ call, bytes: await rendererAllocators(browser) });
      const settled = await rendererPrivateBytes(browser);
      const text = await heapSnapshotText(cdp);
      if (snapshotDir && (call === plateauFrom || call === calls)) await writeFile(join(snapshotDir, `tab-call-${call}.heapsnapshot`), text);
      const withoutCode = bytesWithoutCode(JSON.parse(text) as Parameters<typeof bytesWithoutCode>[0]);
      samples.push({ call, resources, withoutCode, renderer: settled.pages, rendererAfterCall: afterCall.pages, browserUi: settled.browserUi });
      log(`call ${call}: heap ${(resources.heapBytes / 1e6).toFixed(2)} MB (${(withoutCode / 1e6).toFixed(2)} MB without code, ${((resources.heapBytes - withoutCode) / 1e6).toFixed(2)} MB code), renderer ${(afterCall.pages / 1e6).toFixed(1)} → ${(settled.pages / 1e6).toFixed(1)} MB, ${resources.nodes} nodes, ${resources.listeners} listeners`);
    };
    const started = performance.now();
    let before: PageResources | undefined;
    const httpBodyBytes = () => page.evaluate(() => (window as unknown as HttpBodiesWindow).__httpBodyBytes);
    let bodiesBefore = 0;
    for (let n = 1; n <= calls; n++) {
      await callAndHangUp(page, PHONES.echo, 300);
      if (n === WARM_UP_CALLS) {
        bodiesBefore = await httpBodyBytes();
        before = await pageResources(page, cdp);
      }
      if (n >= WARM_UP_CALLS && n < calls && (n - WARM_UP_CALLS) % SAMPLE_EVERY === 0) await sample(n, n === WARM_UP_CALLS ? before! : await pageResources(page, cdp));
    }
    await page.waitForTimeout(1000); // the last call's clean-up (the audio context rests asynchronously)
    const after = await pageResources(page, cdp);
    const bodiesPerCall = ((await httpBodyBytes()) - bodiesBefore) / (calls - WARM_UP_CALLS);
    await sample(calls, after);
    const seconds = (performance.now() - started) / 1000;
    // Prototypes and the page's own audio objects count too; what matters is what the calls added.
    const added = (counts: Record<string, number>) =>
      Object.entries(counts)
        .map(([name, count]) => [name, count - (objectsBefore[name] ?? 0)] as const)
        .filter(([, n]) => n > 0);
    const objectsSoon = await heapObjectCounts(cdp, CALL_OBJECTS);
    // The last call's microphone stream is held by the browser for a few seconds more (above).
    await page.waitForTimeout(OBJECTS_SETTLE_MS);
    const objects = await heapObjectCounts(cdp, CALL_OBJECTS);
    const leftOver = added(objects);
    const listed = (list: (readonly [string, number])[]) => (list.length === 0 ? 'none' : list.map(([name, n]) => `${name} +${n}`).join(', '));

    const perCall = slope(samples.map((s) => s.call), samples.map((s) => s.resources.heapBytes));
    const secondHalf = samples.filter((s) => s.call >= plateauFrom);
    const judged = secondHalf.length >= 3;
    const plateauPerCall = slope(secondHalf.map((s) => s.call), secondHalf.map((s) => s.resources.heapBytes));
    const plateauWithoutCode = slope(secondHalf.map((s) => s.call), secondHalf.map((s) => s.withoutCode));
    const perCallOf = (of: (s: Sample) => number) => slope(samples.map((s) => s.call), samples.map(of));
    const rendererPerCall = perCallOf((s) => s.renderer);
    const measured = calls - WARM_UP_CALLS;
    const code = (s: Sample | undefined) => (s ? s.resources.heapBytes - s.withoutCode : NaN);
    const plateauCode = slope(secondHalf.map((s) => s.call), secondHalf.map(code));
    const allocFrom = allocators.find((a) => a.call === plateauFrom);
    const allocTo = allocFrom && allocators.at(-1);
    const allocatorGrowth =
      allocFrom && allocTo
        ? Object.entries(allocTo.bytes)
            .map(([name, bytes]) => [name, bytes - (allocFrom.bytes[name] ?? 0)] as const)
            .filter(([, grew]) => Math.abs(grew) >= 100_000)
            .sort((a, b) => b[1] - a[1])
            .map(([name, grew]) => `${name} ${grew > 0 ? '+' : ''}${round(grew / 1e6, 1)}`)
            .join(', ') || 'none over 0.1 MB'
        : undefined;
    const delta = (key: keyof PageResources) => after[key] - before![key];
    const rows: BenchRow[] = [
      {
        name: `JS heap growth per call (after GC, calls ${WARM_UP_CALLS}–${calls})`,
        value: round(perCall / 1024, 2),
        unit: 'kB/call',
        note: `heap ${round(before!.heapBytes / 1e6, 2)} → ${round(after.heapBytes / 1e6, 2)} MB over ${measured} calls, while the device log fills (500 lines, 5 a call)`,
      },
      judged
        ? {
            name: `JS heap growth per call once the device log is full, calls ${secondHalf[0]?.call}–${calls}, without V8's compiled code (after GC, heap snapshot)`,
            value: round(plateauWithoutCode / 1024, 2),
            unit: 'kB/call',
            target: `< ${FLAT_BYTES_PER_CALL / 1024} kB/call`,
            ok: plateauWithoutCode < FLAT_BYTES_PER_CALL,
            note: `${round((secondHalf[0]?.withoutCode ?? NaN) / 1e6, 2)} → ${round(samples.at(-1)!.withoutCode / 1e6, 2)} MB`,
          }
        : {
            name: 'JS heap growth per call once the device log is full',
            value: '—',
            note: `the device log fills until call ${plateauFrom}: npm run bench -- --only call-memory --soak (200 calls) gives this figure`,
          },
      ...(judged
        ? [
            {
              name: `  the same with V8's compiled code`,
              value: round(plateauPerCall / 1024, 2),
              unit: 'kB/call',
              note: `heap ${round((secondHalf[0]?.resources.heapBytes ?? NaN) / 1e6, 2)} → ${round(after.heapBytes / 1e6, 2)} MB`,
            },
            {
              name: `  V8's compiled code (heap − heap without code)`,
              value: round(plateauCode / 1024, 2),
              unit: 'kB/call',
              note: `${round(code(samples[0]) / 1e6, 2)} MB after call ${samples[0]!.call} → ${round(code(secondHalf[0]) / 1e6, 2)} at ${secondHalf[0]?.call} → ${round(code(samples.at(-1)) / 1e6, 2)} at ${calls}; BENCH_SOAK_CALLS=400 runs long enough to see it level off`,
            },
          ]
        : []),
      {
        name: `tab's renderer private memory per call, calls ${WARM_UP_CALLS}–${calls} (after Chromium's deterministic memory dump)`,
        value: round(rendererPerCall / 1024, 1),
        unit: 'kB/call',
        // Judged over the soak only: over 40 calls the few MB of sample-to-sample noise make the slope.
        ...(options.soak ? { target: `< ${RENDERER_FLAT_KB_PER_CALL} kB/call`, ok: rendererPerCall < RENDERER_FLAT_KB_PER_CALL * 1024 } : {}),
        note: `${round(samples[0]!.renderer / 1e6, 1)} → ${round(samples.at(-1)!.renderer / 1e6, 1)} MB (outside the JS heap: audio buffers, WebRTC)${options.soak ? '' : '; --soak judges it over 200 calls'}`,
      },
      {
        name: `  the same right after each call, before the dump`,
        value: round(perCallOf((s) => s.rendererAfterCall) / 1024, 1),
        unit: 'kB/call',
        note: `${round(samples[0]!.rendererAfterCall / 1e6, 1)} → ${round(samples.at(-1)!.rendererAfterCall / 1e6, 1)} MB, highest ${round(Math.max(...samples.map((s) => s.rendererAfterCall)) / 1e6, 1)}: also what the renderer holds for reuse until Chromium gives it back`,
      },
      {
        name: `  HTTP bodies the tab received per call (Playwright keeps a copy of each in the renderer)`,
        value: round(bodiesPerCall / 1024, 1),
        unit: 'kB/call',
        note: 'the sounds each renewed Device fetches (~140 kB) and API responses, not the live event stream; CDP\'s Network domain, which Playwright enables on every page, keeps every body in the renderer: part of the rows above, not of a user\'s tab (docs/benchmarks.md)',
      },
      {
        name: `  the browser's own interface renderers (not the tab's)`,
        value: round(perCallOf((s) => s.browserUi) / 1024, 1),
        unit: 'kB/call',
        note: `${round(samples[0]!.browserUi / 1e6, 1)} → ${round(samples.at(-1)!.browserUi / 1e6, 1)} MB`,
      },
      ...(allocatorGrowth === undefined
        ? []
        : [{ name: `  by Chromium's allocators, calls ${allocFrom!.call}–${allocTo!.call} (memory-infra dump, MB)`, value: allocatorGrowth }]),
      { name: 'DOM nodes, change', value: delta('nodes'), note: `${before!.nodes} → ${after.nodes}` },
      { name: 'event listeners, change', value: delta('listeners'), note: `${before!.listeners} → ${after.listeners}` },
      {
        name: 'timers, intervals, sockets, audio contexts, peer connections after the last call',
        value: `${after.timeouts}, ${after.intervals}, ${after.sockets}, ${after.audioContexts}, ${after.peerConnections}`,
        note: `after call ${WARM_UP_CALLS}: ${before!.timeouts}, ${before!.intervals}, ${before!.sockets}, ${before!.audioContexts}, ${before!.peerConnections}`,
      },
      {
        name: 'ended calls\' objects alive (heap snapshot, more than before the first call)',
        value: listed(leftOver),
        target: 'none',
        ok: leftOver.length === 0,
        note: `${OBJECTS_SETTLE_MS / 1000 + 1} s after hanging up; 1 s after: ${listed(added(objectsSoon))} (Chromium holds a getUserMedia result for 8 s)`,
      },
    ];
    return {
      id: 'call-memory',
      title: `Memory of a tab over ${calls} consecutive calls (alice ↔ echo phone through the UI)`,
      rows,
      notes: [
        `Heap after two forced GCs (CDP HeapProfiler.collectGarbage) every ${SAMPLE_EVERY} calls after ${WARM_UP_CALLS} warm-up calls; the tab's renderer after a deterministic memory-infra dump (Chromium's low-memory collection); growth = least-squares slope. ${round(seconds / calls, 2)} s per call.`,
        options.soak ? 'Soak run (--soak).' : 'npm run bench -- --soak makes it 200 calls.',
      ],
      data: { calls, samples, allocators, bodiesPerCall, objectsBefore, objectsSoon, objects },
    };
  });
}
