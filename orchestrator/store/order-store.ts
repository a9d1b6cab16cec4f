import type { Redis } from 'ioredis';
import {
  handlingUnitsOf,
  ORDER_STATUSES,
  type HandlingUnitRef,
  type OrderId,
  type OrderStatus,
  type TransportOrder,
} from '../domain/transport-order.ts';
import { isDone, TERMINAL_STATUSES } from '../domain/order-lifecycle.ts';
import { parseStoredOrder } from './stored-order.ts';
import { LuaScript } from './lua-script.ts';
import type { RedisKeys } from './redis-keys.ts';
import { FencedOutError, fenceCheckLua, type Fence } from '../cluster/leader-lease.ts';

/**
 * What a new order claims: its idempotency key within its scope (with a fingerprint of its body), the
 * request's own identity, and the handling units it moves.
 */
export interface IdempotencyClaim {
  readonly scope: string;
  readonly key: string;
  /** sha-256 of the canonical request body. */
  readonly fingerprint: string;
  /**
   * The request's own id (MES `eventId`, transport `requestId`) per source system: whatever the
   * Idempotency-Key, the same identity never makes a second order.
   */
  readonly identity?: { readonly sourceSystem: string; readonly id: string };
  /** Refused while one of them is on an open order, unless `openHandlingUnits` is `move-again`. */
  readonly handlingUnits?: readonly HandlingUnitRef[];
  /** Default `refuse`; `move-again` is a deliberate re-move: the new order takes the handling units over. */
  readonly openHandlingUnits?: 'refuse' | 'move-again';
}

export type CreateResult =
  | { readonly kind: 'created'; readonly order: TransportOrder }
  | {
      readonly kind: 'replayed';
      /** What matched: the same Idempotency-Key, or the same request identity under another key. */
      readonly by: 'idempotency-key' | 'identity';
      readonly orderId: OrderId;
      readonly fingerprint: string;
    }
  | { readonly kind: 'handling-unit-open'; readonly orderId: OrderId; readonly unit: HandlingUnitRef };

export interface OrderQuery {
  readonly status?: OrderStatus;
  /** Only orders created at or after this time (ms since epoch). */
  readonly sinceMs?: number;
  readonly limit: number;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
}

/** Keys are kept at least 24 h (contract, "Idempotency"); we keep them 48 h. */
const IDEMPOTENCY_TTL_S = 48 * 3600;
const AUDIT_MAX_LEN = 1_000_000;

// Claims the idempotency key, the request identity (KEYS[7], when ARGV[8] is '1') and the handling units
// (KEYS[8..], named by ARGV[10..]), and writes the order, its indexes and its first audit entry, in one
// atomic step. Answers {0, record} for a known key, {2, record} for a known identity, {3, orderId, index}
// for a handling unit on an open order, {1} when created.
const CREATE_LUA = `
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
if ARGV[8] == '1' then
  local prior = redis.call('GET', KEYS[7])
  if prior then return {2, prior} end
end
if ARGV[9] == 'refuse' then
  for i = 8, #KEYS do
    local holder = redis.call('GET', KEYS[i])
    if holder then return {3, holder, tostring(i - 8)} end
  end
end
local record = cjson.encode({fingerprint = ARGV[1], orderId = ARGV[3]})
redis.call('SET', KEYS[1], record, 'EX', tonumber(ARGV[5]))
if ARGV[8] == '1' then redis.call('SET', KEYS[7], record) end
for i = 8, #KEYS do redis.call('SET', KEYS[i], ARGV[3]) end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], tonumber(ARGV[4]), ARGV[3])
redis.call('SADD', KEYS[4], ARGV[3])
redis.call('SADD', KEYS[5], ARGV[3])
redis.call('XADD', KEYS[6], 'MAXLEN', '~', tonumber(ARGV[7]), '*', 'orderId', ARGV[3], 'entry', ARGV[6])
return {1, ''}
`;

