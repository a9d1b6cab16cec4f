import type { ActionRunner } from './action-runner.ts';
import type { AgvModel } from './agv-model.ts';
import type { OrderRejectionType } from './agv-options.ts';
import type { Motion } from './motion.ts';
import {
  isMasterControlled,
  isTerminal,
  messageReferences,
  orderGraphProblem,
  ref,
  unsupportedOrderParts,
} from './wire-rules.ts';
import { vdaValidators, type ErrorReference, type OrderMessage, type OrderNode } from './vda-wire.ts';

type OrderVerdict =
  | { readonly kind: 'acceptNew' }
  | { readonly kind: 'acceptUpdate' }
  | { readonly kind: 'discard' }
  | {
      readonly kind: 'reject';
      readonly errorType: OrderRejectionType;
      readonly description: string;
      readonly references: readonly ErrorReference[];
    };

/** Deviation used when a node gives none or 0 ("the manufacturer's normal tolerance"). */
const DEFAULT_DEVIATION_M = 0.5;

/**
 * The `order` topic: steps 1-5 of the 2.0 order acceptance algorithm ("or" in the active test, see the
 * VDA 5050 checklist, part A): schema, graph rules, then a new order, a stitched update, a duplicate
 * to discard or a rejection; every received order also triggers a state.
 */
export class OrderAcceptance {
  private rejectNext: OrderRejectionType | undefined;

  constructor(
    private readonly model: AgvModel,
    private readonly runner: ActionRunner,
    private readonly motion: Motion,
  ) {}

  /** The next schema-valid order is rejected with this error type, for master tests. */
  rejectNextOrder(errorType: OrderRejectionType): void {
    this.rejectNext = errorType;
  }

  handle(payload: Buffer): void {
    this.model.markDirty();
    const parsed = this.model.errors.parse(payload, 'order');
    if (parsed === undefined) return;
    const v = vdaValidators();
    if (!v.order(parsed)) {
      this.reject('validationError', `order fails the schema: ${v.errorsText(v.order)}`, parsed, []);
      return;
    }
    const graphProblem = orderGraphProblem(parsed);
    if (graphProblem !== undefined) {
      this.reject('validationError', `invalid order graph: ${graphProblem}`, parsed, []);
      return;
    }
    const verdict = this.judge(parsed);
    switch (verdict.kind) {
      case 'reject':
        this.reject(verdict.errorType, verdict.description, parsed, verdict.references);
        return;
      case 'discard':
        return;
      case 'acceptNew':
        this.acceptNewOrder(parsed);
        return;
      case 'acceptUpdate':
        this.acceptOrderUpdate(parsed);
        return;
      default:
        verdict satisfies never;
    }
  }

  private judge(order: OrderMessage): OrderVerdict {
    const m = this.model;
    const reject = (
      errorType: OrderRejectionType,
      description: string,
      references: readonly ErrorReference[] = [],
    ): OrderVerdict => ({ kind: 'reject', errorType, description, references });
    if (this.rejectNext) {
      const errorType = this.rejectNext;
      this.rejectNext = undefined;
      return reject(errorType, 'rejected on request (rejectNextOrder)');
    }
    // Not part of the 2.0 flow, but no AGV takes orders without master control (3.0: MOBILE_ROBOT_NOT_AVAILABLE).
    if (!isMasterControlled(m.mode)) {
      return reject('orderError', `operating mode ${m.mode} takes no orders`, [ref('operatingMode', m.mode)]);
    }
    const first = order.nodes[0]!;
    const unsupported = unsupportedOrderParts(order);
    if (order.orderId !== m.orderId || m.orderId === '') {
      if (this.hasCurrentOrder()) {
        return reject('orderUpdateError', `order ${m.orderId} is still active`);
      }
      if (!this.canReach(first)) {
        return reject('noRouteError', `first node ${first.nodeId} is not where the vehicle stands`, [
          ref('nodeId', first.nodeId),
        ]);
      }
      if (unsupported.length > 0) return reject('orderError', 'unsupported actions or fields', unsupported);
      return { kind: 'acceptNew' };
    }
    if (order.orderUpdateId < m.orderUpdateId) {
      return reject('orderUpdateError', `orderUpdateId below the current ${m.orderUpdateId}`);
    }
    if (order.orderUpdateId === m.orderUpdateId) return { kind: 'discard' };
    const decision = this.decisionPoint();
    if (first.nodeId !== decision.nodeId || first.sequenceId !== decision.sequenceId) {
      return reject(
        'orderUpdateError',
        `update must start at the decision point ${decision.nodeId}/${decision.sequenceId}`,
        [ref('nodeId', first.nodeId), ref('sequenceId', first.sequenceId)],
      );
    }
    const reused = order.nodes
      .slice(1)
      .flatMap((n) => n.actions)
      .find((a) => m.actions.has(a.actionId));
    if (reused) {
      return reject('orderUpdateError', `actionId ${reused.actionId} was used before`, [
        ref('actionId', reused.actionId),
      ]);
    }
    if (unsupported.length > 0) return reject('orderError', 'unsupported actions or fields', unsupported);
    return { kind: 'acceptUpdate' };
  }

