import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Layout, LayoutEdge, LayoutNode } from '../domain/layout.ts';
import { importLif } from '../layout-import/lif.ts';
import { Router } from './router.ts';

function node(id: string, x: number, y: number, extra: Partial<LayoutNode> = {}): LayoutNode {
  return { id, x, y, mapId: 'm', ...extra };
}

/** A straight edge between two of `nodes`, length = distance. */
function edge(
  nodes: readonly LayoutNode[],
  from: string,
  to: string,
  extra: Partial<LayoutEdge> = {},
): LayoutEdge {
  const a = nodes.find((n) => n.id === from)!;
  const b = nodes.find((n) => n.id === to)!;
  return { id: `${from}>${to}`, from, to, lengthM: Math.hypot(b.x - a.x, b.y - a.y), ...extra };
}

function layout(nodes: LayoutNode[], edges: LayoutEdge[]): Layout {
  return { id: 't', name: 't', version: '1', nodes, edges, stations: [] };
}

/** A 10 m square A(0,0) B(10,0) C(10,10) D(0,10), driven one way: A->B->C->D->A. */
const square = [node('A', 0, 0), node('B', 10, 0), node('C', 10, 10), node('D', 0, 10)];
const ring = layout(square, [
  edge(square, 'A', 'B'),
  edge(square, 'B', 'C'),
  edge(square, 'C', 'D'),
  edge(square, 'D', 'A'),
]);

/** Two-way grid: short way S-M-G (4 m), long way S-L1-L2-G (8 m). */
const grid = [node('S', 0, 0), node('M', 2, 0), node('G', 4, 0), node('L1', 0, 2), node('L2', 4, 2)];
function twoWay(from: string, to: string, extra: Partial<LayoutEdge> = {}): LayoutEdge[] {
  return [edge(grid, from, to, extra), edge(grid, to, from, extra)];
}

