/**
 * A `Layout` compiled for one vehicle type and speed into compressed sparse rows (typed arrays), for
 * allocation-free searches (`csr-astar.ts`). Pure: no I/O, no clock.
 */
import type { EdgeId, Layout, LayoutEdge, NodeId, VehicleTypeId } from '../domain/layout.ts';
import { DEFAULT_SPEED_MPS, travelTimeS } from './router.ts';

export interface CsrGraphOptions {
  /**
   * Only nodes and edges open to this type are kept. Absent: vehicle type restrictions are not applied,
   * as in `RouteQuery.vehicleType`.
   */
  readonly vehicleType?: VehicleTypeId;
  /** The vehicle's top speed, metres per second; default `DEFAULT_SPEED_MPS`. */
  readonly speedMps?: number;
  /**
   * A* lower bound. `euclidean` (default): the straight line scaled as `Router` does. `euclidean-manhattan`:
   * the larger of that and the Manhattan distance scaled by min(1, lengthM / Manhattan distance) over all
   * edges, also admissible and consistent, and exact on open 4-connected grids.
   */
  readonly heuristic?: 'euclidean' | 'euclidean-manhattan';
  /** A factor on each arc's travel time (traffic guidance); default 1 for every arc. */
  readonly arcWeight?: (edge: LayoutEdge) => number;
}

/** The largest multiple of the cheapest arc for which searches use a bucket queue. */
export const MAX_ARC_UNITS = 64;

/** Every cost as a whole multiple of the cheapest, or undefined when one is not (within 1e-9). */
function wholeMultiples(
  costs: Float64Array,
): { unit: number; multiples: Uint8Array; max: number } | undefined {
  let unit = Infinity;
  for (const c of costs) if (c < unit) unit = c;
  if (!(unit > 0 && unit < Infinity)) return undefined;
  const multiples = new Uint8Array(costs.length);
  let max = 0;
  for (let i = 0; i < costs.length; i++) {
    const ratio = costs[i]! / unit;
    const whole = Math.round(ratio);
    if (Math.abs(ratio - whole) > 1e-9 || whole > MAX_ARC_UNITS) return undefined;
    multiples[i] = whole;
    if (whole > max) max = whole;
  }
  return { unit, multiples, max };
}

/**
 * Node `i` is `layout.nodes[i]`. An arc is one layout edge the vehicle may drive: the arcs leaving node
 * `u` are `offsets[u] .. offsets[u + 1] - 1`, in layout order. Parallel edges stay separate arcs (so that
 * blocking the fastest one falls back to the next); loops, edges closed to the vehicle type, edges into
 * nodes closed to it and edges of infinite travel time are left out, as `Router` never uses them.
 * The reverse rows (`reverseOffsets`, `reverseArcs`) list, per node, the arcs that end there.
 */
export class CsrGraph {
  readonly nodeCount: number;
  readonly arcCount: number;
  readonly speedMps: number;
  readonly vehicleType: VehicleTypeId | undefined;
  /** Length `nodeCount + 1`. */
  readonly offsets: Int32Array;
  /** Per arc: the node it leads to. */
  readonly targets: Int32Array;
  /** Per arc: travel time at `speedMps`, seconds (`travelTimeS`). */
  readonly costs: Float64Array;
  /** Per arc: length, metres. */
  readonly lengths: Float64Array;
  /** Per arc: index of its edge in `layout.edges`. */
  readonly arcEdge: Int32Array;
  /** Length `nodeCount + 1`; reverse row of `v` is `reverseOffsets[v] .. reverseOffsets[v + 1] - 1`. */
  readonly reverseOffsets: Int32Array;
  /** Per reverse slot: the forward arc (its source is `reverseSources`, its cost `reverseCosts`). */
  readonly reverseArcs: Int32Array;
  readonly reverseSources: Int32Array;
  readonly reverseCosts: Float64Array;
  /** Per node: x and y, metres, map frame. */
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  /** Per node: 1 when the vehicle type may stand on it. */
  readonly nodeOpen: Uint8Array;
  /**
   * Seconds per metre of straight line that no route can beat: `Router`'s `heuristicScale` (min(1,
   * lengthM / straight-line distance) over all edges) over `speedMps`. A* multiplies distances by it.
   */
  readonly heuristicSPerM: number;
  /** Seconds per metre of Manhattan distance that no route can beat; 0 with the `euclidean` heuristic. */
  readonly manhattanSPerM: number;
  /** The travel time of every arc when all arcs cost the same, else undefined (enables BFS). */
  readonly uniformArcCostS: number | undefined;
  /**
   * When every arc costs a whole multiple (at most MAX_ARC_UNITS) of the cheapest one: that cost, and per
   * reverse slot the multiple (enables a bucket queue instead of a heap; lane guidance makes such graphs).
   */
  readonly arcUnitS: number | undefined;
  readonly reverseUnits: Uint8Array | undefined;
  readonly maxArcUnits: number;

  private readonly nodeIds: readonly NodeId[];
  private readonly edges: readonly LayoutEdge[];
  private readonly nodeIndex = new Map<NodeId, number>();
  private readonly arcsOfEdge = new Map<EdgeId, number>();