// Compare-and-set on the order's version; moves it between status indexes and appends to the audit log.
// Fenced (ARGV[8] not empty): only while the leader lease (KEYS[6]) still holds the writer's value.
// When the move is done (ARGV[7] is '1'), the handling units it held (KEYS[7..]) are free again.
const UPDATE_LUA = `
${fenceCheckLua(6, 8)}
local cur = redis.call('GET', KEYS[1])
if not cur then return -1 end
if tostring(cjson.decode(cur).version) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SREM', KEYS[3], ARGV[3])
redis.call('SADD', KEYS[4], ARGV[3])
if ARGV[4] == '1' then redis.call('SREM', KEYS[2], ARGV[3]) end
if ARGV[5] ~= '' then
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', tonumber(ARGV[6]), '*', 'orderId', ARGV[3], 'entry', ARGV[5])
end
if ARGV[7] == '1' then
  for i = 7, #KEYS do
    if redis.call('GET', KEYS[i]) == ARGV[3] then redis.call('DEL', KEYS[i]) end
  end
end
return 1
`;

const CREATE_SCRIPT = new LuaScript(CREATE_LUA);
const UPDATE_SCRIPT = new LuaScript(UPDATE_LUA);

function parseCursor(cursor: string | undefined): { score: number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const at = cursor.indexOf(':');
  return { score: Number(cursor.slice(0, at)), id: cursor.slice(at + 1) };
}

export class OrderNotFoundError extends Error {
  override readonly name = 'OrderNotFoundError';
  readonly code = 'order-not-found';
  constructor(readonly orderId: OrderId) {
    super(`order ${orderId} not found`);
  }
}

