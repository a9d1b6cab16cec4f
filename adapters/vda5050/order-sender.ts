import type { AdapterContext } from './adapter-options.ts';
import { fitOrder, minOrderIntervalMs } from './capabilities.ts';
import type { FaultReporter } from './faults.ts';
import { continuedOrder, type ReleaseSegment } from './order-builder.ts';
import { routeNode } from './wire-nodes.ts';
import type { VdaOutbox } from './outbox.ts';
import type { Link } from './vda-link.ts';
import type { VdaState } from './wire.ts';

/**
 * Releases out as orders: each one waits until the AGV can take it (A2, A6, S6, S7, O17, O6), is built
 * as an order or an order update stitched on the decision point (`order-builder.ts`), fitted to the
 * factsheet (O5, O6, O8, O9), published and tracked until a state acknowledges it (O18).
 */
export class OrderSender {
  constructor(
    private readonly ctx: AdapterContext,
    private readonly outbox: VdaOutbox,
    private readonly faults: FaultReporter,
  ) {}

  /** Sends the deferred releases the AGV can take now, in order; logs once why the first one waits. */
  flush(link: Link): void {
    while (link.deferred.length > 0) {
      const segment = link.deferred[0]!;
      const wait = this.mustWait(link, segment);
      if (wait !== undefined) {
        if (wait !== link.waitingFor)
          this.ctx.log.info(
            {
              robotId: link.robotId,
              taskId: segment.taskId,
              from: segment.nodes[0]!.nodeId,
              agv: link.state && {
                orderId: link.state.orderId,
                lastNodeId: link.state.lastNodeId,
                nodes: link.state.nodeStates.map(
                  (n) => `${n.nodeId}/${n.sequenceId}${n.released ? '' : '?'}`,
                ),
                running: link.state.actionStates
                  .filter((a) => a.actionStatus !== 'FINISHED' && a.actionStatus !== 'FAILED')
                  .map((a) => `${a.actionType ?? a.actionId}:${a.actionStatus}`),
              },
              decision: link.track?.decision.nodeId,
            },
            `vda5050: release waits: ${wait}`,
          );
        link.waitingFor = wait;
        return;
      }
      link.waitingFor = undefined;
      link.deferred.shift();
      this.send(link, this.offCharger(link, segment));
    }
  }

  /** Why `segment` cannot go to the AGV yet, or undefined when it can. */
  private mustWait(link: Link, segment: ReleaseSegment): string | undefined {
    if (link.cancelling !== undefined) return 'the cancel has not ended (A2)';
    const state = link.state;
    if (state?.paused === true) return 'the AGV is paused (A6)';
    if (
      state?.safetyState !== undefined &&
      (state.safetyState.eStop !== 'NONE' || state.safetyState.fieldViolation)
    )
      return 'the AGV reports an emergency stop or a protective field violation (S7)';
    if (state?.batteryState.charging === true && stopsCharging(segment)) {
      // S6: the charge is stopped by an instant action, and the order waits until the AGV says it stopped.
      if (link.stoppingCharge === undefined) {
        const stop = this.outbox.instantAction('stopCharging');
        if (this.outbox.instant(link, [stop])) link.stoppingCharge = stop.actionId;
      }
      return 'the AGV is still charging (S6)';
    }
    if (state && busy(state) && !continuedOrder(segment, link.track))
      return 'the AGV has not finished its order; a new order waits (O17)';
    const gap = minOrderIntervalMs(link.capabilities) - (this.ctx.clock.now() - link.orderAtMs);
    if (gap > 0) return 'the factsheet asks for a pause between orders (O6)';
    return undefined;
  }

  /**
   * The segment without the stop-charging actions on its first node once the AGV reports it is not
   * charging (S6: stopped by the instant action, or it never was): those actions have done their work.
   */
  private offCharger(link: Link, segment: ReleaseSegment): ReleaseSegment {
    const first = segment.nodes[0]!;
    const stops = first.actions.filter((a) => a.type === 'stop-charging');
    if (stops.length === 0 || link.state?.batteryState.charging !== false) return segment;
    for (const a of stops)
      this.ctx.emit({ type: 'action-finished', robotId: link.robotId, actionId: a.actionId });
    return {
      ...segment,
      nodes: [
        { ...first, actions: first.actions.filter((a) => a.type !== 'stop-charging') },
        ...segment.nodes.slice(1),
      ],
    };
  }

  /** Builds the order (update), fits it to the factsheet (O5, O6, O8, O9), publishes and tracks it. */
  private send(link: Link, segment: ReleaseSegment): void {
    const robotId = link.robotId;
    let built;
    try {
      built = link.builder.build(segment, link.track, this.outbox.nextId());
    } catch (err) {
      this.ctx.log.error({ robotId, err: (err as Error).message }, 'vda5050: cannot build order');
      return;
    }
    const fit = fitOrder(built.body, link.capabilities, { parameterValues: link.profile.parameterValues });
    if (!fit.ok) {
      // The AGV would refuse it: the engine's actions fail here, and the robot needs an operator.
      const why = fit.problems.join('; ');
      this.faults.fault(
        link,
        'order-unsupported',
        `order ${built.body.orderId} exceeds the AGV's factsheet: ${why}`,
      );
      for (const a of built.actions)
        this.ctx.emit({ type: 'action-failed', robotId, actionId: a.engineId, reason: `not sent: ${why}` });
      return;
    }
    if (fit.dropped.length > 0)
      this.ctx.log.info({ robotId, dropped: fit.dropped }, 'vda5050: order fitted to the factsheet');
    const body = fit.body;
    if (!this.outbox.publish(link, 'order', body)) return;
    link.orderAtMs = this.ctx.clock.now();
    for (const a of built.actions) link.actions.set(a.wireId, a.engineId);
    if (body.orderUpdateId === 0) link.released.reset();
    link.released.release(body.nodes.filter((n) => n.released).map(routeNode));
    link.track = built.track;
    link.pendingOrder = {
      topic: 'order',
      body,
      orderId: body.orderId,
      orderUpdateId: body.orderUpdateId,
      segment,
      engineActions: built.actions.map((a) => a.engineId),
      sentAtMs: this.ctx.clock.now(),
      sends: 1,
    };
  }
}

/** True when the segment stops a charge on the node it leaves (S6). */
function stopsCharging(segment: ReleaseSegment): boolean {
  return segment.nodes[0]!.actions.some((a) => a.type === 'stop-charging');
}

/**
 * O17: the AGV still works on an order: nodes or edges left, or an action running. (WAITING actions of a
 * dropped horizon may linger in 2.x, A11: they do not count.)
 */
function busy(state: VdaState): boolean {
  return (
    state.nodeStates.length > 0 ||
    state.edgeStates.length > 0 ||
    state.actionStates.some(
      (a) => a.actionStatus === 'INITIALIZING' || a.actionStatus === 'RUNNING' || a.actionStatus === 'PAUSED',
    )
  );
}
