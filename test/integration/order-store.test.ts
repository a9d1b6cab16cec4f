import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transition } from '../../orchestrator/domain/order-lifecycle.ts';
import type { OrderStatus, TransportOrder } from '../../orchestrator/domain/transport-order.ts';
import { fingerprint, newOrder } from '../../orchestrator/services/order-factory.ts';
import { OrderNotFoundError, OrderStore } from '../../orchestrator/store/order-store.ts';
import { RedisKeys } from '../../orchestrator/store/redis-keys.ts';
import { REDIS_URL, testPrefix } from '../support/redis-prefix.ts';

const BASE_MS = Date.parse('2025-03-01T08:00:00.000Z');
let seq = 0;

/** A new order created `offsetS` seconds after BASE_MS (distinct createdAt per order unless told). */
function order(offsetS = seq): TransportOrder {
  seq += 1;
  return newOrder(
    {
      type: 'fg-putaway',
      sourceSystem: 'MES',
      createdBy: 'mes',
      from: { location: 'LINE-1-OUT' },
      to: { decidedBy: 'wms' },
      load: { handlingUnitId: `HU-${seq}` },
      priority: 0,
      externalRefs: { workOrder: `WO-${seq}` },
      correlationId: `corr-${seq}`,
    },
    new Date(BASE_MS + offsetS * 1000).toISOString(),
  );
}

const claim = (o: TransportOrder, key = `key-${o.id}`) => ({
  scope: 'mes',
  key,
  fingerprint: fingerprint(o.load),
});
const at = (s: number) => new Date(BASE_MS + 3_600_000 + s * 1000).toISOString();
/** Moves an order along `path` with one transition (and one store write) per status. */
async function walk(store: OrderStore, id: string, path: readonly OrderStatus[]): Promise<TransportOrder> {
  let last: TransportOrder | undefined;
  for (const [i, to] of path.entries())
    last = await store.update(id, (o) => transition(o, { to, at: at(i), by: 'engine' }));
  return last!;
}

