import type { Layout, NodeId, VehicleTypeId } from '../../domain/layout.ts';

/**
 * Travel time (seconds) from every node to a goal, per vehicle type, by reverse Dijkstra over the directed
 * layout; cached per goal (LRU). Traffic planning ranks each robot's next step by it, so a lookup must be
 * O(1) and a new goal cost one Dijkstra.
 */
export class DistanceTables {
  private readonly index = new Map<NodeId, number>();
  /** Reverse adjacency per vehicle type: for node v, the (u, seconds) of every edge u -> v it may use. */
  private readonly reverse = new Map<
    VehicleTypeId,
    { offsets: Int32Array; sources: Int32Array; seconds: Float64Array }
  >();
  private readonly cache = new Map<string, Float64Array>();

  constructor(
    private readonly layout: Layout,
    /** Top speed per vehicle type, metres per second. */
    private readonly speeds: ReadonlyMap<VehicleTypeId, number>,
    private readonly capacity = 4096,
  ) {
    layout.nodes.forEach((n, i) => this.index.set(n.id, i));
  }

  nodeIndex(id: NodeId): number | undefined {
    return this.index.get(id);
  }

  /** Seconds from `from` to `goal` for this vehicle type; Infinity when unreachable or unknown. */
  seconds(vehicleType: VehicleTypeId, goal: NodeId, from: NodeId): number {
    const i = this.index.get(from);
    if (i === undefined) return Infinity;
    return this.table(vehicleType, goal)?.[i] ?? Infinity;
  }

  /** The whole table for a goal (indexed like layout.nodes), or undefined for an unknown goal. */
  table(vehicleType: VehicleTypeId, goal: NodeId): Float64Array | undefined {
    const key = `${vehicleType}\u0000${goal}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const g = this.index.get(goal);
    if (g === undefined) return undefined;
    const table = this.dijkstra(this.reverseFor(vehicleType), g);
    this.cache.set(key, table);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    return table;
  }

  private reverseFor(vehicleType: VehicleTypeId) {
    const known = this.reverse.get(vehicleType);
    if (known) return known;
    const speed = this.speeds.get(vehicleType) ?? 1;
    const n = this.layout.nodes.length;
    const allowedNode = this.layout.nodes.map(
      (node) => node.vehicleTypes === undefined || node.vehicleTypes.includes(vehicleType),
    );
    const edges = this.layout.edges.filter((e) => {
      const from = this.index.get(e.from);
      const to = this.index.get(e.to);
      return (
        from !== undefined &&
        to !== undefined &&
        allowedNode[from] === true &&
        allowedNode[to] === true &&
        (e.vehicleTypes === undefined || e.vehicleTypes.includes(vehicleType))
      );
    });
    const offsets = new Int32Array(n + 1);
    for (const e of edges) offsets[this.index.get(e.to)! + 1]! += 1;
    for (let i = 0; i < n; i += 1) offsets[i + 1]! += offsets[i]!;
    const fill = offsets.slice(0, n);
    const sources = new Int32Array(edges.length);
    const seconds = new Float64Array(edges.length);
    for (const e of edges) {
      const to = this.index.get(e.to)!;
      const at = fill[to]!;
      fill[to] = at + 1;
      sources[at] = this.index.get(e.from)!;
      seconds[at] = e.lengthM / Math.min(speed, e.maxSpeedMps ?? Infinity);
    }
    const built = { offsets, sources, seconds };
    this.reverse.set(vehicleType, built);
    return built;
  }

  private dijkstra(
    graph: { offsets: Int32Array; sources: Int32Array; seconds: Float64Array },
    goal: number,
  ): Float64Array {
    const n = graph.offsets.length - 1;
    const dist = new Float64Array(n).fill(Infinity);
    // Binary heap of (node, key) with lazy deletion.
    let heapNodes = new Int32Array(Math.max(16, n));
    let heapKeys = new Float64Array(Math.max(16, n));
    let size = 0;
    const push = (node: number, key: number): void => {
      if (size === heapNodes.length) {
        const nn = new Int32Array(size * 2);
        nn.set(heapNodes);
        heapNodes = nn;
        const nk = new Float64Array(size * 2);
        nk.set(heapKeys);
        heapKeys = nk;
      }
      let i = size;
      size += 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (heapKeys[p]! <= key) break;
        heapNodes[i] = heapNodes[p]!;
        heapKeys[i] = heapKeys[p]!;
        i = p;
      }
      heapNodes[i] = node;
      heapKeys[i] = key;
    };
    const pop = (): number => {
      const top = heapNodes[0]!;
      size -= 1;
      const lastNode = heapNodes[size]!;
      const lastKey = heapKeys[size]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        const c = r < size && heapKeys[r]! < heapKeys[l]! ? r : l;
        if (heapKeys[c]! >= lastKey) break;
        heapNodes[i] = heapNodes[c]!;
        heapKeys[i] = heapKeys[c]!;
        i = c;
      }
      heapNodes[i] = lastNode;
      heapKeys[i] = lastKey;
      return top;
    };
    dist[goal] = 0;
    push(goal, 0);
    while (size > 0) {
      const key = heapKeys[0]!;
      const v = pop();
      if (key > dist[v]!) continue;
      for (let k = graph.offsets[v]!; k < graph.offsets[v + 1]!; k += 1) {
        const u = graph.sources[k]!;
        const d = key + graph.seconds[k]!;
        if (d < dist[u]!) {
          dist[u] = d;
          push(u, d);
        }
      }
    }
    return dist;
  }
}
