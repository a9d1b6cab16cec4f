import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { KEYS, startTestPlant, type TestPlant } from '../support/plant-harness.ts';

/** API keys managed by an admin at run time, on real Redis and HTTP (contract, "Roles"). */
describe('API keys through the admin API', () => {
  let plant: TestPlant | undefined;
  let url: string;
  beforeAll(async () => {
    plant = await startTestPlant('api-keys');
    url = plant.orchestrator.url;
  });
  afterAll(() => plant?.cleanup());

  const transportRequest = (key: string, n: string) =>
    call(url, 'POST', '/v1/transport-requests', {
      key,
      headers: { 'idempotency-key': `keys-${n}` },
      body: { type: 'custom', from: { location: 'DOCK-1' }, to: { location: 'DOCK-2' } },
    });

  it('when an admin makes a key, then it works for its role only, is never listed, and a revoke stops it at once', async () => {
    const made = await call(url, 'POST', '/v1/keys', {
      key: KEYS.admin,
      body: { role: 'wms', name: 'WMS line 2' },
    });
    expect(made.status).toBe(201);
    const key = made.body.key as string;
    expect(key).toMatch(/^fbk_[\w-]{43}$/);
    expect(made.headers.get('location')).toBe(`/v1/keys/${made.body.id}`);

    expect((await transportRequest(key, '1')).status).toBe(202);
    const forbidden = await call(url, 'GET', '/v1/robots', { key });
    expect(forbidden.status).toBe(403);

    const list = await call(url, 'GET', '/v1/keys', { key: KEYS.admin });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(JSON.stringify(list.body)).not.toContain(KEYS.wms);
    const listed = (list.body.items as { id: string; name?: string; origin: string; role: string }[]).find(
      (k) => k.id === made.body.id,
    );
    expect(listed).toMatchObject({ name: 'WMS line 2', role: 'wms', origin: 'api' });
    expect((list.body.items as { origin: string }[]).filter((k) => k.origin === 'config')).toHaveLength(
      Object.keys(KEYS).length,
    );

    const revoked = await call(url, 'DELETE', `/v1/keys/${made.body.id}`, { key: KEYS.admin });
    expect(revoked.status).toBe(204);
    const after = await transportRequest(key, '2');
    expect(after.status).toBe(401);
    expect(after.body.type).toBe('/problems/unauthorized');
    expect((await call(url, 'DELETE', `/v1/keys/${made.body.id}`, { key: KEYS.admin })).status).toBe(404);
  });

  it('when keys are asked for wrongly, then the answer names the field or the rule', async () => {
    const badRole = await call(url, 'POST', '/v1/keys', {
      key: KEYS.admin,
      body: { role: 'root', name: 'x' },
    });
    expect(badRole.status).toBe(400);
    expect(badRole.body.errors[0].pointer).toBe('/role');
    const config = (await call(url, 'GET', '/v1/keys', { key: KEYS.admin })).body.items.find(
      (k: { origin: string }) => k.origin === 'config',
    ) as { id: string };
    const removeConfig = await call(url, 'DELETE', `/v1/keys/${config.id}`, { key: KEYS.admin });
    expect(removeConfig.status).toBe(409);
    const bySupervisor = await call(url, 'POST', '/v1/keys', {
      key: KEYS.supervisor,
      body: { role: 'admin', name: 'escalation' },
    });
    expect(bySupervisor.status).toBe(403);
  });
});