describe('OrderStore on real Redis', () => {
  let redis: Redis;
  let keys: RedisKeys;
  let cleanup: () => Promise<void>;
  /** A store under its own sub-prefix, so each test sees only its own orders. */
  const storeFor = (name: string) => {
    const k = new RedisKeys(`${keys.prefix}:${name}`);
    return { store: new OrderStore(redis, k), keys: k };
  };

  beforeAll(() => {
    const p = testPrefix('order-store');
    keys = new RedisKeys(p.prefix);
    cleanup = p.cleanup;
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    await cleanup();
  });

  it('when two creates with the same idempotency key race, then exactly one is created and the other replays its id', async () => {
    const { store, keys: k } = storeFor('race');
    const a = order();
    const b = order();
    const other = new Redis(REDIS_URL); // a second connection, as a second orchestrator instance would have
    try {
      const results = await Promise.all([
        store.create(a, claim(a, 'evt-1')),
        new OrderStore(other, k).create(b, claim(b, 'evt-1')),
      ]);
      const created = results.filter((r) => r.kind === 'created');
      const replayed = results.filter((r) => r.kind === 'replayed');
      expect(created).toHaveLength(1);
      expect(replayed).toHaveLength(1);
      const winner = created[0]!.order;
      expect(replayed[0]).toEqual({
        kind: 'replayed',
        by: 'idempotency-key',
        orderId: winner.id,
        fingerprint: claim(winner).fingerprint,
      });
      const loser = winner.id === a.id ? b : a;
      expect(await store.get(loser.id)).toBeUndefined();
      expect(await redis.zcard(k.ordersByTime)).toBe(1);
      expect(await redis.xlen(k.audit)).toBe(1);
    } finally {
      other.disconnect();
    }
  });

  it('when the same key is used again later, then the first order id is replayed and nothing is written', async () => {
    const { store, keys: k } = storeFor('replay');
    const first = order();
    expect((await store.create(first, claim(first, 'evt-2'))).kind).toBe('created');
    const again = await store.create(order(), { scope: 'mes', key: 'evt-2', fingerprint: 'other' });
    expect(again).toEqual({
      kind: 'replayed',
      by: 'idempotency-key',
      orderId: first.id,
      fingerprint: claim(first).fingerprint,
    });
    expect(await store.create(order(), { scope: 'wms', key: 'evt-2', fingerprint: 'x' })).toMatchObject({
      kind: 'created',
    });
    expect(await redis.zcard(k.ordersByTime)).toBe(2);
    expect(await redis.ttl(k.idempotency('mes', 'evt-2'))).toBeGreaterThan(24 * 3600);
  });

  it('when two creates with one request identity race under different keys, then exactly one is created', async () => {
    const { store, keys: k } = storeFor('identity');
    const identity = { sourceSystem: 'MES', id: 'evt-race' };
    const a = order();
    const b = order();
    const other = new Redis(REDIS_URL);
    try {
      const results = await Promise.all([
        store.create(a, { ...claim(a, 'key-a'), identity }),
        new OrderStore(other, k).create(b, { ...claim(b, 'key-b'), identity }),
      ]);
      expect(results.map((r) => r.kind).sort()).toEqual(['created', 'replayed']);
      expect(results.find((r) => r.kind === 'replayed')).toMatchObject({ by: 'identity' });
      expect(await redis.zcard(k.ordersByTime)).toBe(1);
      // Another source system may use the same id.
      const c = order();
      const wms = await store.create(c, { ...claim(c), identity: { sourceSystem: 'WMS', id: 'evt-race' } });
      expect(wms.kind).toBe('created');
    } finally {
      other.disconnect();
    }
  });

  it('when a handling unit is on an open order, then it is refused until that order is delivered; a re-move takes it over', async () => {
    const { store, keys: k } = storeFor('hu');
    const units = [{ field: 'handlingUnitId' as const, value: 'HU-x' }];
    const carrying = (): TransportOrder => ({ ...order(), load: { handlingUnitId: 'HU-x' } });
    const first = carrying();
    expect((await store.create(first, { ...claim(first), handlingUnits: units })).kind).toBe('created');
    const second = carrying();
    expect(await store.create(second, { ...claim(second), handlingUnits: units })).toEqual({
      kind: 'handling-unit-open',
      orderId: first.id,
      unit: units[0],
    });
    expect(await store.get(second.id)).toBeUndefined();

    const moveAgain = carrying();
    const again = await store.create(moveAgain, {
      ...claim(moveAgain),
      handlingUnits: units,
      openHandlingUnits: 'move-again',
    });
    expect(again.kind).toBe('created');
    // The first order ending does not free what the re-move took over.
    const path = [
      'planned',
      'assigned',
      'to-pickup',
      'picking',
      'to-dropoff',
      'dropping',
      'delivered',
    ] as const;
    await walk(store, first.id, path);
    expect(await redis.get(k.openHandlingUnit('handlingUnitId', 'HU-x'))).toBe(moveAgain.id);
    await walk(store, moveAgain.id, path);
    expect(await redis.exists(k.openHandlingUnit('handlingUnitId', 'HU-x'))).toBe(0);
    const third = carrying();
    expect((await store.create(third, { ...claim(third), handlingUnits: units })).kind).toBe('created');
  });

  it('when 20 updates increment the priority concurrently, then every one lands', async () => {
    const { store } = storeFor('cas');
    const o = order();
    await store.create(o, claim(o));
    const others = Array.from({ length: 3 }, () => new Redis(REDIS_URL));
    try {
      const stores = [store, ...others.map((r) => new OrderStore(r, storeFor('cas').keys))];
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          stores[i % stores.length]!.update(o.id, (cur) => ({
            ...cur,
            priority: cur.priority + 1,
            version: cur.version + 1,
          })),
        ),
      );
    } finally {
      for (const r of others) r.disconnect();
    }
    const final = await store.get(o.id);
    expect(final).toMatchObject({ priority: 20, version: 21 });
  });

  it('when update returns undefined, then nothing is written; when the order is missing, then OrderNotFoundError', async () => {
    const { store } = storeFor('noop');
    const o = order();
    await store.create(o, claim(o));
    expect(await store.update(o.id, () => undefined)).toEqual(o);
    expect((await store.get(o.id))?.version).toBe(1);
    await expect(store.update('TO-missing', (x) => x)).rejects.toBeInstanceOf(OrderNotFoundError);
  });

  it('when a change is illegal, then the error propagates and the stored order is unchanged', async () => {
    const { store } = storeFor('illegal');
    const o = order();
    await store.create(o, claim(o));
    await expect(
      store.update(o.id, (cur) => transition(cur, { to: 'delivered', at: at(0), by: 'engine' })),
    ).rejects.toMatchObject({ code: 'illegal-transition' });
    expect(await store.get(o.id)).toEqual(o);
  });

  it('when orders change status, then the open set and the status indexes follow', async () => {
    const { store, keys: k } = storeFor('indexes');
    const [open1, open2, done, failed, cancelled] = Array.from({ length: 5 }, () => order());
    for (const o of [open1!, open2!, done!, failed!, cancelled!]) await store.create(o, claim(o));
    await walk(store, open1!.id, ['planned', 'assigned']);
    await walk(store, open2!.id, ['planned', 'on-hold']);
    await walk(store, done!.id, [
      'planned',
      'assigned',
      'to-pickup',
      'picking',
      'to-dropoff',
      'dropping',
      'delivered',
      'confirmed',
    ]);
    await walk(store, failed!.id, ['planned', 'failed']);
    await walk(store, cancelled!.id, ['cancelled']);

    const openIds = (await store.openOrders()).map((o) => o.id).sort();
    expect(openIds).toEqual([open1!.id, open2!.id].sort());
    const ids = async (status: OrderStatus) =>
      (await store.list({ status, limit: 50 })).orders.map((o) => o.id);
    expect(await ids('assigned')).toEqual([open1!.id]);
    expect(await ids('on-hold')).toEqual([open2!.id]);
    expect(await ids('confirmed')).toEqual([done!.id]);
    expect(await ids('planned')).toEqual([]);
    expect(await ids('received')).toEqual([]);
    expect(await store.countByStatus()).toMatchObject({
      received: 0,
      planned: 0,
      assigned: 1,
      'on-hold': 1,
      delivered: 0,
      confirmed: 1,
      failed: 1,
      cancelled: 1,
    });
    // Each order is in exactly one status set.
    let memberships = 0;
    for (const key of await redis.keys(`${k.prefix}:orders:status:*`)) memberships += await redis.scard(key);
    expect(memberships).toBe(5);
  });

  it('when orders are listed in pages, then every order appears exactly once, newest first', async () => {
    const { store } = storeFor('paging');
    const all = Array.from({ length: 23 }, (_, i) => order(i * 7)); // distinct createdAt, 7 s apart
    await Promise.all(all.map((o) => store.create(o, claim(o))));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.list({ limit: 5, ...(cursor === undefined ? {} : { cursor }) });
      expect(page.orders.length).toBeLessThanOrEqual(5);
      seen.push(...page.orders.map((o) => o.id));
      cursor = page.nextCursor;
      pages += 1;
      expect(pages).toBeLessThan(10);
    } while (cursor !== undefined);
    expect(seen).toEqual([...all].reverse().map((o) => o.id));
    expect(pages).toBe(5);
  });

  it('when orders share a creation time across a page boundary, then paging still returns each once', async () => {
    const { store } = storeFor('paging-ties');
    const all = Array.from({ length: 6 }, () => order(0));
    for (const o of all) await store.create(o, claim(o));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({ limit: 4, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...page.orders.map((o) => o.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined && seen.length < 12);
    expect(seen.sort()).toEqual(all.map((o) => o.id).sort());
  });

  it('when paging with a status filter, then every matching order appears exactly once', async () => {
    const { store } = storeFor('paging-status');
    const all = Array.from({ length: 30 }, (_, i) => order(i));
    await Promise.all(all.map((o) => store.create(o, claim(o))));
    const planned = all.filter((_, i) => i % 3 === 0);
    for (const o of planned) await walk(store, o.id, ['planned']);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({
        status: 'planned',
        limit: 4,
        ...(cursor === undefined ? {} : { cursor }),
      });
      expect(page.orders.every((o) => o.status === 'planned')).toBe(true);
      seen.push(...page.orders.map((o) => o.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(seen).toEqual([...planned].reverse().map((o) => o.id));
  });

  it('when sinceMs is given, then older orders are left out', async () => {
    const { store } = storeFor('since');
    const all = Array.from({ length: 6 }, (_, i) => order(i * 60));
    for (const o of all) await store.create(o, claim(o));
    const page = await store.list({ limit: 10, sinceMs: BASE_MS + 180_000 });
    expect(page.orders.map((o) => o.id)).toEqual(
      all
        .slice(3)
        .reverse()
        .map((o) => o.id),
    );
  });

  it('when an order is created and moved, then the audit stream has one entry per transition, in order', async () => {
    const { store, keys: k } = storeFor('audit');
    const o = order();
    await store.create(o, claim(o));
    await walk(store, o.id, ['planned', 'assigned', 'on-hold', 'assigned']);
    await store.update(o.id, (cur) => ({ ...cur, priority: 9, version: cur.version + 1 })); // not a transition
    await walk(store, o.id, ['cancelled']);

    const entries = await redis.xrange(k.audit, '-', '+');
    const parsed = entries.map(([, fields]) => {
      const map = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
      return { orderId: map.get('orderId'), entry: JSON.parse(map.get('entry') ?? 'null') };
    });
    expect(parsed.map((p) => p.orderId)).toEqual(Array(6).fill(o.id));
    expect(parsed.map((p) => p.entry.status)).toEqual([
      'received',
      'planned',
      'assigned',
      'on-hold',
      'assigned',
      'cancelled',
    ]);
    expect(parsed[0]!.entry).toEqual({ at: o.createdAt, status: 'received', by: 'mes' });
    expect(parsed[1]!.entry).toEqual({ at: at(0), status: 'planned', by: 'engine' });
    expect(await store.get(o.id)).toMatchObject({ status: 'cancelled', priority: 9, version: 7 });
  });
});
