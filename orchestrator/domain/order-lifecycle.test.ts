import { describe, expect, it } from 'vitest';
import {
  IllegalTransitionError,
  isLegalTransition,
  TERMINAL_STATUSES,
  transition,
} from './order-lifecycle.ts';
import { ORDER_STATUSES, type OrderStatus, type TransportOrder } from './transport-order.ts';

/** The lifecycle as the README describes it, written out independently of the code. */
const LEGAL: readonly (readonly [OrderStatus, OrderStatus])[] = [
  ['received', 'planned'],
  ['received', 'failed'],
  ['received', 'cancelled'],
  ['planned', 'assigned'],
  ['planned', 'failed'],
  ['planned', 'cancelled'],
  ['planned', 'on-hold'],
  ['assigned', 'to-pickup'],
  ['assigned', 'planned'],
  ['assigned', 'failed'],
  ['assigned', 'cancelled'],
  ['assigned', 'on-hold'],
  ['to-pickup', 'picking'],
  ['to-pickup', 'planned'],
  ['to-pickup', 'failed'],
  ['to-pickup', 'cancelled'],
  ['to-pickup', 'on-hold'],
  ['picking', 'to-dropoff'],
  ['picking', 'failed'],
  ['picking', 'cancelled'],
  ['picking', 'on-hold'],
  ['to-dropoff', 'dropping'],
  ['to-dropoff', 'failed'],
  ['to-dropoff', 'cancelled'],
  ['to-dropoff', 'on-hold'],
  ['dropping', 'delivered'],
  ['dropping', 'failed'],
  ['dropping', 'on-hold'],
  ['delivered', 'confirmed'],
  ['on-hold', 'planned'],
  ['on-hold', 'assigned'],
  ['on-hold', 'to-pickup'],
  ['on-hold', 'picking'],
  ['on-hold', 'to-dropoff'],
  ['on-hold', 'dropping'],
  ['on-hold', 'failed'],
  ['on-hold', 'cancelled'],
];

const ILLEGAL_EXAMPLES: readonly (readonly [OrderStatus, OrderStatus, string])[] = [
  ['received', 'delivered', 'skips the whole move'],
  ['received', 'on-hold', 'nothing to hold before planning'],
  ['delivered', 'failed', 'a physical delivery cannot fail afterwards'],
  ['delivered', 'cancelled', 'too late to cancel'],
  ['dropping', 'cancelled', 'the load is half put down'],
  ['picking', 'planned', 'the load is already on the robot'],
  ['to-dropoff', 'assigned', 'no reassignment with a load on board'],
  ['on-hold', 'on-hold', 'already held'],
  ['on-hold', 'received', 'no way back to intake'],
  ['on-hold', 'delivered', 'delivery is only reached by dropping'],
  ['failed', 'planned', 'terminal'],
  ['cancelled', 'received', 'terminal'],
  ['planned', 'planned', 'no self transitions'],
  ...ORDER_STATUSES.map((to) => ['confirmed', to, 'confirmed is final'] as const),
];

const T0 = '2025-03-01T08:00:00.000Z';
const T1 = '2025-03-01T08:05:00.000Z';

function orderIn(status: OrderStatus, extra: Partial<TransportOrder> = {}): TransportOrder {
  return {
    id: 'TO-1',
    type: 'fg-putaway',
    status,
    sourceSystem: 'MES',
    createdBy: 'mes',
    from: { location: 'LINE-1-OUT' },
    to: { decidedBy: 'wms' },
    load: { handlingUnitId: 'HU-1' },
    priority: 5,
    externalRefs: { workOrder: 'WO-1' },
    correlationId: 'corr-1',
    timestamps: { received: T0 },
    history: [{ at: T0, status: 'received', by: 'mes' }],
    createdAt: T0,
    updatedAt: T0,
    version: 3,
    ...extra,
  };
}

