import { randomBytes } from 'node:crypto';
import { DelayedError, type Job, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { TransportOrder } from '../domain/transport-order.ts';
import { webhookEventFor, webhookId, webhookPayload, type WebhookEvent } from '../domain/webhook-events.ts';
import { wants, type SubscriberDirectory } from './subscriber-directory.ts';
import { childOf, formatTraceparent, parseTraceparent } from '../domain/trace-context.ts';
import type { Clock } from '../ports/clock.ts';
import { notifyJobId, type NotifyJob } from '../queue/queues.ts';
import { signWebhook } from './webhook-signing.ts';

export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
  readonly code = 'webhook-delivery-failed';
}

/**
 * What became of one webhook attempt: `delivered` (2xx), `retried` (refused or not answered, with
 * retries left), `dead-lettered` (the same, on the last attempt), `gone` (410: the subscriber is
 * disabled), `dropped` (not sent: the subscriber is disabled or removed, or the order no longer exists).
 */
export const WEBHOOK_OUTCOMES = ['delivered', 'retried', 'dead-lettered', 'gone', 'dropped'] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

export interface NotifierOptions {
  readonly queue: Queue<NotifyJob>;
  readonly subscribers: SubscriberDirectory;
  readonly loadOrder: (id: string) => Promise<TransportOrder | undefined>;
  /** Called once a confirming subscriber acknowledged `transport.delivered`. */
  readonly onDeliveryConfirmed: (orderId: string, subscriberId: string) => Promise<void>;
  readonly clock: Clock;
  readonly log: Logger;
  /** Per-delivery timeout, milliseconds. Default 10 000. */
  readonly timeoutMs?: number;
  /** Something an operator must see: a dead-lettered webhook, a subscriber gone. */
  readonly onAlarm?: (alarm: { code: string; message: string; orderId?: string }) => void;
  /** Counts every attempt by its outcome (`fleetbridge_webhook_attempts_total`). */
  readonly metrics?: { webhookAttempt(outcome: WebhookOutcome, subscriberId: string): void };
}

/** Lifecycle rank: a webhook waits until those of lower rank for the same order and subscriber are sent. */
const RANK: Readonly<Record<WebhookEvent, number>> = {
  'transport.accepted': 0,
  'transport.assigned': 1,
  'transport.picked': 2,
  'transport.delivered': 3,
  'transport.failed': 3,
  'transport.cancelled': 3,
};
/** Job states of a webhook that has not been sent yet (nor given up on). */
const UNSENT = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);
/** How long a webhook waits before it looks again whether its predecessor has been sent. */
const PREDECESSOR_WAIT_MS = 500;

/** One webhook that was given up on after its last retry (contract: dead-letter list). */
export interface DeadLetter {
  readonly id: string;
  readonly subscriberId: string;
  readonly orderId: string;
  readonly event: string;
  readonly webhookId: string;
  readonly attempts: number;
  readonly lastError: string;
  readonly failedAt: string | null;
}

/**
 * Outbound webhooks: one BullMQ job per (subscriber, order, event) with a deterministic job id and a
 * stable `webhook-id`, so enqueueing twice (a re-drive after a crash) sends at most once more, and a
 * receiver deduplicates whatever it gets twice. Per subscriber and order, webhooks go out in lifecycle
 * order: one waits (without spending a retry) while an earlier one is still unsent. A webhook that
 * exhausts its retries stays in the queue's failed set, the dead-letter list, until replayed.
 */
export class Notifier {
  constructor(private readonly options: NotifierOptions) {}

  /** Enqueues the webhook the order's current status calls for, to every subscriber that wants it. */
  async enqueueFor(order: TransportOrder): Promise<void> {
    const event = webhookEventFor(order.status);
    if (!event) return;
    const jobs = (await this.options.subscribers.all())
      .filter((s) => wants(s, order, event))
      .map((s) => ({ subscriberId: s.id, orderId: order.id, event, webhookId: webhookId(order.id, event) }));
    await Promise.all(jobs.map((job) => this.options.queue.add(event, job, { jobId: notifyJobId(job) })));
  }

