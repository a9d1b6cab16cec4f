import type { EdgeId, Layout, LayoutEdge, LayoutNode, NodeId } from '../../orchestrator/domain/layout.ts';
import type { RobotAction, RobotCommand } from '../../orchestrator/domain/robot-messages.ts';
import type { PeerProfile } from './profile.ts';
import type { OrderBody, VdaAction, VdaEdge, VdaNode } from './wire.ts';

export type ReleaseSegment = Extract<RobotCommand, { type: 'release-segment' }>;

/** What the master has sent for one robot's current order: enough to stitch the next update onto it. */
export interface OrderTrack {
  /** The task of the latest release (one order may serve several tasks in a row). */
  readonly taskId: string;
  readonly orderId: string;
  readonly orderUpdateId: number;
  /** The last base node sent (the decision point), exactly as it was sent. */
  readonly decision: VdaNode;
}

export interface BuiltOrder {
  readonly body: OrderBody;
  readonly track: OrderTrack;
  /** Every action in the message that the engine asked for: wire actionId and the engine's. */
  readonly actions: readonly { readonly wireId: string; readonly engineId: string }[];
}

/** VDA 5050's recommended id characters are `A-Z a-z 0-9 _ - . :`; anything else becomes `:`. */
export function wireId(id: string): string {
  return id.replace(/[^A-Za-z0-9_.:-]/g, ':');
}

const ACTION_TYPES: Readonly<Record<RobotAction['type'], string>> = {
  pick: 'pick',
  drop: 'drop',
  'start-charging': 'startCharging',
  'stop-charging': 'stopCharging',
};

/**
 * The order a segment continues, if any. Any segment that starts at the decision point continues the order, whichever task it serves: the AGV
 * still holds the order (its horizon, its finished actions) and refuses a new orderId until it is idle
 * (O17), while an update stitched on the decision point is always acceptable (O10, O16).
 */
export function continuedOrder(
  segment: ReleaseSegment,
  current: OrderTrack | undefined,
): OrderTrack | undefined {
  return current?.decision.nodeId === wireId(segment.nodes[0]!.nodeId) ? current : undefined;
}

/**
 * Turns the engine's releases into VDA 5050 orders (pure: no I/O, no clock). The engine releases a task
 * a segment at a time, never beyond what traffic has reserved; each segment becomes:
 * - a **new order** (sequenceIds from 0, checklist O1-O3) when the robot has no order (first release,
 *   after a cancel) or the segment does not start at the decision point;
 * - an **order update** otherwise (O10): same orderId, orderUpdateId + 1, first node the decision point
 *   with the same nodeId and sequenceId and the same content, its actions re-sent or omitted per the
 *   peer profile (O11), no earlier base re-sent.
 * The planned route beyond the release goes along as the unreleased horizon; every update replaces it.
 */
export class OrderBuilder {
  private readonly nodes: ReadonlyMap<NodeId, LayoutNode>;
  private readonly edges: ReadonlyMap<EdgeId, LayoutEdge>;

  constructor(
    layout: Layout,
    private readonly profile: PeerProfile,
  ) {
    this.nodes = new Map(layout.nodes.map((n) => [n.id, n]));
    this.edges = new Map(layout.edges.map((e) => [e.id, e]));
  }

