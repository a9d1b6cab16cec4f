/**
 * A* and reverse Dijkstra over a `CsrGraph`, with a reusable workspace: after construction a query
 * allocates nothing of size O(nodes) (only its result). Pure: no I/O, no clock.
 */
import type { EdgeId, NodeId } from '../domain/layout.ts';
import type { CsrGraph } from './csr-graph.ts';
import { IndexedMinHeap } from './csr-heap.ts';
import type { Route } from './router.ts';

/**
 * Searches one `CsrGraph`, with the semantics of `Router.route` for the graph's vehicle type and speed:
 * edges are directed, the cheapest allowed parallel edge is taken, blocked nodes may not be entered (the
 * start may be blocked), blocked edges are not driven. Costs are travel times in seconds.
 * Not re-entrant: use one `CsrSearch` per concurrent user; the block masks belong to it.
 */
export class CsrSearch {
  /** Per node: 1 = may not be entered (`Router`'s `blockedNodes`); the start of a search may be blocked. */
  private readonly blockedNodes: Uint8Array;
  /** Per arc (`CsrGraph` arc index): 1 = may not be driven (`Router`'s `blockedEdges`). */
  private readonly blockedArcs: Uint8Array;
  /** Set entries of both masks; 0 lets the searches skip the mask reads. */
  private blockedCount = 0;

  /** `g`, `h` and `parentArc` of node `v` are valid only while `stamp[v] === generation`. */
  private readonly stamp: Uint32Array;
  private generation = 0;
  private readonly g: Float64Array;
  private readonly h: Float64Array;
  private readonly parentArc: Int32Array;
  private readonly heap: IndexedMinHeap;
  private readonly queue: Int32Array;
  /** The last `search` that found a path: its goal and generation, for `pathArcs`. */
  private foundGoal = -1;
  private foundGeneration = -1;

  constructor(readonly graph: CsrGraph) {
    const n = graph.nodeCount;
    this.blockedNodes = new Uint8Array(n);
    this.blockedArcs = new Uint8Array(graph.arcCount);
    this.stamp = new Uint32Array(n);
    this.g = new Float64Array(n);
    this.h = new Float64Array(n);
    this.parentArc = new Int32Array(n);
    this.heap = new IndexedMinHeap(n);
    this.queue = new Int32Array(n);
  }

  /** Blocks or unblocks node `id`; false when the layout has no such node. */
  setNodeBlocked(id: NodeId, blocked: boolean): boolean {
    const v = this.graph.indexOf(id);
    if (v === undefined) return false;
    this.setNodeIndexBlocked(v, blocked);
    return true;
  }

  /** Blocks or unblocks edge `id`; false when it is not in the graph (unknown, or closed to the vehicle). */
  setEdgeBlocked(id: EdgeId, blocked: boolean): boolean {
    const arc = this.graph.arcOf(id);
    if (arc === undefined) return false;
    this.setArcBlocked(arc, blocked);
    return true;
  }

  /** Blocks or unblocks node index `v`; throws RangeError out of range. */
  setNodeIndexBlocked(v: number, blocked: boolean): void {
    this.blockedCount += setMask(this.blockedNodes, v, blocked);
  }

  /** Blocks or unblocks `arc`; throws RangeError out of range. */
  setArcBlocked(arc: number, blocked: boolean): void {
    this.blockedCount += setMask(this.blockedArcs, arc, blocked);
  }

  isNodeIndexBlocked(v: number): boolean {
    return this.blockedNodes[v] === 1;
  }

  isArcBlocked(arc: number): boolean {
    return this.blockedArcs[arc] === 1;
  }

  /** Unblocks every node and arc. */
  clearBlocks(): void {
    this.blockedNodes.fill(0);
    this.blockedArcs.fill(0);
    this.blockedCount = 0;
  }

