/**
 * The orders of the live feed: which ones it holds (`LiveOrderFeed`) and how each is shown (`liveOrder`).
 */
import type { Load, LocationRef, TransportOrder } from '../domain/transport-order.ts';
import { TERMINAL_STATUSES } from '../domain/order-lifecycle.ts';
import { endOfRelease, type RobotRuntime } from '../engine/engine-types.ts';
import type { LiveLoad, LiveOrder } from '../http/live-contract.ts';
import type { OrderQuery } from '../store/order-store.ts';
import { HOUR_MS, type Delivery } from './live-kpis.ts';
import type { LiveRoutes } from './live-routes.ts';

/** Seconds allowed for one pick or drop when estimating an order's delivery time. */
export const ACTION_ALLOWANCE_S = 5;

/** Orders closed (confirmed, failed, cancelled) this long ago stay in the live list, ms. */
export const CLOSED_KEEP_MS = 3 * 60_000;

/** Where the feed reads orders: the order service's change stream and the store. */
export interface LiveOrderSources {
  onChange(listener: (order: TransportOrder) => void): () => void;
  openOrders(): Promise<TransportOrder[]>;
  list(query: OrderQuery): Promise<{ orders: TransportOrder[] }>;
}

/**
 * The orders the live feed shows, in memory: seeded from the store, kept current by the order service's
 * change stream (this instance's writes: one orchestrator per site). Holds open orders, those closed in
 * the last `CLOSED_KEEP_MS`, and the deliveries of the last hour for the KPIs.
 */
export class LiveOrderFeed {
  private readonly orders = new Map<string, TransportOrder>();
  private readonly delivered = new Map<string, Delivery>();
  private off: (() => void) | undefined;

  constructor(private readonly sources: LiveOrderSources) {}

  /** Subscribes first, then reads the store: a change in between is kept (the higher version wins). */
  async start(nowMs: number): Promise<void> {
    this.off = this.sources.onChange((order) => {
      this.take(order);
    });
    const [open, recent] = await Promise.all([
      this.sources.openOrders(),
      this.sources.list({ sinceMs: nowMs - HOUR_MS, limit: 2000 }),
    ]);
    for (const order of [...open, ...recent.orders]) this.take(order);
    this.prune(nowMs);
  }

  stop(): void {
    this.off?.();
    this.off = undefined;
  }

  private take(order: TransportOrder): void {
    const known = this.orders.get(order.id);
    if (known && known.version > order.version) return;
    this.orders.set(order.id, order);
    const delivered = order.timestamps.delivered;
    if (delivered !== undefined)
      this.delivered.set(order.id, {
        atMs: Date.parse(delivered),
        ...(order.dueBy === undefined ? {} : { dueByMs: Date.parse(order.dueBy) }),
      });
  }

  private prune(nowMs: number): void {
    for (const [id, order] of this.orders)
      if (TERMINAL_STATUSES.has(order.status) && Date.parse(order.updatedAt) < nowMs - CLOSED_KEEP_MS)
        this.orders.delete(id);
    for (const [id, d] of this.delivered) if (d.atMs <= nowMs - HOUR_MS) this.delivered.delete(id);
  }

