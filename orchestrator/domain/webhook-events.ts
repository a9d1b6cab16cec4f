import type { OrderStatus, TransportOrder } from './transport-order.ts';

/** Outbound lifecycle events (contract, "Outbound"). */
export const WEBHOOK_EVENTS = [
  'transport.accepted',
  'transport.assigned',
  'transport.picked',
  'transport.delivered',
  'transport.failed',
  'transport.cancelled',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The webhook an order entering `status` sends, if any. */
export function webhookEventFor(status: OrderStatus): WebhookEvent | undefined {
  switch (status) {
    case 'received':
      return 'transport.accepted';
    case 'assigned':
      return 'transport.assigned';
    case 'to-dropoff':
      return 'transport.picked';
    case 'delivered':
      return 'transport.delivered';
    case 'failed':
      return 'transport.failed';
    case 'cancelled':
      return 'transport.cancelled';
    case 'planned':
    case 'to-pickup':
    case 'picking':
    case 'dropping':
    case 'confirmed':
    case 'on-hold':
      return undefined;
  }
}

/** Stable per order and event, so receivers deduplicate redeliveries (Standard Webhooks `webhook-id`). */
export function webhookId(orderId: string, event: WebhookEvent): string {
  return `msg_${orderId}_${event.slice('transport.'.length)}`;
}

function locationOf(ref: TransportOrder['from'], station: string | undefined): string | undefined {
  return station ?? ('location' in ref ? ref.location : undefined);
}

/** The webhook body: external refs unchanged, load, actual locations, timestamps, correlation. */
export function webhookPayload(
  order: TransportOrder,
  event: WebhookEvent,
  atIso: string,
): Record<string, unknown> {
  return {
    type: event,
    timestamp: atIso,
    data: {
      orderId: order.id,
      orderType: order.type,
      status: order.status,
      sourceSystem: order.sourceSystem,
      externalRefs: order.externalRefs,
      correlationId: order.correlationId,
      ...(order.traceparent ? { traceparent: order.traceparent } : {}),
      handlingUnitId: order.load.handlingUnitId,
      sscc: order.load.sscc,
      sku: order.load.sku,
      quantity: order.load.quantity,
      uom: order.load.uom,
      from: { location: locationOf(order.from, order.fromStation) },
      to: { location: locationOf(order.to, order.toStation) },
      robotId: order.robotId,
      ...(order.failureReason ? { reason: order.failureReason, detail: order.failureDetail } : {}),
      timestamps: order.timestamps,
    },
  };
}