  /**
   * Travel time, seconds, of the fastest path from node index `from` to `to`; Infinity when there is
   * none (unreachable, or `to` blocked or closed to the vehicle type); 0 when `from === to`.
   * After a finite result, `pathArcs()` gives the path. Throws RangeError for an index out of range.
   */
  search(from: number, to: number): number {
    const graph = this.graph;
    if (!(from >= 0 && from < graph.nodeCount && to >= 0 && to < graph.nodeCount)) {
      throw new RangeError(`node index out of range: ${from} -> ${to}`);
    }
    this.foundGoal = -1;
    if (from === to) {
      this.nextGeneration();
      this.touch(from, 0, -1, 0);
      this.found(to);
      return 0;
    }
    if (graph.nodeOpen[to] === 0 || this.blockedNodes[to] === 1) return Infinity;

    const { offsets, targets, costs, xs, ys } = graph;
    const hs = graph.heuristicSPerM;
    const hm = graph.manhattanSPerM;
    const gx = xs[to]!;
    const gy = ys[to]!;
    const { stamp, g, h, parentArc, heap, blockedArcs, blockedNodes } = this;
    const generation = this.nextGeneration();
    heap.clear();
    const dx0 = xs[from]! - gx;
    const dy0 = ys[from]! - gy;
    const h0 = Math.max(Math.sqrt(dx0 * dx0 + dy0 * dy0) * hs, (Math.abs(dx0) + Math.abs(dy0)) * hm);
    this.touch(from, 0, -1, h0);
    heap.push(from, h0, 0);
    // Ties on f go to the larger g (deeper node): far fewer expansions on grids, same cost.
    while (heap.size > 0) {
      const u = heap.pop();
      if (u === to) {
        this.found(to);
        return g[u]!;
      }
      const gu = g[u]!;
      const end = offsets[u + 1]!;
      for (let arc = offsets[u]!; arc < end; arc++) {
        if (blockedArcs[arc] === 1) continue;
        const v = targets[arc]!;
        if (blockedNodes[v] === 1) continue;
        const gv = gu + costs[arc]!;
        if (stamp[v] !== generation) {
          const dx = xs[v]! - gx;
          const dy = ys[v]! - gy;
          const hv = Math.max(Math.sqrt(dx * dx + dy * dy) * hs, (Math.abs(dx) + Math.abs(dy)) * hm);
          stamp[v] = generation;
          g[v] = gv;
          h[v] = hv;
          parentArc[v] = arc;
          heap.push(v, gv + hv, -gv);
        } else if (gv < g[v]!) {
          // Also reopens a settled node, which a consistent heuristic rules out but rounding may not.
          g[v] = gv;
          parentArc[v] = arc;
          heap.push(v, gv + h[v]!, -gv);
        }
      }
    }
    return Infinity;
  }

  /** The arcs of the path of the last successful `search`, start to goal; throws when there is none. */
  pathArcs(): Int32Array {
    if (this.foundGoal < 0 || this.foundGeneration !== this.generation) {
      throw new Error('no path: the last search found none');
    }
    let count = 0;
    for (let v = this.foundGoal; this.parentArc[v]! >= 0; v = this.graph.sourceOf(this.parentArc[v]!))
      count++;
    const arcs = new Int32Array(count);
    for (let v = this.foundGoal, i = count - 1; i >= 0; i--) {
      const arc = this.parentArc[v]!;
      arcs[i] = arc;
      v = this.graph.sourceOf(arc);
    }
    return arcs;
  }

  /**
   * The fastest route between two node ids, as `Router.route` returns it for this graph's vehicle type
   * and speed with the current blocks; undefined when there is none or an id is unknown.
   */
  route(from: NodeId, to: NodeId): Route | undefined {
    const a = this.graph.indexOf(from);
    const b = this.graph.indexOf(to);
    if (a === undefined || b === undefined) return undefined;
    if (a === b) return { nodeIds: [from], edgeIds: [], lengthM: 0, durationS: 0 };
    if (this.search(a, b) === Infinity) return undefined;
    const arcs = this.pathArcs();
    const nodeIds: NodeId[] = [from];
    const edgeIds: EdgeId[] = [];
    let lengthM = 0;
    let durationS = 0;
    for (const arc of arcs) {
      nodeIds.push(this.graph.nodeId(this.graph.targets[arc]!));
      edgeIds.push(this.graph.edgeOfArc(arc).id);
      lengthM += this.graph.lengths[arc]!;
      durationS += this.graph.costs[arc]!;
    }
    return { nodeIds, edgeIds, lengthM, durationS };
  }

