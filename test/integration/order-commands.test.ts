import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, getOrder, orderReaches } from '../support/api.ts';
import { KEYS, startTestPlant, type TestPlant } from '../support/plant-harness.ts';

/** Cancel and change of open orders over HTTP, on real Redis with the simulated fleet. */
describe('cancel and reprioritize, on real Redis and HTTP', () => {
  let plant: TestPlant | undefined;
  let url: string;
  beforeAll(async () => {
    plant = await startTestPlant('commands');
    url = plant.orchestrator.url;
  });
  afterAll(() => plant?.cleanup());

  let seq = 0;
  const request = async (body: Record<string, unknown> = {}, key: string = KEYS.wms): Promise<string> => {
    seq += 1;
    const res = await call(url, 'POST', '/v1/transport-requests', {
      key,
      headers: { 'idempotency-key': `commands-${seq}` },
      body: {
        type: 'custom',
        from: { location: 'DOCK-1' },
        to: { location: 'DOCK-2' },
        load: { handlingUnitId: `HU-CMD-${seq}`, sku: 'SKU-100', quantity: 1, uom: 'PAL' },
        ...body,
      },
    });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const order = (id: string) => getOrder(url, id);
  const reaches = (id: string, statuses: string[]) => orderReaches(url, id, statuses);
  const cancel = (id: string, body: unknown = {}, key: string = KEYS.supervisor) =>
    call(url, 'POST', `/v1/transport-orders/${id}/cancel`, { key, body });
  const patch = (id: string, body: unknown, key: string = KEYS.supervisor) =>
    call(url, 'PATCH', `/v1/transport-orders/${id}`, { key, body });
  const block = (node: string, blocked: boolean) =>
    call(url, 'PUT', `/v1/layout/nodes/${node}/blocked`, { key: KEYS.supervisor, body: { blocked } });
  const lastEntry = (o: Record<string, unknown>) =>
    (o.history as { status: string; by: string; note?: string }[]).at(-1);

  it('when a waiting order is cancelled, then it ends cancelled, and orders that depend on it fail with it', async () => {
    expect((await block('S-DOCK-1', true)).status).toBe(200); // its pickup is closed: it waits, planned
    const first = await request();
    const second = await request({ dependsOn: [first] });
    await reaches(first, ['planned']);
    await reaches(second, ['planned']);

    const res = await cancel(first);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(lastEntry(res.body)).toMatchObject({
      status: 'cancelled',
      by: expect.stringMatching(/^supervisor:/),
    });
    const dependent = await reaches(second, ['failed']);
    expect(dependent.failureReason).toBe('dependency-failed');

    expect((await cancel(first)).status).toBe(409); // once ended, it stays ended
    expect((await block('S-DOCK-1', false)).status).toBe(200);
  });

  it('when the load is on the robot, then a normal cancel is refused naming mode, and force cancels', async () => {
    expect((await block('S-DOCK-2', true)).status).toBe(200); // its drop is closed: it waits loaded
    const id = await request();
    await reaches(id, ['to-dropoff']);
    const normal = await cancel(id, { mode: 'normal' });
    expect(normal.status).toBe(409);
    expect(normal.body.errors).toContainEqual(expect.objectContaining({ pointer: '/mode' }));
    const forced = await cancel(id, { mode: 'force' });
    expect(forced.status).toBe(200);
    expect(forced.body.status).toBe('cancelled');
    expect(lastEntry(forced.body)?.note).toBe('cancelled (force)');
    expect((await block('S-DOCK-2', false)).status).toBe(200);
  });

  it('when priority or due time change, then the order shows it with who changed it, and the engine serves it', async () => {
    const id = await request({ priority: 2 });
    const dueBy = new Date(Date.now() + 3_600_000).toISOString();
    const res = await patch(id, { priority: 9, dueBy });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ priority: 9, dueBy });
    expect(lastEntry(res.body)?.note).toMatch(/^priority 2 -> 9; dueBy none -> /);
    await reaches(id, ['delivered', 'confirmed']);
    expect((await patch(id, { priority: 1 })).status).toBe(409);
  });

  it('when the request is wrong, then 400/403/404 name what is wrong and nothing changes', async () => {
    const id = await request({}, KEYS.wms);
    const empty = await patch(id, {});
    expect(empty.status).toBe(400);
    const badPriority = await patch(id, { priority: 11 });
    expect(badPriority.status).toBe(400);
    expect(badPriority.body.errors).toContainEqual(expect.objectContaining({ pointer: '/priority' }));
    const badMode = await cancel(id, { mode: 'gently' });
    expect(badMode.status).toBe(400);
    expect(badMode.body.errors).toContainEqual(expect.objectContaining({ pointer: '/mode' }));
    expect((await cancel('TO-no-such-order')).status).toBe(404);
    expect((await cancel(id, {}, KEYS.mes)).status).toBe(404); // the MES does not see WMS orders
    expect((await cancel(id, {}, KEYS.integrator)).status).toBe(403);
    expect((await order(id)).status).not.toBe('cancelled');
  });
});
