import type { Job, Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { TransportOrder } from '../domain/transport-order.ts';
import { webhookEventFor, webhookId, webhookPayload, type WebhookEvent } from '../domain/webhook-events.ts';
import type { Clock } from '../ports/clock.ts';
import { notifyJobId, type NotifyJob } from '../queue/queues.ts';
import { signWebhook } from './webhook-signing.ts';

export interface Subscriber {
  readonly id: string;
  readonly url: string;
  /** One or two `whsec_` secrets (two during rotation). */
  readonly secrets: readonly string[];
  readonly events: ReadonlySet<WebhookEvent>;
  /** A 2xx from this subscriber for `transport.delivered` confirms the move (the WMS). */
  readonly confirmsDelivery: boolean;
}

export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
  readonly code = 'webhook-delivery-failed';
}

export interface NotifierOptions {
  readonly queue: Queue<NotifyJob>;
  readonly subscribers: readonly Subscriber[];
  readonly loadOrder: (id: string) => Promise<TransportOrder | undefined>;
  /** Called once a confirming subscriber acknowledged `transport.delivered`. */
  readonly onDeliveryConfirmed: (orderId: string, subscriberId: string) => Promise<void>;
  readonly clock: Clock;
  readonly log: Logger;
  /** Per-delivery timeout, milliseconds. Default 10 000. */
  readonly timeoutMs?: number;
}

/**
 * Outbound webhooks: one BullMQ job per (subscriber, order, event) with a deterministic job id and a
 * stable `webhook-id`, so enqueueing twice (a re-drive after a crash) sends at most once more, and a
 * receiver deduplicates whatever it gets twice.
 */
export class Notifier {
  constructor(private readonly options: NotifierOptions) {}

  /** Enqueues the webhook the order's current status calls for, to every subscriber that wants it. */
  async enqueueFor(order: TransportOrder): Promise<void> {
    const event = webhookEventFor(order.status);
    if (!event) return;
    const jobs = this.options.subscribers
      .filter((s) => s.events.has(event))
      .map((s) => ({ subscriberId: s.id, orderId: order.id, event, webhookId: webhookId(order.id, event) }));
    await Promise.all(jobs.map((job) => this.options.queue.add(event, job, { jobId: notifyJobId(job) })));
  }

  /** The `notify` queue's processor: sends one signed webhook; throws to have BullMQ retry it. */
  readonly process = async (job: Job<NotifyJob>): Promise<void> => {
    const { subscriberId, orderId, event, webhookId: id } = job.data;
    const subscriber = this.options.subscribers.find((s) => s.id === subscriberId);
    const order = await this.options.loadOrder(orderId);
    if (!subscriber || !order) {
      this.options.log.warn(
        { subscriberId, orderId },
        'webhook dropped: subscriber or order no longer exists',
      );
      return;
    }
    const eventName = event as WebhookEvent;
    const nowMs = this.options.clock.now();
    const body = JSON.stringify(webhookPayload(order, eventName, new Date(nowMs).toISOString()));
    const timestampS = Math.floor(nowMs / 1000);
    let status: number;
    try {
      const response = await fetch(subscriber.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(timestampS),
          'webhook-signature': signWebhook(subscriber.secrets, id, timestampS, body),
          ...(order.traceparent ? { traceparent: order.traceparent } : {}),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (cause) {
      throw new WebhookDeliveryError(`${subscriberId}: ${event} for ${orderId} not delivered`, { cause });
    }
    if (status === 410) {
      this.options.log.warn({ subscriberId }, 'subscriber answered 410 Gone');
      return;
    }
    if (status < 200 || status >= 300)
      throw new WebhookDeliveryError(`${subscriberId}: ${event} for ${orderId} answered ${status}`);
    if (eventName === 'transport.delivered' && subscriber.confirmsDelivery) {
      await this.options.onDeliveryConfirmed(orderId, subscriberId);
    }
  };
}
