/**
 * Shortest-time routes over a `Layout`, with ngraph.path A*. Pure: no I/O, no clock.
 */
import createGraph from 'ngraph.graph';
import type { Graph, Link, Node } from 'ngraph.graph';
import { aStar } from 'ngraph.path';
import type { EdgeId, Layout, LayoutEdge, LayoutNode, NodeId, VehicleTypeId } from '../domain/layout.ts';

/** Vehicle speed, metres per second, when a query gives none. */
export const DEFAULT_SPEED_MPS = 1;

export interface RouteQuery {
  readonly from: NodeId;
  readonly to: NodeId;
  /**
   * Only nodes and edges open to this type are used. Absent: vehicle type restrictions are not applied
   * (useful for geometry questions, never for sending a robot).
   */
  readonly vehicleType?: VehicleTypeId;
  /** The vehicle's own top speed, metres per second; default `DEFAULT_SPEED_MPS`. */
  readonly speedMps?: number;
  readonly blockedEdges?: ReadonlySet<EdgeId>;
  /** Nodes the route must not enter; `from` itself may be blocked (the robot is already there). */
  readonly blockedNodes?: ReadonlySet<NodeId>;
}

export interface Route {
  /** From `from` to `to`, both included; `[from]` when they are equal. */
  readonly nodeIds: NodeId[];
  /** `edgeIds[i]` leads from `nodeIds[i]` to `nodeIds[i + 1]`. */
  readonly edgeIds: EdgeId[];
  readonly lengthM: number;
  /** Travel time at full speed, seconds (no acceleration, no waiting). */
  readonly durationS: number;
}

/** All layout edges from one node to another (LIF allows parallel edges, e.g. per load restriction). */
interface Hop {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly edges: readonly LayoutEdge[];
}

/**
 * Routes vehicles over a layout. The cost of an edge is its travel time,
 * `lengthM / min(speedMps, edge.maxSpeedMps)`; of parallel edges the cheapest allowed one is taken.
 * The layout is assumed checked (`checkLayout`); edges with unknown nodes throw in the constructor.
 */
export class Router {
  private readonly nodes = new Map<NodeId, LayoutNode>();
  private readonly edges = new Map<EdgeId, LayoutEdge>();
  private readonly out = new Map<NodeId, LayoutEdge[]>();
  /**
   * The ngraph graph and the hops between node pairs, built on the first `route()`: they take about
   * 2 kB per edge, and the engine asks for routes only to check that an order can be done at all.
   */
  private search: { graph: Graph<LayoutNode, Hop>; hops: Map<NodeId, Map<NodeId, Hop>> } | undefined;
  /**
   * min(1, lengthM / straight-line distance) over all edges: the straight line scaled by it never
   * exceeds the real path length, so the time heuristic stays admissible even for short-cut edges.
   */
  private readonly heuristicScale: number;

  constructor(layout: Layout) {
    for (const node of layout.nodes) {
      this.nodes.set(node.id, node);
      this.out.set(node.id, []);
    }
    let scale = 1;
    for (const edge of layout.edges) {
      const from = this.nodes.get(edge.from);
      const to = this.nodes.get(edge.to);
      if (from === undefined || to === undefined) {
        throw new RangeError(
          `edge ${edge.id} references unknown node ${from === undefined ? edge.from : edge.to}`,
        );
      }
      this.edges.set(edge.id, edge);
      this.out.get(edge.from)?.push(edge);
      const straight = Math.hypot(to.x - from.x, to.y - from.y);
      if (straight > 0) scale = Math.min(scale, edge.lengthM / straight);
    }
    this.heuristicScale = Math.max(0, scale);
  }

  private searchGraph(): { graph: Graph<LayoutNode, Hop>; hops: Map<NodeId, Map<NodeId, Hop>> } {
    if (this.search) return this.search;
    const graph = createGraph<LayoutNode, Hop>();
    for (const node of this.nodes.values()) graph.addNode(node.id, node);
    const hops = new Map<NodeId, Map<NodeId, Hop>>();
    for (const [from, edges] of this.out) {
      const byTarget = new Map<NodeId, Hop>();
      for (const edge of edges) {
        if (edge.to === from) continue; // a loop never shortens a route
        const hop = byTarget.get(edge.to);
        byTarget.set(edge.to, { from, to: edge.to, edges: [...(hop?.edges ?? []), edge] });
      }
      if (byTarget.size === 0) continue;
      hops.set(from, byTarget);
      for (const [to, hop] of byTarget) graph.addLink(from, to, hop);
    }
    this.search = { graph, hops };
    return this.search;
  }

