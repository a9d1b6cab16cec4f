import { describe, expect, it } from 'vitest';
import type { OrderStatus, TransportOrder } from '../domain/transport-order.ts';
import { CLOSED_KEEP_MS, LiveOrderFeed, type LiveOrderSources } from './live-orders.ts';
import { parseLiveClientMessage } from './live-protocol.ts';
import { NOW, storedOrder } from './live-test-fixtures.ts';

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
