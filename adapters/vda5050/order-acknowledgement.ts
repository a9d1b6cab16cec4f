import type { AdapterContext } from './adapter-options.ts';
import { markUnsupported } from './capabilities.ts';
import type { OrderAdoption } from './order-adoption.ts';
import type { VdaOutbox } from './outbox.ts';
import type { Link, PendingOrder } from './vda-link.ts';
import { ORDER_REJECTIONS, type OrderBody, type VdaAction, type VdaError, type VdaState } from './wire.ts';

/**
 * What a state says about the orders sent: acknowledged by the echo of orderId and orderUpdateId (O18),
 * refused by an error that refers to it (E2: `validationError`, `orderError`, `orderUpdateError`,
 * `noRouteError`; E3, E4, O20 recover where they can), or lost by an AGV that restarted (C4).
 */
export class OrderAcknowledgement {
  constructor(
    private readonly ctx: AdapterContext,
    private readonly outbox: VdaOutbox,
    private readonly adoption: OrderAdoption,
    private readonly maxFirstNodeDeviationM: number,
  ) {}

  /**
   * C4: the AGV reports neither the order we sent nor the one it acknowledged, and nothing left to drive
   * (it restarted, or someone cleared it): that order is gone. The next release starts a new order, and
   * the robot is reported faulty until an order is accepted: its task needs an operator's decision.
   */
  orderLost(link: Link, state: VdaState): void {
    const known = [link.track?.orderId, link.acked?.orderId];
    if (!link.acked || known.includes(state.orderId) || state.nodeStates.length > 0) return;
    const lost = link.acked.orderId;
    link.track = undefined;
    link.acked = undefined;
    link.pendingOrder = undefined;
    link.adapterErrors.set('order-lost', {
      code: 'order-lost',
      level: 'fatal',
      message: `the AGV no longer knows order ${lost} (it reports ${state.orderId === '' ? 'no order' : `order ${state.orderId}`})`,
    });
    this.ctx.log.warn({ robotId: link.robotId, orderId: lost }, 'vda5050: AGV lost its order');
  }

  /** O18, E2: the state echoes what was sent (accepted), or an error references it (rejected). */
  acknowledge(link: Link, state: VdaState): void {
    for (const a of state.actionStates) link.pendingInstant.delete(a.actionId);
    const sent = link.track;
    const pending = link.pendingOrder;
    // An exact echo accepts; a later orderUpdateId does too, unless the AGV says it refused ours (O20).
    const rejection =
      pending && !(state.orderId === pending.orderId && state.orderUpdateId === pending.orderUpdateId)
        ? state.errors.find((e) => ORDER_REJECTIONS.has(e.errorType) && refersTo(e, pending))
        : undefined;
    if (!rejection && sent && state.orderId === sent.orderId && state.orderUpdateId >= sent.orderUpdateId) {
      // Accepted, late or not: whatever we gave up on or saw refused before is settled.
      link.acked = sent;
      link.pendingOrder = undefined;
      link.adapterErrors.delete('order-unacknowledged');
      link.adapterErrors.delete('order-rejected');
      link.adapterErrors.delete('order-lost');
      return;
    }
    if (!pending || !rejection) return;
    link.pendingOrder = undefined;
    link.track = link.acked; // the AGV keeps the order it had
    if (
      rejection.errorType === 'orderUpdateError' &&
      state.orderId === pending.orderId &&
      state.orderUpdateId >= pending.orderUpdateId
    ) {
      // O20: the AGV is further on than this update (it took one we lost count of): resynchronise from
      // its state and release the same segment again on top of what it has.
      this.ctx.log.warn(
        { robotId: link.robotId, orderId: pending.orderId, orderUpdateId: state.orderUpdateId },
        'vda5050: order update behind the AGV; resynchronised from its state',
      );
      this.adoption.adopt(link, state);
      link.deferred.unshift(pending.segment);
      return;
    }
    if (rejection.errorType === 'noRouteError' && this.widened(link, state, pending)) return;
    if (rejection.errorType === 'orderError') this.refused(link, rejection, pending);
    this.rejected(link, rejection, pending);
  }

  /** E3: once, the first node again with a deviation that covers where the AGV says it is. */
  private widened(link: Link, state: VdaState, pending: PendingOrder): boolean {
    if (pending.orderUpdateId !== 0 || pending.regenerated) return false;
    const body = widenFirstNode(pending.body, state, this.maxFirstNodeDeviationM);
    if (!body || !this.outbox.publish(link, 'order', body)) return false;
    this.ctx.log.warn(
      { robotId: link.robotId, orderId: body.orderId },
      'vda5050: noRouteError; first node widened',
    );
    link.pendingOrder = { ...pending, body, regenerated: true, sentAtMs: this.ctx.clock.now(), sends: 1 };
    link.track = {
      ...link.track!,
      orderId: body.orderId,
      orderUpdateId: 0,
      decision: lastReleased(body),
    };
    return true;
  }

