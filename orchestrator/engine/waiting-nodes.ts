import type { Layout, NodeId } from '../domain/layout.ts';

/**
 * Up to `count` nodes where idle robots that found no free parking spot may wait (issue 14: with more
 * robots than parking spots they stood on a bin's node). Deterministic, from the layout alone:
 *
 * - never a station's node (a bin, line, dock, charger or parking spot), and only nodes a robot can
 *   reach from a station and get back from;
 * - never blocking a way: with robots standing on all the chosen nodes at once, every station node
 *   still reaches every station node it reached before (so a node that is an aisle's only way, such as
 *   the aisle node a bin's spur hangs off, is never chosen);
 * - first the nodes a waiting robot is least in the way on: not next to a node already chosen, then the
 *   fewest routes between stations through it (`routesThrough`: none through a dead end no station
 *   uses, few through the far end of an aisle, many through the main road), then the fewest neighbours
 *   (the far end of a dead end before its entrance), then the farthest, in hops, from the nodes already
 *   chosen (waiting robots spread over the plant instead of queueing in one aisle); ties by node id.
 *
 * Fewer than `count` when the layout has no more such nodes.
 */
export function chooseWaitingNodes(layout: Layout, count: number): NodeId[] {
  if (count <= 0) return [];
  const graph = indexGraph(layout);
  const stationNodes = new Set<number>();
  for (const s of layout.stations)
    for (const id of s.nodeIds) {
      const i = graph.index.get(id);
      if (i !== undefined) stationNodes.add(i);
    }
  const stations = [...stationNodes].sort((a, b) => a - b);
  const groups = reachabilityGroups(graph, stations);
  const reachable = new Set<number>();
  for (const g of groups) for (const i of g.both) reachable.add(i);
  const candidates = graph.ids.map((_id, i) => i).filter((i) => !stationNodes.has(i) && reachable.has(i));
  const traffic = routesThrough(graph, stations);

  const removed = new Uint8Array(graph.ids.length);
  const hopsToChosen = new Float64Array(graph.ids.length).fill(Infinity);
  const open = new Set(candidates);
  const chosen: NodeId[] = [];
  while (chosen.length < count && open.size > 0) {
    let best: number | undefined;
    for (const i of open) if (best === undefined || better(graph, traffic, hopsToChosen, i, best)) best = i;
    open.delete(best!);
    removed[best!] = 1;
    // Removing more nodes never reconnects anything: a node that blocks a way now always will.
    if (!groups.every((g) => stillConnected(graph, g.members, removed))) {
      removed[best!] = 0;
      continue;
    }
    chosen.push(graph.ids[best!]!);
    spreadHops(graph, best!, hopsToChosen);
  }
  return chosen;
}

interface IndexedGraph {
  readonly ids: readonly NodeId[];
  readonly index: ReadonlyMap<NodeId, number>;
  readonly out: readonly number[][];
  readonly in: readonly number[][];
  /** Distinct neighbours either way (for hop counts). */
  readonly around: readonly number[][];
}

