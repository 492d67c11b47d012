/**
 * What a page holds on to, for the soak tests and benches: the JavaScript heap after a full garbage
 * collection, DOM nodes and event listeners (CDP), and, from an init script, the timers, intervals,
 * WebSockets, peer connections and audio contexts still alive. Taken before and after many calls,
 * token renewals or reconnects, these show whether anything accumulates per call or per renewal.
 *
 * The functions passed to the page run there, not in Node: they may use only what they are given.
 */
import type { BrowserContext, CDPSession, Page } from '@playwright/test';

interface ResourceWindow {
  __resources: { intervals: Set<number>; timeouts: Set<number>; sockets: Set<WebSocket>; audioContexts: Set<BaseAudioContext> };
  __peerConnections?: RTCPeerConnection[];
}

/**
 * Runs in the page before its own scripts: keeps count of pending timeouts, live intervals, open
 * WebSockets and audio contexts not closed. Wrapping the timer functions costs a Set operation per
 * timer, which is nothing next to what they schedule.
 */
export const RECORD_PAGE_RESOURCES = () => {
  const w = window as unknown as ResourceWindow;
  const r: ResourceWindow['__resources'] = { intervals: new Set(), timeouts: new Set(), sockets: new Set(), audioContexts: new Set() };
  w.__resources = r;

  const { setTimeout: st, clearTimeout: ct, setInterval: si, clearInterval: ci } = window;
  window.setTimeout = ((fn: TimerHandler, ms?: number, ...args: unknown[]) => {
    const id: number = st(
      (...a: unknown[]) => {
        r.timeouts.delete(id);
        if (typeof fn === 'function') (fn as (...x: unknown[]) => void)(...a);
      },
      ms,
      ...args,
    );
    r.timeouts.add(id);
    return id;
  }) as typeof window.setTimeout;
  // Timeouts and intervals share one id space, and either clear function cancels either (the Voice SDK
  // clears its ICE-gathering timeout with clearInterval).
  const forget = (id?: number) => {
    if (id === undefined) return;
    r.timeouts.delete(id);
    r.intervals.delete(id);
  };
  window.clearTimeout = ((id?: number) => {
    forget(id);
    ct(id);
  }) as typeof window.clearTimeout;
  window.setInterval = ((fn: TimerHandler, ms?: number, ...args: unknown[]) => {
    const id = si(fn, ms, ...args);
    r.intervals.add(id);
    return id;
  }) as typeof window.setInterval;
  window.clearInterval = ((id?: number) => {
    forget(id);
    ci(id);
  }) as typeof window.clearInterval;

  const OriginalWs = window.WebSocket;
  window.WebSocket = class extends OriginalWs {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      r.sockets.add(this);
      this.addEventListener('close', () => r.sockets.delete(this));
    }
  } as typeof WebSocket;

  const OriginalAc = window.AudioContext;
  if (OriginalAc) {
    window.AudioContext = class extends OriginalAc {
      constructor(options?: AudioContextOptions) {
        super(options);
        r.audioContexts.add(this);
        this.addEventListener('statechange', () => {
          if (this.state === 'closed') r.audioContexts.delete(this);
        });
      }
    } as typeof AudioContext;
  }
};

export async function recordPageResources(context: BrowserContext): Promise<void> {
  await context.addInitScript(RECORD_PAGE_RESOURCES);
}

export interface PageResources {
  /** JS heap in use after a full garbage collection, bytes. */
  heapBytes: number;
  nodes: number;
  listeners: number;
  intervals: number;
  timeouts: number;
  sockets: number;
  audioContexts: number;
  /** Peer connections not closed (needs the recorder from page-instrumentation.ts). */
  peerConnections: number;
}

/** A CDP session for `page` with what pageResources needs enabled. */
export async function resourceSession(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  return cdp;
}

/** Collects garbage (twice: finalizers free more on the second pass), then counts. */
export async function pageResources(page: Page, cdp: CDPSession): Promise<PageResources> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const [{ usedSize }, counters, inPage] = await Promise.all([
    cdp.send('Runtime.getHeapUsage'),
    cdp.send('Memory.getDOMCounters'),
    page.evaluate(() => {
      const w = window as unknown as Partial<ResourceWindow>;
      const r = w.__resources;
      return {
        intervals: r?.intervals.size ?? -1,
        timeouts: r?.timeouts.size ?? -1,
        sockets: r?.sockets.size ?? -1,
        audioContexts: r?.audioContexts.size ?? -1,
        peerConnections: (w.__peerConnections ?? []).filter((pc) => pc.connectionState !== 'closed').length,
      };
    }),
  ]);
  return { heapBytes: usedSize, nodes: counters.nodes, listeners: counters.jsEventListeners, ...inPage };
}

/**
 * Least-squares slope of `ys` over `xs` (e.g. heap bytes per call). Robust enough for a trend over
 * many samples; a single late spike moves it little.
 */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  const mx = xs.slice(0, n).reduce((a, b) => a + b, 0) / n;
  const my = ys.slice(0, n).reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Takes a heap snapshot and counts the live objects with these constructor names (browser objects such
 * as RTCPeerConnection keep their names in a minified build). An ended call still referenced from
 * anywhere keeps its peer connection, media streams and analysers alive, so these counts show it. A live
 * Web API object is one node, its native object with its JavaScript wrapper merged in.
 *
 * Live means reachable from the snapshot's roots by strong edges without passing through Blink's
 * per-context data (`blink::V8PerContextData`). That table keeps, for each Web API type the page has
 * used, one template object of the type (a wrapper "boilerplate" new wrappers are cloned from; no native
 * object is behind it and no call holds it). Counted naively, the first call adds one RTCRtpTransceiver,
 * MediaStream, MediaStreamTrack and MediaStreamAudioSourceNode for good, whatever the app does.
 */