  /** Webhooks given up on, newest first. */
  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const jobs = await this.options.queue.getFailed(0, limit - 1);
    return jobs.map((job) => ({
      id: job.id!,
      subscriberId: job.data.subscriberId,
      orderId: job.data.orderId,
      event: job.data.event,
      webhookId: job.data.webhookId,
      attempts: job.attemptsMade,
      lastError: job.failedReason,
      failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    }));
  }

  /** Sends a dead letter again, with a fresh set of retries; false when `id` is not a dead letter. */
  async replay(id: string): Promise<boolean> {
    const job = await this.options.queue.getJob(id);
    if (!job || (await job.getState()) !== 'failed') return false;
    await job.retry('failed', { resetAttemptsMade: true });
    return true;
  }

  /** The `notify` queue's processor: sends one signed webhook; throws to have BullMQ retry it. */
  readonly process = async (job: Job<NotifyJob>, token?: string): Promise<void> => {
    const { subscriberId, orderId, event, webhookId: id } = job.data;
    const eventName = event as WebhookEvent;
    if (await this.earlierUnsent(job.data)) {
      // BullMQ schedules on the wall clock, whatever clock the service runs on.
      await job.moveToDelayed(Date.now() + PREDECESSOR_WAIT_MS, token);
      throw new DelayedError();
    }
    const subscriber = await this.options.subscribers.get(subscriberId);
    const order = await this.options.loadOrder(orderId);
    if (!subscriber || !order || subscriber.disabled) {
      this.options.log.warn(
        { subscriberId, orderId, disabled: subscriber?.disabled },
        'webhook dropped: subscriber gone or disabled, or order no longer exists',
      );
      this.options.metrics?.webhookAttempt('dropped', subscriberId);
      return;
    }
    const nowMs = this.options.clock.now();
    const body = JSON.stringify(webhookPayload(order, eventName, new Date(nowMs).toISOString()));
    const timestampS = Math.floor(nowMs / 1000);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    // The webhook continues the trace of the request that made the order, as a span of ours.
    const trace = parseTraceparent(order.traceparent);
    let status: number;
    try {
      const response = await fetch(subscriber.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(timestampS),
          'webhook-signature': signWebhook(subscriber.secrets, id, timestampS, body),
          ...(trace
            ? { traceparent: formatTraceparent(childOf(trace, randomBytes(8).toString('hex'))) }
            : {}),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (cause) {
      this.deadLettered(lastAttempt, job.data, 'not delivered');
      throw new WebhookDeliveryError(`${subscriberId}: ${event} for ${orderId} not delivered`, { cause });
    }
    if (status === 410) {
      this.options.metrics?.webhookAttempt('gone', subscriberId);
      await this.options.subscribers.disable(subscriberId, '410 Gone', new Date(nowMs).toISOString());
      this.options.onAlarm?.({
        code: 'webhook-subscriber-gone',
        message: `subscriber ${subscriberId} answered 410 Gone; nothing more is sent to it`,
      });
      return;
    }
    if (status < 200 || status >= 300) {
      this.options.log.warn(
        { traceId: trace?.traceId, subscriberId, orderId, event, status, attempt: job.attemptsMade + 1 },
        'webhook not accepted',
      );
      this.deadLettered(lastAttempt, job.data, `answered ${status}`);
      throw new WebhookDeliveryError(`${subscriberId}: ${event} for ${orderId} answered ${status}`);
    }
    this.options.metrics?.webhookAttempt('delivered', subscriberId);
    if (eventName === 'transport.delivered' && subscriber.confirmsDelivery) {
      await this.options.onDeliveryConfirmed(orderId, subscriberId);
    }
  };

  /** True while a webhook of lower rank for the same order and subscriber is still to be sent. */
  private async earlierUnsent(job: NotifyJob): Promise<boolean> {
    const rank = RANK[job.event as WebhookEvent];
    const earlier = (Object.keys(RANK) as WebhookEvent[]).filter((e) => RANK[e] < rank);
    const states = await Promise.all(
      earlier.map((e) =>
        this.options.queue.getJobState(
          notifyJobId({ ...job, event: e, webhookId: webhookId(job.orderId, e) }),
        ),
      ),
    );
    return states.some((state) => UNSENT.has(state));
  }

  private deadLettered(lastAttempt: boolean, job: NotifyJob, why: string): void {
    this.options.metrics?.webhookAttempt(lastAttempt ? 'dead-lettered' : 'retried', job.subscriberId);
    if (!lastAttempt) return;
    this.options.onAlarm?.({
      code: 'webhook-dead-lettered',
      message: `${job.event} for ${job.orderId} to ${job.subscriberId} ${why} after its last retry; replay it from the dead-letter list`,
      orderId: job.orderId,
    });
  }
}
