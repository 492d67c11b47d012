/**
 * What a Node process kept between two of its heap snapshots (V8's .heapsnapshot format, as written by
 * `--heapsnapshot-signal` or `v8.writeHeapSnapshot()`): objects counted by kind and constructor, the
 * groups that grew most, and what holds the objects of the groups that grew (by the retaining object's
 * constructor and the edge's name). The emulator-memory section writes such snapshots with
 * BENCH_HEAP_SNAPSHOTS=<folder>.
 *
 *   npx tsx bench/heap-diff.ts call-250.heapsnapshot call-500.heapsnapshot [--top 25] [--retainers Foo,Bar]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface Group {
  count: number;
  bytes: number;
}

/** A snapshot reduced to what the diff needs: each node's group key and size, and its outgoing edges. */
export interface HeapGraph {
  keys: string[];
  sizes: number[];
  /** For node i, edges firstEdge[i] .. firstEdge[i + 1] - 1. */
  firstEdge: Int32Array;
  edgeTo: Int32Array;
  edgeName: string[];
}

export function parseSnapshot(raw: RawSnapshot): HeapGraph {
  const { meta } = raw.snapshot;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const [typeAt, nameAt, sizeAt, edgeCountAt] = ['type', 'name', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f)) as [number, number, number, number];
  const [edgeTypeAt, edgeNameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f)) as [number, number, number];
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const n = raw.nodes.length / nf;
  const keys: string[] = new Array(n);
  const sizes: number[] = new Array(n);
  const firstEdge = new Int32Array(n + 1);
  const edgeTo = new Int32Array(raw.edges.length / ef);
  const edgeName: string[] = new Array(edgeTo.length);
  let e = 0;
  for (let i = 0; i < n; i++) {
    const base = i * nf;
    const type = nodeTypes[raw.nodes[base + typeAt]!]!;
    const name = raw.strings[raw.nodes[base + nameAt]!]!;
    // Strings and numbers are grouped by kind; objects by constructor, closures by function name.
    keys[i] = type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number' ? type : `${type}:${name.slice(0, 80)}`;
    sizes[i] = raw.nodes[base + sizeAt]!;
    firstEdge[i] = e;
    const count = raw.nodes[base + edgeCountAt]!;
    for (let k = 0; k < count; k++, e++) {
      const eb = e * ef;
      const etype = edgeTypes[raw.edges[eb + edgeTypeAt]!]!;
      const nameOrIndex = raw.edges[eb + edgeNameAt]!;
      edgeTo[e] = raw.edges[eb + toAt]! / nf;
      edgeName[e] = etype === 'element' ? '[i]' : etype === 'hidden' ? '[hidden]' : etype === 'weak' ? 'weak' : raw.strings[nameOrIndex] ?? String(nameOrIndex);
    }
  }
  firstEdge[n] = e;
  return { keys, sizes, firstEdge, edgeTo, edgeName };
}

export function groups(graph: HeapGraph): Map<string, Group> {
  const out = new Map<string, Group>();
  graph.keys.forEach((key, i) => {
    const g = out.get(key) ?? { count: 0, bytes: 0 };
    g.count++;
    g.bytes += graph.sizes[i]!;
    out.set(key, g);
  });
  return out;
}

/** Groups whose count or size changed from `a` to `b`, biggest change in bytes first. */
export function diffGroups(a: Map<string, Group>, b: Map<string, Group>): { key: string; count: number; bytes: number }[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys]
    .map((key) => ({ key, count: (b.get(key)?.count ?? 0) - (a.get(key)?.count ?? 0), bytes: (b.get(key)?.bytes ?? 0) - (a.get(key)?.bytes ?? 0) }))
    .filter((d) => d.count !== 0 || d.bytes !== 0)
    .sort((x, y) => y.bytes - x.bytes);
}

/** Node kinds that only carry others (a Map's table, an array's backing store): look through them. */
const carrier = (key: string) => key === 'object:Map' || key === 'object:Set' || key.startsWith('array:') || key.startsWith('hidden:') || key.startsWith('object:system /') || key === 'object:Object';

/** Each node's first retainer and the edge's name (enough to walk a path up through carriers). */
function firstRetainers(graph: HeapGraph): { by: Int32Array; edge: Int32Array } {
  const by = new Int32Array(graph.keys.length).fill(-1);
  const edge = new Int32Array(graph.keys.length).fill(-1);
  for (let i = 0; i < graph.keys.length; i++) {
    for (let e = graph.firstEdge[i]!; e < graph.firstEdge[i + 1]!; e++) {
      const to = graph.edgeTo[e]!;
      if (by[to] === -1 && graph.edgeName[e] !== 'weak') {
        by[to] = i;
        edge[to] = e;
      }
    }
  }
  return { by, edge };
}

/**
 * What holds the objects of group `key`: for every edge into one of them, the holder's group and the
 * edge's name, then up through carriers (at most three steps) by their first retainer, e.g.
 * "object:CallStore .calls ← object:Map .table ← array: .[i]".
 */
export function retainers(graph: HeapGraph, key: string): Map<string, number> {
  const up = firstRetainers(graph);
  const label = (e: number) => (/^\d+$/.test(graph.edgeName[e]!) ? '[i]' : graph.edgeName[e]!);
  const out = new Map<string, number>();
  for (let i = 0; i < graph.keys.length; i++) {
    for (let e = graph.firstEdge[i]!; e < graph.firstEdge[i + 1]!; e++) {
      if (graph.keys[graph.edgeTo[e]!] !== key) continue;
      const path = [`${graph.keys[i]} .${label(e)}`];
      let node = i;
      for (let step = 0; step < 3 && carrier(graph.keys[node]!) && up.by[node]! >= 0; step++) {
        path.push(`${graph.keys[up.by[node]!]} .${label(up.edge[node]!)}`);
        node = up.by[node]!;
      }
      const by = path.join(' ← ');
      out.set(by, (out.get(by) ?? 0) + 1);
    }
  }
  return out;
}

async function load(file: string): Promise<HeapGraph> {
  return parseSnapshot(JSON.parse(await readFile(file, 'utf8')) as RawSnapshot);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, retainers: { type: 'string' } } });
  const [fileA, fileB] = positionals;
  if (!fileA || !fileB) throw new Error('usage: npx tsx bench/heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> [--top N] [--retainers key,key]');
  const top = Number(values.top);
  const a = await load(fileA);
  const b = await load(fileB);
  const diff = diffGroups(groups(a), groups(b));
  const total = (g: HeapGraph) => g.sizes.reduce((s, x) => s + x, 0);
  console.log(`${fileA}: ${a.keys.length} objects, ${(total(a) / 1e6).toFixed(2)} MB; ${fileB}: ${b.keys.length} objects, ${(total(b) / 1e6).toFixed(2)} MB`);
  console.log('\nbytes       count  group');
  for (const d of diff.slice(0, top)) console.log(`${String(d.bytes).padStart(10)} ${String(d.count).padStart(7)}  ${d.key}`);
  const asked = values.retainers?.split(',') ?? diff.filter((d) => d.count > 0).slice(0, 5).map((d) => d.key);
  for (const key of asked) {
    const before = retainers(a, key);
    const after = [...retainers(b, key)].map(([by, n]) => [by, n - (before.get(by) ?? 0)] as const).filter(([, n]) => n !== 0).sort((x, y) => y[1] - x[1]);
    console.log(`\nheld by (change) — ${key}`);
    for (const [by, n] of after.slice(0, 10)) console.log(`${String(n).padStart(8)}  ${by}`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