  /**
   * @throws RangeError when an edge references an unknown node (the layout is assumed checked) or
   *   `speedMps` is not a positive number.
   */
  constructor(layout: Layout, options: CsrGraphOptions = {}) {
    const speedMps = options.speedMps ?? DEFAULT_SPEED_MPS;
    if (!(speedMps > 0)) throw new RangeError(`speedMps must be positive, got ${speedMps}`);
    this.speedMps = speedMps;
    this.vehicleType = options.vehicleType;
    const n = layout.nodes.length;
    this.nodeCount = n;
    this.nodeIds = layout.nodes.map((node) => node.id);
    this.edges = layout.edges;
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    this.nodeOpen = new Uint8Array(n);
    layout.nodes.forEach((node, i) => {
      this.nodeIndex.set(node.id, i);
      this.xs[i] = node.x;
      this.ys[i] = node.y;
      this.nodeOpen[i] = allows(node.vehicleTypes, options.vehicleType) ? 1 : 0;
    });

    // Pass 1: which edges become arcs, and the heuristic scale (over all edges, as `Router`).
    const from = new Int32Array(layout.edges.length);
    const to = new Int32Array(layout.edges.length);
    const kept: number[] = [];
    const degree = new Int32Array(n + 1);
    const inDegree = new Int32Array(n + 1);
    let scale = 1;
    let manhattanScale = 1;
    layout.edges.forEach((edge, e) => {
      const a = this.nodeIndex.get(edge.from);
      const b = this.nodeIndex.get(edge.to);
      if (a === undefined || b === undefined) {
        throw new RangeError(
          `edge ${edge.id} references unknown node ${a === undefined ? edge.from : edge.to}`,
        );
      }
      const dx = Math.abs(this.xs[b]! - this.xs[a]!);
      const dy = Math.abs(this.ys[b]! - this.ys[a]!);
      const straight = Math.hypot(dx, dy);
      if (straight > 0) scale = Math.min(scale, edge.lengthM / straight);
      if (dx + dy > 0) manhattanScale = Math.min(manhattanScale, edge.lengthM / (dx + dy));
      if (a === b || this.nodeOpen[b] === 0 || !allows(edge.vehicleTypes, options.vehicleType)) return;
      if (!(travelTimeS(edge, speedMps) < Infinity)) return;
      from[e] = a;
      to[e] = b;
      kept.push(e);
      degree[a + 1]!++;
      inDegree[b + 1]!++;
    });
    this.heuristicSPerM = Math.max(0, scale) / speedMps;
    this.manhattanSPerM =
      options.heuristic === 'euclidean-manhattan' ? Math.max(0, manhattanScale) / speedMps : 0;

    // Pass 2: counting sort by source (stable: layout order within a row), then by target for reverse.
    const m = kept.length;
    this.arcCount = m;
    for (let i = 0; i < n; i++) {
      degree[i + 1]! += degree[i]!;
      inDegree[i + 1]! += inDegree[i]!;
    }
    this.offsets = degree.slice();
    this.reverseOffsets = inDegree.slice();
    this.targets = new Int32Array(m);
    this.costs = new Float64Array(m);
    this.lengths = new Float64Array(m);
    this.arcEdge = new Int32Array(m);
    this.reverseArcs = new Int32Array(m);
    this.reverseSources = new Int32Array(m);
    this.reverseCosts = new Float64Array(m);
    const fill = degree; // reused as the next free slot per row
    const reverseFill = inDegree;
    let uniform: number | undefined;
    let isUniform = true;
    for (const e of kept) {
      const edge = layout.edges[e]!;
      const a = from[e]!;
      const b = to[e]!;
      const arc = fill[a]!++;
      const cost = travelTimeS(edge, speedMps) * (options.arcWeight?.(edge) ?? 1);
      this.targets[arc] = b;
      this.costs[arc] = cost;
      this.lengths[arc] = edge.lengthM;
      this.arcEdge[arc] = e;
      if (!this.arcsOfEdge.has(edge.id)) this.arcsOfEdge.set(edge.id, arc);
      if (uniform === undefined) uniform = cost;
      else if (uniform !== cost) isUniform = false;
    }
    for (let u = 0; u < n; u++) {
      for (let arc = this.offsets[u]!; arc < this.offsets[u + 1]!; arc++) {
        const slot = reverseFill[this.targets[arc]!]!++;
        this.reverseArcs[slot] = arc;
        this.reverseSources[slot] = u;
        this.reverseCosts[slot] = this.costs[arc]!;
      }
    }
    this.uniformArcCostS = isUniform ? uniform : undefined;
    const units = wholeMultiples(this.reverseCosts);
    this.arcUnitS = units?.unit;
    this.reverseUnits = units?.multiples;
    this.maxArcUnits = units?.max ?? 0;
  }

  /** The index of node `id`, or undefined when it is not in the layout. */
  indexOf(id: NodeId): number | undefined {
    return this.nodeIndex.get(id);
  }

  /** The id of node `index`; throws RangeError out of range. */
  nodeId(index: number): NodeId {
    const id = this.nodeIds[index];
    if (id === undefined) throw new RangeError(`no node ${index}`);
    return id;
  }

  /** The layout edge of `arc`; throws RangeError out of range. */
  edgeOfArc(arc: number): LayoutEdge {
    const edge = this.edges[this.arcEdge[arc] ?? -1];
    if (edge === undefined) throw new RangeError(`no arc ${arc}`);
    return edge;
  }

  /** The arc of layout edge `id`, or undefined when the vehicle may not drive it (or it is unknown). */
  arcOf(id: EdgeId): number | undefined {
    return this.arcsOfEdge.get(id);
  }

  /** The node `arc` leaves from (binary search over `offsets`). */
  sourceOf(arc: number): number {
    let lo = 0;
    let hi = this.nodeCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.offsets[mid]! <= arc) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function allows(
  types: readonly VehicleTypeId[] | undefined,
  vehicleType: VehicleTypeId | undefined,
): boolean {
  return types === undefined || vehicleType === undefined || types.includes(vehicleType);
}
