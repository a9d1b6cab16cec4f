import type { AdapterLog } from './adapter-options.ts';
import type { OrderTrack } from './order-builder.ts';
import type { Link } from './vda-link.ts';
import type { VdaState } from './wire.ts';
import { routeNode, type WireNodes } from './wire-nodes.ts';

/**
 * C5, O20: the order the AGV reports, taken over from its state when this master did not send it (it
 * restarted) or lost count: the next update continues it with the next orderUpdateId (never 0), stitched
 * on its last released node, and nodes still ahead are reported as reached when passed.
 */
export class OrderAdoption {
  constructor(
    private readonly log: AdapterLog,
    private readonly nodes: WireNodes,
  ) {}

  adopt(link: Link, state: VdaState): void {
    if (state.orderId === '') return;
    const released = state.nodeStates.filter((n) => n.released);
    const decision = released.reduce<{ nodeId: string; sequenceId: number }>(
      (last, n) => (n.sequenceId > last.sequenceId ? n : last),
      { nodeId: state.lastNodeId, sequenceId: state.lastNodeSequenceId },
    );
    const nodeId = this.nodes.nodeOf(decision.nodeId);
    if (nodeId === undefined) return;
    const track: OrderTrack = {
      taskId: link.track?.taskId ?? '',
      orderId: state.orderId,
      orderUpdateId: state.orderUpdateId,
      decision: link.builder.stitchNode(nodeId, decision.sequenceId),
    };
    link.track = track;
    link.acked = track;
    link.released.reset(released.map(routeNode));
    this.log.info(
      { robotId: link.robotId, orderId: state.orderId, orderUpdateId: state.orderUpdateId },
      'vda5050: continuing the order the AGV reports',
    );
  }
}
