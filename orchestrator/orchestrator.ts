import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Worker } from 'bullmq';
import { redisTarget, type Config } from './config.ts';
import { connectRedis, describeTarget } from './store/redis-connection.ts';
import type { Plant } from './domain/site.ts';
import type { WmsPort } from './ports/wms.ts';
import { systemClock, type Clock } from './ports/clock.ts';
import { createEngine } from './engine/engine.ts';
import { createQueues, startIntakeWorker, startNotifyWorker, type Queues } from './queue/queues.ts';
import { RedisKeys } from './store/redis-keys.ts';
import { OrderStore } from './store/order-store.ts';
import type { EngineRuntime } from './services/engine-runtime.ts';
import type { SimRobotAdapter } from '../adapters/sim/sim-robot-adapter.ts';
import type { EngineGateway } from './cluster/engine-gateway.ts';
import { engineCluster } from './cluster/engine-cluster.ts';
import type { FleetView } from './cluster/fleet-view.ts';
import { RedisOrderChanges } from './cluster/order-changes.ts';
import { LayoutBlockStore } from './store/layout-block-store.ts';
import { RobotHoldStore } from './store/robot-hold-store.ts';
import { HttpWmsClient } from './services/http-wms-client.ts';
import { IntakeService } from './services/intake.ts';
import { startIntakeRedrive } from './services/intake-redrive.ts';
import { Notifier } from './services/notifier.ts';
import { SubscriberDirectory, subscriberFrom, type Subscriber } from './services/subscriber-directory.ts';
import { OrderService } from './services/order-service.ts';
import { PlantDirectory } from './services/plant-directory.ts';
import { createApp, listen, type RunningServer } from './http/app.ts';
import { rateLimit } from './http/rate-limit.ts';
import { boundInFlight } from './http/overload.ts';
import { ApiKeyStore } from './store/api-key-store.ts';
import { resolveApiKey } from './http/auth.ts';
import { LiveServer } from './live/live-server.ts';
import { LiveSource } from './live/live-source.ts';
import { LiveOrderFeed } from './live/live-orders.ts';
import { FleetbridgeMetrics } from './metrics/fleetbridge-metrics.ts';
import { countRedisErrors } from './metrics/redis-errors.ts';
import { OVERLOADED_ROUTE } from './metrics/http-metrics.ts';
import { FAIL_FAST_REDIS } from './store/redis-unavailable.ts';

export interface OrchestratorOptions {
  readonly config: Config;
  readonly plant: Plant;
  readonly log: Logger;
  readonly clock?: Clock;
  /** Replaces the HTTP WMS client (tests of the intake logic only). */
  readonly wms?: WmsPort;
}

export interface RunningOrchestrator {
  readonly url: string;
  /** This instance in the cluster (host, pid and a random part). */
  readonly instanceId: string;
  readonly store: OrderStore;
  /** Whether this instance runs the engine now (holds the leader lease). */
  leads(): boolean;
  /** The engine runtime, while this instance leads. */
  readonly runtime: EngineRuntime | undefined;
  /** The in-process simulated fleet, while this instance leads and SIMULATE includes `fleet`. */
  readonly simFleet: SimRobotAdapter | undefined;
  stop(): Promise<void>;
}

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/**
 * Builds and starts one orchestrator instance: Redis store, BullMQ queues and workers, the engine runtime
 * with its robot adapters, and the HTTP API. Order of start-up: bind the port (it answers 503 until the
 * end), re-drive what a crash left half done, rebuild the engine from stored orders, then open the doors.
 * @throws ListenError when HOST:PORT cannot be bound (nothing else has been started then),
 *   RedisUnavailableError when Redis does not answer.
 */
export async function startOrchestrator(options: OrchestratorOptions): Promise<RunningOrchestrator> {
  const server = await listen(options.config.host, options.config.port);
  try {
    return await startOn(server, options);
  } catch (err) {
    await server.close();
    throw err;
  }
}

