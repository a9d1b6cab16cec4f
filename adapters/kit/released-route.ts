/**
 * What a robot was released and has not reached yet, in order: an adapter tells it what it sent
 * (`release`) and where the robot reports it is (`reach`), and hears which released nodes the robot
 * passed since the last report, in order, for `node-reached` (a fast robot passes several between two
 * reports). Each node has its place on the route, `seq`, growing along it (VDA 5050: the sequenceId;
 * a protocol without one counts the nodes it sends). Pure bookkeeping; passed nodes are dropped, so a
 * route continued for hours stays small.
 */
export interface RouteNode {
  readonly nodeId: string;
  readonly seq: number;
}

export class ReleasedRoute {
  private nodes: RouteNode[] = [];

  /** The released nodes still ahead of the robot, in order. */
  get ahead(): readonly RouteNode[] {
    return this.nodes;
  }

  /** A route of its own: a new order, or one taken over from the robot's report (sorted by `seq`). */
  reset(nodes: readonly RouteNode[] = []): void {
    this.nodes = nodes.map(({ nodeId, seq }) => ({ nodeId, seq })).sort((a, b) => a.seq - b.seq);
  }

  /** Appends the released nodes not on the route yet (the same node at the same `seq` is there once). */
  release(nodes: Iterable<RouteNode>): void {
    for (const { nodeId, seq } of nodes)
      if (!this.nodes.some((r) => r.seq === seq && r.nodeId === nodeId)) this.nodes.push({ nodeId, seq });
  }

  /**
   * The robot stands at `seq`: the nodes after `after` up to `seq` (both by `seq`), in order, are the
   * ones it passed since it stood at `after`; every node up to `seq` leaves the route. A node at `seq`
   * 0 or below is where an order starts, never one reached.
   */
  reach(seq: number, after = 0): RouteNode[] {
    const passed = this.nodes.filter((n) => n.seq > Math.max(0, after) && n.seq <= seq);
    this.nodes = this.nodes.filter((n) => n.seq > seq);
    return passed;
  }
}