/** Transport orders in Redis: the durable truth the engine is rebuilt from after a restart. */
export class OrderStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * Stores a new order unless its idempotency key or its identity was seen, or one of its handling units
   * is on an open order; atomic with the claims.
   */
  async create(order: TransportOrder, claim: IdempotencyClaim): Promise<CreateResult> {
    const entry = JSON.stringify(order.history.at(-1) ?? {});
    const units = claim.handlingUnits ?? [];
    const idempotencyKey = this.keys.idempotency(claim.scope, claim.key);
    const result = (await CREATE_SCRIPT.run(
      this.redis,
      [
        idempotencyKey,
        this.keys.order(order.id),
        this.keys.ordersByTime,
        this.keys.openOrders,
        this.keys.ordersInStatus(order.status),
        this.keys.audit,
        claim.identity === undefined
          ? idempotencyKey
          : this.keys.requestIdentity(claim.scope, claim.identity.sourceSystem, claim.identity.id),
        ...units.map((u) => this.keys.openHandlingUnit(u.field, u.value)),
      ],
      [
        claim.fingerprint,
        JSON.stringify(order),
        order.id,
        String(Date.parse(order.createdAt)),
        String(IDEMPOTENCY_TTL_S),
        entry,
        String(AUDIT_MAX_LEN),
        claim.identity === undefined ? '0' : '1',
        claim.openHandlingUnits ?? 'refuse',
      ],
    )) as [number, string, string?];
    switch (result[0]) {
      case 1:
        return { kind: 'created', order };
      case 3: {
        const unit = units[Number(result[2])];
        if (!unit) throw new Error(`corrupt handling-unit claim answer for ${order.id}`);
        return { kind: 'handling-unit-open', orderId: result[1], unit };
      }
      default: {
        const prior: unknown = JSON.parse(result[1]);
        if (typeof prior === 'object' && prior !== null && 'orderId' in prior && 'fingerprint' in prior) {
          return {
            kind: 'replayed',
            by: result[0] === 2 ? 'identity' : 'idempotency-key',
            orderId: String(prior.orderId),
            fingerprint: String(prior.fingerprint),
          };
        }
        throw new Error(`corrupt idempotency record for ${claim.scope}:${claim.key}`);
      }
    }
  }

  async get(id: OrderId): Promise<TransportOrder | undefined> {
    const raw = await this.redis.get(this.keys.order(id));
    return raw === null ? undefined : parseStoredOrder(raw);
  }

  /**
   * Read-modify-write with compare-and-set on `version`, retried on a concurrent write.
   * `change` returns the new order (version already bumped) or undefined to leave it as it is.
   * With `fence`, the write happens only while the leader lease still holds the fence's value.
   * Throws OrderNotFoundError, FencedOutError; whatever `change` throws (e.g. IllegalTransitionError) propagates.
   */
  async update(
    id: OrderId,
    change: (order: TransportOrder) => TransportOrder | undefined,
    fence?: Fence,
  ): Promise<TransportOrder> {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const current = await this.get(id);
      if (!current) throw new OrderNotFoundError(id);
      const next = change(current);
      if (!next) return current;
      const entry = next.history.length > current.history.length ? JSON.stringify(next.history.at(-1)) : '';
      const units = isDone(next.status)
        ? [...handlingUnitsOf(current.load), ...handlingUnitsOf(next.load)]
        : [];
      const ok = await UPDATE_SCRIPT.run(
        this.redis,
        [
          this.keys.order(id),
          this.keys.openOrders,
          this.keys.ordersInStatus(current.status),
          this.keys.ordersInStatus(next.status),
          this.keys.audit,
          fence?.key ?? this.keys.order(id),
          ...units.map((u) => this.keys.openHandlingUnit(u.field, u.value)),
        ],
        [
          String(current.version),
          JSON.stringify(next),
          id,
          TERMINAL_STATUSES.has(next.status) ? '1' : '0',
          entry,
          String(AUDIT_MAX_LEN),
          units.length > 0 ? '1' : '0',
          fence?.value ?? '',
        ],
      );
      if (ok === 1) return next;
      if (ok === -1) throw new OrderNotFoundError(id);
      if (ok === -2) throw new FencedOutError(`order ${id}: the leader lease moved on; write refused`);
    }
    throw new Error(`order ${id}: too many concurrent writes`);
  }

  /** Every order in `status` now (its status index). */
  async inStatus(status: OrderStatus): Promise<TransportOrder[]> {
    const ids = await this.redis.smembers(this.keys.ordersInStatus(status));
    return this.getMany(ids);
  }

  /** Every order not in a terminal status: what a restarted engine resumes. */
  async openOrders(): Promise<TransportOrder[]> {
    const ids = await this.redis.smembers(this.keys.openOrders);
    return this.getMany(ids);
  }

  /**
   * Newest first, paged by creation time. The cursor is `<createdAtMs>:<id>` of the last order returned;
   * orders created in the same millisecond are ordered by id, so none is skipped or repeated at a page edge.
   */
  async list(query: OrderQuery): Promise<{ orders: TransportOrder[]; nextCursor?: string }> {
    const after = parseCursor(query.cursor);
    const max = after === undefined ? '+inf' : String(after.score);
    const min = query.sinceMs === undefined ? '-inf' : String(query.sinceMs);
    const statusSet = query.status === undefined ? undefined : this.keys.ordersInStatus(query.status);
    const orders: TransportOrder[] = [];
    let offset = 0;
    while (orders.length < query.limit) {
      const batch = await this.redis.zrevrangebyscore(
        this.keys.ordersByTime,
        max,
        min,
        'WITHSCORES',
        'LIMIT',
        offset,
        200,
      );
      if (batch.length === 0) break;
      offset += batch.length / 2;
      const ids: string[] = [];
      for (let i = 0; i < batch.length; i += 2) {
        const id = batch[i]!;
        // Same-score members come in reverse id order: those at or above the cursor's id were on earlier pages.
        if (after !== undefined && Number(batch[i + 1]) === after.score && id >= after.id) continue;
        ids.push(id);
      }
      const wanted = statusSet ? await this.filterMembers(statusSet, ids) : ids;
      for (const order of await this.getMany(wanted)) {
        if (orders.length < query.limit) orders.push(order);
      }
      if (batch.length < 400) break;
    }
    const last = orders.at(-1);
    const more = orders.length === query.limit && last !== undefined;
    return more ? { orders, nextCursor: `${Date.parse(last.createdAt)}:${last.id}` } : { orders };
  }

  async countByStatus(): Promise<Record<string, number>> {
    const statuses = ORDER_STATUSES;
    const pipeline = this.redis.pipeline();
    for (const s of statuses) pipeline.scard(this.keys.ordersInStatus(s));
    const results = (await pipeline.exec()) ?? [];
    return Object.fromEntries(statuses.map((s, i) => [s, Number(results[i]?.[1] ?? 0)]));
  }

  private async filterMembers(set: string, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const flags = await this.redis.smismember(set, ...ids);
    return ids.filter((_, i) => flags[i] === 1);
  }

  /** The orders with these ids that exist, in one round trip. */
  async getMany(ids: readonly string[]): Promise<TransportOrder[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(...ids.map((id) => this.keys.order(id)));
    return raws.flatMap((raw) => (raw === null ? [] : [parseStoredOrder(raw)]));
  }
}
