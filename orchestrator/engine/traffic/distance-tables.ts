import type { Layout, LayoutEdge, NodeId, VehicleTypeId } from '../../domain/layout.ts';
import { CsrGraph } from '../../routing/csr-graph.ts';
import { CsrSearch } from '../../routing/csr-astar.ts';

/** Memory the cached tables may take, bytes (B8: the whole orchestrator must stay under 300 MB). */
const DEFAULT_BUDGET_BYTES = 48 * 1024 * 1024;

/**
 * Travel time (seconds) from every node to a goal, per vehicle type (times the guidance factor of each
 * edge, when there is guidance): one reverse search over the CSR graph
 * (breadth-first when all arcs cost the same, else Dijkstra), kept in an LRU cache of 32-bit tables within
 * a byte budget. Traffic ranks each robot's next step by it and dispatch prices robots by it, so a lookup
 * is O(1) and a new goal costs one search.
 */
export class DistanceTables {
  private readonly searches = new Map<VehicleTypeId, CsrSearch>();
  private readonly index = new Map<NodeId, number>();
  /** Per vehicle type and goal: the table and when it was last used (a counter), for least-recently-used eviction. */
  private readonly cache = new Map<VehicleTypeId, Map<NodeId, { table: Float32Array; used: number }>>();
  private cached = 0;
  private uses = 0;
  private readonly capacity: number;
  private scratch: Float64Array | undefined;

  constructor(
    private readonly layout: Layout,
    /** Top speed per vehicle type, metres per second. */
    private readonly speeds: ReadonlyMap<VehicleTypeId, number>,
    budgetBytes = DEFAULT_BUDGET_BYTES,
    /** Factor on each edge's travel time (traffic guidance, `guidance.ts`); absent: 1. */
    private readonly arcWeight?: (edge: LayoutEdge) => number,
  ) {
    layout.nodes.forEach((n, i) => this.index.set(n.id, i));
    this.capacity = Math.max(16, Math.floor(budgetBytes / (4 * Math.max(1, layout.nodes.length))));
  }

  /** Seconds from `from` to `goal` for this vehicle type; Infinity when unreachable or unknown. */
  seconds(vehicleType: VehicleTypeId, goal: NodeId, from: NodeId): number {
    const i = this.index.get(from);
    if (i === undefined) return Infinity;
    return this.table(vehicleType, goal)?.[i] ?? Infinity;
  }

  /** The whole table for a goal (indexed like layout.nodes), or undefined for an unknown goal. */
  table(vehicleType: VehicleTypeId, goal: NodeId): Float32Array | undefined {
    // Asked for every robot and candidate node in every round: a hit is two map look-ups, no strings built.
    let byGoal = this.cache.get(vehicleType);
    const hit = byGoal?.get(goal);
    if (hit) {
      hit.used = ++this.uses;
      return hit.table;
    }
    const g = this.index.get(goal);
    if (g === undefined) return undefined;
    const n = this.layout.nodes.length;
    this.scratch ??= new Float64Array(n);
    this.searchFor(vehicleType).distancesTo(g, this.scratch);
    const table = Float32Array.from(this.scratch);
    if (!byGoal)
      this.cache.set(vehicleType, (byGoal = new Map<NodeId, { table: Float32Array; used: number }>()));
    byGoal.set(goal, { table, used: ++this.uses });
    if (++this.cached > this.capacity) this.evictLeastRecent();
    return table;
  }

  private evictLeastRecent(): void {
    let oldest: { byGoal: Map<NodeId, unknown>; goal: NodeId; used: number } | undefined;
    for (const byGoal of this.cache.values())
      for (const [goal, entry] of byGoal)
        if (!oldest || entry.used < oldest.used) oldest = { byGoal, goal, used: entry.used };
    if (!oldest) return;
    oldest.byGoal.delete(oldest.goal);
    this.cached -= 1;
  }

  private searchFor(vehicleType: VehicleTypeId): CsrSearch {
    let search = this.searches.get(vehicleType);
    if (!search) {
      search = new CsrSearch(
        new CsrGraph(this.layout, {
          vehicleType,
          speedMps: this.speeds.get(vehicleType) ?? 1,
          ...(this.arcWeight ? { arcWeight: this.arcWeight } : {}),
        }),
      );
      this.searches.set(vehicleType, search);
    }
    return search;
  }
}
