import { describe, expect, it } from 'vitest';
import { diffGroups, groups, parseSnapshot, retainers } from './heap-diff';

const NODE_FIELDS = ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'];
const NODE_TYPES = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic'];
const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];

/** A snapshot of (root) → Store .calls → Map .table → array [i] → `calls` Call objects, in V8's format. */
function snapshot(calls: number) {
  const strings: string[] = [];
  const str = (s: string) => (strings.includes(s) ? strings.indexOf(s) : strings.push(s) - 1);
  const nodes: [string, string, number, [string, string, number][]][] = [
    ['synthetic', '(root)', 0, [['property', 'store', 1]]],
    ['object', 'Store', 32, [['property', 'calls', 2]]],
    ['object', 'Map', 24, [['internal', 'table', 3]]],
    ['array', '', 8 * calls, Array.from({ length: calls }, (_, i) => ['element', String(i), 4 + i] as [string, string, number])],
    ...Array.from({ length: calls }, () => ['object', 'Call', 100, []] as [string, string, number, [string, string, number][]]),
  ];
  const flatNodes: number[] = [];
  const edges: number[] = [];
  nodes.forEach(([type, name, size, out], id) => {
    flatNodes.push(NODE_TYPES.indexOf(type), str(name), id, size, out.length, 0, 0);
    for (const [etype, ename, to] of out) edges.push(EDGE_TYPES.indexOf(etype), etype === 'element' ? Number(ename) : str(ename), to * NODE_FIELDS.length);
  });
  return {
    snapshot: { meta: { node_fields: NODE_FIELDS, node_types: [NODE_TYPES], edge_fields: ['type', 'name_or_index', 'to_node'], edge_types: [EDGE_TYPES] } },
    nodes: flatNodes,
    edges,
    strings,
  } as Parameters<typeof parseSnapshot>[0];
}

describe('heap-diff', () => {
  it('counts what grew by constructor, and names its holder through the Map it sits in', () => {
    const a = parseSnapshot(snapshot(1));
    const b = parseSnapshot(snapshot(3));
    const diff = diffGroups(groups(a), groups(b));
    expect(diff[0]).toEqual({ key: 'object:Call', count: 2, bytes: 200 });
    expect(diff).toContainEqual({ key: 'array:', count: 0, bytes: 16 });
    expect([...retainers(b, 'object:Call')]).toEqual([['array: .[i] ← object:Map .table ← object:Store .calls', 3]]);
  });
});