  /** E4: what the AGV names is unsupported until its factsheet says otherwise; ask for a fresh one. */
  private refused(link: Link, rejection: VdaError, pending: PendingOrder): void {
    for (const r of rejection.errorReferences ?? []) {
      const actionType =
        r.referenceKey === 'actionType'
          ? r.referenceValue
          : r.referenceKey === 'actionId'
            ? actionsOf(pending.body).find((a) => a.actionId === r.referenceValue)?.actionType
            : undefined;
      if (actionType !== undefined) link.capabilities = markUnsupported(link.capabilities, { actionType });
      else if (!REFERENCE_KEYS.has(r.referenceKey))
        link.capabilities = markUnsupported(link.capabilities, { parameter: r.referenceKey });
    }
    this.outbox.instant(link, [this.outbox.instantAction('factsheetRequest')]);
  }

  /**
   * The AGV keeps its previous order and does not move for this one: its actions will never run, and
   * the robot needs an operator (the engine holds its order and raises an alarm on the fault).
   */
  private rejected(link: Link, rejection: VdaError, pending: PendingOrder): void {
    const why = `${rejection.errorType}${rejection.errorDescription ? ` (${rejection.errorDescription})` : ''}`;
    link.adapterErrors.set('order-rejected', {
      code: 'order-rejected',
      level: 'fatal',
      message: `order ${pending.orderId} update ${pending.orderUpdateId} rejected: ${why}`,
    });
    this.ctx.log.warn(
      { robotId: link.robotId, orderId: pending.orderId, errorType: rejection.errorType },
      'vda5050: order rejected',
    );
    for (const actionId of pending.engineActions)
      this.ctx.emit({
        type: 'action-failed',
        robotId: link.robotId,
        actionId,
        reason: `order rejected: ${why}`,
      });
  }
}

/**
 * E2, E5: an error refers to an order by its orderId (and update), or names no order at all; an error
 * about an instant action (topic instantActions, or an actionId the order does not carry) does not.
 */
function refersTo(
  e: VdaError,
  order: { readonly orderId: string; readonly orderUpdateId: number; readonly body: OrderBody },
): boolean {
  const refs = e.errorReferences ?? [];
  const topic = refs.find((r) => r.referenceKey === 'topic')?.referenceValue;
  if (topic !== undefined && topic !== 'order') return false;
  const actionId = refs.find((r) => r.referenceKey === 'actionId')?.referenceValue;
  if (actionId !== undefined && !actionsOf(order.body).some((a) => a.actionId === actionId)) return false;
  const orderId = refs.find((r) => r.referenceKey === 'orderId')?.referenceValue;
  const update = refs.find((r) => r.referenceKey === 'orderUpdateId')?.referenceValue;
  if (orderId !== undefined && orderId !== order.orderId) return false;
  if (update !== undefined && Number(update) !== order.orderUpdateId) return false;
  return true;
}

/** Error reference keys that name an element or message, not an unsupported field (E4). */
const REFERENCE_KEYS: ReadonlySet<string> = new Set([
  'headerId',
  'topic',
  'orderId',
  'orderUpdateId',
  'nodeId',
  'edgeId',
  'actionId',
  'sequenceId',
]);

function actionsOf(body: OrderBody): readonly VdaAction[] {
  return [...body.nodes.flatMap((n) => n.actions), ...body.edges.flatMap((e) => e.actions)];
}

/** The decision point of an order message: its last released node. */
function lastReleased(body: OrderBody): OrderBody['nodes'][number] {
  return body.nodes.filter((n) => n.released).at(-1)!;
}

/**
 * E3, O4: the order with its first node's allowed deviation widened to cover the position the AGV
 * reports (plus 5 cm), or undefined when the AGV reports none, stands on another map or further than
 * `maxM` away.
 */
function widenFirstNode(body: OrderBody, state: VdaState, maxM: number): OrderBody | undefined {
  const [first, ...rest] = body.nodes;
  const at = state.agvPosition;
  const position = first?.nodePosition;
  if (!first || !at || !position || position.mapId !== at.mapId) return undefined;
  const distance = Math.hypot(at.x - position.x, at.y - position.y);
  if (distance > maxM) return undefined;
  const allowedDeviationXY = Math.ceil((distance + 0.05) * 100) / 100;
  return { ...body, nodes: [{ ...first, nodePosition: { ...position, allowedDeviationXY } }, ...rest] };
}
