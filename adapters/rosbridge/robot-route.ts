/**
 * What one robot has been released and not yet finished: pure bookkeeping, no I/O. The graph is the law:
 * only released nodes are ever goals, one at a time, in order.
 *
 * The head entry is the node being driven to, or the node the robot stands on while its actions run.
 * A `rejoin` head brings a robot that stopped between two nodes (a cancel) back onto the node the new
 * release starts from; it was reported reached before, so it is not reported again.
 */
import type { Layout, LayoutNode, NodeId } from '../../orchestrator/domain/layout.ts';
import type { RobotAction, RobotCommand } from '../../orchestrator/domain/robot-messages.ts';

export type ReleaseSegment = Extract<RobotCommand, { type: 'release-segment' }>;

export interface RouteEntry {
  readonly node: LayoutNode;
  actions: RobotAction[];
  reached: boolean;
  readonly rejoin: boolean;
}

export type ReleaseVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export class RobotRoute {
  private entries: RouteEntry[] = [];
  private readonly nodes: ReadonlyMap<NodeId, LayoutNode>;
  private readonly edges: ReadonlyMap<string, { readonly from: NodeId; readonly to: NodeId }>;
  taskId: string | undefined;

  constructor(layout: Layout) {
    this.nodes = new Map(layout.nodes.map((n) => [n.id, n]));
    this.edges = new Map(layout.edges.map((e) => [e.id, e]));
  }

  /**
   * Appends a release. It must start where the route ends, or, with nothing left to drive, on `standingAt`
   * (the last node reached); `onNode` says whether the robot stands on it now (else it rejoins it first).
   */
  release(segment: ReleaseSegment, standingAt: NodeId | undefined, onNode: boolean): ReleaseVerdict {
    const [first, ...rest] = segment.nodes;
    if (!first) return { ok: false, reason: 'segment without nodes' };
    const end = this.entries.at(-1)?.node.id ?? standingAt;
    if (first.nodeId !== end)
      return {
        ok: false,
        reason: `segment starts at ${first.nodeId}, robot is bound for ${end ?? 'an unknown node'}`,
      };
    if (segment.edgeIds.length !== rest.length)
      return {
        ok: false,
        reason: `${segment.nodes.length} nodes need ${rest.length} edges, got ${segment.edgeIds.length}`,
      };
    for (let i = 0; i < rest.length; i += 1) {
      const edge = this.edges.get(segment.edgeIds[i]!);
      const from = segment.nodes[i]!.nodeId;
      const to = rest[i]!.nodeId;
      if (!edge || edge.from !== from || edge.to !== to)
        return { ok: false, reason: `edge ${segment.edgeIds[i]!} does not lead from ${from} to ${to}` };
    }
    const unknown = segment.nodes.find((n) => !this.nodes.has(n.nodeId));
    if (unknown) return { ok: false, reason: `node ${unknown.nodeId} is not in the layout` };
    this.taskId = segment.taskId;
    const last = this.entries.at(-1);
    if (last) last.actions = [...last.actions, ...first.actions];
    else
      this.entries.push({
        node: this.nodes.get(first.nodeId)!,
        actions: [...first.actions],
        reached: onNode,
        rejoin: !onNode,
      });
    for (const n of rest)
      this.entries.push({
        node: this.nodes.get(n.nodeId)!,
        actions: [...n.actions],
        reached: false,
        rejoin: false,
      });
    return { ok: true };
  }

  get head(): RouteEntry | undefined {
    return this.entries[0];
  }

  /** The entry after the head. */
  get next(): RouteEntry | undefined {
    return this.entries[1];
  }

  /** The head is done (reached, actions run): the next entry becomes the head. */
  shift(): void {
    this.entries.shift();
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** Released nodes still to reach, in order (robot-state `routeNodeIds`). */
  get toReach(): NodeId[] {
    return this.entries.filter((e) => !e.reached && !e.rejoin).map((e) => e.node.id);
  }

  /** Every action still in the route, in order. */
  get actions(): RobotAction[] {
    return this.entries.flatMap((e) => e.actions);
  }

  /** Drops everything; returns the actions it held. */
  clear(): RobotAction[] {
    const actions = this.actions;
    this.entries = [];
    this.taskId = undefined;
    return actions;
  }

  node(id: NodeId): LayoutNode | undefined {
    return this.nodes.get(id);
  }
}

/**
 * The heading a goal on `entry` takes, layout frame: toward the next released node, else along the way it
 * arrives (from `from`), else `currentRad`.
 */
export function goalHeading(
  entry: LayoutNode,
  next: LayoutNode | undefined,
  from: { readonly x: number; readonly y: number } | undefined,
  currentRad: number,
): number {
  if (next && (next.x !== entry.x || next.y !== entry.y))
    return Math.atan2(next.y - entry.y, next.x - entry.x);
  if (from && Math.hypot(entry.x - from.x, entry.y - from.y) > 1e-6)
    return Math.atan2(entry.y - from.y, entry.x - from.x);
  return currentRad;
}
