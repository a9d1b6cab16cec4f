import { describe, expect, it } from 'vitest';
import type { Layout, LayoutEdge, Station } from '../domain/layout.ts';
import { lineEdges } from './engine-test-kit.ts';
import { chooseWaitingNodes } from './waiting-nodes.ts';

function layoutOf(nodeIds: readonly string[], edges: LayoutEdge[], stations: Station[]): Layout {
  return {
    id: 'waiting',
    name: 'waiting',
    version: '1',
    nodes: nodeIds.map((id, i) => ({ id, x: i, y: 0, mapId: 'm' })),
    edges,
    stations,
  };
}

/**
 * A two-way ring T0..T4 / U4..U0 with bins on spurs off T1 and T3, a parking spot off U4, and a dead end
 * DE off U2 that no station uses.
 */
function ringPlant(): Layout {
  const ring = ['T0', 'T1', 'T2', 'T3', 'T4', 'U4', 'U3', 'U2', 'U1', 'U0'];
  const spurs = [
    ['T1', 'BN1'],
    ['T3', 'BN2'],
    ['U4', 'PK'],
    ['U2', 'DE'],
  ];
  return layoutOf([...ring, 'BN1', 'BN2', 'PK', 'DE'], [[...ring, 'T0'], ...spurs].flatMap(lineEdges), [
    { id: 'BIN-1', nodeIds: ['BN1'], role: 'storage-bin' },
    { id: 'BIN-2', nodeIds: ['BN2'], role: 'storage-bin' },
    { id: 'PARK', nodeIds: ['PK'], role: 'park' },
  ]);
}

/** The nodes reachable from `start` along the layout's edges, never entering `taken`. */
function reachable(layout: Layout, start: string, taken: ReadonlySet<string>): Set<string> {
  const seen = new Set([start]);
  for (const queue = [start]; queue.length > 0;) {
    const at = queue.shift()!;
    for (const e of layout.edges)
      if (e.from === at && !taken.has(e.to) && !seen.has(e.to)) {
        seen.add(e.to);
        queue.push(e.to);
      }
  }
  return seen;
}

describe('waiting nodes for idle robots beyond the parking spots', () => {
  it('when a dead end no station uses exists, then it is chosen first and the next one is not beside it', () => {
    expect(chooseWaitingNodes(ringPlant(), 1)).toEqual(['DE']);
    const two = chooseWaitingNodes(ringPlant(), 2);
    expect(two[0]).toBe('DE');
    expect(two[1]).not.toBe('U2');
  });

  it('when as many as possible are asked for, then none is a station node or a node a station hangs off, and robots on all of them still leave every station reachable from every other', () => {
    const layout = ringPlant();
    const chosen = chooseWaitingNodes(layout, 99);
    expect(chosen.length).toBeGreaterThan(1);
    for (const node of ['BN1', 'BN2', 'PK', 'T1', 'T3', 'U4']) expect(chosen).not.toContain(node);
    // Two robots on opposite sides of the ring would cut it: only one side is ever taken.
    const taken = new Set(chosen);
    for (const from of ['BN1', 'BN2', 'PK'])
      expect([...reachable(layout, from, taken)]).toEqual(expect.arrayContaining(['BN1', 'BN2', 'PK']));
  });

  it('when the only ways between stations are one-way, then no node on them is chosen', () => {
    // A one-way ring A > B > C > D > A with stations at A and C: B and D are each the only way one direction.
    const layout = layoutOf(
      ['A', 'B', 'C', 'D'],
      ['AB', 'BC', 'CD', 'DA'].map((id) => ({ id, from: id[0]!, to: id[1]!, lengthM: 1 })),
      [
        { id: 'S-A', nodeIds: ['A'], role: 'storage-bin' },
        { id: 'S-C', nodeIds: ['C'], role: 'line-side' },
      ],
    );
    expect(chooseWaitingNodes(layout, 2)).toEqual([]);
  });

  it('when none are asked for or the layout has no stations, then there are none', () => {
    expect(chooseWaitingNodes(ringPlant(), 0)).toEqual([]);
    expect(chooseWaitingNodes({ ...ringPlant(), stations: [] }, 3)).toEqual([]);
  });
});
