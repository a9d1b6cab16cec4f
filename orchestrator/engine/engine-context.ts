import type {
  EdgeId,
  Layout,
  LayoutEdge,
  NodeId,
  Station,
  StationId,
  VehicleTypeId,
} from '../domain/layout.ts';
import type { RobotSpec } from '../domain/robot.ts';
import { Router } from '../routing/router.ts';
import { DistanceTables } from './traffic/distance-tables.ts';
import { laneWeights, type TrafficGuidance } from './traffic/guidance.ts';
import { chooseWaitingNodes } from './waiting-nodes.ts';

/**
 * What the engine derives once from its configuration: the router, station look-ups and travel-time
 * tables. Caches only, so a `step` that reads it stays pure.
 */
export class EngineContext {
  readonly router: Router;
  private readonly stations: ReadonlyMap<StationId, Station>;
  private readonly speeds: ReadonlyMap<VehicleTypeId, number>;
  private readonly nodeTypes: ReadonlyMap<NodeId, readonly VehicleTypeId[] | undefined>;
  private tables: { key: string; set: ReadonlySet<EdgeId>; tables: DistanceTables } | undefined;
  private rest: ReadonlySet<NodeId> | undefined;
  private chargers: ReadonlySet<NodeId> | undefined;
  private stationNodes: ReadonlySet<NodeId> | undefined;
  private waiting: readonly NodeId[] | undefined;

  constructor(
    readonly layout: Layout,
    readonly fleet: readonly RobotSpec[],
    guidance: TrafficGuidance = 'none',
  ) {
    this.laneWeight = laneWeights(layout, guidance);
    this.router = new Router(layout);
    this.stations = new Map(layout.stations.map((s) => [s.id, s]));
    const speeds = new Map<VehicleTypeId, number>();
    for (const r of fleet) speeds.set(r.vehicleType, Math.max(speeds.get(r.vehicleType) ?? 0, r.maxSpeedMps));
    this.speeds = speeds;
    this.nodeTypes = new Map(layout.nodes.map((n) => [n.id, n.vehicleTypes]));
  }

  station(id: StationId): Station | undefined {
    return this.stations.get(id);
  }

  /** The node a robot stands on to work at a station (its first interaction node). */
  stationNode(id: StationId): NodeId | undefined {
    return this.stations.get(id)?.nodeIds[0];
  }

  /** Nodes where an idle robot may wait: parking spots (chargers are for charging). */
  restNodes(): ReadonlySet<NodeId> {
    this.rest ??= new Set(
      this.layout.stations.filter((s) => s.role === 'park').flatMap((s) => s.nodeIds.slice(0, 1)),
    );
    return this.rest;
  }

  /**
   * Where idle robots wait that found no free parking spot: one node per robot beyond the parking spots
   * (fewer when the layout has no more), none a station's node or in a way (`waiting-nodes.ts`).
   */
  waitingNodes(): readonly NodeId[] {
    this.waiting ??= chooseWaitingNodes(this.layout, this.fleet.length - this.restNodes().size);
    return this.waiting;
  }

  /** Nodes where a robot charges: the interaction nodes of `charger` stations. */
  chargerNodes(): ReadonlySet<NodeId> {
    this.chargers ??= new Set(
      this.layout.stations.filter((s) => s.role === 'charger').flatMap((s) => s.nodeIds.slice(0, 1)),
    );
    return this.chargers;
  }

  /**
   * Of `candidates`, the one a robot of `type` at `at` reaches soonest (ties: the smaller id), or
   * undefined when none is reachable.
   */
  nearest(
    type: VehicleTypeId,
    at: NodeId,
    candidates: Iterable<NodeId>,
    blocked: ReadonlySet<EdgeId>,
  ): NodeId | undefined {
    const tables = this.distances(blocked);
    let best: { node: NodeId; s: number } | undefined;
    for (const node of candidates) {
      const s = tables.seconds(type, node, at);
      if (Number.isFinite(s) && (!best || s < best.s || (s === best.s && node < best.node)))
        best = { node, s };
    }
    return best?.node;
  }

  isStationNode(nodeId: NodeId): boolean {
    this.stationNodes ??= new Set(this.layout.stations.flatMap((s) => s.nodeIds));
    return this.stationNodes.has(nodeId);
  }

  nodeAllows(nodeId: NodeId, type: VehicleTypeId): boolean {
    const types = this.nodeTypes.get(nodeId);
    return types === undefined || types.includes(type);
  }

  /**
   * The edges closed by blocked `edges` and `nodes` (every edge into a blocked node). The same set object
   * for the same two lists, so the distance tables keyed by it are rebuilt only when blocks change.
   */
  closedEdges(edges: readonly EdgeId[], nodes: readonly NodeId[]): ReadonlySet<EdgeId> {
    if (this.closed?.edges === edges && this.closed.nodes === nodes) return this.closed.set;
    const set = new Set(edges);
    if (nodes.length > 0) {
      const into = new Set(nodes);
      for (const e of this.layout.edges) if (into.has(e.to)) set.add(e.id);
    }
    this.closed = { edges, nodes, set };
    return set;
  }

  private readonly laneWeight: ((edge: LayoutEdge) => number) | undefined;

  private closed:
    { edges: readonly EdgeId[]; nodes: readonly NodeId[]; set: ReadonlySet<EdgeId> } | undefined;

  /** Travel-time tables for the current set of blocked edges (rebuilt when the set changes). */
  distances(blocked: ReadonlySet<EdgeId>): DistanceTables {
    // Asked per order and robot in dispatch: the same set object as last time needs no key.
    if (this.tables?.set === blocked) return this.tables.tables;
    const key = [...blocked].sort().join('\u0000');
    if (this.tables?.key === key) {
      this.tables = { ...this.tables, set: blocked };
      return this.tables.tables;
    }
    const layout =
      blocked.size === 0
        ? this.layout
        : { ...this.layout, edges: this.layout.edges.filter((e) => !blocked.has(e.id)) };
    this.tables = {
      key,
      set: blocked,
      tables: new DistanceTables(layout, this.speeds, undefined, this.laneWeight),
    };
    return this.tables.tables;
  }

  /** The nodes a robot of `type` may enter from `from` in one edge (edge open and allowed, node allowed). */
  nextNodes(from: NodeId, type: VehicleTypeId, blocked: ReadonlySet<EdgeId>): NodeId[] {
    const out: NodeId[] = [];
    for (const e of this.router.outEdges(from)) {
      if (blocked.has(e.id)) continue;
      if (e.vehicleTypes !== undefined && !e.vehicleTypes.includes(type)) continue;
      if (!this.nodeAllows(e.to, type)) continue;
      if (!out.includes(e.to)) out.push(e.to);
    }
    return out;
  }

  /** The fastest allowed edge from `from` to `to` for a vehicle type, if any. */
  edgeBetween(
    from: NodeId,
    to: NodeId,
    type: VehicleTypeId,
    blocked: ReadonlySet<EdgeId>,
  ): EdgeId | undefined {
    let best: { id: EdgeId; s: number } | undefined;
    for (const e of this.router.outEdges(from)) {
      if (e.to !== to || blocked.has(e.id)) continue;
      if (e.vehicleTypes !== undefined && !e.vehicleTypes.includes(type)) continue;
      const s = e.lengthM / Math.min(this.speeds.get(type) ?? 1, e.maxSpeedMps ?? Infinity);
      if (!best || s < best.s) best = { id: e.id, s };
    }
    return best?.id;
  }
}
