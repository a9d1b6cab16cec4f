import type { OrderId, OrderStatus } from '../domain/transport-order.ts';

/** Every Redis key the service writes, under one prefix per site (`REDIS_PREFIX`; one engine per site or shard). */
export class RedisKeys {
  constructor(readonly prefix: string) {}
  order(id: OrderId): string {
    return `${this.prefix}:order:${id}`;
  }
  /** ZSET of all order ids scored by creation time (ms). */
  get ordersByTime(): string {
    return `${this.prefix}:orders`;
  }
  /** SET of ids of orders not yet in a terminal status. */
  get openOrders(): string {
    return `${this.prefix}:orders:open`;
  }
  ordersInStatus(status: OrderStatus): string {
    return `${this.prefix}:orders:status:${status}`;
  }
  idempotency(scope: string, key: string): string {
    return `${this.prefix}:idem:${scope}:${key}`;
  }
  /**
   * A request's own identity (MES `eventId`, transport `requestId`) per source system: the order it made.
   * Kept as long as the orders are, so the same event never makes a second order.
   */
  requestIdentity(scope: string, sourceSystem: string, id: string): string {
    return `${this.prefix}:identity:${scope}:${sourceSystem}:${id}`;
  }
  /** The open order (not yet delivered) that moves this handling unit or SSCC. */
  openHandlingUnit(field: 'handlingUnitId' | 'sscc', value: string): string {
    return `${this.prefix}:open-hu:${field}:${value}`;
  }
  /** Append-only audit log (a Redis stream). */
  get audit(): string {
    return `${this.prefix}:audit`;
  }
  /** SET of blocked edge or node ids. */
  blocked(target: 'edge' | 'node'): string {
    return `${this.prefix}:layout:blocked:${target}`;
  }
  /** SET of robot ids an operator paused or took out of service. */
  robotHold(hold: 'paused' | 'out-of-service'): string {
    return `${this.prefix}:robots:hold:${hold}`;
  }
  get simRobots(): string {
    return `${this.prefix}:sim:robots`;
  }
  /** The WMS simulator's book (ledger and inventory), so a restarted demo resumes it. */
  get simWms(): string {
    return `${this.prefix}:sim:wms`;
  }
  /** HASH of webhook subscriptions added through the API, by id. */
  get webhookSubscriptions(): string {
    return `${this.prefix}:webhooks:subscriptions`;
  }
  /** Key prefix of the per-API-key request counters. */
  get rateLimits(): string {
    return `${this.prefix}:ratelimit`;
  }
  /** The engine leader's lease: `<instance>:<token>`, with a ttl (cluster/leader-lease.ts). */
  get leaderLease(): string {
    return `${this.prefix}:leader`;
  }
  /** Counter of elections: the fencing token. */
  get leaderEpoch(): string {
    return `${this.prefix}:leader:epoch`;
  }
  /** Pub/sub channel of order changes, between instances. */
  get orderChanges(): string {
    return `${this.prefix}:orders:changed`;
  }
  /** Pub/sub channel of requests to the engine leader; answers go to `engineReplies(instance)`. */
  get engineRequests(): string {
    return `${this.prefix}:engine:rpc`;
  }
  engineReplies(instanceId: string): string {
    return `${this.prefix}:engine:reply:${instanceId}`;
  }
  /** The leader's fleet view (robots, blocks, alarms): a key for the latest, a channel for each new one. */
  get fleetView(): string {
    return `${this.prefix}:fleet:view`;
  }
  /** BullMQ key prefix, so queues live beside the site's data. */
  get queuePrefix(): string {
    return `${this.prefix}:bull`;
  }
}
