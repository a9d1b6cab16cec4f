import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, productionCompleted } from '../support/api.ts';
import { KEYS, startTestPlant } from '../support/plant-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { makeSscc } from '../../simulators/mes/gs1.ts';

type Plant = Awaited<ReturnType<typeof startTestPlant>>;

/**
 * Issue 14, "Event identity": an MES eventId (a transport requestId) is the request's identity per source
 * system, whatever the Idempotency-Key; a handling unit or SSCC on an open order is not moved twice.
 */
describe('request identity and open handling units, on real Redis and HTTP', () => {
  let plant: Plant;
  let url: string;

  beforeAll(async () => {
    plant = await startTestPlant('identity');
    url = plant.orchestrator.url;
  });
  afterAll(async () => {
    await plant.cleanup();
  });

  let keySeq = 0;
  /** Middleware that makes a new Idempotency-Key for every attempt. */
  const freshKey = (): Record<string, string> => ({ 'idempotency-key': `retry-${Date.now()}-${++keySeq}` });
  const postEvent = (body: unknown) =>
    call(url, 'POST', '/v1/mes/events', { key: KEYS.mes, body, headers: freshKey() });
  const postRequest = (body: unknown) =>
    call(url, 'POST', '/v1/transport-requests', { key: KEYS.wms, body, headers: freshKey() });
  const untilStatus = (id: string, statuses: readonly string[]) =>
    waitFor(
      `order ${id} ${statuses.join('/')}`,
      async () => {
        const r = await call(url, 'GET', `/v1/transport-orders/${id}`, { key: KEYS.supervisor });
        return statuses.includes(r.body?.status as string) ? r.body : undefined;
      },
      60_000,
    );
  const ordersOf = async (correlationId: string): Promise<unknown[]> => {
    const list = await call(url, 'GET', '/v1/transport-orders?limit=500', { key: KEYS.supervisor });
    return (list.body.items as { correlationId: string }[]).filter((o) => o.correlationId === correlationId);
  };
  const huOf = (event: Record<string, unknown>): string =>
    (event.data as { handlingUnitId: string }).handlingUnitId;

  it('when the same MES event comes again with a new Idempotency-Key, then the same order answers and the WMS sees one move', async () => {
    const event = productionCompleted({ location: 'LINE-1-OUT' });
    const first = await postEvent(event);
    const again = await postEvent(event);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(await ordersOf(event.eventId as string)).toHaveLength(1);

    await untilStatus(first.body.id as string, ['confirmed']);
    const third = await postEvent(event);
    expect(third.body).toMatchObject({ id: first.body.id, status: 'confirmed' });
    const moves = plant.simulators
      .wms!.ledger.snapshot()
      .moves.filter((m) => m.handlingUnitId === huOf(event));
    expect(moves).toHaveLength(1);
  });

  it('when the same eventId comes with another body and a new key, then 409 event-id-reused names the order and nothing is created', async () => {
    const event = productionCompleted({ location: 'LINE-2-OUT' });
    const first = await postEvent(event);
    const changed = { ...event, data: { ...(event.data as object), quantity: 99 } };
    const conflict = await postEvent(changed);
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toContain('application/problem+json');
    expect(conflict.body.type).toBe('/problems/event-id-reused');
    expect(conflict.body.detail).toContain(first.body.id);
    expect(conflict.body.errors).toEqual([
      { pointer: '/eventId', detail: expect.stringContaining(first.body.id) },
    ]);
    expect(await ordersOf(event.eventId as string)).toHaveLength(1);
  });

  it('when a transport requestId comes again with a new key, then the same order answers; another body is 409 request-id-reused', async () => {
    const requestId = `REQ-${Date.now()}`;
    const body = {
      requestId,
      type: 'custom',
      from: { location: 'DOCK-2' },
      to: { zone: 'STORAGE' },
      load: { handlingUnitId: `HU-${requestId}`, sku: 'SKU-300', quantity: 1, uom: 'PAL' },
    };
    const first = await postRequest(body);
    const again = await postRequest(body);
    expect(first.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    const conflict = await postRequest({ ...body, priority: 9 });
    expect(conflict.status).toBe(409);
    expect(conflict.body.type).toBe('/problems/request-id-reused');
    expect(conflict.body.errors[0].pointer).toBe('/requestId');
    expect(await ordersOf(requestId)).toHaveLength(1);
  });

  it('when an SSCC is on an open order, then another request for it is 409 naming that order, unless it is a deliberate re-move', async () => {
    const sscc = makeSscc({ extensionDigit: 1, companyPrefix: '0614141', serialReference: Date.now() % 1e9 });
    const event = productionCompleted({ location: 'LINE-3-OUT' });
    (event.data as Record<string, unknown>).sscc = sscc;
    const first = await postEvent(event);
    expect(first.status).toBe(202);

    const request = {
      type: 'custom',
      from: { location: 'LINE-3-OUT' },
      to: { zone: 'STORAGE' },
      load: { handlingUnitId: `HU-other-${Date.now()}`, sscc },
    };
    const refused = await postRequest(request);
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('/problems/handling-unit-on-open-order');
    expect(refused.body.detail).toContain(first.body.id);
    expect(refused.body.errors).toEqual([
      { pointer: '/load/sscc', detail: `on open order ${first.body.id as string}` },
    ]);
    // The same handling unit in a second MES event is refused too, pointing into the event's data.
    const twice = await postEvent({ ...productionCompleted({ location: 'LINE-3-OUT' }), data: event.data });
    expect(twice.status).toBe(409);
    expect(twice.body.errors[0].pointer).toMatch(/^\/data\/(handlingUnitId|sscc)$/);

    const deliberate = await postRequest({ ...request, deliberateReMove: true });
    expect(deliberate.status).toBe(202);
    expect(deliberate.body.id).not.toBe(first.body.id);
    // The first order is untouched by the refusals.
    await untilStatus(first.body.id as string, ['delivered', 'confirmed']);
  });

  it('when the order that moved a handling unit is delivered, then the handling unit may be moved again', async () => {
    const event = productionCompleted({ location: 'LINE-1-OUT' });
    const first = await postEvent(event);
    const delivered = await untilStatus(first.body.id as string, ['delivered', 'confirmed']);
    const onward = await postRequest({
      type: 'custom',
      from: { location: delivered.toStation as string },
      to: { location: 'DOCK-1' },
      load: { handlingUnitId: huOf(event) },
    });
    expect(onward.status).toBe(202);
    expect(onward.body.id).not.toBe(first.body.id);
  });
});