describe('order lifecycle', () => {
  it.each(LEGAL)('when an order in %s moves to %s, then the change is accepted', (from, to) => {
    expect(isLegalTransition(from, to)).toBe(true);
    expect(transition(orderIn(from), { to, at: T1, by: 'engine' }).status).toBe(to);
  });

  it.each(ILLEGAL_EXAMPLES)(
    'when an order in %s is moved to %s (%s), then IllegalTransitionError is thrown',
    (from, to) => {
      expect(isLegalTransition(from, to)).toBe(false);
      expect(() => transition(orderIn(from), { to, at: T1, by: 'engine' })).toThrow(IllegalTransitionError);
    },
  );

  it('when any pair outside the lifecycle is tried, then it is rejected with its order, from and to', () => {
    const legal = new Set(LEGAL.map(([f, t]) => `${f}>${t}`));
    let rejected = 0;
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        if (legal.has(`${from}>${to}`)) continue;
        const attempt = () => transition(orderIn(from), { to, at: T1, by: 'engine' });
        expect(attempt, `${from} -> ${to}`).toThrow(IllegalTransitionError);
        try {
          attempt();
        } catch (err) {
          expect(err).toMatchObject({ code: 'illegal-transition', orderId: 'TO-1', from, to });
        }
        rejected += 1;
      }
    }
    expect(rejected).toBe(ORDER_STATUSES.length ** 2 - LEGAL.length);
  });

  it('when an order is terminal, then no status may follow it', () => {
    expect([...TERMINAL_STATUSES].sort()).toEqual(['cancelled', 'confirmed', 'failed']);
    for (const from of TERMINAL_STATUSES) {
      for (const to of ORDER_STATUSES) expect(isLegalTransition(from, to), `${from} -> ${to}`).toBe(false);
    }
  });

  it('when a transition is applied, then status time, history, updatedAt and version follow and the input is untouched', () => {
    const before = orderIn('received');
    const snapshot = structuredClone(before);
    const after = transition(before, {
      to: 'planned',
      at: T1,
      by: 'engine',
      note: 'route found',
      patch: { fromStation: 'LINE-1-OUT', toStation: 'B-01-01' },
    });
    expect(after).toMatchObject({
      status: 'planned',
      updatedAt: T1,
      version: 4,
      fromStation: 'LINE-1-OUT',
      toStation: 'B-01-01',
    });
    expect(after.timestamps).toEqual({ received: T0, planned: T1 });
    expect(after.history).toEqual([
      { at: T0, status: 'received', by: 'mes' },
      { at: T1, status: 'planned', by: 'engine', note: 'route found' },
    ]);
    expect(after.createdAt).toBe(T0);
    expect(before).toEqual(snapshot);
  });

  it('when a transition has no note, then its history entry has no note key', () => {
    const after = transition(orderIn('received'), { to: 'cancelled', at: T1, by: 'supervisor' });
    expect(after.history.at(-1)).toStrictEqual({ at: T1, status: 'cancelled', by: 'supervisor' });
  });

  it('when an order goes back to planned, then it no longer names a robot; other steps keep it', () => {
    const held = orderIn('on-hold', { robotId: 'R1', heldFrom: 'to-pickup' });
    expect(transition(held, { to: 'to-pickup', at: T1, by: 'engine' }).robotId).toBe('R1');
    const requeued = transition(held, { to: 'planned', at: T1, by: 'engine' });
    expect(requeued).not.toHaveProperty('robotId');
    expect(
      transition(requeued, { to: 'assigned', at: T1, by: 'engine', patch: { robotId: 'R2' } }).robotId,
    ).toBe('R2');
  });

  it('when a status is entered again, then its timestamp is the latest entry', () => {
    const T2 = '2025-03-01T08:10:00.000Z';
    const replanned = transition(transition(orderIn('planned'), { to: 'assigned', at: T1, by: 'engine' }), {
      to: 'planned',
      at: T2,
      by: 'engine',
    });
    expect(replanned.timestamps.planned).toBe(T2);
    expect(replanned.history.map((h) => h.status)).toEqual(['received', 'assigned', 'planned']);
    expect(replanned.version).toBe(5);
  });

  it('when an order goes on hold, then heldFrom records the status it left', () => {
    const held = transition(orderIn('to-dropoff', { robotId: 'AMR-01' }), {
      to: 'on-hold',
      at: T1,
      by: 'engine',
      note: 'robot fault',
    });
    expect(held).toMatchObject({ status: 'on-hold', heldFrom: 'to-dropoff', robotId: 'AMR-01' });
  });

  it.each(['to-dropoff', 'planned', 'failed', 'cancelled'] as const)(
    'when an order leaves on-hold for %s, then heldFrom is cleared',
    (to) => {
      const held = transition(orderIn('to-dropoff'), { to: 'on-hold', at: T0, by: 'engine' });
      const left = transition(held, { to, at: T1, by: 'engine' });
      expect(left.status).toBe(to);
      expect('heldFrom' in left).toBe(false);
    },
  );
});
