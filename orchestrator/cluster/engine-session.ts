import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Plant } from '../domain/site.ts';
import type { Engine } from '../engine/engine.ts';
import type { Clock } from '../ports/clock.ts';
import type { FleetbridgeMetrics } from '../metrics/fleetbridge-metrics.ts';
import { buildRobotAdapters } from '../robot-adapters.ts';
import { AlarmBook } from '../services/alarm-book.ts';
import { EngineRuntime } from '../services/engine-runtime.ts';
import { OrderAlarms } from '../services/order-alarms.ts';
import type { OrderService } from '../services/order-service.ts';
import type { LayoutBlockStore } from '../store/layout-block-store.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { RedisKeys } from '../store/redis-keys.ts';
import type { RobotHoldStore } from '../store/robot-hold-store.ts';
import type { SimRobotAdapter } from '../../adapters/sim/sim-robot-adapter.ts';
import type { EngineRequest } from './engine-rpc.ts';
import type { FleetView } from './fleet-view.ts';
import { FencedOutError, type LeaderLease } from './leader-lease.ts';

export interface EngineSessionDeps {
  readonly config: Config;
  readonly plant: Plant;
  readonly engine: Engine;
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly store: OrderStore;
  /** Unfenced; the session fences its own writes with the lease. */
  readonly orders: OrderService;
  readonly holdStore: RobotHoldStore;
  readonly blockStore: LayoutBlockStore;
  readonly fleetView: FleetView;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: FleetbridgeMetrics;
}

/** The engine while this instance leads: its runtime and adapters, and the answers to other instances. */
export interface EngineSession {
  readonly runtime: EngineRuntime;
  readonly simFleet?: SimRobotAdapter;
  /** Answers an engine request (from this instance's API, or another's over engine-rpc). */
  handle(request: EngineRequest): Promise<unknown>;
  stop(): Promise<void>;
}

/** Orders `planned` in the store that the engine does not hold (a hand-over lost in a leader change) are picked up this often. */
const RECONCILE_EVERY_MS = 5000;

/**
 * Starts the engine as leader: adapters built fresh (VDA 5050 AGVs answer with their retained state and a
 * stateRequest; the simulated fleet from its snapshots), the engine rebuilt from the stored open orders,
 * blocks and robot holds, alarms taken over from the previous leader's fleet view. Every order write is
 * fenced by the lease, and no robot command goes out once the lease may have lapsed.
 */
export async function startEngineSession(
  deps: EngineSessionDeps,
  lease: LeaderLease,
): Promise<EngineSession> {
  const { config, plant, store, clock, log } = deps;
  const fence = (): ReturnType<LeaderLease['fence']> => lease.fence();
  const { adapters, simFleet } = buildRobotAdapters({ ...deps, log, fence });
  const alarms = new AlarmBook(clock, log);
  alarms.restore(deps.fleetView.latest().alarms);
  const runtime = new EngineRuntime({
    engine: deps.engine,
    adapters: [...adapters],
    orders: deps.orders.fenced(fence),
    clock,
    log,
    metrics: deps.metrics,
    alarms,
    mayCommand: () => lease.current() !== undefined,
  });
  await runtime.start(await store.openOrders(), await deps.blockStore.load(), await deps.holdStore.load());
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
  const stopOrderAlarms = deps.orders.onChange(orderAlarms.onOrder);
  orderAlarms.start();
  deps.fleetView.startPublishing(runtime, fence);
  const reconcile = setInterval(() => {
    void pickUpPlanned(store, runtime).catch((err: unknown) => {
      log.warn({ err }, 'planned orders not reconciled');
    });
  }, RECONCILE_EVERY_MS);
  reconcile.unref();

  const handle = async (request: EngineRequest): Promise<unknown> => {
    switch (request.type) {
      case 'planned': {
        const order = await store.get(request.orderId);
        if (order) await runtime.planned(order);
        return undefined;
      }
      case 'cancel':
        return runtime.cancel(request.orderId, request.mode, request.by);
      case 'intervene': {
        const outcome = await runtime.intervene(request.robotId, request.action, request.by);
        // A pause or an out-of-service outlives a restart (the engine is restored with it).
        if ('robot' in outcome) {
          const current = fence();
          if (!current) throw new FencedOutError('no longer the engine leader: hold not recorded');
          await deps.holdStore.apply(request.robotId, request.action, current);
        }
        return outcome;
      }
      case 'reprioritize':
        return runtime.submit({
          type: 'order-reprioritized',
          orderId: request.orderId,
          priority: request.priority,
          ...(request.dueByMs === undefined ? {} : { dueByMs: request.dueByMs }),
        });
      case 'block':
        return runtime.submit({
          type: 'block-changed',
          target: request.target,
          id: request.id,
          blocked: request.blocked,
        });
      case 'acknowledge-alarm':
        return runtime.acknowledgeAlarm(request.id, request.by);
      case 'alarm':
        runtime.alarm(request.alarm);
        return undefined;
    }
  };

  return {
    runtime,
    ...(simFleet ? { simFleet } : {}),
    handle,
    async stop() {
      clearInterval(reconcile);
      orderAlarms.stop();
      stopOrderAlarms();
      deps.fleetView.stopPublishing();
      await runtime.stop();
    },
  };
}

/** Hands the engine the planned orders it does not hold (oldest first, a page per round). */
async function pickUpPlanned(store: OrderStore, runtime: EngineRuntime): Promise<void> {
  const { orders } = await store.list({ status: 'planned', limit: 200 });
  for (const order of orders) if (!runtime.holdsOrder(order.id)) await runtime.planned(order);
}
