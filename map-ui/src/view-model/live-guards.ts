import type {
  LiveAlarm,
  LiveBlocks,
  LiveKpis,
  LiveOrder,
  LiveRobot,
  LiveRobotStatus,
  LiveServerMessage,
} from '../../../orchestrator/http/live-contract.ts';

/**
 * Type guards for what arrives on `/v1/live`: wire data is `unknown` until one of these accepts it. They
 * check what the map relies on (ids, numbers it computes with, arrays it iterates), not every field.
 */

type Rec = Record<string, unknown>;

const ROBOT_STATUSES: ReadonlySet<string> = new Set<LiveRobotStatus>([
  'moving',
  'working',
  'waiting',
  'idle',
  'charging',
  'paused',
  'fault',
  'offline',
]);

function isRec(x: unknown): x is Rec {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isOptStr = (x: unknown): boolean => x === undefined || typeof x === 'string';
const isStrArray = (x: unknown): x is string[] => Array.isArray(x) && x.every(isStr);
function isArrayOf<T>(x: unknown, guard: (e: unknown) => e is T): x is T[] {
  return Array.isArray(x) && x.every(guard);
}

export function isLiveRobot(x: unknown): x is LiveRobot {
  if (!isRec(x)) return false;
  const pose = x.pose;
  return (
    isStr(x.id) &&
    isStr(x.status) &&
    ROBOT_STATUSES.has(x.status) &&
    isNum(x.batteryPct) &&
    isOptStr(x.nodeId) &&
    isOptStr(x.orderId) &&
    (pose === undefined || (isRec(pose) && isNum(pose.x) && isNum(pose.y) && isNum(pose.thetaRad))) &&
    isStrArray(x.loads) &&
    isStrArray(x.releasedNodeIds) &&
    isStrArray(x.plannedNodeIds) &&
    Array.isArray(x.errors)
  );
}

export function isLiveOrder(x: unknown): x is LiveOrder {
  return (
    isRec(x) &&
    isStr(x.id) &&
    isStr(x.type) &&
    isStr(x.status) &&
    isNum(x.priority) &&
    isStr(x.fromStation) &&
    isStr(x.toStation) &&
    isRec(x.load) &&
    isRec(x.externalRefs) &&
    isNum(x.latenessS) &&
    isOptStr(x.robotId) &&
    isOptStr(x.eta) &&
    isOptStr(x.dueBy)
  );
}

export function isLiveAlarm(x: unknown): x is LiveAlarm {
  return isRec(x) && isNum(x.id) && isStr(x.code) && isStr(x.message) && typeof x.acknowledged === 'boolean';
}

export function isLiveKpis(x: unknown): x is LiveKpis {
  return (
    isRec(x) &&
    isStr(x.at) &&
    isNum(x.tasksPerHour) &&
    (x.onTimePct === undefined || isNum(x.onTimePct)) &&
    isNum(x.overdueOrders) &&
    isNum(x.openOrders) &&
    isNum(x.robotsAvailable) &&
    isNum(x.robotsBusy) &&
    (x.utilisationPct === undefined || isNum(x.utilisationPct)) &&
    isNum(x.emptyTravelPct)
  );
}

export function isLiveBlocks(x: unknown): x is LiveBlocks {
  return isRec(x) && isStrArray(x.edges) && isStrArray(x.nodes);
}

function isUpsertRemove(x: unknown, guard: (e: unknown) => boolean): boolean {
  return (
    x === undefined || (isRec(x) && Array.isArray(x.upsert) && x.upsert.every(guard) && isStrArray(x.remove))
  );
}

/** Accepts a parsed `/v1/live` message, or says what is wrong with it. */
export function parseLiveMessage(
  x: unknown,
): { ok: true; message: LiveServerMessage } | { ok: false; reason: string } {
  if (!isRec(x) || !isNum(x.seq)) return { ok: false, reason: 'not a message with a numeric seq' };
  switch (x.type) {
    case 'snapshot':
      if (
        isStr(x.layoutVersion) &&
        isArrayOf(x.robots, isLiveRobot) &&
        isArrayOf(x.orders, isLiveOrder) &&
        isArrayOf(x.alarms, isLiveAlarm) &&
        isArrayOf(x.kpis, isLiveKpis) &&
        isLiveBlocks(x.blocked)
      )
        return { ok: true, message: x as unknown as LiveServerMessage };
      return { ok: false, reason: 'malformed snapshot' };
    case 'delta': {
      const alarms = x.alarms;
      if (
        isUpsertRemove(x.robots, isLiveRobot) &&
        isUpsertRemove(x.orders, isLiveOrder) &&
        (alarms === undefined || (isRec(alarms) && isArrayOf(alarms.upsert, isLiveAlarm))) &&
        (x.kpis === undefined || isLiveKpis(x.kpis)) &&
        (x.blocked === undefined || isLiveBlocks(x.blocked))
      )
        return { ok: true, message: x as unknown as LiveServerMessage };
      return { ok: false, reason: 'malformed delta' };
    }
    case 'layout-changed':
      if (isStr(x.layoutVersion)) return { ok: true, message: x as unknown as LiveServerMessage };
      return { ok: false, reason: 'malformed layout-changed' };
    default:
      return { ok: false, reason: `unknown message type ${JSON.stringify(x.type)}` };
  }
}