function indexGraph(layout: Layout): IndexedGraph {
  const ids = layout.nodes.map((n) => n.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const out = ids.map((): number[] => []);
  const into = ids.map((): number[] => []);
  const around = ids.map(() => new Set<number>());
  for (const e of layout.edges) {
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    out[a]!.push(b);
    into[b]!.push(a);
    around[a]!.add(b);
    around[b]!.add(a);
  }
  return { ids, index, out, in: into, around: around.map((s) => [...s]) };
}

/**
 * Ranks candidate `a` before `b`: not next to a chosen node, less traffic, fewer neighbours (the far end of
 * a dead end before its entrance), farther from the chosen, id.
 */
function better(
  graph: IndexedGraph,
  traffic: Float64Array,
  hops: Float64Array,
  a: number,
  b: number,
): boolean {
  const nextA = hops[a]! <= 1;
  const nextB = hops[b]! <= 1;
  if (nextA !== nextB) return nextB;
  if (traffic[a] !== traffic[b]) return traffic[a]! < traffic[b]!;
  const around = graph.around[a]!.length - graph.around[b]!.length;
  if (around !== 0) return around < 0;
  if (hops[a] !== hops[b]) return hops[a]! > hops[b]!;
  return graph.ids[a]! < graph.ids[b]!;
}

/** At most this many station nodes are route sources when counting traffic (evenly spread over them). */
const MAX_ROUTE_SOURCES = 64;

/**
 * For every node, how many routes between station nodes pass through it: from each source station node
 * (all of them, or MAX_ROUTE_SOURCES spread evenly), one fewest-hops route to every other station node
 * (the breadth-first tree, first edge in layout order first). A proxy for the traffic a robot standing
 * there would be in the way of; 0 where no station's traffic needs to pass (a dead end no station uses).
 */
function routesThrough(graph: IndexedGraph, stations: readonly number[]): Float64Array {
  const through = new Float64Array(graph.ids.length);
  const isStation = new Uint8Array(graph.ids.length);
  for (const s of stations) isStation[s] = 1;
  const step = Math.max(1, stations.length / MAX_ROUTE_SOURCES);
  const below = new Float64Array(graph.ids.length);
  const parent = new Int32Array(graph.ids.length);
  for (let k = 0; k < stations.length; k += step) {
    const source = stations[Math.floor(k)]!;
    parent.fill(-1);
    parent[source] = source;
    const order = [source];
    for (let q = 0; q < order.length; q += 1)
      for (const n of graph.out[order[q]!]!)
        if (parent[n] === -1) {
          parent[n] = order[q]!;
          order.push(n);
        }
    for (const v of order) below[v] = isStation[v]!;
    for (let q = order.length - 1; q > 0; q -= 1) {
      const v = order[q]!;
      // Routes to station nodes below v pass through v (those ending at v itself do not).
      through[v]! += below[v]! - isStation[v]!;
      below[parent[v]!]! += below[v]!;
    }
  }
  return through;
}

/** Station nodes split into sets that reach each other both ways, with the nodes on their round trips. */
function reachabilityGroups(
  graph: IndexedGraph,
  stations: readonly number[],
): { members: number[]; both: Set<number> }[] {
  const none = new Uint8Array(graph.ids.length);
  const groups: { members: number[]; both: Set<number> }[] = [];
  const placed = new Set<number>();
  for (const s of stations) {
    if (placed.has(s)) continue;
    const forward = reach(graph.out, s, none);
    const backward = reach(graph.in, s, none);
    const both = new Set([...forward].filter((i) => backward.has(i)));
    const members = stations.filter((t) => both.has(t));
    for (const t of members) placed.add(t);
    groups.push({ members, both });
  }
  return groups;
}

/** True when the group's first member still reaches every member, and every member it, around `removed`. */
function stillConnected(graph: IndexedGraph, members: readonly number[], removed: Uint8Array): boolean {
  const first = members[0];
  if (first === undefined || members.length === 1) return true;
  const forward = reach(graph.out, first, removed);
  if (!members.every((m) => forward.has(m))) return false;
  const backward = reach(graph.in, first, removed);
  return members.every((m) => backward.has(m));
}

/** Nodes reachable from `start` along `next`, never entering a removed node. */
function reach(next: readonly number[][], start: number, removed: Uint8Array): Set<number> {
  const seen = new Set([start]);
  const queue = [start];
  for (let q = 0; q < queue.length; q += 1)
    for (const n of next[queue[q]!]!)
      if (removed[n] === 0 && !seen.has(n)) {
        seen.add(n);
        queue.push(n);
      }
  return seen;
}

/** Lowers each node's hop count to the nearest chosen node with the newly chosen `from` (either way). */
function spreadHops(graph: IndexedGraph, from: number, hops: Float64Array): void {
  hops[from] = 0;
  const queue = [from];
  for (let q = 0; q < queue.length; q += 1) {
    const at = queue[q]!;
    for (const n of graph.around[at]!)
      if (hops[at]! + 1 < hops[n]!) {
        hops[n] = hops[at]! + 1;
        queue.push(n);
      }
  }
}
