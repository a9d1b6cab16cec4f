import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, getOrder, orderReaches, productionCompleted } from '../support/api.ts';
import { KEYS, startTestPlant, type TestPlant } from '../support/plant-harness.ts';

/** How long the WMS is down: several minutes, as the contract's "Done when" asks. */
const OUTAGE_MS = 3 * 60_000;
/** Webhook retries every 5 s for 5 minutes (the contract's schedule, compressed to fit a test). */
const RETRIES_MS = ['1000', '2000', ...Array<string>(60).fill('5000')].join(',');

interface Order {
  id: string;
  status: string;
  history: { status: string }[];
  load: { handlingUnitId: string };
}

/**
 * A WMS outage of several minutes on real Redis and HTTP: the WMS simulator answers 503 to everything
 * (look-ups and webhooks). Orders keep being accepted; those that need a WMS decision wait in `received`;
 * those already moving are delivered but wait for their confirmation. When the WMS is back, every order
 * ends `confirmed`, and the WMS ledger holds each move exactly once.
 */
describe('WMS outage of several minutes', () => {
  let plant: TestPlant | undefined;
  let url: string;
  beforeAll(async () => {
    plant = await startTestPlant('wms-outage', { WEBHOOK_RETRIES_MS: RETRIES_MS, SIM_SPEEDUP: '20' });
    url = plant.orchestrator.url;
  });
  afterAll(() => plant?.cleanup());

  const post = async (n: number): Promise<string> => {
    const event = productionCompleted({ location: n % 2 === 0 ? 'LINE-1-OUT' : 'LINE-2-OUT' });
    const res = await call(url, 'POST', '/v1/mes/events', {
      key: KEYS.mes,
      body: event,
      headers: { 'idempotency-key': event.eventId as string },
    });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const order = async (id: string): Promise<Order> => (await getOrder(url, id)) as unknown as Order;

  it(
    'when the WMS is down for 3 minutes, then confirmations are delayed, none is lost and none is doubled',
    async () => {
      const wms = plant!.simulators.wms!;
      // Before: orders that got their bin from the WMS and are on their way.
      const before = [await post(1), await post(2), await post(3)];
      for (const id of before)
        await orderReaches(url, id, ['assigned', 'to-pickup', 'picking', 'to-dropoff']);

      wms.setMode({ kind: 'down' });
      const downAt = Date.now();
      // During: new events are still accepted; they wait for the WMS's putaway decision.
      const during = [await post(4), await post(5), await post(6)];
      for (const id of before) await orderReaches(url, id, ['delivered'], OUTAGE_MS);
      await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
      for (const id of during) expect((await order(id)).status).toBe('received');
      for (const id of before) expect((await order(id)).status).toBe('delivered');
      expect(wms.ledger.snapshot().moves).toHaveLength(0);

      wms.setMode({ kind: 'normal' });
      const all = [...before, ...during];
      for (const id of all) await orderReaches(url, id, ['confirmed'], 120_000);

      const ledger = wms.ledger.snapshot();
      expect(ledger.discrepancies).toEqual([]);
      const movesPerOrder = new Map<string, number>();
      for (const m of ledger.moves) movesPerOrder.set(m.orderId, (movesPerOrder.get(m.orderId) ?? 0) + 1);
      expect([...movesPerOrder.keys()].sort()).toEqual([...all].sort());
      expect([...movesPerOrder.values()].every((n) => n === 1)).toBe(true);
      for (const id of all) {
        const o = await order(id);
        expect(o.history.filter((h) => h.status === 'confirmed')).toHaveLength(1);
        expect(o.history.some((h) => h.status === 'failed')).toBe(false);
        expect(ledger.moves.find((m) => m.orderId === id)?.handlingUnitId).toBe(o.load.handlingUnitId);
      }
    },
    OUTAGE_MS + 240_000,
  );
});