  /**
   * Travel time, seconds, from every node to node index `goal` with the current blocks (Infinity where
   * there is no route, 0 at `goal`; a blocked node gets its time but is not passed through). Written
   * into `out` (length >= nodeCount) when given, else into a new array. Runs a breadth-first search when
   * all arcs cost the same, else Dijkstra. Throws RangeError for an index out of range or a short `out`.
   */
  distancesTo(goal: number, out?: Float64Array): Float64Array {
    const graph = this.graph;
    const n = graph.nodeCount;
    if (!(goal >= 0 && goal < n)) throw new RangeError(`node index out of range: ${goal}`);
    const dist = out ?? new Float64Array(n);
    if (dist.length < n) throw new RangeError(`out has ${dist.length} entries, the graph ${n} nodes`);
    dist.fill(Infinity, 0, n);
    dist[goal] = 0;
    if (graph.nodeOpen[goal] === 0 || this.blockedNodes[goal] === 1) return dist;
    const { reverseOffsets, reverseArcs, reverseSources, reverseCosts } = graph;
    const { blockedArcs, blockedNodes } = this;

    const uniform = graph.uniformArcCostS;
    if (uniform !== undefined) {
      const queue = this.queue;
      const unblocked = this.blockedCount === 0;
      let head = 0;
      let tail = 0;
      queue[tail++] = goal;
      while (head < tail) {
        const v = queue[head++]!;
        const next = dist[v]! + uniform;
        const end = reverseOffsets[v + 1]!;
        for (let slot = reverseOffsets[v]!; slot < end; slot++) {
          const u = reverseSources[slot]!;
          if (dist[u] !== Infinity) continue;
          if (unblocked) {
            dist[u] = next;
            queue[tail++] = u;
          } else if (blockedArcs[reverseArcs[slot]!] === 0) {
            dist[u] = next;
            if (blockedNodes[u] === 0) queue[tail++] = u;
          }
        }
      }
      return dist;
    }

    if (graph.reverseUnits !== undefined) return this.bucketDistancesTo(goal, dist);

    const heap = this.heap;
    heap.clear();
    heap.push(goal, 0, 0);
    while (heap.size > 0) {
      const v = heap.pop();
      if (blockedNodes[v] === 1) continue;
      const dv = dist[v]!;
      const end = reverseOffsets[v + 1]!;
      for (let slot = reverseOffsets[v]!; slot < end; slot++) {
        if (blockedArcs[reverseArcs[slot]!] === 1) continue;
        const u = reverseSources[slot]!;
        const du = dv + reverseCosts[slot]!;
        if (du < dist[u]!) {
          dist[u] = du;
          heap.push(u, du, 0);
        }
      }
    }
    return dist;
  }

  /**
   * `distancesTo` when every arc costs a whole multiple of one unit (Dial's algorithm): buckets by
   * distance in units instead of a heap, O(nodes + arcs). `dist` holds units until the end.
   */
  private bucketDistancesTo(goal: number, dist: Float64Array): Float64Array {
    const graph = this.graph;
    const { reverseOffsets, reverseArcs, reverseSources } = graph;
    const units = graph.reverseUnits!;
    const { blockedArcs, blockedNodes } = this;
    const size = graph.maxArcUnits + 1;
    const buckets = (this.buckets ??= Array.from({ length: size }, () => []));
    for (const b of buckets) b.length = 0;
    buckets[0]!.push(goal);
    let queued = 1;
    for (let d = 0; queued > 0; d++) {
      const bucket = buckets[d % size]!;
      while (bucket.length > 0) {
        const v = bucket.pop()!;
        queued--;
        if (dist[v] !== d || blockedNodes[v] === 1) continue; // stale, or may be reached but not crossed
        const end = reverseOffsets[v + 1]!;
        for (let slot = reverseOffsets[v]!; slot < end; slot++) {
          if (blockedArcs[reverseArcs[slot]!] === 1) continue;
          const u = reverseSources[slot]!;
          const du = d + units[slot]!;
          if (du < dist[u]!) {
            dist[u] = du;
            buckets[du % size]!.push(u);
            queued++;
          }
        }
      }
    }
    const unit = graph.arcUnitS!;
    for (let i = 0; i < graph.nodeCount; i++) if (dist[i] !== Infinity) dist[i] = dist[i]! * unit;
    return dist;
  }

  private buckets: number[][] | undefined;

  private nextGeneration(): number {
    if (this.generation === 0xffffffff) {
      this.stamp.fill(0);
      this.generation = 0;
    }
    return ++this.generation;
  }

  private touch(v: number, g: number, parentArc: number, h: number): void {
    this.stamp[v] = this.generation;
    this.g[v] = g;
    this.h[v] = h;
    this.parentArc[v] = parentArc;
  }

  private found(goal: number): void {
    this.foundGoal = goal;
    this.foundGeneration = this.generation;
  }
}

/** Sets `mask[index]`; returns the change in the number of set entries. */
function setMask(mask: Uint8Array, index: number, blocked: boolean): number {
  if (!(index >= 0 && index < mask.length)) throw new RangeError(`index ${index} out of range`);
  const before = mask[index]!;
  const after = blocked ? 1 : 0;
  mask[index] = after;
  return after - before;
}
