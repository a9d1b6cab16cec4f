import { describe, expect, it } from 'vitest';
import type { OrderStatus, TransportOrder } from '../domain/transport-order.ts';
import {
  ACTION_ALLOWANCE_S,
  CLOSED_KEEP_MS,
  LiveOrderFeed,
  liveOrder,
  type LiveOrderSources,
} from './live-orders.ts';
import { parseLiveClientMessage } from './live-protocol.ts';
import { lineRoutes, liveRobot, NOW, storedOrder } from './live-test-fixtures.ts';
import type { LiveRobotSource } from './live-view.ts';

const order = (id: string, status: OrderStatus, patch: Partial<TransportOrder> = {}): TransportOrder =>
  storedOrder(id, { status, ...patch });

function sources(open: TransportOrder[], recent: TransportOrder[]) {
  let listener: ((o: TransportOrder) => void) | undefined;
  const s: LiveOrderSources = {
    onChange: (l) => {
      listener = l;
      return () => {
        listener = undefined;
      };
    },
    openOrders: () => Promise.resolve(open),
    list: () => Promise.resolve({ orders: recent }),
  };
  return { s, emit: (o: TransportOrder) => listener?.(o), subscribed: () => listener !== undefined };
}

describe('LiveOrderFeed', () => {
  it('when seeded, then it shows open and recently closed orders, newest first, and last-hour deliveries', async () => {
    const delivered = new Date(NOW - 30_000).toISOString();
    const { s } = sources(
      [order('o1', 'to-pickup', { createdAt: new Date(NOW - 5000).toISOString() })],
      [
        order('o2', 'confirmed', {
          updatedAt: new Date(NOW - 10_000).toISOString(),
          timestamps: { delivered },
        }),
        order('o3', 'failed', { updatedAt: new Date(NOW - CLOSED_KEEP_MS - 1).toISOString() }),
      ],
    );
    const feed = new LiveOrderFeed(s);
    await feed.start(NOW);
    expect(feed.current(NOW).map((o) => o.id)).toEqual(['o1', 'o2']);
    expect(feed.deliveries(NOW)).toEqual([{ atMs: Date.parse(delivered) }]);
  });

  it('when a change arrives, then the newer version wins and an older one is ignored', async () => {
    const { s, emit } = sources([order('o1', 'planned', { version: 2 })], []);
    const feed = new LiveOrderFeed(s);
    await feed.start(NOW);
    emit(order('o1', 'received', { version: 1 }));
    expect(feed.current(NOW)[0]?.status).toBe('planned');
    emit(order('o1', 'assigned', { version: 3 }));
    expect(feed.current(NOW)[0]?.status).toBe('assigned');
  });

  it('when a closed order ages past the window, then it leaves the list; when stopped, it unsubscribes', async () => {
    const { s, emit, subscribed } = sources([], []);
    const feed = new LiveOrderFeed(s);
    await feed.start(NOW);
    emit(order('o1', 'cancelled', { updatedAt: new Date(NOW).toISOString() }));
    expect(feed.current(NOW).map((o) => o.id)).toEqual(['o1']);
    expect(feed.current(NOW + CLOSED_KEEP_MS + 1)).toEqual([]);
    feed.stop();
    expect(subscribed()).toBe(false);
  });
});

