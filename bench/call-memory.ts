/**
 * Bench section "call-memory": whether a tab that makes call after call keeps anything per call. alice
 * calls the echo phone through the UI, holds the call briefly (meters and timer running) and hangs up,
 * many times in one tab. After a warm-up, every few calls the page's heap is measured after a full
 * garbage collection, with its DOM nodes, event listeners, timers, sockets and peer connections; the
 * heap's growth per call is the least-squares slope over those samples, over all of them and over the
 * second half, after the warm-up (the plateau, once the device log is full: Recents' window is filled
 * before the first call, with answered calls to the echo phone reported as Twilio reports them). Heap
 * snapshots 1 s and 5 s after the last call count the browser objects an ended call would keep alive if
 * anything still referenced it.
 *
 * 40 calls by default; `npm run bench -- --soak` makes it 200.
 */
import { PAGE_SIZE } from '../web/src/core/history-store';
import { PHONES } from '../test-support/emulator-api';
import { heapObjectCounts, pageResources, recordPageResources, resourceSession, slope, type PageResources } from '../test-support/page-resources';
import { callAndHangUp, newPhonePage, signIn } from '../test-support/phone-ui';
import { addAnsweredCalls } from '../test-support/soak';
import { round, withBrowserStack } from './stack';
import type { BenchOptions, BenchRow, BenchSection } from './types';

const PORT = 3806;
const WARM_UP_CALLS = 10;
const SAMPLE_EVERY = 5;
const OBJECTS_SETTLE_MS = 4000;
/** Growth per call below this is noise (one string interned, a JIT tier-up) rather than a leak. */
const FLAT_BYTES_PER_CALL = 1024;
/** Objects every ended call holds; after the last call none of them should be alive. */
const PER_CALL_OBJECTS = ['RTCPeerConnection', 'RTCRtpTransceiver', 'MediaStream', 'MediaStreamTrack', 'MediaStreamAudioSourceNode', 'AnalyserNode', 'HTMLAudioElement'] as const;

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  const calls = options.soak ? 200 : 40;
  const log = options.verbose ? (line: string) => console.log(`  ${line}`) : () => undefined;
  return withBrowserStack(PORT, options, async ({ server, browser }) => {
    // Recents' window full from the start, with rows like the ones the calls add.
    await addAnsweredCalls(server.origin, server.dataDir, 'alice', PHONES.echo, PAGE_SIZE);
    // Not the bench's moment recorder: it keeps every signaling frame, which would grow per call.
    const { context, page } = await newPhonePage(browser);
    await recordPageResources(context);
    await signIn(page, 'alice', { origin: server.origin });
    const cdp = await resourceSession(page);
    const objectsBefore = await heapObjectCounts(cdp, PER_CALL_OBJECTS);

    const samples: { call: number; resources: PageResources }[] = [];
    const started = performance.now();
    let before: PageResources | undefined;
    for (let n = 1; n <= calls; n++) {
      await callAndHangUp(page, PHONES.echo, 300);
      if (n === WARM_UP_CALLS) before = await pageResources(page, cdp);
      if (n >= WARM_UP_CALLS && (n - WARM_UP_CALLS) % SAMPLE_EVERY === 0) {
        const resources = n === WARM_UP_CALLS ? before! : await pageResources(page, cdp);
        samples.push({ call: n, resources });
        log(`call ${n}: heap ${(resources.heapBytes / 1e6).toFixed(2)} MB, ${resources.nodes} nodes, ${resources.listeners} listeners`);
      }
    }
    await page.waitForTimeout(1000); // the last call's clean-up (the audio context rests asynchronously)
    const after = await pageResources(page, cdp);
    if (samples.at(-1)?.call !== calls) samples.push({ call: calls, resources: after });
    const seconds = (performance.now() - started) / 1000;
    // Prototypes and the page's own audio objects count too; what matters is what the calls added.
    const added = (counts: Record<string, number>) =>
      Object.entries(counts)
        .map(([name, count]) => [name, count - (objectsBefore[name] ?? 0)] as const)
        .filter(([, n]) => n > 0);
    const objectsSoon = await heapObjectCounts(cdp, PER_CALL_OBJECTS);
    // The last call's media objects go once its audio graph is torn down and collected, which can take
    // a moment more: what is still there a few seconds later is kept.
    await page.waitForTimeout(OBJECTS_SETTLE_MS);
    const objects = await heapObjectCounts(cdp, PER_CALL_OBJECTS);
    const leftOver = added(objects);
    const listed = (list: (readonly [string, number])[]) => (list.length === 0 ? 'none' : list.map(([name, n]) => `${name} +${n}`).join(', '));

    const perCall = slope(samples.map((s) => s.call), samples.map((s) => s.resources.heapBytes));
    // The device log (500 lines) fills over the first 100 calls: the plateau is the second half's slope,
    // after the warm-up; the verdict is on it.
    const secondHalf = samples.filter((s) => s.call >= calls / 2);
    const plateauPerCall = slope(secondHalf.map((s) => s.call), secondHalf.map((s) => s.resources.heapBytes));
    const measured = calls - WARM_UP_CALLS;
    const delta = (key: keyof PageResources) => after[key] - before![key];
    const rows: BenchRow[] = [
      {
        name: `JS heap growth per call (after GC, calls ${WARM_UP_CALLS}–${calls})`,
        value: round(perCall / 1024, 2),
        unit: 'kB/call',
        note: `heap ${round(before!.heapBytes / 1e6, 2)} → ${round(after.heapBytes / 1e6, 2)} MB over ${measured} calls, while the device log fills (500 lines, 5 a call)`,
      },
      {
        name: `JS heap growth per call after warm-up, calls ${secondHalf[0]?.call}–${calls} (after GC)`,
        value: round(plateauPerCall / 1024, 2),
        unit: 'kB/call',
        target: `< ${FLAT_BYTES_PER_CALL / 1024} kB/call`,
        ok: plateauPerCall < FLAT_BYTES_PER_CALL,
        note: `heap ${round((secondHalf[0]?.resources.heapBytes ?? NaN) / 1e6, 2)} → ${round(after.heapBytes / 1e6, 2)} MB`,
      },
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
        note: `${OBJECTS_SETTLE_MS / 1000 + 1} s after hanging up; 1 s after: ${listed(added(objectsSoon))} (a DOM object counts twice: its JavaScript wrapper and its native object)`,
      },
    ];
    return {
      id: 'call-memory',
      title: `Memory of a tab over ${calls} consecutive calls (alice ↔ echo phone through the UI)`,
      rows,
      notes: [
        `Heap after two forced GCs (CDP HeapProfiler.collectGarbage) every ${SAMPLE_EVERY} calls after ${WARM_UP_CALLS} warm-up calls; growth = least-squares slope. ${round(seconds / calls, 2)} s per call.`,
        options.soak ? 'Soak run (--soak).' : 'npm run bench -- --soak makes it 200 calls.',
      ],
      data: { calls, samples, objectsBefore, objectsSoon, objects },
    };
  });
}
