/**
 * The live feed's view of the plant (`ws /v1/live`, `http/live-contract.ts`): built from the engine's
 * robots, the open orders, the alarms and the blocks, and diffed against the view before it. Pure: no
 * I/O, no clock (it is given `nowMs`); the route and travel-time look-ups come in through `LiveRoutes`.
 */
import type { TransportOrder } from '../domain/transport-order.ts';
import type { NodeId } from '../domain/layout.ts';
import { endOfRelease, nodesHeldBy, orderIdOf, type RobotRuntime } from '../engine/engine-types.ts';
import type { Alarm } from '../services/engine-runtime.ts';
import type {
  LiveAlarm,
  LiveBlocks,
  LiveDelta,
  LiveKpis,
  LiveOrder,
  LiveRobot,
  LiveRobotStatus,
  LiveSnapshot,
} from '../http/live-contract.ts';
import { liveOrder } from './live-orders.ts';
import type { LiveRoutes } from './live-routes.ts';

/** A robot as the engine runtime holds it. */
export type LiveRobotSource = RobotRuntime;
/** An alarm as the runtime records it. */
export type LiveAlarmSource = Alarm;

export interface LiveViewInput {
  /** Milliseconds since the epoch. */
  readonly nowMs: number;
  readonly robots: readonly LiveRobotSource[];
  /** The orders to show: open ones and those closed recently. */
  readonly orders: readonly TransportOrder[];
  /** Newest first or in any order; the view keys them by id. */
  readonly alarms: readonly LiveAlarmSource[];
  readonly blocks: LiveBlocks;
  readonly routes: LiveRoutes;
}

/** A value with its JSON, so diffs compare strings built once. */
export interface Keyed<T> {
  readonly value: T;
  readonly json: string;
}

export interface LiveView {
  readonly robots: ReadonlyMap<string, Keyed<LiveRobot>>;
  readonly orders: ReadonlyMap<string, Keyed<LiveOrder>>;
  readonly alarms: ReadonlyMap<number, Keyed<LiveAlarm>>;
  readonly blocked: Keyed<LiveBlocks>;
}

/** What changed between two views: a delta without its `type` and `seq`. Empty when nothing did. */
export type LiveChanges = Omit<LiveDelta, 'type' | 'seq'>;

function keyed<T>(value: T): Keyed<T> {
  return { value, json: JSON.stringify(value) };
}

/** Metres rounded to centimetres, radians to 0.01: a robot standing still (sensor noise) does not change. */
function roundTo(value: number, step: number): number {
  const rounded = Math.round(value / step) * step;
  return Number(rounded.toFixed(2)) || 0;
}

/** How a robot is drawn (`LiveRobotStatus`: the rules, first match wins). */
export function robotStatus(robot: LiveRobotSource): LiveRobotStatus {
  if (robot.connection !== 'online') return 'offline';
  if (robot.errors.some((e) => e.level === 'fatal')) return 'fault';
  if (robot.paused || robot.operatorPaused) return 'paused';
  if (robot.charging || (robot.task?.kind === 'charge' && robot.task.phase === 'charging')) return 'charging';
  if (robot.task?.kind === 'order-leg' && robot.task.phase === 'acting') return 'working';
  if (robot.moving || robot.driving) return 'moving';
  if (hasWayToGo(robot)) return 'waiting';
  return 'idle';
}

/** The robot's task takes it somewhere it has not reached (or, resyncing, it still has its order). */
function hasWayToGo(robot: LiveRobotSource): boolean {
  if (robot.task?.kind === 'resync') return true;
  const goal = travelGoal(robot);
  return goal !== undefined && goal !== robot.nodeId;
}

/** The goal a robot drives to for its task, when it is still driving there. */
function travelGoal(robot: LiveRobotSource): NodeId | undefined {
  const task = robot.task;
  if (!task) return undefined;
  switch (task.kind) {
    case 'order-leg':
    case 'charge':
      return task.phase === 'travel' ? task.goalNodeId : undefined;
    case 'park':
      return task.goalNodeId;
    case 'resync':
      return undefined;
  }
}