describe('liveOrder', () => {
  const planned = (patch: Partial<TransportOrder> = {}): TransportOrder =>
    storedOrder('o1', { fromStation: 'P', toStation: 'D', ...patch });
  const show = (o: TransportOrder, robots: LiveRobotSource[] = []) =>
    liveOrder(o, new Map(robots.map((r) => [r.spec.id, r])), lineRoutes, NOW);

  it('when an order is shown, then its row has the type, both location codes, the load and the references', () => {
    const o = show(
      planned({
        type: 'fg-putaway',
        fromStation: 'LINE-1-OUT',
        toStation: 'B-01-03',
        load: {
          handlingUnitId: 'HU-4421-1',
          sscc: '106141411234567897',
          sku: 'SKU-100',
          quantity: 500,
          uom: 'EA',
          loadType: 'euro-pallet',
        },
        externalRefs: { workOrder: 'WO-4421' },
      }),
    );
    expect(o).toEqual({
      id: 'o1',
      type: 'fg-putaway',
      status: 'planned',
      priority: 5,
      fromStation: 'LINE-1-OUT',
      toStation: 'B-01-03',
      load: {
        handlingUnitId: 'HU-4421-1',
        sscc: '106141411234567897',
        sku: 'SKU-100',
        quantity: 500,
        uom: 'EA',
      },
      externalRefs: { workOrder: 'WO-4421' },
      latenessS: 0,
    });
  });

  it('when an order failed, then its row says why and when; an open one has no end', () => {
    const at = new Date(NOW - 5000).toISOString();
    const failed = show(planned({ status: 'failed', failureReason: 'no-space', timestamps: { failed: at } }));
    expect([failed.failureReason, failed.endedAt]).toEqual(['no-space', at]);
    expect(show(planned({ status: 'cancelled', timestamps: { cancelled: at } })).endedAt).toBe(at);
    expect(show(planned({ status: 'to-pickup', timestamps: { cancelled: at } })).endedAt).toBeUndefined();
  });

  it('when an order names a zone and a WMS decision not yet resolved, then its ends read so', () => {
    const { fromStation: _f, toStation: _t, ...rest } = planned();
    const o = show({ ...rest, from: { zone: 'STORAGE-A' }, to: { decidedBy: 'wms' } });
    expect([o.fromStation, o.toStation]).toEqual(['zone STORAGE-A', 'decided by the WMS']);
  });

  it('when an order has a robot on its way to the pick, then its eta covers both drives and both actions', () => {
    const o = show(planned({ status: 'to-pickup', robotId: 'r1' }), [liveRobot('r1', { nodeId: 'A' })]);
    // A -> B (pick) 10 s, B -> D 20 s, two actions.
    expect(Date.parse(o.eta!)).toBe(NOW + (30 + 2 * ACTION_ALLOWANCE_S) * 1000);
    expect(o.robotId).toBe('r1');
    expect(o.latenessS).toBe(0);
  });

  it('when an order is due before its eta, then its lateness is the seconds past due at the eta', () => {
    const due = new Date(NOW + 10_000).toISOString();
    const o = show(planned({ status: 'to-dropoff', robotId: 'r1', dueBy: due }), [
      liveRobot('r1', { nodeId: 'C' }),
    ]);
    // C -> D 10 s plus the drop: eta now + 15 s, 5 s late.
    expect(o.latenessS).toBe(ACTION_ALLOWANCE_S);
  });

  it('when an order has no robot and is overdue, then it has no eta and is late by the time past due', () => {
    const o = show(planned({ dueBy: new Date(NOW - 30_000).toISOString() }));
    expect(o.eta).toBeUndefined();
    expect(o.latenessS).toBe(30);
  });

  it('when an order was delivered, then its eta is the delivery and its lateness is fixed at it', () => {
    const o = show(
      planned({
        status: 'delivered',
        robotId: 'r1',
        dueBy: new Date(NOW - 60_000).toISOString(),
        timestamps: { delivered: new Date(NOW - 20_000).toISOString() },
      }),
    );
    expect(o.eta).toBe(new Date(NOW - 20_000).toISOString());
    expect(o.endedAt).toBe(new Date(NOW - 20_000).toISOString());
    expect(o.latenessS).toBe(40);
  });
});

describe('parseLiveClientMessage', () => {
  it.each([
    ['not json', '{type:auth'],
    ['another type', '{"type":"hello","key":"k"}'],
    ['no key', '{"type":"auth"}'],
    ['an empty key', '{"type":"auth","key":""}'],
    ['a key that is no string', '{"type":"auth","key":42}'],
    ['extra fields', '{"type":"auth","key":"k","role":"admin"}'],
  ])('when the message is %s, then it is refused', (_what, text) => {
    expect(parseLiveClientMessage(text)).toBeUndefined();
  });

  it('when the message is an auth message, then its key is read', () => {
    expect(parseLiveClientMessage('{"type":"auth","key":"abc"}')).toEqual({ type: 'auth', key: 'abc' });
  });
});
