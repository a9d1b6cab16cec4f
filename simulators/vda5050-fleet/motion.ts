import type { ActionRunner } from './action-runner.ts';
import type { AgvModel } from './agv-model.ts';
import type { OrderCancel } from './order-cancel.ts';
import { isMasterControlled } from './wire-rules.ts';
import type { OrderEdge, OrderNode } from './vda-wire.ts';

/** Battery model: slow drain per driven metre, steady charge per simulated second. */
const DRAIN_PCT_PER_M = 0.02;
const CHARGE_PCT_PER_S = 0.5;

export interface MotionOptions {
  readonly speedMps: number;
  readonly decisionPointLeadM: number;
}

/**
 * Driving: straight lines between node positions along the released base, never beyond it; the
 * battery it costs; `driving` and `newBaseRequest` as they follow from the plan.
 */
export class Motion {
  constructor(
    private readonly model: AgvModel,
    private readonly runner: ActionRunner,
    private readonly cancel: OrderCancel,
    private readonly opts: MotionOptions,
    /** Publishes the state now (a node reached is an event). */
    private readonly flush: () => void,
  ) {}

  /** Straight lines at min(speedMps, edge.maxSpeed); can pass several nodes in one long tick. */
  drive(dtSimMs: number): void {
    const m = this.model;
    let secondsLeft = dtSimMs / 1000;
    m.speed = 0;
    while (secondsLeft > 0) {
      const leg = this.nextLeg();
      if (!leg) break;
      const { node, edge } = leg;
      const speed =
        edge.maxSpeed !== undefined && edge.maxSpeed > 0
          ? Math.min(this.opts.speedMps, edge.maxSpeed)
          : this.opts.speedMps;
      m.speed = speed;
      m.onEdge = true;
      const target = node.nodePosition ?? m.pose;
      const dx = target.x - m.pose.x;
      const dy = target.y - m.pose.y;
      const distance = Math.hypot(dx, dy);
      if (distance > 1e-9) m.pose.theta = Math.atan2(dy, dx);
      const reach = speed * secondsLeft;
      if (distance <= reach) {
        secondsLeft -= distance / speed;
        this.drain(distance);
        m.pose.x = target.x;
        m.pose.y = target.y;
        if (node.nodePosition?.theta !== undefined) m.pose.theta = node.nodePosition.theta;
        this.traverse(node);
      } else {
        m.pose.x += (dx / distance) * reach;
        m.pose.y += (dy / distance) * reach;
        this.drain(reach);
        secondsLeft = 0;
      }
    }
  }

  /** Charging fills the battery, at most to 100 %. */
  charge(dtSimMs: number): void {
    const m = this.model;
    if (m.charging) m.battery = Math.min(100, m.battery + (CHARGE_PCT_PER_S * dtSimMs) / 1000);
  }

  /** `driving` and `newBaseRequest` follow from the plan; a change is a state event. */
  refreshFlags(): void {
    const m = this.model;
    const driving = this.nextLeg() !== undefined;
    if (!driving) m.speed = 0;
    if (driving !== m.driving) {
      m.driving = driving;
      m.markDirty();
    }
    const horizonPending = m.nodes.some((n) => !n.released);
    const request = horizonPending && this.distanceToDecisionPoint() <= this.opts.decisionPointLeadM;
    if (request !== m.newBaseRequest) {
      m.newBaseRequest = request;
      m.markDirty();
    }
  }

  /** Driving needs master control, no pause, no FATAL error, no pending or blocking node actions. */
  private canDrive(): boolean {
    const m = this.model;
    return (
      isMasterControlled(m.mode) &&
      !m.paused &&
      !m.errors.hasFatal() &&
      !m.nodeQueue.some((a) => a.status === 'WAITING') &&
      !m.running.some((a) => a.action.blockingType !== 'NONE')
    );
  }

  /** The next node and the edge to it, if both are released and the vehicle may move. */
  private nextLeg(): { node: OrderNode; edge: OrderEdge } | undefined {
    const node = this.model.nodes[0];
    const edge = this.model.edges[0];
    if (!node || !edge || !node.released || !edge.released || !this.canDrive()) return undefined;
    return { node, edge };
  }

  private drain(metres: number): void {
    const m = this.model;
    if (!m.charging) m.battery = Math.max(0, m.battery - metres * DRAIN_PCT_PER_M);
  }

  /** Reports the node traversed (nodeState and the edge before it go), then triggers its actions. */
  private traverse(node: OrderNode): void {
    const m = this.model;
    m.nodes.shift();
    m.edges.shift();
    m.onEdge = false;
    m.lastNodeId = node.nodeId;
    m.lastNodeSequenceId = node.sequenceId;
    m.nodeQueue.push(...this.runner.waitingActionsOf(node));
    this.runner.startQueued();
    this.cancel.finishIfStopped();
    this.refreshFlags();
    m.markDirty();
    this.flush();
  }

  private distanceToDecisionPoint(): number {
    let distance = 0;
    let from: { x: number; y: number } = this.model.pose;
    for (const node of this.model.nodes) {
      if (!node.released) break;
      const to = node.nodePosition;
      if (!to) continue;
      distance += Math.hypot(to.x - from.x, to.y - from.y);
      from = to;
    }
    return distance;
  }
}
