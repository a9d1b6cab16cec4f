import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Worker } from 'bullmq';
import type { Config } from './config.ts';
import type { Plant } from './domain/site.ts';
import type { RobotAdapter } from './ports/robot-adapter.ts';
import type { WmsPort } from './ports/wms.ts';
import { systemClock, type Clock } from './ports/clock.ts';
import { createEngine } from './engine/engine.ts';
import { createQueues, startIntakeWorker, startNotifyWorker, type Queues } from './queue/queues.ts';
import { RedisKeys } from './store/redis-keys.ts';
import { OrderStore } from './store/order-store.ts';
import { RedisSimSnapshotStore } from './store/sim-snapshot-store.ts';
import { EngineRuntime } from './services/engine-runtime.ts';
import { LayoutBlockStore } from './store/layout-block-store.ts';
import { RobotHoldStore } from './store/robot-hold-store.ts';
import { HttpWmsClient } from './services/http-wms-client.ts';
import { IntakeService } from './services/intake.ts';
import { Notifier } from './services/notifier.ts';
import { SubscriberDirectory, subscriberFrom, type Subscriber } from './services/subscriber-directory.ts';
import { OrderService } from './services/order-service.ts';
import { OrderAlarms } from './services/order-alarms.ts';
import { PlantDirectory } from './services/plant-directory.ts';
import { createApp, listen, type RunningServer } from './http/app.ts';
import { rateLimit } from './http/rate-limit.ts';
import { ApiKeyStore } from './store/api-key-store.ts';
import { resolveApiKey } from './http/auth.ts';
import { LiveServer } from './live/live-server.ts';
import { LiveSource } from './live/live-source.ts';
import { LiveOrderFeed } from './live/live-orders.ts';
import { SimRobotAdapter } from '../adapters/sim/sim-robot-adapter.ts';
import { VdaRobotAdapter } from '../adapters/vda5050/vda-robot-adapter.ts';
import { simVdaIdentity } from '../adapters/vda5050/sim-identity.ts';
import { FleetbridgeMetrics } from './metrics/fleetbridge-metrics.ts';
import { countRedisErrors } from './metrics/redis-errors.ts';

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
  readonly runtime: EngineRuntime;
  readonly store: OrderStore;
  /** The in-process simulated fleet, when SIMULATE includes `fleet`. */
  readonly simFleet?: SimRobotAdapter;
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
  const redis = new Redis(config.redisUrl, {
    maxRetriesPerRequest: 3,
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
    throw new RedisUnavailableError(`Redis is not reachable at ${config.redisUrl}`, { cause });
  }
  const keys = new RedisKeys(config.redisPrefix);
  const store = new OrderStore(redis, keys);
  const queues: Queues = createQueues(config.redisUrl, keys.queuePrefix, config.webhookRetriesMs);

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
  // The notifier confirms through the order service, which sends through the notifier, and raises alarms
  // in the runtime, which needs the order service: tie the knots late.
  const late: { orders?: OrderService; runtime?: EngineRuntime } = {};
  const metrics = new FleetbridgeMetrics({
    sources: {
      orderCounts: () => store.countByStatus(),
      queues,
      robots: () => late.runtime?.robots() ?? [],
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
    onAlarm: (alarm) => late.runtime?.alarm({ severity: 'warning', ...alarm }),
    clock,
    log,
    metrics,
  });
  const orders = new OrderService(store, queues.intake, notifier, clock, log);
  late.orders = orders;

  const adapters: RobotAdapter[] = [];
  const simRobots = plant.fleet.filter((r) => r.adapter === 'sim');
  let simFleet: SimRobotAdapter | undefined;
  if (simRobots.length > 0 && config.simulate.has('fleet')) {
    simFleet = new SimRobotAdapter({
      layout: plant.layout,
      fleet: simRobots,
      clock,
      speedup: config.simSpeedup,
      snapshots: new RedisSimSnapshotStore(redis, keys.simRobots),
    });
    adapters.push(simFleet);
  }
  // VDA 5050 robots: with FLEET=vda5050 and a simulated fleet, AGVs of the VDA 5050 simulator
  // (simulators/vda5050-fleet); otherwise real AGVs, addressed by the identity and profile of the site file.
  const vdaSimulated = config.fleet === 'vda5050' && config.simulate.has('fleet');
  const vdaRobots = plant.fleet.flatMap((r) => {
    if (r.adapter !== 'vda5050') return [];
    if (vdaSimulated) return [simVdaIdentity(r)];
    return r.vda5050 ? [{ robotId: r.id, ...r.vda5050 }] : [];
  });
  if (vdaRobots.length > 0) {
    adapters.push(
      new VdaRobotAdapter({
        brokerUrl: config.mqttUrl,
        layout: plant.layout,
        robots: vdaRobots,
        clock,
        log: log.child({ component: 'vda5050' }),
      }),
    );
  }
  const vdaDriven = new Set(vdaRobots.map((r) => r.robotId));
  const driven = (r: (typeof plant.fleet)[number]): boolean =>
    (config.simulate.has('fleet') && r.adapter === 'sim') || vdaDriven.has(r.id);
  for (const robot of plant.fleet.filter((r) => !driven(r))) {
    log.warn(
      { robotId: robot.id, adapter: robot.adapter },
      'no adapter available for this robot yet; it stays offline',
    );
  }

  const engine = createEngine(plant.layout, plant.fleet, { guidance: config.trafficGuidance });
  // Once per start: what the engine works around that the plant's integrator should fix (issue 14).
  for (const { message, ...warning } of engine.warnings) log.warn(warning, message);
  const runtime = new EngineRuntime({ engine, adapters, orders, clock, log, metrics });
  late.runtime = runtime;
  const orderAlarms = new OrderAlarms({
    alarm: (alarm) => {
      runtime.alarm(alarm);
    },
    countByStatus: () => store.countByStatus(),
    backlogThreshold: config.backlogAlarmOrders ?? Math.max(10, 3 * plant.fleet.length),
    onError: (err) => {
      log.warn({ err }, 'backlog count failed');
    },
  });
  const stopOrderAlarms = orders.onChange(orderAlarms.onOrder);
  const wms =
    options.wms ??
    (config.wmsUrl
      ? new HttpWmsClient({ baseUrl: config.wmsUrl, timeoutMs: config.wmsTimeoutMs })
      : undefined);
  const intake = new IntakeService({
    layout: plant.layout,
    orders,
    ...(wms ? { wms } : {}),
    onPlanned: (order) => runtime.planned(order),
    log,
  });

  const open = await orders.redrive();
  const blockStore = new LayoutBlockStore(redis, keys);
  const holdStore = new RobotHoldStore(redis, keys);
  await runtime.start(open, await blockStore.load(), await holdStore.load());
  // Every instance runs the engine until leader election (issue 16) reports each change of leadership.
  metrics.leadership(`${hostname()}-${process.pid}`, 'leader');
  const workerOptions = {
    redisUrl: config.redisUrl,
    prefix: keys.queuePrefix,
    concurrency: 8,
    log,
    notifySchedule: config.webhookRetriesMs,
  };
  orderAlarms.start();
  const intakeWorker = startIntakeWorker(intake.process, workerOptions);
  const notifyWorker = startNotifyWorker(notifier.process, workerOptions);
  const workers: Worker[] = [intakeWorker, notifyWorker];
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
    robots: () => runtime.robots(),
    alarms: () => runtime.recentAlarms(),
    intervene: async (robotId, action, by) => {
      const outcome = await runtime.intervene(robotId, action, by);
      // A pause or an out-of-service outlives a restart (the engine is restored with it).
      if ('robot' in outcome) await holdStore.apply(robotId, action);
      return outcome;
    },
    acknowledgeAlarm: (id, by) => runtime.acknowledgeAlarm(id, by),
    blocks: () => runtime.blocks(),
    cancelOrder: (id, mode, by) => runtime.cancel(id, mode, by),
    reprioritize: (order) =>
      runtime.submit({
        type: 'order-reprioritized',
        orderId: order.id,
        priority: order.priority,
        ...(order.dueBy ? { dueByMs: Date.parse(order.dueBy) } : {}),
      }),
    setBlocked: async (target, id, blocked) => {
      await blockStore.set(target, id, blocked);
      await runtime.submit({ type: 'block-changed', target, id, blocked });
    },
    subscribers,
    webhooks: notifier,
    keyStore,
    metrics,
    metricsPublic: config.metricsPublic,
    ready: () => Promise.resolve(started && redis.status === 'ready'),
  });
  server.serve(app);
  const liveOrders = new LiveOrderFeed({
    onChange: (listener) => orders.onChange(listener),
    openOrders: () => store.openOrders(),
    list: (query) => store.list(query),
  });
  await liveOrders.start(clock.now());
  const live = new LiveServer({
    server: server.server,
    source: new LiveSource({
      robots: () => runtime.robots(),
      alarms: () => runtime.recentAlarms(),
      blocks: () => runtime.blocks(),
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
    runtime,
    store,
    ...(simFleet ? { simFleet } : {}),
    async stop() {
      started = false;
      orderAlarms.stop();
      stopOrderAlarms();
      log.debug('stopping: live feed, http');
      await live.stop();
      liveOrders.stop();
      await server.close();
      log.debug('stopping: workers');
      await Promise.all(workers.map((w) => w.close()));
      log.debug('stopping: engine');
      await runtime.stop();
      log.debug('stopping: queues');
      await queues.close();
      redis.disconnect();
      log.debug('stopped');
    },
  };
}
