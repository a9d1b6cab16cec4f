import { describe, expect, it } from 'vitest';
import type { EngineOrder, EngineState } from './engine-types.ts';
import { StepContext } from './step-context.ts';

const order = (id: string, status: EngineOrder['status'] = 'planned'): EngineOrder => ({
  id,
  fromStation: 'P',
  toStation: 'Q',
  priority: 1,
  createdAtMs: 0,
  status,
});

const state = (orders: EngineOrder[]): EngineState => ({
  robots: {},
  orders: Object.fromEntries(orders.map((o) => [o.id, o])),
  blockedEdges: [],
  blockedNodes: [],
  seq: 0,
});

describe('StepContext order book', () => {
  for (const mode of ['copy-on-write', 'in-place'] as const) {
    it(`when orders are set and removed (${mode}), then allOrders lists them as Object.values does, and an earlier list stays as it was`, () => {
      const input = state([order('a'), order('b'), order('c')]);
      const ctx = new StepContext(input, 0, undefined, { orders: mode });
      const first = ctx.allOrders();
      ctx.setOrder(order('b', 'assigned'));
      ctx.setOrder(order('d'));
      ctx.removeOrder('a');
      expect(first.map((o) => `${o.id}:${o.status}`)).toEqual(['a:planned', 'b:planned', 'c:planned']);
      const after = ctx.finish();
      expect(ctx.allOrders()).toEqual(Object.values(after.orders));
      expect(ctx.allOrders().map((o) => `${o.id}:${o.status}`)).toEqual([
        'b:assigned',
        'c:planned',
        'd:planned',
      ]);
      ctx.removeOrder('c');
      ctx.removeOrder('d'); // holes past half the slots: the list is rebuilt
      ctx.setOrder(order('a', 'planned'));
      expect(ctx.allOrders().map((o) => o.id)).toEqual(Object.keys(ctx.finish().orders));
      // The next step of an in-place runtime starts from the same book and sees the same list.
      const next = new StepContext(ctx.finish(), 1, undefined, { orders: mode });
      expect(next.allOrders().map((o) => `${o.id}:${o.status}`)).toEqual(['b:assigned', 'a:planned']);
      next.setOrder(order('c', 'on-hold'));
      next.setOrder(order('b', 'on-hold'));
      expect(next.ordersOnHold().map((o) => o.id)).toEqual(['b', 'c']);
      next.setOrder(order('b', 'to-pickup'));
      expect(next.ordersOnHold().map((o) => o.id)).toEqual(['c']);
      if (mode === 'copy-on-write') expect(Object.keys(input.orders)).toEqual(['a', 'b', 'c']);
      else expect(after.orders).toBe(input.orders);
    });
  }
});
