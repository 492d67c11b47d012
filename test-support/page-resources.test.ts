import { describe, expect, it } from 'vitest';
import { countLiveObjects, slope, type HeapSnapshot } from './page-resources';

/**
 * A snapshot in V8's format from a list of nodes and edges: node fields type, name, edge_count; edge
 * fields type, name_or_index, to_node (an offset into `nodes`, as V8 writes it).
 */
function snapshot(nodes: { type: 'synthetic' | 'object' | 'native' | 'closure'; name: string }[], edges: [from: number, to: number, type?: 'property' | 'weak' | 'internal'][]): HeapSnapshot {
  const nodeTypes = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic'];
  const edgeTypes = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];
  const strings: string[] = [];
  const str = (s: string) => (strings.includes(s) ? strings.indexOf(s) : strings.push(s) - 1);
  const flatNodes: number[] = [];
  const flatEdges: number[] = [];
  nodes.forEach((node, i) => {
    const out = edges.filter(([from]) => from === i);
    flatNodes.push(nodeTypes.indexOf(node.type), str(node.name), out.length);
    for (const [, to, type = 'property'] of out) flatEdges.push(edgeTypes.indexOf(type), str('e'), to * 3);
  });
  return {
    snapshot: { meta: { node_fields: ['type', 'name', 'edge_count'], node_types: [nodeTypes], edge_fields: ['type', 'name_or_index', 'to_node'], edge_types: [edgeTypes] } },
    nodes: flatNodes,
    edges: flatEdges,
    strings,
  };
}

describe('countLiveObjects', () => {
  const root = { type: 'synthetic', name: '' } as const;
  const window = { type: 'object', name: 'Window' } as const;
  const cases: { name: string; nodes: Parameters<typeof snapshot>[0]; edges: Parameters<typeof snapshot>[1]; expected: number }[] = [
    { name: 'held by the page', nodes: [root, window, { type: 'object', name: 'MediaStream' }], edges: [[0, 1], [1, 2]], expected: 1 },
    { name: 'wrapper and native object count twice', nodes: [root, window, { type: 'object', name: 'MediaStream' }, { type: 'native', name: 'MediaStream' }], edges: [[0, 1], [1, 2], [2, 3]], expected: 2 },
    { name: 'a detached native object', nodes: [root, window, { type: 'native', name: 'Detached MediaStream' }], edges: [[0, 1], [1, 2]], expected: 1 },
    { name: 'held only weakly', nodes: [root, window, { type: 'object', name: 'MediaStream' }], edges: [[0, 1], [1, 2, 'weak']], expected: 0 },
    { name: 'held by nothing', nodes: [root, window, { type: 'object', name: 'MediaStream' }], edges: [[0, 1]], expected: 0 },
    {
      name: "the type's template in Blink's per-context data",
      nodes: [root, { type: 'native', name: 'blink::V8PerContextData' }, { type: 'native', name: 'blink::HeapHashTableBacking<…>' }, { type: 'object', name: 'MediaStream' }],
      edges: [[0, 1], [1, 2], [2, 3]],
      expected: 0,
    },
    {
      name: 'a template that the page also holds',
      nodes: [root, { type: 'native', name: 'blink::V8PerContextData' }, { type: 'object', name: 'MediaStream' }, window],
      edges: [[0, 1], [1, 2], [0, 3], [3, 2]],
      expected: 1,
    },
    { name: 'other names', nodes: [root, window, { type: 'object', name: 'MediaStreamTrack' }, { type: 'closure', name: 'MediaStream' }], edges: [[0, 1], [1, 2], [1, 3]], expected: 0 },
  ];
  it.each(cases)('$name: $expected', ({ nodes, edges, expected }) => {
    expect(countLiveObjects(snapshot(nodes, edges), ['MediaStream'])).toEqual({ MediaStream: expected });
  });
});

describe('slope', () => {
  it.each([
    { xs: [1, 2, 3], ys: [10, 20, 30], expected: 10 },
    { xs: [1, 2, 3], ys: [5, 5, 5], expected: 0 },
    { xs: [1], ys: [5], expected: 0 },
    { xs: [2, 2], ys: [1, 9], expected: 0 },
  ])('$xs, $ys → $expected', ({ xs, ys, expected }) => expect(slope(xs, ys)).toBe(expected));
});
