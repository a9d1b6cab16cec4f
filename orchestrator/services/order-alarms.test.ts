import { describe, expect, it } from 'vitest';
import { newOrder } from './order-factory.ts';
import { OrderAlarms } from './order-alarms.ts';
import type { NewAlarm } from './engine-runtime.ts';
import type { TransportOrder } from '../domain/transport-order.ts';

function alarmsWith(counts: { waiting: number }) {
  const raised: NewAlarm[] = [];
  const alarms = new OrderAlarms({
    alarm: (a) => raised.push(a),
    countByStatus: () => Promise.resolve({ received: 1, planned: counts.waiting - 1, assigned: 5 }),
    backlogThreshold: 10,
  });
  return { alarms, raised };
}

const order = (patch: Partial<TransportOrder>): TransportOrder => ({
  ...newOrder(
    {
      type: 'line-replenish',
      sourceSystem: 'MES',
      createdBy: 'mes',
      from: { decidedBy: 'wms' },
      to: { location: 'LINE-1-IN' },
      load: {},
      priority: 3,
      externalRefs: {},
      correlationId: 'c',
    },
    '2026-12-03T10:00:00.000Z',
  ),
  ...patch,
});

describe('OrderAlarms', () => {
  it('when an order fails, then one alarm names the order, its type and its reason; other changes raise none', () => {
    const { alarms, raised } = alarmsWith({ waiting: 1 });
    alarms.onOrder(order({ status: 'planned' }));
    alarms.onOrder(
      order({ id: 'TO-1', status: 'failed', failureReason: 'no-stock', failureDetail: 'SKU-9' }),
    );
    expect(raised).toEqual([
      {
        code: 'order-failed',
        severity: 'warning',
        message: 'order TO-1 (line-replenish) failed with no-stock: SKU-9',
        orderId: 'TO-1',
      },
    ]);
  });

  it('when the backlog crosses the threshold, then it alarms once, and again only after falling to half', async () => {
    const counts = { waiting: 5 };
    const { alarms, raised } = alarmsWith(counts);
    expect(await alarms.checkBacklog()).toBe(5);
    counts.waiting = 11;
    await alarms.checkBacklog();
    await alarms.checkBacklog();
    counts.waiting = 6;
    await alarms.checkBacklog();
    counts.waiting = 12;
    await alarms.checkBacklog();
    expect(raised).toHaveLength(1);
    expect(raised[0]?.message).toMatch(/^11 orders wait for a robot \(alarm above 10\)/);
    counts.waiting = 5;
    await alarms.checkBacklog();
    counts.waiting = 11;
    await alarms.checkBacklog();
    expect(raised.map((a) => a.code)).toEqual(['backlog-high', 'backlog-high']);
  });
});