  /**
   * The message that releases `segment`. `current` is the robot's order as last sent (undefined when it
   * has none or after a cancel); `orderIdSuffix` makes a new orderId unique across master restarts.
   * @throws RangeError when the segment names a node or edge the layout does not have, or its edges do
   *   not match its nodes (an engine bug, never the robot's).
   */
  build(segment: ReleaseSegment, current: OrderTrack | undefined, orderIdSuffix: string): BuiltOrder {
    if (segment.edgeIds.length !== segment.nodes.length - 1)
      throw new RangeError(`segment of ${segment.nodes.length} nodes has ${segment.edgeIds.length} edges`);
    const first = segment.nodes[0]!;
    const continued = continuedOrder(segment, current);
    const actions: { wireId: string; engineId: string }[] = [];
    const toWire = (a: RobotAction): VdaAction => {
      const id = wireId(a.actionId);
      actions.push({ wireId: id, engineId: a.actionId });
      return this.action(a, id);
    };

    let nodes: VdaNode[];
    let sequenceId: number;
    if (continued) {
      const stitch = continued.decision;
      nodes = [this.profile.stitchingActions === 'resend' ? stitch : { ...stitch, actions: [] }];
      sequenceId = stitch.sequenceId;
    } else {
      nodes = [this.node(first.nodeId, 0, true, first.actions.map(toWire))];
      sequenceId = 0;
    }
    const edges: VdaEdge[] = [];
    const append = (edge: VdaEdge, to: NodeId, released: boolean, acts: VdaAction[]): void => {
      edges.push(edge);
      nodes.push(this.node(to, sequenceId + 2, released, acts));
      sequenceId += 2;
    };
    const fresh = continued ? first.actions.map(toWire) : [];
    if (fresh.length > 0) {
      // New actions where the AGV stands (a pick at the node it is on, stopping a charge) cannot ride on
      // the stitching node (O11), and pick/drop cannot be instant actions: they go on the same node once
      // more, after a zero-length edge, the way VDA 5050 3.0 prescribes (sequenceId + 2; 2.0 allows a
      // node to repeat, its sequenceId tells the visits apart).
      const here = wireId(first.nodeId);
      const stay: VdaEdge = {
        edgeId: `${here}:stay`,
        sequenceId: sequenceId + 1,
        released: true,
        startNodeId: here,
        endNodeId: here,
        length: 0,
        actions: [],
      };
      append(stay, first.nodeId, true, fresh);
    }
    segment.edgeIds.forEach((edgeId, i) => {
      const from = segment.nodes[i]!.nodeId;
      const to = segment.nodes[i + 1]!;
      append(
        this.edge(edgeId, sequenceId + 1, true, from, to.nodeId),
        to.nodeId,
        true,
        to.actions.map(toWire),
      );
    });
    const decision = nodes[nodes.length - 1]!;
    let at = segment.nodes[segment.nodes.length - 1]!.nodeId;
    segment.horizon?.edgeIds.forEach((edgeId, i) => {
      const to = segment.horizon!.nodeIds[i];
      if (to === undefined) return;
      append(this.edge(edgeId, sequenceId + 1, false, at, to), to, false, []);
      at = to;
    });
    const orderId = continued ? continued.orderId : `${wireId(segment.taskId)}:${orderIdSuffix}`;
    const orderUpdateId = continued ? continued.orderUpdateId + 1 : 0;
    return {
      body: { orderId, orderUpdateId, nodes, edges },
      track: { taskId: segment.taskId, orderId, orderUpdateId, decision },
      actions,
    };
  }

  /** An action the engine asked for, as the wire writes it (HARD: the robot stands still meanwhile). */
  action(a: RobotAction, actionId: string): VdaAction {
    const parameters: { key: string; value: string | number | boolean }[] = [];
    if (a.loadId !== undefined) parameters.push({ key: 'loadId', value: a.loadId });
    if (a.stationId !== undefined) parameters.push({ key: 'stationName', value: a.stationId });
    const actionType = ACTION_TYPES[a.type];
    for (const extra of this.profile.actionParameters[actionType] ?? [])
      if (!parameters.some((p) => p.key === extra.key)) parameters.push(extra);
    return {
      actionId,
      actionType,
      blockingType: 'HARD',
      ...(parameters.length > 0 ? { actionParameters: this.values(parameters) } : {}),
    };
  }

  /** Parameter values in the peer's dialect (O8): JSON types, or strings where the profile says so. */
  values(
    parameters: readonly { key: string; value: string | number | boolean }[],
  ): { key: string; value: string | number | boolean }[] {
    if (this.profile.parameterValues === 'typed') return [...parameters];
    return parameters.map((p) => ({ key: p.key, value: String(p.value) }));
  }

  /**
   * The decision point of an order the AGV reports but this master did not send (C5: after a restart,
   * O20: a resync): the node as the layout has it, without actions (they have run: updates stitch on it
   * only once the AGV stands there or drives towards it).
   */
  stitchNode(id: NodeId, sequenceId: number): VdaNode {
    return this.node(id, sequenceId, true, []);
  }

  private node(id: NodeId, sequenceId: number, released: boolean, actions: VdaAction[]): VdaNode {
    const n = this.nodes.get(id);
    if (!n) throw new RangeError(`unknown node ${id}`);
    return {
      nodeId: wireId(id),
      sequenceId,
      released,
      nodePosition: { x: n.x, y: n.y, mapId: n.mapId },
      actions,
    };
  }

  private edge(id: EdgeId, sequenceId: number, released: boolean, from: NodeId, to: NodeId): VdaEdge {
    const e = this.edges.get(id);
    if (!e || e.from !== from || e.to !== to)
      throw new RangeError(`edge ${id} does not lead ${from} -> ${to}`);
    return {
      edgeId: wireId(id),
      sequenceId,
      released,
      startNodeId: wireId(from),
      endNodeId: wireId(to),
      length: e.lengthM,
      ...(e.maxSpeedMps === undefined ? {} : { maxSpeed: e.maxSpeedMps }),
      actions: [],
    };
  }
}