  node(id: NodeId): LayoutNode | undefined {
    return this.nodes.get(id);
  }

  edge(id: EdgeId): LayoutEdge | undefined {
    return this.edges.get(id);
  }

  /** Edges leaving `nodeId` (regardless of vehicle type); empty for an unknown node. */
  outEdges(nodeId: NodeId): readonly LayoutEdge[] {
    return this.out.get(nodeId) ?? [];
  }

  /**
   * The fastest route for `q`, or undefined when there is none: `to` unreachable, `to` blocked or closed
   * to the vehicle type, or `from` / `to` not in the layout (the engine treats all alike; use `node()` to
   * tell them apart), or `speedMps` not positive. Never throws.
   */
  route(q: RouteQuery): Route | undefined {
    const start = this.nodes.get(q.from);
    const goal = this.nodes.get(q.to);
    if (start === undefined || goal === undefined) return undefined;
    if (q.from === q.to) return { nodeIds: [q.from], edgeIds: [], lengthM: 0, durationS: 0 };
    if (!this.mayEnter(goal, q)) return undefined;

    const speedMps = q.speedMps ?? DEFAULT_SPEED_MPS;
    if (!(speedMps > 0)) return undefined;
    const best = (hop: Hop): LayoutEdge | undefined => this.cheapestEdge(hop, q, speedMps);
    // ngraph.path traps (STYLE.md): links are two-way unless `oriented`; `distance` and `blocked` get the
    // neighbour first, so read the direction from the link's own data; the path comes back goal-first.
    const { graph, hops } = this.searchGraph();
    const finder = aStar<LayoutNode, Hop>(graph, {
      oriented: true,
      blocked: (_a, _b, link: Link<Hop>) =>
        !this.mayEnter(this.nodes.get(link.data.to), q) || !best(link.data),
      distance: (_a, _b, link: Link<Hop>) => {
        const edge = best(link.data);
        return edge === undefined ? Infinity : travelTimeS(edge, speedMps);
      },
      heuristic: (a: Node<LayoutNode>, b: Node<LayoutNode>) =>
        (Math.hypot(a.data.x - b.data.x, a.data.y - b.data.y) * this.heuristicScale) / speedMps,
    });
    const path = finder.find(q.from, q.to).reverse();
    // A goal reached only through blocked links comes back as the one-node path [goal].
    if (path.length < 2 || path[0]?.id !== q.from) return undefined;

    const nodeIds: NodeId[] = [q.from];
    const edgeIds: EdgeId[] = [];
    let lengthM = 0;
    let durationS = 0;
    for (let i = 1; i < path.length; i++) {
      const to = String(path[i]?.id);
      const hop = hops.get(nodeIds[i - 1]!)?.get(to);
      const edge = hop === undefined ? undefined : best(hop);
      if (edge === undefined) return undefined; // unreachable by construction of the search
      nodeIds.push(to);
      edgeIds.push(edge.id);
      lengthM += edge.lengthM;
      durationS += travelTimeS(edge, speedMps);
    }
    return { nodeIds, edgeIds, lengthM, durationS };
  }

  private mayEnter(node: LayoutNode | undefined, q: RouteQuery): boolean {
    if (node === undefined || q.blockedNodes?.has(node.id) === true) return false;
    return allows(node.vehicleTypes, q.vehicleType);
  }

  private cheapestEdge(hop: Hop, q: RouteQuery, speedMps: number): LayoutEdge | undefined {
    let best: LayoutEdge | undefined;
    for (const edge of hop.edges) {
      if (q.blockedEdges?.has(edge.id) === true || !allows(edge.vehicleTypes, q.vehicleType)) continue;
      if (best === undefined || travelTimeS(edge, speedMps) < travelTimeS(best, speedMps)) best = edge;
    }
    return best;
  }
}

/** Seconds to drive `edge` at `speedMps`, capped by the edge's limit. */
export function travelTimeS(edge: LayoutEdge, speedMps: number): number {
  return edge.lengthM / Math.min(speedMps, edge.maxSpeedMps ?? Infinity);
}

function allows(
  types: readonly VehicleTypeId[] | undefined,
  vehicleType: VehicleTypeId | undefined,
): boolean {
  return types === undefined || vehicleType === undefined || types.includes(vehicleType);
}
