/**
 * The wire contract of `ws /v1/live`, the supervisors' live feed, and of the robot interventions the map
 * UI calls. Type-only: the orchestrator builds these messages, `map-ui/` imports this file with
 * `import type` and nothing else of the server.
 *
 * Protocol:
 * 1. The client opens `ws(s)://<host>/v1/live` and sends `{ "type": "auth", "key": "<api key>" }` as its
 *    first message (browsers cannot set headers on a WebSocket, and a key in the URL ends up in logs).
 * 2. A key that is unknown closes the socket with code 4401; a key whose role may not watch the fleet
 *    (anything but supervisor or admin) with 4403. The close reason says why.
 * 3. Otherwise the server sends one `snapshot`, then `delta`s at most 10 per second, each only with what
 *    changed since the one before. `seq` counts messages; a gap means the client missed one and must
 *    reconnect for a fresh snapshot.
 * 4. When the layout changes (a new version is loaded) the server sends `layout-changed`, then a new
 *    snapshot; the client fetches `GET /v1/layout` again.
 */

/**
 * What a robot is doing, as drawn (its colour on the map), first match wins: `offline` (connection not
 * online), `fault` (a fatal error), `paused` (by itself or a supervisor), `charging`, `working` (a pick or
 * drop at its goal), `moving` (released onto an edge, or driving), `waiting` (it has somewhere to go, an
 * order leg, its order's resync, a charger or a parking spot not yet reached, and nothing released: held by
 * traffic), `idle` (nothing to do).
 */
export type LiveRobotStatus =
  'moving' | 'working' | 'waiting' | 'idle' | 'charging' | 'paused' | 'fault' | 'offline';

export interface LiveRobot {
  readonly id: string;
  readonly vehicleType: string;
  readonly status: LiveRobotStatus;
  /** Last node reached; absent when the robot does not know where it is. */
  readonly nodeId?: string;
  /** Metres in the map frame (y up), radians; absent when the robot reports no pose. */
  readonly pose?: { readonly x: number; readonly y: number; readonly thetaRad: number };
  /** 0..100. */
  readonly batteryPct: number;
  /** Loads on board (transport order ids). */
  readonly loads: readonly string[];
  /** The transport order it works on. */
  readonly orderId?: string;
  /** Nodes it holds and may drive to (its released segment), in driving order, starting where it is. */
  readonly releasedNodeIds: readonly string[];
  /** Where it is headed beyond the released segment (the planned route, not reserved). */
  readonly plannedNodeIds: readonly string[];
  /** Taken out of service by an operator: no new tasks. */
  readonly outOfService: boolean;
  readonly errors: readonly {
    readonly code: string;
    readonly level: 'warning' | 'fatal';
    readonly message: string;
  }[];
}

/** What an order moves, as its request gave it; fields it did not give are absent. */
export interface LiveLoad {
  readonly handlingUnitId?: string;
  /** 18-digit GS1 SSCC. */
  readonly sscc?: string;
  readonly sku?: string;
  readonly quantity?: number;
  readonly uom?: string;
}

export interface LiveOrder {
  readonly id: string;
  /** The transport order's type: `fg-putaway`, `line-replenish`, `quality-move`, `empty-return`, `custom`. */
  readonly type: string;
  readonly status: string;
  readonly priority: number;
  /**
   * Where the load is picked up: the plant location code (the station id) once intake resolved it, else
   * the request's end as given: a location code, `zone <code>`, or `decided by the WMS`.
   */
  readonly fromStation: string;
  /** Where it goes, as `fromStation`. */
  readonly toStation: string;
  readonly load: LiveLoad;
  /** The caller's references, carried unchanged (`workOrder`, `warehouseTask`, ...). */
  readonly externalRefs: Readonly<Record<string, string>>;
  /** Why it failed (a stable code such as `no-space`); only on failed orders. */
  readonly failureReason?: string;
  /** When it was delivered, failed or cancelled, ISO 8601; absent while it is open. */
  readonly endedAt?: string;
  readonly robotId?: string;
  /** Expected delivery, ISO 8601; absent before a robot is assigned. */
  readonly eta?: string;
  /** When the MES wants it delivered, ISO 8601. */
  readonly dueBy?: string;
  /** Seconds past `dueBy` at `eta` (or now when later); 0 when on time. */
  readonly latenessS: number;
}

