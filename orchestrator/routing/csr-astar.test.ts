import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EdgeId, Layout, LayoutEdge, LayoutNode, NodeId } from '../domain/layout.ts';
import { importLif } from '../layout-import/lif.ts';
import { importMovingAiMap } from '../layout-import/movingai.ts';
import { CsrSearch } from './csr-astar.ts';
import { CsrGraph } from './csr-graph.ts';
import type { CsrGraphOptions } from './csr-graph.ts';
import { Router } from './router.ts';
import type { Route, RouteQuery } from './router.ts';

const TOLERANCE = 1e-9;

function warehouse(name: string): Layout {
  const text = readFileSync(new URL(`../layout-import/fixtures/mapf/${name}.map`, import.meta.url), 'utf8');
  return importMovingAiMap(text, { name }).value;
}

function demoPlant(): Layout {
  const doc: unknown = JSON.parse(
    readFileSync(new URL('../../layouts/demo-plant.lif.json', import.meta.url), 'utf8'),
  );
  return importLif(doc).value;
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A search with `q`'s blocks set; the graph is built for `q`'s vehicle type and speed. */
function csrFor(graph: CsrGraph, q: Pick<RouteQuery, 'blockedEdges' | 'blockedNodes'>): CsrSearch {
  const search = new CsrSearch(graph);
  for (const id of q.blockedNodes ?? []) search.setNodeBlocked(id, true);
  for (const id of q.blockedEdges ?? []) search.setEdgeBlocked(id, true);
  return search;
}

/** The route is a real walk of `layout` from `from` to `to`, and its totals add up. */
const edgeMaps = new WeakMap<Layout, Map<EdgeId, LayoutEdge>>();

function expectValidRoute(layout: Layout, route: Route, from: NodeId, to: NodeId, speedMps: number): void {
  const edges = edgeMaps.get(layout) ?? new Map(layout.edges.map((e) => [e.id, e]));
  edgeMaps.set(layout, edges);
  expect(route.nodeIds[0]).toBe(from);
  expect(route.nodeIds.at(-1)).toBe(to);
  expect(route.edgeIds).toHaveLength(route.nodeIds.length - 1);
  let durationS = 0;
  route.edgeIds.forEach((id, i) => {
    const edge = edges.get(id)!;
    expect([edge.from, edge.to]).toEqual([route.nodeIds[i], route.nodeIds[i + 1]]);
    durationS += edge.lengthM / Math.min(speedMps, edge.maxSpeedMps ?? Infinity);
  });
  expect(Math.abs(durationS - route.durationS)).toBeLessThanOrEqual(TOLERANCE);
}

/**
 * Runs `count` random queries through `Router` and `CsrSearch` and compares them; returns how many
 * found a route of at least one edge.
 */
function crossCheck(
  layout: Layout,
  options: CsrGraphOptions & { readonly seed: number; readonly count: number },
  blocks: Pick<RouteQuery, 'blockedEdges' | 'blockedNodes'> = {},
): number {
  const router = new Router(layout);
  const graph = new CsrGraph(layout, options);
  const search = csrFor(graph, blocks);
  const random = prng(options.seed);
  const speedMps = options.speedMps ?? 1;
  let found = 0;
  for (let i = 0; i < options.count; i++) {
    const from = pick(layout.nodes, random).id;
    const to = pick(layout.nodes, random).id;
    const q: RouteQuery = {
      from,
      to,
      speedMps,
      ...(options.vehicleType === undefined ? {} : { vehicleType: options.vehicleType }),
      ...blocks,
    };
    const expected = router.route(q);
    const actual = search.route(from, to);
    expect(actual === undefined, `${from} -> ${to}`).toBe(expected === undefined);
    if (expected === undefined || actual === undefined) continue;
    if (actual.edgeIds.length > 0) found++;
    expect(Math.abs(actual.durationS - expected.durationS), `${from} -> ${to}`).toBeLessThanOrEqual(
      TOLERANCE,
    );
    expectValidRoute(layout, actual, from, to, speedMps);
  }
  return found;
}

/**
 * `base` made irregular: random speed limits, vehicle types on some nodes and edges, faster parallel
 * twins of some edges for one type only, and a few long "lift" edges shorter than the straight line.
 */
function irregular(base: Layout, seed: number): Layout {
  const random = prng(seed);
  const nodes: LayoutNode[] = base.nodes.map((n) =>
    random() < 0.05 ? { ...n, vehicleTypes: ['small'] } : n,
  );
  const edges: LayoutEdge[] = [];
  for (const e of base.edges) {
    const roll = random();
    const limited: LayoutEdge =
      roll < 0.3 ? { ...e, maxSpeedMps: 0.25 + random() } : roll < 0.35 ? { ...e, vehicleTypes: ['big'] } : e;
    edges.push(limited);
    if (random() < 0.05) {
      edges.push({ ...e, id: `${e.id}~fast`, maxSpeedMps: 3, vehicleTypes: ['small'] });
    }
  }
  for (let i = 0; i < 20; i++) {
    const a = pick(base.nodes, random);
    const b = pick(base.nodes, random);
    edges.push({ id: `lift-${i}`, from: a.id, to: b.id, lengthM: 1 + random() * 5 });
  }
  return { ...base, nodes, edges };
}

function randomBlocks(
  layout: Layout,
  seed: number,
  share: number,
): Pick<RouteQuery, 'blockedEdges' | 'blockedNodes'> {
  const random = prng(seed);
  const blockedNodes = new Set<NodeId>(layout.nodes.filter(() => random() < share).map((n) => n.id));
  const blockedEdges = new Set<EdgeId>(layout.edges.filter(() => random() < share).map((e) => e.id));
  return { blockedNodes, blockedEdges };
}

describe('CsrSearch against Router', () => {
  it.each(['warehouse-10-20-10-2-1', 'warehouse-20-40-10-2-1'])(
    'when random pairs are routed on %s, then the durations equal those of Router and the routes are valid walks',
    (name) => {
      const layout = warehouse(name);
      expect(crossCheck(layout, { seed: 1, count: 150 })).toBe(150);
      expect(crossCheck(layout, { seed: 2, count: 150, heuristic: 'euclidean-manhattan' })).toBe(150);
    },
    60_000,
  );

  it('when random pairs are routed on the demo plant by type and speed, then the durations equal those of Router', () => {
    const layout = demoPlant();
    expect(
      crossCheck(layout, { seed: 3, count: 1000, vehicleType: 'amr-pallet', speedMps: 1.5 }),
    ).toBeGreaterThan(950);
    expect(crossCheck(layout, { seed: 4, count: 1000, vehicleType: 'other-type' })).toBe(0);
    expect(crossCheck(layout, { seed: 5, count: 500 })).toBeGreaterThan(0);
  }, 60_000);

  it('when the layout has speed limits, typed nodes and edges, parallel edges and lifts, then the durations equal those of Router', () => {
    const layout = irregular(warehouse('warehouse-10-20-10-2-1'), 6);
    for (const vehicleType of ['small', 'big', undefined]) {
      const options = {
        seed: 7,
        count: 100,
        speedMps: 1.2,
        ...(vehicleType === undefined ? {} : { vehicleType }),
      };
      expect(crossCheck(layout, options)).toBeGreaterThan(60);
      expect(crossCheck(layout, { ...options, heuristic: 'euclidean-manhattan' })).toBeGreaterThan(60);
    }
  }, 60_000);

  it('when nodes and edges are blocked, then the durations and unreachable goals equal those of Router', () => {
    const layout = irregular(warehouse('warehouse-10-20-10-2-1'), 8);
    const found = crossCheck(
      layout,
      { seed: 9, count: 300, vehicleType: 'small' },
      randomBlocks(layout, 10, 0.15),
    );
    expect(found).toBeGreaterThan(20);
    expect(found).toBeLessThan(300);
  }, 60_000);
});

describe('CsrSearch.distancesTo', () => {
  function expectDistancesMatchSearch(
    layout: Layout,
    options: CsrGraphOptions,
    seed: number,
    share: number,
  ): void {
    const graph = new CsrGraph(layout, options);
    const search = new CsrSearch(graph);
    const random = prng(seed);
    for (let v = 0; v < graph.nodeCount; v++) if (random() < share) search.setNodeIndexBlocked(v, true);
    for (let arc = 0; arc < graph.arcCount; arc++) if (random() < share) search.setArcBlocked(arc, true);
    const out = new Float64Array(graph.nodeCount);
    for (let k = 0; k < 5; k++) {
      const goal = Math.floor(random() * graph.nodeCount);
      const dist = search.distancesTo(goal, out);
      for (let i = 0; i < 60; i++) {
        const from = Math.floor(random() * graph.nodeCount);
        const expected = search.search(from, goal);
        if (expected === Infinity) expect(dist[from]).toBe(Infinity);
        else expect(Math.abs(dist[from]! - expected)).toBeLessThanOrEqual(TOLERANCE);
      }
    }
  }

  it('when all arcs cost the same (breadth-first), then every distance equals the A* cost', () => {
    const layout = warehouse('warehouse-20-40-10-2-1');
    expect(new CsrGraph(layout).uniformArcCostS).toBe(1);
    expectDistancesMatchSearch(layout, {}, 11, 0);
    expectDistancesMatchSearch(layout, {}, 12, 0.1);
  });

  it('when arcs cost differently (Dijkstra), then every distance equals the A* cost', () => {
    const layout = irregular(warehouse('warehouse-10-20-10-2-1'), 13);
    expect(new CsrGraph(layout, { vehicleType: 'small' }).uniformArcCostS).toBeUndefined();
    expect(new CsrGraph(layout, { vehicleType: 'small' }).arcUnitS).toBeUndefined();
    expectDistancesMatchSearch(layout, { vehicleType: 'small', speedMps: 2 }, 14, 0);
    expectDistancesMatchSearch(layout, { vehicleType: 'small', speedMps: 2 }, 15, 0.1);
    expectDistancesMatchSearch(demoPlant(), { vehicleType: 'amr-pallet' }, 16, 0.05);
  });

  it('when arcs cost whole multiples of one unit (lane guidance: bucket queue), then every distance equals the A* cost', () => {
    const layout = warehouse('warehouse-10-20-10-2-1');
    // Edges of about one in three against their "lane", as crisscross guidance weights them.
    const arcWeight = (e: LayoutEdge): number => {
      let hash = 7;
      for (let i = 0; i < e.id.length; i++) hash = (hash * 31 + e.id.charCodeAt(i)) % 997;
      return hash % 3 === 0 ? 16 : 1;
    };
    const graph = new CsrGraph(layout, { arcWeight });
    expect(graph.uniformArcCostS).toBeUndefined();
    expect([graph.arcUnitS, graph.maxArcUnits]).toEqual([1, 16]);
    expectDistancesMatchSearch(layout, { arcWeight }, 21, 0);
    expectDistancesMatchSearch(layout, { arcWeight }, 22, 0.1);
    expectDistancesMatchSearch(layout, { arcWeight: (e) => arcWeight(e) * 3, speedMps: 2 }, 23, 0.05);
  });

  it('when the goal is blocked, then only the goal itself has a distance', () => {
    const graph = new CsrGraph(warehouse('warehouse-10-20-10-2-1'));
    const search = new CsrSearch(graph);
    search.setNodeIndexBlocked(5, true);
    const dist = search.distancesTo(5);
    expect(dist[5]).toBe(0);
    expect(dist.filter((d) => d < Infinity)).toHaveLength(1);
    search.clearBlocks();
    expect(search.distancesTo(5).every((d) => d < Infinity)).toBe(true);
  });
});

describe('CsrSearch on small layouts (the Router cases)', () => {
  const node = (id: string, x: number, y: number, extra: Partial<LayoutNode> = {}): LayoutNode => ({
    id,
    x,
    y,
    mapId: 'm',
    ...extra,
  });
  const layout = (nodes: LayoutNode[], edges: LayoutEdge[]): Layout => ({
    id: 't',
    name: 't',
    version: '1',
    nodes,
    edges,
    stations: [],
  });
  const line = (from: string, to: string, lengthM: number, extra: Partial<LayoutEdge> = {}): LayoutEdge => ({
    id: `${from}>${to}`,
    from,
    to,
    lengthM,
    ...extra,
  });
  const square = [node('A', 0, 0), node('B', 10, 0), node('C', 10, 10), node('D', 0, 10)];
  const ring = layout(square, [
    line('A', 'B', 10),
    line('B', 'C', 10),
    line('C', 'D', 10),
    line('D', 'A', 10),
  ]);

  it('when the ring is one-way, then a route against the flow goes all the way round', () => {
    const search = new CsrSearch(new CsrGraph(ring));
    expect(search.route('A', 'D')).toEqual({
      nodeIds: ['A', 'B', 'C', 'D'],
      edgeIds: ['A>B', 'B>C', 'C>D'],
      lengthM: 30,
      durationS: 30,
    });
    expect(search.route('D', 'A')?.nodeIds).toEqual(['D', 'A']);
  });

  it('when from equals to, then the route is the single node, even if blocked', () => {
    const search = new CsrSearch(new CsrGraph(ring));
    search.setNodeBlocked('C', true);
    expect(search.route('C', 'C')).toEqual({ nodeIds: ['C'], edgeIds: [], lengthM: 0, durationS: 0 });
    expect(search.search(2, 2)).toBe(0);
    expect(search.pathArcs()).toHaveLength(0);
  });

  it('when the start is blocked, then the route still leaves it; when the goal is, there is none', () => {
    const search = new CsrSearch(new CsrGraph(ring));
    search.setNodeBlocked('A', true);
    expect(search.route('A', 'C')?.nodeIds).toEqual(['A', 'B', 'C']);
    expect(search.route('D', 'B')).toBeUndefined();
    search.setNodeBlocked('A', false);
    expect(search.route('D', 'B')?.nodeIds).toEqual(['D', 'A', 'B']);
  });

  it('when ids are unknown or the goal is unreachable, then route is undefined and blocking reports false', () => {
    const search = new CsrSearch(new CsrGraph(layout([...square, node('X', 50, 50)], ring.edges.slice())));
    expect(search.route('A', 'X')).toBeUndefined();
    expect(search.route('A', 'nowhere')).toBeUndefined();
    expect(search.route('nowhere', 'A')).toBeUndefined();
    expect(search.setNodeBlocked('nowhere', true)).toBe(false);
    expect(search.setEdgeBlocked('nowhere', true)).toBe(false);
    expect(search.setEdgeBlocked('A>B', true)).toBe(true);
    expect(search.route('A', 'B')).toBeUndefined();
    expect(() => search.pathArcs()).toThrow(Error);
    expect(() => search.search(0, 99)).toThrow(RangeError);
  });

  it('when parallel edges join two nodes, then the fastest allowed and unblocked one is used', () => {
    const nodes = [node('A', 0, 0), node('B', 10, 0)];
    const plant = layout(nodes, [
      { id: 'slow', from: 'A', to: 'B', lengthM: 10, maxSpeedMps: 0.3 },
      { id: 'fast', from: 'A', to: 'B', lengthM: 10, maxSpeedMps: 0.8, vehicleTypes: ['t1'] },
    ]);
    const t1 = new CsrSearch(new CsrGraph(plant, { vehicleType: 't1' }));
    expect(t1.route('A', 'B')?.edgeIds).toEqual(['fast']);
    expect(t1.setEdgeBlocked('fast', true)).toBe(true);
    expect(t1.route('A', 'B')?.edgeIds).toEqual(['slow']);
    const t2 = new CsrSearch(new CsrGraph(plant, { vehicleType: 't2' }));
    expect(t2.route('A', 'B')?.edgeIds).toEqual(['slow']);
    expect(t2.setEdgeBlocked('fast', true)).toBe(false); // closed to t2: not in its graph
  });

  it('when an edge is shorter than the straight line (a lift), then A* still finds the fastest route', () => {
    const nodes = [node('A', 0, 0), node('B', 100, 0), node('C', 0, 5), node('D', 100, 5)];
    const plant = layout(nodes, [
      line('A', 'B', 100),
      { id: 'lift', from: 'A', to: 'C', lengthM: 1 },
      { id: 'tunnel', from: 'C', to: 'D', lengthM: 2 },
      line('B', 'D', 5),
    ]);
    for (const heuristic of ['euclidean', 'euclidean-manhattan'] as const) {
      expect(new CsrSearch(new CsrGraph(plant, { heuristic })).route('A', 'D')?.edgeIds).toEqual([
        'lift',
        'tunnel',
      ]);
    }
  });

  it('when a node is closed to the vehicle type, then routes avoid it and cannot end there, but may start there', () => {
    const nodes = [
      node('S', 0, 0),
      node('M', 2, 0, { vehicleTypes: ['small'] }),
      node('G', 4, 0),
      node('L', 2, 2),
    ];
    const both = (a: string, b: string, m: number): LayoutEdge[] => [line(a, b, m), line(b, a, m)];
    const plant = layout(nodes, [
      ...both('S', 'M', 2),
      ...both('M', 'G', 2),
      ...both('S', 'L', 3),
      ...both('L', 'G', 3),
    ]);
    const big = new CsrSearch(new CsrGraph(plant, { vehicleType: 'big', speedMps: 2 }));
    expect(big.route('S', 'G')).toEqual({
      nodeIds: ['S', 'L', 'G'],
      edgeIds: ['S>L', 'L>G'],
      lengthM: 6,
      durationS: 3,
    });
    expect(big.route('S', 'M')).toBeUndefined();
    expect(big.route('M', 'G')?.nodeIds).toEqual(['M', 'G']);
    expect(new CsrSearch(new CsrGraph(plant, { vehicleType: 'small' })).route('S', 'G')?.nodeIds).toEqual([
      'S',
      'M',
      'G',
    ]);
  });

  it('when the graph is built with a bad speed or a dangling edge, then it throws RangeError', () => {
    expect(() => new CsrGraph(ring, { speedMps: 0 })).toThrow(RangeError);
    expect(() => new CsrGraph(layout(square, [line('A', 'Z', 1)]))).toThrow(RangeError);
  });

  it('when queries are interleaved on one workspace, then each answer equals that of a fresh search', () => {
    const graph = new CsrGraph(warehouse('warehouse-10-20-10-2-1'));
    const shared = new CsrSearch(graph);
    const random = prng(17);
    for (let i = 0; i < 50; i++) {
      const from = Math.floor(random() * graph.nodeCount);
      const to = Math.floor(random() * graph.nodeCount);
      const fresh = new CsrSearch(graph);
      expect(shared.search(from, to)).toBe(fresh.search(from, to));
      expect(Array.from(shared.pathArcs())).toEqual(Array.from(fresh.pathArcs()));
      if (i % 10 === 0) shared.distancesTo(from);
    }
  });
});
