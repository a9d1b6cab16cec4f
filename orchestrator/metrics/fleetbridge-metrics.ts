import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../ports/clock.ts';
import type { RobotRuntime } from '../engine/engine-types.ts';
import type { WebhookOutcome } from '../services/notifier.ts';
import { QUEUE_STATES, sampleQueue, sampleRobots, withTimeout, type QueueProbe } from './scrape-samplers.ts';

/** The Redis connections of one instance whose `error` events are counted (`fleetbridge_redis_errors_total`). */
export const REDIS_CONNECTIONS = ['main', 'queues', 'intake-worker', 'notify-worker'] as const;
export type RedisConnection = (typeof REDIS_CONNECTIONS)[number];

/** The BullMQ queues whose depth is sampled at scrape time. */
export const QUEUE_NAMES = ['intake', 'notify'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Whether this instance holds the engine lease (issue 16). */
export type Leadership = 'leader' | 'follower';

/** What a scrape reads, at scrape time: cheap reads only (status set sizes, queue counts, the engine's robots). */
export interface ScrapeSources {
  /** Orders per status, from the store's status sets (`OrderStore.countByStatus`). */
  readonly orderCounts: () => Promise<Readonly<Record<string, number>>>;
  readonly queues: Readonly<Record<QueueName, QueueProbe>>;
  /** The robots as the engine holds them (the live feed's and `GET /v1/robots`' source). */
  readonly robots: () => readonly RobotRuntime[];
  readonly clock: Clock;
}

export interface FleetbridgeMetricsOptions {
  readonly sources: ScrapeSources;
  /** How long one source may take at scrape time before its series are left out, ms. Default 1000. */
  readonly sampleTimeoutMs?: number;
}

/** Of every series of ours; process and Node.js metrics keep their usual names. */
const PREFIX = 'fleetbridge_';
/** Seconds: HTTP answers are expected in milliseconds (B3: p99 of a 202 <= 20 ms). */
const HTTP_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Seconds: one engine step, store writes and commands included. */
const STEP_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The Prometheus metrics of one orchestrator instance, on a registry of its own (not prom-client's global
 * one, so two instances in one process do not mix). Counters and histograms are fed by the services as
 * things happen; gauges of state (orders, queues, robots) are sampled by `scrape`, when Prometheus asks.
 * Every series is named in the README ("Metrics").
 */
export class FleetbridgeMetrics {
  readonly registry = new Registry();
  private readonly sampleTimeoutMs: number;
  private readonly leaders = new Map<string, Leadership>();

  private readonly httpDuration = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'HTTP requests by method, route pattern and status; _count is the number of requests',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS_S,
    registers: [this.registry],
  });
  private readonly engineStep = new Histogram({
    name: `${PREFIX}engine_step_duration_seconds`,
    help: 'One engine step by event type: the pure step, storing its order transitions, sending its commands',
    labelNames: ['event'] as const,
    buckets: STEP_BUCKETS_S,
    registers: [this.registry],
  });
  private readonly webhookAttempts = new Counter({
    name: `${PREFIX}webhook_attempts_total`,
    help: 'Webhook attempts by outcome (delivered, retried, dead-lettered, gone, dropped) and subscriber',
    labelNames: ['outcome', 'subscriber'] as const,
    registers: [this.registry],
  });
  private readonly redisErrors = new Counter({
    name: `${PREFIX}redis_errors_total`,
    help: "Errors reported by this instance's Redis connections",
    labelNames: ['connection'] as const,
    registers: [this.registry],
  });
  private readonly leader = new Gauge({
    name: `${PREFIX}leader`,
    help: '1 while this instance holds the engine lease, else 0',
    labelNames: ['instance_id'] as const,
    registers: [this.registry],
  });
  private readonly leaderChanges = new Counter({
    name: `${PREFIX}leader_changes_total`,
    help: 'Times this instance became the leader (summed over instances: leader changes)',
    registers: [this.registry],
  });
  private readonly orders = new Gauge({
    name: `${PREFIX}orders`,
    help: 'Transport orders by state, as the store holds them',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  private readonly queueJobs = new Gauge({
    name: `${PREFIX}queue_jobs`,
    help: 'BullMQ jobs by queue and state (waiting, active, delayed, failed)',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });
  private readonly queueOldest = new Gauge({
    name: `${PREFIX}queue_oldest_waiting_seconds`,
    help: 'Seconds since the oldest waiting job of the queue was added; 0 when none waits',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });
  private readonly deadLetters = new Gauge({
    name: `${PREFIX}webhook_dead_letters`,
    help: 'Webhooks given up on after their last retry (failed notify jobs), until replayed',
    registers: [this.registry],
  });
  private readonly robots = new Gauge({
    name: `${PREFIX}robots`,
    help: 'Robots by status (as the live feed and GET /v1/robots say it) and adapter',
    labelNames: ['status', 'adapter'] as const,
    registers: [this.registry],
  });
  private readonly trafficWaiting = new Gauge({
    name: `${PREFIX}traffic_waiting_robots`,
    help: 'Robots that have somewhere to go and are not moving (status waiting)',
    registers: [this.registry],
  });
  private readonly sampleErrors = new Counter({
    name: `${PREFIX}metrics_sample_errors_total`,
    help: 'Scrape-time reads that failed or timed out (their series are left out of that scrape)',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  constructor(private readonly options: FleetbridgeMetricsOptions) {
    this.sampleTimeoutMs = options.sampleTimeoutMs ?? 1000;
    // Process and Node.js metrics under their usual names (process_*, nodejs_*), for stock dashboards.
    collectDefaultMetrics({ register: this.registry });
    for (const connection of REDIS_CONNECTIONS) this.redisErrors.inc({ connection }, 0);
    this.leaderChanges.inc(0);
    for (const source of ['orders', ...QUEUE_NAMES.map((q) => `queue-${q}`)])
      this.sampleErrors.inc({ source }, 0);
  }

  /** Prometheus text exposition format's content type. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** One finished HTTP request; `route` is the route pattern (`/v1/transport-orders/:id`), never the URL. */
  httpRequest(method: string, route: string, status: number, durationS: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, durationS);
  }

  /** Starts timing one engine step; call the returned function when the step is done. */
  engineStepStarted(event: string): () => void {
    const end = this.engineStep.startTimer({ event });
    return () => {
      end();
    };
  }

  webhookAttempt(outcome: WebhookOutcome, subscriberId: string): void {
    this.webhookAttempts.inc({ outcome, subscriber: subscriberId });
  }

  redisError(connection: RedisConnection): void {
    this.redisErrors.inc({ connection });
  }

  /**
   * Whether `instanceId` holds the engine lease now. Called by leader election on every change (and once
   * at start); becoming the leader counts one leader change, saying the same again counts nothing.
   */
  leadership(instanceId: string, state: Leadership): void {
    if (state === 'leader' && this.leaders.get(instanceId) !== 'leader') this.leaderChanges.inc();
    this.leaders.set(instanceId, state);
    this.leader.set({ instance_id: instanceId }, state === 'leader' ? 1 : 0);
  }

  /** Samples the gauges of state, then renders every series: the body of `GET /metrics`. */
  async scrape(): Promise<string> {
    await Promise.all([this.sampleOrders(), ...QUEUE_NAMES.map((q) => this.sampleQueue(q))]);
    this.sampleRobots();
    return this.registry.metrics();
  }

  private async sampleOrders(): Promise<void> {
    try {
      const counts = await withTimeout(this.options.sources.orderCounts(), this.sampleTimeoutMs);
      for (const [state, count] of Object.entries(counts)) this.orders.set({ state }, count);
    } catch {
      this.orders.reset();
      this.sampleErrors.inc({ source: 'orders' });
    }
  }

  private async sampleQueue(queue: QueueName): Promise<void> {
    const { sources } = this.options;
    try {
      const sample = await withTimeout(
        sampleQueue(sources.queues[queue], sources.clock.now()),
        this.sampleTimeoutMs,
      );
      for (const [state, count] of Object.entries(sample.counts)) this.queueJobs.set({ queue, state }, count);
      this.queueOldest.set({ queue }, sample.oldestWaitingS);
      if (queue === 'notify') this.deadLetters.set(sample.counts.failed);
    } catch {
      for (const state of QUEUE_STATES) this.queueJobs.remove({ queue, state });
      this.queueOldest.remove({ queue });
      if (queue === 'notify') this.deadLetters.reset();
      this.sampleErrors.inc({ source: `queue-${queue}` });
    }
  }

  private sampleRobots(): void {
    this.robots.reset();
    const sample = sampleRobots(this.options.sources.robots());
    for (const { status, adapter, count } of sample.byStatus) this.robots.set({ status, adapter }, count);
    this.trafficWaiting.set(sample.waiting);
  }
}
