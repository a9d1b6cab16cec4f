import type { TransportOrder } from '../domain/transport-order.ts';
import { TERMINAL_STATUSES } from '../domain/order-lifecycle.ts';
import type { OrderQuery } from '../store/order-store.ts';
import { HOUR_MS, type Delivery } from './live-kpis.ts';

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