export interface LiveAlarm {
  readonly id: number;
  readonly at: string;
  readonly code: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly message: string;
  readonly robotId?: string;
  readonly orderId?: string;
  readonly acknowledged: boolean;
}

/**
 * One KPI sample, in plant time (the orchestrator's clock). "Open" orders are those accepted and not yet
 * delivered, failed or cancelled (received, planned, assigned, ..., dropping, on-hold): the backlog.
 */
export interface LiveKpis {
  readonly at: string;
  /** Orders delivered in the hour before `at` (by their `delivered` time). */
  readonly tasksPerHour: number;
  /**
   * On-time delivery, 0..100: of the orders with a due time that were delivered in the last hour, or are
   * open and already past their due time (late whatever happens next), the share delivered by it. Absent
   * when no order counts (none delivered with a due time, none overdue): unknown, never 100 by default.
   */
  readonly onTimePct?: number;
  /** Open orders past their due time at `at`. */
  readonly overdueOrders: number;
  /** Open orders at `at`. */
  readonly openOrders: number;
  /**
   * Robots that can work: connected, in service (not taken out by a supervisor) and without a fatal
   * error. Charging and paused robots count: they are part of the working fleet, their time is not free.
   */
  readonly robotsAvailable: number;
  /** Of `robotsAvailable`, those working an order (an order leg, or its resync after a restart). */
  readonly robotsBusy: number;
  /** `robotsBusy` of `robotsAvailable`, 0..100; absent when no robot is available. */
  readonly utilisationPct?: number;
  /** Share of the distance driven in the last hour without a load, 0..100 (0 when nothing was driven). */
  readonly emptyTravelPct: number;
}

export interface LiveBlocks {
  readonly edges: readonly string[];
  readonly nodes: readonly string[];
}

export interface LiveSnapshot {
  readonly type: 'snapshot';
  readonly seq: number;
  readonly layoutVersion: string;
  readonly robots: readonly LiveRobot[];
  /** Open orders (not confirmed, failed or cancelled), and those closed in the last minutes. */
  readonly orders: readonly LiveOrder[];
  readonly alarms: readonly LiveAlarm[];
  /** The KPI samples of the last 20 minutes, oldest first (one each 5 s of plant time at most). */
  readonly kpis: readonly LiveKpis[];
  readonly blocked: LiveBlocks;
}

/** What changed since the previous message. Robots and orders listed in full; removals by id. */
export interface LiveDelta {
  readonly type: 'delta';
  readonly seq: number;
  readonly robots?: { readonly upsert: readonly LiveRobot[]; readonly remove: readonly string[] };
  readonly orders?: { readonly upsert: readonly LiveOrder[]; readonly remove: readonly string[] };
  readonly alarms?: { readonly upsert: readonly LiveAlarm[] };
  readonly kpis?: LiveKpis;
  readonly blocked?: LiveBlocks;
}

export interface LiveLayoutChanged {
  readonly type: 'layout-changed';
  readonly seq: number;
  readonly layoutVersion: string;
}

export type LiveServerMessage = LiveSnapshot | LiveDelta | LiveLayoutChanged;

export interface LiveAuth {
  readonly type: 'auth';
  readonly key: string;
}

export type LiveClientMessage = LiveAuth;

/** Close codes of `/v1/live` besides the standard ones. */
export const LIVE_CLOSE = { unauthenticated: 4401, forbidden: 4403, badMessage: 4400 } as const;

/**
 * Robot interventions, `POST /v1/robots/{id}/{action}` with an empty JSON body, supervisor or admin:
 * - `pause`, `resume`: the robot stops where it is / drives on (its order stays assigned);
 * - `charge`: drive to the nearest free charger and charge (only when it has no order);
 * - `park`: drive to its home node (only when it has no order);
 * - `out-of-service`: no new tasks; an order it has is handed back for another robot unless a load is on
 *   board; `into-service` undoes it.
 * The answer is the robot as `GET /v1/robots` shows it; refusals are problem+json (409 when the robot's
 * state does not allow it).
 * Alarms: `POST /v1/alarms/{id}/acknowledge` (supervisor, admin) answers the alarm.
 */
export type RobotIntervention = 'pause' | 'resume' | 'charge' | 'park' | 'out-of-service' | 'into-service';