export function liveRobot(robot: LiveRobotSource, routes: LiveRoutes): LiveRobot {
  const released = robot.moving ? nodesHeldBy(robot.moving) : robot.nodeId ? [robot.nodeId] : [];
  const end = endOfRelease(robot);
  const goal = travelGoal(robot);
  // Beyond the released segment: the shortest route from its end to the goal (what traffic mostly
  // follows; nothing is reserved), or just the goal when there is none.
  const planned =
    goal === undefined || end === goal
      ? []
      : end === undefined
        ? [goal]
        : (routes.path(robot.spec.vehicleType, end, goal) ?? [goal]);
  const orderId = orderIdOf(robot.task);
  return {
    id: robot.spec.id,
    vehicleType: robot.spec.vehicleType,
    status: robotStatus(robot),
    ...(robot.nodeId === undefined ? {} : { nodeId: robot.nodeId }),
    ...(robot.pose
      ? {
          pose: {
            x: roundTo(robot.pose.x, 0.01),
            y: roundTo(robot.pose.y, 0.01),
            thetaRad: roundTo(robot.pose.thetaRad, 0.01),
          },
        }
      : {}),
    // Whole percent: a slow drain does not make a delta every interval.
    batteryPct: Math.round(robot.batteryPct),
    loads: [...robot.loads],
    ...(orderId === undefined ? {} : { orderId }),
    releasedNodeIds: released,
    plannedNodeIds: [...planned],
    outOfService: robot.outOfService,
    errors: robot.errors.map((e) => ({ code: e.code, level: e.level, message: e.message })),
  };
}

export function liveAlarm(alarm: LiveAlarmSource): LiveAlarm {
  return {
    id: alarm.id,
    at: alarm.at,
    code: alarm.code,
    severity: alarm.severity,
    message: alarm.message,
    ...(alarm.robotId === undefined ? {} : { robotId: alarm.robotId }),
    ...(alarm.orderId === undefined ? {} : { orderId: alarm.orderId }),
    acknowledged: alarm.acknowledged,
  };
}

export function buildLiveView(input: LiveViewInput): LiveView {
  const byId = new Map(input.robots.map((r) => [r.spec.id, r]));
  return {
    robots: new Map(input.robots.map((r) => [r.spec.id, keyed(liveRobot(r, input.routes))])),
    orders: new Map(input.orders.map((o) => [o.id, keyed(liveOrder(o, byId, input.routes, input.nowMs))])),
    alarms: new Map(input.alarms.map((a) => [a.id, keyed(liveAlarm(a))])),
    blocked: keyed({ edges: [...input.blocks.edges], nodes: [...input.blocks.nodes] }),
  };
}

function diffKeyed<K, T>(
  previous: ReadonlyMap<K, Keyed<T>>,
  next: ReadonlyMap<K, Keyed<T>>,
): { upsert: T[]; remove: K[] } {
  const upsert: T[] = [];
  for (const [id, entry] of next) if (previous.get(id)?.json !== entry.json) upsert.push(entry.value);
  const remove = [...previous.keys()].filter((id) => !next.has(id));
  return { upsert, remove };
}

/**
 * What changed from `previous` to `next`: robots and orders upserted in full or removed by id, alarms
 * new or changed (alarms are never removed: they leave the runtime's ring unannounced), blocks when they
 * changed. An empty object when nothing did.
 */
export function diffLiveViews(previous: LiveView, next: LiveView): LiveChanges {
  const robots = diffKeyed(previous.robots, next.robots);
  const orders = diffKeyed(previous.orders, next.orders);
  const alarms = diffKeyed(previous.alarms, next.alarms);
  return {
    ...(robots.upsert.length + robots.remove.length > 0 ? { robots } : {}),
    ...(orders.upsert.length + orders.remove.length > 0 ? { orders } : {}),
    ...(alarms.upsert.length > 0 ? { alarms: { upsert: alarms.upsert } } : {}),
    ...(previous.blocked.json === next.blocked.json ? {} : { blocked: next.blocked.value }),
  };
}

export function hasChanges(changes: LiveChanges): boolean {
  return Object.keys(changes).length > 0;
}

/** The full view as a `snapshot` message; orders and alarms newest first as given, robots by id. */
export function liveSnapshot(
  view: LiveView,
  meta: { readonly seq: number; readonly layoutVersion: string; readonly kpis: readonly LiveKpis[] },
): LiveSnapshot {
  return {
    type: 'snapshot',
    seq: meta.seq,
    layoutVersion: meta.layoutVersion,
    robots: [...view.robots.values()].map((e) => e.value).sort((a, b) => a.id.localeCompare(b.id)),
    orders: [...view.orders.values()].map((e) => e.value),
    alarms: [...view.alarms.values()].map((e) => e.value),
    kpis: meta.kpis,
    blocked: view.blocked.value,
  };
}