async function startOn(server: RunningServer, options: OrchestratorOptions): Promise<RunningOrchestrator> {
  const { config, plant, log } = options;
  const clock = options.clock ?? systemClock;
  // Auto-pipelining: commands issued in one tick go out in one write (one syscall instead of many).
  // Fail fast (issue 16): request handlers wait on this connection, and while Redis is down they answer
  // 503 at once instead of waiting for the reconnect.
  const target = redisTarget(config);
  const redis = connectRedis(target, {
    ...FAIL_FAST_REDIS,
    lazyConnect: true,
    enableAutoPipelining: true,
  });
  redis.on('error', (err) => {
    log.warn({ err: err.message }, 'redis connection error');
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (cause) {
    redis.disconnect();
    throw new RedisUnavailableError(`Redis is not reachable at ${describeTarget(target)}`, { cause });
  }
  const keys = new RedisKeys(config.redisPrefix);
  const store = new OrderStore(redis, keys);
  const queues: Queues = createQueues(target, keys.queuePrefix, config.webhookRetriesMs);

  const fixedSubscribers: Subscriber[] = config.webhookSubscribers.map((input, i) =>
    subscriberFrom(input.id ?? `config-${i + 1}`, input, 'config'),
  );
  if (config.wmsUrl && config.wmsWebhookSecret) {
    fixedSubscribers.unshift(
      subscriberFrom(
        'wms',
        {
          url: `${config.wmsUrl}/webhooks`,
          secrets: [config.wmsWebhookSecret],
          events: ['transport.delivered', 'transport.failed', 'transport.cancelled'],
        },
        'config',
        true,
      ),
    );
  }
  const subscribers = new SubscriberDirectory(redis, keys.webhookSubscriptions, fixedSubscribers);
  // Cluster plumbing (issue 16): one subscriber connection for every pub/sub channel; order changes told to
  // every instance; the engine on the lease holder only, reached from the others over engine-rpc.
  const instanceId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  // Its own options: a subscription waits for the reconnect (and is renewed by it) instead of failing fast.
  const subscriber = connectRedis(target, { maxRetriesPerRequest: 3, lazyConnect: true });
  subscriber.on('error', (err) => {
    log.warn({ err: err.message }, 'redis subscriber connection error');
  });
  const changes = new RedisOrderChanges({
    redis,
    subscriber,
    channel: keys.orderChanges,
    instanceId,
    log,
  });
  // The notifier confirms through the order service, which sends through the notifier, and raises alarms
  // in the engine, which needs the order service: tie the knots late.
  const late: { orders?: OrderService; gateway?: EngineGateway; fleetView?: FleetView } = {};
  const metrics = new FleetbridgeMetrics({
    sources: {
      orderCounts: () => store.countByStatus(),
      queues,
      robots: () => late.fleetView?.robots() ?? [],
      clock,
    },
  });
  const notifier = new Notifier({
    queue: queues.notify,
    subscribers,
    loadOrder: (id) => store.get(id),
    onDeliveryConfirmed: async (orderId, subscriberId) => {
      await late.orders?.transition(orderId, {
        to: 'confirmed',
        by: subscriberId,
        note: 'WMS acknowledged transport.delivered',
      });
    },
    onAlarm: (alarm) => late.gateway?.alarm({ severity: 'warning', ...alarm }),
    clock,
    log,
    metrics,
  });
  const orders = new OrderService(store, queues.intake, notifier, clock, log, changes);
  late.orders = orders;

  const engine = createEngine(plant.layout, plant.fleet, { guidance: config.trafficGuidance });
  // Once per start: what the engine works around that the plant's integrator should fix (issue 14).
  for (const { message, ...warning } of engine.warnings) log.warn(warning, message);
  const blockStore = new LayoutBlockStore(redis, keys);
  const holdStore = new RobotHoldStore(redis, keys);
  const cluster = engineCluster({
    config,
    plant,
    engine,
    redis,
    subscriber,
    instanceId,
    keys,
    store,
    orders,
    holdStore,
    blockStore,
    clock,
    log,
    metrics,
  });
  const { gateway, fleetView } = cluster;
  late.fleetView = fleetView;
  late.gateway = gateway;
  const wms =
    options.wms ??
    (config.wmsUrl
      ? new HttpWmsClient({ baseUrl: config.wmsUrl, timeoutMs: config.wmsTimeoutMs })
      : undefined);
  const intake = new IntakeService({
    layout: plant.layout,
    orders,
    ...(wms ? { wms } : {}),
    onPlanned: (order) => gateway.planned(order),
    log,
  });

  // The queues' connection fails fast: the re-drive below must not add before it is up.
  await Promise.all([queues.intake.waitUntilReady(), queues.notify.waitUntilReady()]);
  await Promise.all([changes.start(), cluster.listen()]);
  const open = await orders.redrive();
  metrics.leadership(instanceId, 'follower');
  // Campaigns at once: a lone instance (or the first of a cluster) is the leader before the doors open.
  await cluster.campaign();
  const workerOptions = {
    redisUrl: target,
    prefix: keys.queuePrefix,
    concurrency: 8,
    log,
    notifySchedule: config.webhookRetriesMs,
  };
  // Intake jobs mostly wait on Redis (and the WMS): 8 at a time caps intake near 800 orders/s, below
  // B3's 1,000 req/s, and every order waits in the queue; 64 keeps up with the API.
  const intakeWorker = startIntakeWorker(intake.process, { ...workerOptions, concurrency: 64 });
  const notifyWorker = startNotifyWorker(notifier.process, workerOptions);
  const workers: Worker[] = [intakeWorker, notifyWorker];
  const stopRedrive = startIntakeRedrive({ orders, clock, log });
  countRedisErrors(metrics, {
    main: redis,
    queues: queues.connection,
    'intake-worker': intakeWorker,
    'notify-worker': notifyWorker,
  });

  let started = true;
  const keyStore = new ApiKeyStore(redis, config.redisPrefix);
  const app = createApp({
    apiKeys: config.apiKeys,
    rateLimit: rateLimit({ redis, keyPrefix: keys.rateLimits, perSecond: config.rateLimitPerS, log }),
    log,
    orders,
    store,
    plant: new PlantDirectory(plant.layout),
    layout: plant.layout,
    clock,
    robots: () => fleetView.robots(),
    alarms: () => fleetView.alarms(),
    intervene: (robotId, action, by) => gateway.intervene(robotId, action, by),
    acknowledgeAlarm: (id, by) => gateway.acknowledgeAlarm(id, by),
    blocks: () => fleetView.blocks(),
    cancelOrder: (id, mode, by) => gateway.cancel(id, mode, by),
    reprioritize: (order) =>
      gateway.reprioritize(order.id, order.priority, order.dueBy ? Date.parse(order.dueBy) : undefined),
    setBlocked: async (target, id, blocked) => {
      await blockStore.set(target, id, blocked);
      await gateway.block(target, id, blocked);
    },
    subscribers,
    webhooks: notifier,
    keyStore,
    metrics,
    metricsPublic: config.metricsPublic,
    // Not ready while either connection the API writes on is down (issue 16: writes answer 503 at once).
    ready: () => Promise.resolve(started && redis.status === 'ready' && queues.connection.status === 'ready'),
    cluster: () => {
      const leader = fleetView.leader();
      return {
        instance: instanceId,
        engine: cluster.session() ? 'leader' : 'follower',
        ...(leader === undefined ? {} : { leader }),
      };
    },
  });
  // In front of express: a request refused for overload costs no routing, no Redis and no log line.
  const bounded = boundInFlight(app, {
    maxInFlight: config.maxInFlight,
    onRefused: (req) => {
      metrics.httpRequest(req.method ?? 'GET', OVERLOADED_ROUTE, 503, 0);
    },
  });
  server.serve(bounded);
  const liveOrders = new LiveOrderFeed({
    onChange: (listener) => orders.onChange(listener),
    openOrders: () => store.openOrders(),
    list: (query) => store.list(query),
  });
  await liveOrders.start(clock.now());
  const live = new LiveServer({
    server: server.server,
    source: new LiveSource({
      robots: () => fleetView.robots(),
      alarms: () => fleetView.alarms(),
      blocks: () => fleetView.blocks(),
      orders: liveOrders,
      context: engine.context,
    }),
    resolveKey: resolveApiKey(config.apiKeys, keyStore),
    layoutVersion: plant.layout.version,
    authTimeoutMs: config.liveAuthTimeoutMs,
    clock,
    log: log.child({ component: 'live' }),
  });
  log.info(
    { url: server.url, robots: plant.fleet.length, layout: plant.layout.name, resumedOrders: open.length },
    'orchestrator listening',
  );

  return {
    url: server.url,
    instanceId,
    store,
    leads: () => cluster.session() !== undefined,
    get runtime() {
      return cluster.session()?.runtime;
    },
    get simFleet() {
      return cluster.session()?.simFleet;
    },
    async stop() {
      started = false;
      log.debug('stopping: live feed, http');
      await live.stop();
      liveOrders.stop();
      await server.close();
      bounded.stop();
      log.debug('stopping: workers');
      stopRedrive();
      await Promise.all(workers.map((w) => w.close()));
      log.debug('stopping: engine (the lease handed back: a follower takes over at once)');
      await cluster.stop();
      await changes.stop();
      log.debug('stopping: queues');
      await queues.close();
      subscriber.disconnect();
      redis.disconnect();
      log.debug('stopped');
    },
  };
}