  /** Open orders and those closed recently, newest first. */
  current(nowMs: number): TransportOrder[] {
    this.prune(nowMs);
    return [...this.orders.values()].sort(
      (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
    );
  }

  /** The deliveries of the last hour. */
  deliveries(nowMs: number): Delivery[] {
    this.prune(nowMs);
    return [...this.delivered.values()];
  }
}

function locationText(ref: LocationRef): string {
  if ('location' in ref) return ref.location;
  if ('zone' in ref) return `zone ${ref.zone}`;
  return 'decided by the WMS';
}

/**
 * When the order's robot should deliver it, ms since the epoch: travel time at top speed from the
 * robot's last node over what is left (to the pick, then to the drop) plus `ACTION_ALLOWANCE_S` per
 * action left; no waiting for traffic. Undefined without a robot or a route.
 */
export function estimateDeliveryMs(
  order: TransportOrder,
  robot: RobotRuntime | undefined,
  routes: LiveRoutes,
  nowMs: number,
): number | undefined {
  const delivered = order.timestamps.delivered;
  if (delivered !== undefined) return Date.parse(delivered);
  if (!robot || order.fromStation === undefined || order.toStation === undefined) return undefined;
  const at = robot.nodeId ?? endOfRelease(robot);
  const pick = routes.stationNode(order.fromStation);
  const drop = routes.stationNode(order.toStation);
  if (at === undefined || pick === undefined || drop === undefined) return undefined;
  const type = robot.spec.vehicleType;
  const a = ACTION_ALLOWANCE_S;
  let seconds: number;
  switch (order.status) {
    case 'assigned':
    case 'to-pickup':
      seconds = routes.seconds(type, at, pick) + a + routes.seconds(type, pick, drop) + a;
      break;
    case 'picking':
      seconds = a + routes.seconds(type, pick, drop) + a;
      break;
    case 'to-dropoff':
      seconds = routes.seconds(type, at, drop) + a;
      break;
    case 'dropping':
      seconds = a;
      break;
    case 'received':
    case 'planned':
    case 'on-hold':
    case 'delivered':
    case 'confirmed':
    case 'failed':
    case 'cancelled':
      return undefined;
  }
  if (!Number.isFinite(seconds)) return undefined;
  // Whole seconds: the estimate does not change every interval while the robot waits.
  return Math.round((nowMs + seconds * 1000) / 1000) * 1000;
}

/** The load as the row shows it: what identifies and counts it (its load type is the robot's concern). */
function liveLoad(load: Load): LiveLoad {
  return {
    ...(load.handlingUnitId === undefined ? {} : { handlingUnitId: load.handlingUnitId }),
    ...(load.sscc === undefined ? {} : { sscc: load.sscc }),
    ...(load.sku === undefined ? {} : { sku: load.sku }),
    ...(load.quantity === undefined ? {} : { quantity: load.quantity }),
    ...(load.uom === undefined ? {} : { uom: load.uom }),
  };
}

/** An order as the live feed lists it (`LiveOrder`), with its delivery estimate and lateness at `nowMs`. */
export function liveOrder(
  order: TransportOrder,
  robots: ReadonlyMap<string, RobotRuntime>,
  routes: LiveRoutes,
  nowMs: number,
): LiveOrder {
  const robot = order.robotId === undefined ? undefined : robots.get(order.robotId);
  const etaMs = order.robotId === undefined ? undefined : estimateDeliveryMs(order, robot, routes, nowMs);
  const dueMs = order.dueBy === undefined ? undefined : Date.parse(order.dueBy);
  const t = order.timestamps;
  const endedAt =
    t.delivered ??
    (order.status === 'failed' ? t.failed : order.status === 'cancelled' ? t.cancelled : undefined);
  // Late at delivery; at the end for one that ended otherwise; else at the estimate, or now when later.
  const atMs =
    order.timestamps.delivered !== undefined
      ? Date.parse(order.timestamps.delivered)
      : TERMINAL_STATUSES.has(order.status)
        ? Date.parse(order.updatedAt)
        : Math.max(etaMs ?? nowMs, nowMs);
  return {
    id: order.id,
    type: order.type,
    status: order.status,
    priority: order.priority,
    fromStation: order.fromStation ?? locationText(order.from),
    toStation: order.toStation ?? locationText(order.to),
    load: liveLoad(order.load),
    externalRefs: { ...order.externalRefs },
    ...(order.failureReason === undefined ? {} : { failureReason: order.failureReason }),
    ...(endedAt === undefined ? {} : { endedAt }),
    ...(order.robotId === undefined ? {} : { robotId: order.robotId }),
    ...(etaMs === undefined ? {} : { eta: new Date(etaMs).toISOString() }),
    ...(order.dueBy === undefined ? {} : { dueBy: order.dueBy }),
    latenessS: dueMs === undefined ? 0 : Math.max(0, Math.round((atMs - dueMs) / 1000)),
  };
}