export async function heapObjectCounts(cdp: CDPSession, names: readonly string[]): Promise<Record<string, number>> {
  // The peer connection recorder (page-instrumentation.ts) lets go of a closed connection only when the
  // next one is made, so the last call's would count as kept, with its streams and analysers.
  await cdp.send('Runtime.evaluate', {
    expression: "if (Array.isArray(window.__peerConnections)) window.__peerConnections = window.__peerConnections.filter((pc) => pc.connectionState !== 'closed')",
  });
  return countLiveObjects(await heapSnapshot(cdp), names);
}

/** Browser objects every call makes (its peer connection, media, audio graph and sound); for heapObjectCounts. */
export const CALL_OBJECTS = ['RTCPeerConnection', 'RTCRtpTransceiver', 'MediaStream', 'MediaStreamTrack', 'MediaStreamAudioSourceNode', 'AnalyserNode', 'HTMLAudioElement'] as const;

/** Blink's per-type template objects hang off nodes with this name; see heapObjectCounts. */
const TYPE_TEMPLATES_HOLDER = 'blink::V8PerContextData';

/** heapObjectCounts on a snapshot already taken. */
export function countLiveObjects(snapshot: HeapSnapshot, names: readonly string[]): Record<string, number> {
  const { node_fields: fields, node_types: nodeTypes, edge_fields: edgeFields, edge_types: edgeTypes } = snapshot.snapshot.meta;
  const width = fields.length;
  const edgeWidth = edgeFields.length;
  const [typeAt, nameAt, edgeCountAt] = ['type', 'name', 'edge_count'].map((f) => fields.indexOf(f)) as [number, number, number];
  const [edgeTypeAt, toAt] = ['type', 'to_node'].map((f) => edgeFields.indexOf(f)) as [number, number];
  const objectType = nodeTypes[0].indexOf('object');
  const nativeType = nodeTypes[0].indexOf('native');
  const weakEdge = edgeTypes[0].indexOf('weak');
  const count = snapshot.nodes.length / width;
  const firstEdge = new Uint32Array(count + 1);
  for (let node = 0; node < count; node++) firstEdge[node + 1] = firstEdge[node]! + snapshot.nodes[node * width + edgeCountAt]!;
  const nameOf = (node: number) => snapshot.strings[snapshot.nodes[node * width + nameAt]!]!;

  // Breadth-first from node 0, the snapshot's root.
  const reached = new Uint8Array(count);
  reached[0] = 1;
  const queue = [0];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    if (nameOf(node).startsWith(TYPE_TEMPLATES_HOLDER)) continue;
    for (let e = firstEdge[node]!; e < firstEdge[node + 1]!; e++) {
      if (snapshot.edges[e * edgeWidth + edgeTypeAt] === weakEdge) continue;
      const to = snapshot.edges[e * edgeWidth + toAt]! / width;
      if (reached[to]) continue;
      reached[to] = 1;
      queue.push(to);
    }
  }

  const wanted = new Map(names.map((n) => [n, 0]));
  for (let node = 0; node < count; node++) {
    const type = snapshot.nodes[node * width + typeAt];
    if (!reached[node] || (type !== objectType && type !== nativeType)) continue;
    const name = nameOf(node);
    // Native objects are named like "RTCPeerConnection" or "Detached RTCPeerConnection".
    const key = name.startsWith('Detached ') ? name.slice('Detached '.length) : name;
    const n = wanted.get(key);
    if (n !== undefined) wanted.set(key, n + 1);
  }
  return Object.fromEntries(wanted);
}

/** V8's heap snapshot format (the fields and types are named in `snapshot.meta`). */
export interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** A heap snapshot of the page after a full collection, as V8 writes it (JSON; for bench/heap-diff.ts). */
export async function heapSnapshotText(cdp: CDPSession): Promise<string> {
  const chunks: string[] = [];
  const onChunk = ({ chunk }: { chunk: string }) => chunks.push(chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: false });
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  }
  return chunks.join('');
}

async function heapSnapshot(cdp: CDPSession): Promise<HeapSnapshot> {
  return JSON.parse(await heapSnapshotText(cdp)) as HeapSnapshot;
}

/**
 * The page's JavaScript heap in a snapshot, as `heapBytes` counts it, without V8's compiled code (nodes
 * of type `code`: bytecode, optimized code and its metadata, feedback). V8 keeps compiling functions as
 * they get hot, the page's and those of the test driver's script injected into it, long after the page
 * has stopped keeping anything new: in the soaks that was 5–10 kB per call after 30 calls, each function
 * optimized once, bounded by the code there is. The browser's own objects (`native` nodes other than
 * V8's `system / …`) are not in `heapBytes` either: among them the performance timeline, which buffers
 * paint, layout-shift and long-frame entries up to fixed caps. A leak keeps JavaScript objects, which
 * this still counts; DOM nodes and ended calls' media objects are counted on their own.
 */
export async function heapBytesWithoutCode(cdp: CDPSession): Promise<number> {
  return bytesWithoutCode(await heapSnapshot(cdp));
}

/** heapBytesWithoutCode on a snapshot already taken. */
export function bytesWithoutCode(snapshot: HeapSnapshot): number {
  const { node_fields: fields, node_types: types } = snapshot.snapshot.meta;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const codeType = types[0].indexOf('code');
  const nativeType = types[0].indexOf('native');
  let bytes = 0;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = snapshot.nodes[i + typeAt];
    if (type === codeType) continue;
    if (type === nativeType && !snapshot.strings[snapshot.nodes[i + nameAt]!]!.startsWith('system / ')) continue;
    bytes += snapshot.nodes[i + sizeAt]!;
  }
  return bytes;
}
