import type { AdapterLog } from './adapter-options.ts';
import type { FaultReporter } from './faults.ts';
import type { VdaOutbox } from './outbox.ts';
import type { Link } from './vda-link.ts';
import type { VdaState } from './wire.ts';

/** The engine's cancel, pause and resume as instant actions, and how the AGV ends them (A2, A3, S6). */
export class InstantCommands {
  constructor(
    private readonly log: AdapterLog,
    private readonly outbox: VdaOutbox,
    private readonly faults: FaultReporter,
  ) {}

  /**
   * A2: no update to the cancelled order; the next release is a new order, sent once the cancel has
   * ended and the AGV is idle, from where it stands. The operator has acted: faults go.
   */
  cancel(link: Link): void {
    link.track = undefined;
    link.acked = undefined;
    link.pendingOrder = undefined;
    link.deferred = [];
    link.adapterErrors.clear();
    this.log.info({ robotId: link.robotId, orderId: link.state?.orderId }, 'vda5050: cancelling the order');
    const cancel = this.outbox.instantAction('cancelOrder');
    if (this.outbox.instant(link, [cancel])) link.cancelling = cancel.actionId;
  }

  pause(link: Link): void {
    this.outbox.instant(link, [this.outbox.instantAction('startPause')]);
  }

  resume(link: Link): void {
    this.outbox.instant(link, [this.outbox.instantAction('stopPause')]);
  }

  /** A2, A3: the cancel has ended once it is FINISHED and the AGV holds no nodes, or FAILED. */
  cancelEnd(link: Link, state: VdaState): void {
    const id = link.cancelling;
    const cancel = id === undefined ? undefined : state.actionStates.find((a) => a.actionId === id);
    if (!cancel) return;
    if (cancel.actionStatus === 'FAILED') {
      link.cancelling = undefined;
      // A3: noOrderToCancel means the AGV was idle already; anything else needs an operator.
      if (!state.errors.some((e) => e.errorType === 'noOrderToCancel'))
        this.faults.fault(link, 'cancel-failed', `cancelOrder ${cancel.actionId} failed on the AGV`);
    } else if (
      cancel.actionStatus === 'FINISHED' &&
      state.nodeStates.length === 0 &&
      state.edgeStates.length === 0
    )
      link.cancelling = undefined;
  }

  /** S6: the stopCharging before a release has ended; a failed one needs an operator. */
  chargeEnd(link: Link, state: VdaState): void {
    const id = link.stoppingCharge;
    const stop = id === undefined ? undefined : state.actionStates.find((a) => a.actionId === id);
    if (!stop || (stop.actionStatus !== 'FINISHED' && stop.actionStatus !== 'FAILED')) return;
    link.stoppingCharge = undefined;
    if (stop.actionStatus === 'FAILED' && state.batteryState.charging)
      this.faults.fault(
        link,
        'stop-charging-failed',
        `stopCharging ${stop.actionId} failed; the AGV still charges`,
      );
  }
}