describe('Router', () => {
  it('when the ring is one-way, then a route against the flow goes all the way round', () => {
    const router = new Router(ring);
    const route = router.route({ from: 'A', to: 'D' })!;
    expect(route.nodeIds).toEqual(['A', 'B', 'C', 'D']);
    expect(route.edgeIds).toEqual(['A>B', 'B>C', 'C>D']);
    expect(route.lengthM).toBeCloseTo(30);
    expect(router.route({ from: 'D', to: 'A' })?.nodeIds).toEqual(['D', 'A']);
  });

  it('when a speed is given, then the duration is length over the slower of vehicle and edge limit', () => {
    const nodes = [node('A', 0, 0), node('B', 10, 0), node('C', 20, 0)];
    const router = new Router(
      layout(nodes, [edge(nodes, 'A', 'B', { maxSpeedMps: 0.5 }), edge(nodes, 'B', 'C')]),
    );
    const route = router.route({ from: 'A', to: 'C', speedMps: 2 })!;
    expect(route.durationS).toBeCloseTo(10 / 0.5 + 10 / 2);
    expect(router.route({ from: 'A', to: 'C' })!.durationS).toBeCloseTo(20 + 10); // default 1 m/s
  });

  it('when the short way is open to one vehicle type only, then other types take the long way', () => {
    const router = new Router(
      layout(grid, [
        ...twoWay('S', 'M', { vehicleTypes: ['small'] }),
        ...twoWay('M', 'G', { vehicleTypes: ['small'] }),
        ...twoWay('S', 'L1'),
        ...twoWay('L1', 'L2'),
        ...twoWay('L2', 'G'),
      ]),
    );
    expect(router.route({ from: 'S', to: 'G', vehicleType: 'small' })?.nodeIds).toEqual(['S', 'M', 'G']);
    expect(router.route({ from: 'S', to: 'G', vehicleType: 'big' })?.nodeIds).toEqual(['S', 'L1', 'L2', 'G']);
  });

  it('when a node is closed to a vehicle type, then routes of that type avoid it and cannot end there', () => {
    const nodes = grid.map((n) => (n.id === 'M' ? { ...n, vehicleTypes: ['small'] } : n));
    const router = new Router(
      layout(nodes, [
        ...twoWay('S', 'M'),
        ...twoWay('M', 'G'),
        ...twoWay('S', 'L1'),
        ...twoWay('L1', 'L2'),
        ...twoWay('L2', 'G'),
      ]),
    );
    expect(router.route({ from: 'S', to: 'G', vehicleType: 'big' })?.nodeIds).toEqual(['S', 'L1', 'L2', 'G']);
    expect(router.route({ from: 'S', to: 'M', vehicleType: 'big' })).toBeUndefined();
    expect(router.route({ from: 'M', to: 'S', vehicleType: 'big' })?.nodeIds).toEqual(['M', 'S']);
  });

  it('when an edge or node on the short way is blocked, then the route detours', () => {
    const router = new Router(
      layout(grid, [
        ...twoWay('S', 'M'),
        ...twoWay('M', 'G'),
        ...twoWay('S', 'L1'),
        ...twoWay('L1', 'L2'),
        ...twoWay('L2', 'G'),
      ]),
    );
    expect(router.route({ from: 'S', to: 'G' })?.nodeIds).toEqual(['S', 'M', 'G']);
    const viaLong = ['S', 'L1', 'L2', 'G'];
    expect(router.route({ from: 'S', to: 'G', blockedEdges: new Set(['M>G']) })?.nodeIds).toEqual(viaLong);
    expect(router.route({ from: 'S', to: 'G', blockedNodes: new Set(['M']) })?.nodeIds).toEqual(viaLong);
    // The start node may be blocked: the robot is standing on it.
    expect(router.route({ from: 'S', to: 'G', blockedNodes: new Set(['S']) })?.nodeIds).toEqual([
      'S',
      'M',
      'G',
    ]);
  });

  it('when the goal cannot be reached, then route is undefined', () => {
    const nodes = [...square, node('X', 50, 50)];
    const router = new Router(layout(nodes, ring.edges.slice()));
    expect(router.route({ from: 'A', to: 'X' })).toBeUndefined();
    expect(router.route({ from: 'A', to: 'B', blockedEdges: new Set(['A>B']) })).toBeUndefined();
    expect(router.route({ from: 'A', to: 'C', blockedNodes: new Set(['C']) })).toBeUndefined();
    expect(router.route({ from: 'A', to: 'nowhere' })).toBeUndefined();
    expect(router.route({ from: 'nowhere', to: 'A' })).toBeUndefined();
  });

  it('when from equals to, then the route is the single node with zero length and duration', () => {
    expect(new Router(ring).route({ from: 'C', to: 'C' })).toEqual({
      nodeIds: ['C'],
      edgeIds: [],
      lengthM: 0,
      durationS: 0,
    });
  });

  it('when parallel edges join two nodes, then the cheapest allowed one is used', () => {
    const nodes = [node('A', 0, 0), node('B', 10, 0)];
    const router = new Router(
      layout(nodes, [
        { id: 'slow', from: 'A', to: 'B', lengthM: 10, maxSpeedMps: 0.3 },
        { id: 'fast', from: 'A', to: 'B', lengthM: 10, maxSpeedMps: 0.8, vehicleTypes: ['t1'] },
      ]),
    );
    expect(router.route({ from: 'A', to: 'B', vehicleType: 't1' })?.edgeIds).toEqual(['fast']);
    expect(router.route({ from: 'A', to: 'B', vehicleType: 't2' })?.edgeIds).toEqual(['slow']);
    expect(
      router.route({ from: 'A', to: 'B', vehicleType: 't1', blockedEdges: new Set(['fast']) })?.edgeIds,
    ).toEqual(['slow']);
  });

  it('when an edge is shorter than the straight line (a lift), then A* still finds the fastest route', () => {
    const nodes = [node('A', 0, 0), node('B', 100, 0), node('C', 0, 5), node('D', 100, 5)];
    const router = new Router(
      layout(nodes, [
        edge(nodes, 'A', 'B'),
        { id: 'lift', from: 'A', to: 'C', lengthM: 1 },
        { id: 'tunnel', from: 'C', to: 'D', lengthM: 2 },
        edge(nodes, 'B', 'D'),
      ]),
    );
    expect(router.route({ from: 'A', to: 'D' })?.edgeIds).toEqual(['lift', 'tunnel']);
  });

  it('when LIF example 12 is routed, then the faster of the parallel edges N1->N0 is taken', () => {
    const doc: unknown = JSON.parse(
      readFileSync(
        new URL(
          '../layout-import/fixtures/lif/12-multiple-edges-between-same-two-nodes-for-different-vehicletypeedgeproperty-constraints.json',
          import.meta.url,
        ),
        'utf8',
      ),
    );
    const router = new Router(importLif(doc).value);
    const route = router.route({ from: 'N1', to: 'N0', vehicleType: 'Vehicle_Type_1', speedMps: 2 })!;
    expect(route.edgeIds).toEqual(['N1-N0_Stable_Load']);
    expect(route.durationS).toBeCloseTo(5 / 0.8);
    expect(
      router
        .outEdges('N1')
        .map((e) => e.id)
        .sort(),
    ).toEqual(['N1-N0_Stable_Load', 'N1-N0_Unstable_Load']);
  });
});
