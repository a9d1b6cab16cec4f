import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, materialRequested, productionCompleted } from '../support/api.ts';
import { KEYS, startTestPlant } from '../support/plant-harness.ts';
import { waitFor } from '../support/wait-for.ts';

type Plant = Awaited<ReturnType<typeof startTestPlant>>;

describe('MES event to confirmed move, on real Redis and HTTP', () => {
  let plant: Plant;
  let url: string;

  beforeAll(async () => {
    plant = await startTestPlant('e2e');
    url = plant.orchestrator.url;
  });
  afterAll(async () => {
    await plant.cleanup();
  });

  const orderOf = (id: string) => call(url, 'GET', `/v1/transport-orders/${id}`, { key: KEYS.supervisor });
  const untilStatus = (id: string, status: string, timeoutMs = 60_000) =>
    waitFor(
      `order ${id} ${status}`,
      async () => {
        const r = await orderOf(id);
        return r.body?.status === status ? r.body : undefined;
      },
      timeoutMs,
    );

  it('when the MES reports a finished pallet, then a robot moves it to the bin the WMS chose and the WMS confirms it', async () => {
    const event = productionCompleted({ location: 'LINE-1-OUT' });
    const accepted = await call(url, 'POST', '/v1/mes/events', {
      key: KEYS.mes,
      body: event,
      headers: { 'idempotency-key': event.eventId as string },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({
      status: 'received',
      links: { self: `/v1/transport-orders/${accepted.body.id}` },
    });

    const order = await untilStatus(accepted.body.id, 'confirmed');
    expect(order.type).toBe('fg-putaway');
    expect(order.fromStation).toBe('LINE-1-OUT');
    expect(order.toStation).toMatch(/^B-\d\d-\d\d$/);
    expect(order.robotId).toMatch(/^AMR-0\d$/);
    // Every lifecycle state was passed through, in order.
    expect(order.history.map((h: { status: string }) => h.status)).toEqual([
      'received',
      'planned',
      'assigned',
      'to-pickup',
      'picking',
      'to-dropoff',
      'dropping',
      'delivered',
      'confirmed',
    ]);

    const ledger = plant.simulators.wms!.ledger.snapshot();
    const move = ledger.moves.find(
      (m) => m.handlingUnitId === (event.data as { handlingUnitId: string }).handlingUnitId,
    );
    expect(move).toMatchObject({ from: 'LINE-1-OUT', to: order.toStation });
    expect(ledger.discrepancies).toEqual([]);
  });

  it('when a line requests material, then a robot brings stock from the bin the WMS picked', async () => {
    const event = materialRequested({ deliverTo: 'LINE-2-IN', sku: 'SKU-200' });
    const accepted = await call(url, 'POST', '/v1/mes/events', { key: KEYS.mes, body: event });
    expect(accepted.status).toBe(202);
    const order = await untilStatus(accepted.body.id, 'confirmed');
    expect(order).toMatchObject({ type: 'line-replenish', toStation: 'LINE-2-IN' });
    expect(order.load.handlingUnitId).toMatch(/^HU-/);
    expect(plant.simulators.wms!.ledger.snapshot().discrepancies).toEqual([]);
  });

  it('when the same MES event is posted twice, then one order exists, and the same key with another body is 409', async () => {
    const event = productionCompleted({ location: 'LINE-3-OUT' });
    const first = await call(url, 'POST', '/v1/mes/events', { key: KEYS.mes, body: event });
    const second = await call(url, 'POST', '/v1/mes/events', { key: KEYS.mes, body: event });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);

    const changed = { ...event, data: { ...(event.data as object), quantity: 99 } };
    const conflict = await call(url, 'POST', '/v1/mes/events', { key: KEYS.mes, body: changed });
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toContain('application/problem+json');
    expect(conflict.body.type).toBe('/problems/idempotency-key-reused');

    const list = await call(url, 'GET', '/v1/transport-orders?limit=500', { key: KEYS.supervisor });
    const forEvent = list.body.items.filter(
      (o: { correlationId: string }) => o.correlationId === event.eventId,
    );
    expect(forEvent).toHaveLength(1);
    await untilStatus(first.body.id, 'confirmed');
  });

  it('when an explicit transport request names a zone, then the WMS resolves it and the robot delivers it', async () => {
    const accepted = await call(url, 'POST', '/v1/transport-requests', {
      key: KEYS.wms,
      headers: { 'idempotency-key': `tr-${Date.now()}` },
      body: {
        type: 'custom',
        from: { location: 'DOCK-1' },
        to: { zone: 'STORAGE' },
        load: { handlingUnitId: `HU-DOCK-${Date.now()}`, sku: 'SKU-300', quantity: 1, uom: 'PAL' },
        externalRefs: { warehouseTask: 'WT-1' },
      },
    });
    expect(accepted.status).toBe(202);
    const order = await untilStatus(accepted.body.id, 'confirmed');
    expect(order.externalRefs).toEqual({ warehouseTask: 'WT-1' });
    expect(order.toStation).toMatch(/^B-/);
  });

  it('when orders are listed by status, then only that status comes back, newest first', async () => {
    const r = await call(url, 'GET', '/v1/transport-orders?status=confirmed&limit=2', {
      key: KEYS.supervisor,
    });
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeGreaterThan(0);
    expect(r.body.items.every((o: { status: string }) => o.status === 'confirmed')).toBe(true);
    const times = r.body.items.map((o: { createdAt: string }) => o.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('when robots and the layout are read, then the fleet and the plant are there', async () => {
    const robots = await call(url, 'GET', '/v1/robots', { key: KEYS.supervisor });
    expect(robots.body.items).toHaveLength(8);
    expect(robots.body.items[0]).toMatchObject({ connection: 'online', mode: 'automatic' });
    const layout = await call(url, 'GET', '/v1/layout', { key: KEYS.integrator });
    expect(
      layout.body.stations.filter((s: { role: string }) => s.role === 'storage-bin').length,
    ).toBeGreaterThanOrEqual(60);
  });
});
