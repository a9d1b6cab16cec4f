import type { AdapterLog } from './adapter-options.ts';
import type { FaultReporter } from './faults.ts';
import type { VdaOutbox } from './outbox.ts';
import type { Link } from './vda-link.ts';

/** Instant actions whose loss needs an operator (A4); a lost stateRequest or factsheetRequest does not. */
const MUST_ARRIVE: ReadonlySet<string> = new Set(['cancelOrder', 'startPause', 'stopPause', 'stopCharging']);

/**
 * O19, A4: an order or instant action no state has acknowledged within `timeoutMs` is sent again, the
 * identical message under a new header, a bounded number of times; then the AGV is reported faulty
 * (where an operator must act): never the endless loop, and no order is ever silently stuck.
 */
export class Resender {
  constructor(
    private readonly log: AdapterLog,
    private readonly outbox: VdaOutbox,
    private readonly faults: FaultReporter,
    private readonly timeoutMs: number,
    /** Sends in all, the first one included. */
    private readonly limit: number,
  ) {}

  resend(link: Link, now: number): void {
    const order = link.pendingOrder;
    if (order && now - order.sentAtMs >= this.timeoutMs) {
      if (order.sends >= this.limit) {
        link.pendingOrder = undefined;
        this.faults.fault(
          link,
          'order-unacknowledged',
          `order ${order.orderId} update ${order.orderUpdateId} not acknowledged after ${order.sends} sends`,
        );
      } else if (this.outbox.publish(link, 'order', order.body)) {
        order.sends += 1;
        order.sentAtMs = now;
      }
    }
    for (const [actionId, sent] of link.pendingInstant) {
      if (now - sent.sentAtMs < this.timeoutMs) continue;
      if (sent.sends >= this.limit) {
        link.pendingInstant.delete(actionId);
        const actionType = actionId.slice(0, actionId.indexOf(':'));
        if (actionId === link.cancelling) link.cancelling = undefined;
        if (actionId === link.stoppingCharge) link.stoppingCharge = undefined;
        if (MUST_ARRIVE.has(actionType))
          this.faults.fault(
            link,
            'instant-unacknowledged',
            `${actionType} ${actionId} not acknowledged after ${sent.sends} sends`,
          );
        else
          this.log.warn(
            { robotId: link.robotId, actionId },
            'vda5050: instant action never acknowledged; given up',
          );
      } else if (this.outbox.publish(link, 'instantActions', sent.body)) {
        sent.sends += 1;
        sent.sentAtMs = now;
      }
    }
  }
}