  /** "Current order": actions not all FINISHED/FAILED, or nodeStates non-empty (2.1 wording, "or"). */
  private hasCurrentOrder(): boolean {
    const m = this.model;
    return m.nodes.length > 0 || [...m.actions.values()].some((a) => !isTerminal(a.status));
  }

  /** The last released node still ahead, or the node the vehicle stands on when the whole base is done. */
  private decisionPoint(): { nodeId: string; sequenceId: number } {
    const m = this.model;
    const released = m.nodes.filter((n) => n.released);
    const last = released[released.length - 1];
    return last
      ? { nodeId: last.nodeId, sequenceId: last.sequenceId }
      : { nodeId: m.lastNodeId, sequenceId: m.lastNodeSequenceId };
  }

  private canReach(node: OrderNode): boolean {
    const m = this.model;
    if (node.nodeId === m.lastNodeId) return true;
    const position = node.nodePosition;
    if (!position || position.mapId !== m.pose.mapId) return false;
    const deviation =
      position.allowedDeviationXY !== undefined && position.allowedDeviationXY > 0
        ? position.allowedDeviationXY
        : DEFAULT_DEVIATION_M;
    return Math.hypot(position.x - m.pose.x, position.y - m.pose.y) <= deviation;
  }

  /** New order: previous action states and rejection warnings go; the first node counts as traversed. */
  private acceptNewOrder(order: OrderMessage): void {
    const m = this.model;
    m.actions.clear();
    m.running = [];
    m.errors.dropRejections();
    m.orderId = order.orderId;
    m.orderUpdateId = order.orderUpdateId;
    for (const node of order.nodes) this.runner.track(node.actions);
    const [first, ...rest] = order.nodes;
    m.nodes = rest;
    m.edges = [...order.edges];
    m.onEdge = false;
    m.lastNodeId = first!.nodeId;
    m.lastNodeSequenceId = first!.sequenceId;
    m.nodeQueue = this.runner.waitingActionsOf(first!);
    this.runner.startQueued();
    this.motion.refreshFlags();
  }

  /**
   * Stitched update: the horizon is dropped, new elements appended. The stitching node keeps the content
   * of the first order; of its actions only ones with a new actionId are added, so re-sent actions (same
   * actionId, spec mode) are not executed again.
   */
  private acceptOrderUpdate(order: OrderMessage): void {
    const m = this.model;
    m.errors.dropRejections();
    m.orderUpdateId = order.orderUpdateId;
    for (const node of m.nodes.filter((n) => !n.released)) {
      for (const action of node.actions) m.actions.delete(action.actionId);
    }
    m.nodes = m.nodes.filter((n) => n.released);
    m.edges = m.edges.filter((e) => e.released);
    const [stitch, ...rest] = order.nodes;
    const fresh = stitch!.actions.filter((a) => !m.actions.has(a.actionId));
    const tracked = this.runner.track(fresh);
    const decision = m.nodes[m.nodes.length - 1];
    if (decision) {
      m.nodes[m.nodes.length - 1] = { ...decision, actions: [...decision.actions, ...fresh] };
    } else {
      m.nodeQueue.push(...tracked);
    }
    for (const node of rest) this.runner.track(node.actions);
    m.nodes.push(...rest);
    m.edges.push(...order.edges);
    this.runner.startQueued();
    this.motion.refreshFlags();
  }

  private reject(
    errorType: OrderRejectionType,
    description: string,
    parsed: unknown,
    extra: readonly ErrorReference[],
  ): void {
    this.model.errors.addRejection({
      errorType,
      errorLevel: 'WARNING',
      errorDescription: description,
      errorReferences: [...messageReferences(parsed, 'order'), ...extra],
    });
  }
}
