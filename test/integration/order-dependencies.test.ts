import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, orderReaches } from '../support/api.ts';
import { KEYS, startTestPlant, type TestPlant } from '../support/plant-harness.ts';

/** `dependsOn` over HTTP, on real Redis with the simulated fleet: an order waits for the ones it names. */
describe('order dependencies, on real Redis and HTTP', () => {
  let plant: TestPlant | undefined;
  let url: string;
  beforeAll(async () => {
    plant = await startTestPlant('deps');
    url = plant.orchestrator.url;
  });
  afterAll(() => plant?.cleanup());

  const request = (key: string, body: Record<string, unknown>) =>
    call(url, 'POST', '/v1/transport-requests', {
      key: KEYS.wms,
      headers: { 'idempotency-key': key },
      body: {
        type: 'custom',
        load: { handlingUnitId: `HU-${key}`, sku: 'SKU-100', quantity: 1, uom: 'PAL' },
        ...body,
      },
    });
  const ended = (id: string, statuses: string[]) => orderReaches(url, id, statuses);

  it('when an order depends on another, then no robot is assigned to it before the other is delivered', async () => {
    const first = await request('deps-first', { from: { location: 'DOCK-1' }, to: { location: 'DOCK-2' } });
    expect(first.status).toBe(202);
    const second = await request('deps-second', {
      from: { location: 'DOCK-2' },
      to: { location: 'DOCK-1' },
      priority: 10,
      dependsOn: [first.body.id],
    });
    expect(second.status).toBe(202);

    const a = await ended(first.body.id as string, ['delivered', 'confirmed']);
    const b = await ended(second.body.id as string, ['delivered', 'confirmed']);
    const delivered = Date.parse((a.timestamps as Record<string, string>).delivered!);
    const assigned = Date.parse((b.timestamps as Record<string, string>).assigned!);
    expect(assigned).toBeGreaterThanOrEqual(delivered);
  });

  it('when dependsOn names an unknown or failed order, or repeats one, then 422/400 name the entry', async () => {
    const unknown = await request('deps-unknown', {
      from: { location: 'DOCK-1' },
      to: { location: 'DOCK-2' },
      dependsOn: ['TO-no-such-order'],
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toContainEqual(expect.objectContaining({ pointer: '/dependsOn/0' }));

    // No robot of the plant carries tanks: this order fails at once (no-capable-robot).
    const doomed = await request('deps-doomed', {
      from: { location: 'DOCK-1' },
      to: { location: 'DOCK-2' },
      load: { handlingUnitId: 'HU-TANK', loadType: 'tank' },
    });
    const failed = await ended(doomed.body.id as string, ['failed']);
    expect(failed.failureReason).toBe('no-capable-robot');
    const late = await request('deps-late', {
      from: { location: 'DOCK-1' },
      to: { location: 'DOCK-2' },
      dependsOn: [doomed.body.id],
    });
    expect(late.status).toBe(422);
    expect(late.body.errors).toContainEqual(expect.objectContaining({ pointer: '/dependsOn/0' }));

    const repeated = await request('deps-repeated', {
      from: { location: 'DOCK-1' },
      to: { location: 'DOCK-2' },
      dependsOn: [doomed.body.id, doomed.body.id],
    });
    expect(repeated.status).toBe(400);
    expect(repeated.body.errors).toContainEqual(expect.objectContaining({ pointer: '/dependsOn' }));

    // Nothing refused was stored: the good request still goes through.
    const good = await request('deps-good', { from: { location: 'DOCK-2' }, to: { location: 'DOCK-1' } });
    expect(good.status).toBe(202);
  });
});
