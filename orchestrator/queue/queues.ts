import { Queue, Worker, type Job, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import { connectRedis, type RedisTarget } from '../store/redis-connection.ts';
import type { Logger } from 'pino';
import { FAIL_FAST_REDIS } from '../store/redis-unavailable.ts';

/** Job data on the `intake` queue: one order to resolve and plan. Job id = order id. */
export interface IntakeJob {
  readonly orderId: string;
}

/** Job data on the `notify` queue: one webhook to one subscriber. Job id is deterministic, see `notifyJobId`. */
export interface NotifyJob {
  readonly subscriberId: string;
  readonly orderId: string;
  readonly event: string;
  readonly webhookId: string;
}

export function notifyJobId(job: NotifyJob): string {
  return `${job.subscriberId}.${job.webhookId}`;
}

/** Outbound webhook retry schedule (contract: 5 s, 30 s, 2 min, 10 min, 30 min, then hourly to 24 h). */
export const NOTIFY_SCHEDULE_MS = [
  1_000,
  5_000,
  30_000,
  120_000,
  600_000,
  1_800_000,
  ...Array<number>(24).fill(3_600_000),
];

/** Backoff with ±20 % jitter; `attemptsMade` counts from 1. */
export function backoffWithJitter(
  schedule: readonly number[],
  attemptsMade: number,
  random: () => number,
): number {
  const base = schedule[Math.min(attemptsMade - 1, schedule.length - 1)] ?? 1000;
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** WMS look-ups back off to 30 s and keep trying: an order waits for the WMS, it never fails for an outage. */
const INTAKE_SCHEDULE_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000];

export interface Queues {
  readonly intake: Queue<IntakeJob>;
  readonly notify: Queue<NotifyJob>;
  /** The one connection both queues use (its `error` events are counted). */
  readonly connection: Redis;
  close(): Promise<void>;
}

/** BullMQ needs its own ioredis connections with `maxRetriesPerRequest: null` for its workers. */
export function bullConnection(target: RedisTarget): Redis {
  return connectRedis(target, { maxRetriesPerRequest: null });
}

/**
 * The queues' connection (adds, counts; no blocking commands): fail-fast, as BullMQ advises for a Queue
 * that HTTP handlers add to, so an add while Redis is down fails at once (the request answers 503) instead
 * of waiting in the offline queue. Auto-pipelined: the adds of one tick go out in one write.
 */
function queueConnection(target: RedisTarget): Redis {
  return connectRedis(target, { ...FAIL_FAST_REDIS, enableAutoPipelining: true });
}

/**
 * `notifySchedule`: the webhook retry delays (default NOTIFY_SCHEDULE_MS); one attempt more than delays,
 * then the job stays failed: the dead-letter list.
 */
export function createQueues(
  redisUrl: RedisTarget,
  prefix: string,
  notifySchedule: readonly number[] = NOTIFY_SCHEDULE_MS,
): Queues {
  const connection = queueConnection(redisUrl);
  const intake = new Queue<IntakeJob>('intake', {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 100_000,
      backoff: { type: 'intake' },
      removeOnComplete: { age: 24 * 3600, count: 50_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
  const notify = new Queue<NotifyJob>('notify', {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: notifySchedule.length + 1,
      backoff: { type: 'notify' },
      removeOnComplete: { age: 24 * 3600, count: 50_000 },
      removeOnFail: false,
    },
  });
  return {
    intake,
    notify,
    connection,
    async close() {
      await Promise.all([intake.close(), notify.close()]);
      connection.disconnect();
    },
  };
}

export interface WorkerOptions {
  /** Where Redis is (a URL, or sentinels). */
  readonly redisUrl: RedisTarget;
  readonly prefix: string;
  readonly concurrency: number;
  readonly log: Logger;
  /** Webhook retry delays; default NOTIFY_SCHEDULE_MS. */
  readonly notifySchedule?: readonly number[];
}

function startWorker<T>(
  name: 'intake' | 'notify',
  processor: Processor<T>,
  options: WorkerOptions,
): Worker<T> {
  const schedule = name === 'intake' ? INTAKE_SCHEDULE_MS : (options.notifySchedule ?? NOTIFY_SCHEDULE_MS);
  const worker = new Worker<T>(name, processor, {
    connection: bullConnection(options.redisUrl),
    prefix: options.prefix,
    concurrency: options.concurrency,
    // A job a worker held when Redis (or the process) went away is stalled: found again within ~15 s
    // (lock 10 s, checked every 5 s; the lock is renewed while a job runs), not BullMQ's 30 s + 30 s.
    lockDuration: 10_000,
    stalledInterval: 5_000,
    settings: {
      backoffStrategy: (attemptsMade: number) => backoffWithJitter(schedule, attemptsMade, Math.random),
    },
  });
  worker.on('error', (err) => {
    options.log.error({ err, queue: name }, 'queue worker error');
  });
  worker.on('failed', (job: Job<T> | undefined, err) => {
    options.log.warn(
      { err: err.message, queue: name, jobId: job?.id, attempts: job?.attemptsMade },
      'job attempt failed',
    );
  });
  return worker;
}

export const startIntakeWorker = (p: Processor<IntakeJob>, o: WorkerOptions): Worker<IntakeJob> =>
  startWorker('intake', p, o);
export const startNotifyWorker = (p: Processor<NotifyJob>, o: WorkerOptions): Worker<NotifyJob> =>
  startWorker('notify', p, o);
