import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../orchestrator/config.ts';
import { runPlant, type RunningPlant } from '../../orchestrator/main.ts';
import { call } from '../support/api.ts';
import { KEYS, testEnv } from '../support/plant-harness.ts';
import { testPrefix } from '../support/redis-prefix.ts';
import { waitFor } from '../support/wait-for.ts';

/** Blocks set over HTTP reach the engine (no robot enters a blocked node) and survive a restart. */
describe('layout blocks, on real Redis and HTTP', () => {
  const { prefix, cleanup } = testPrefix('blocks');
  const log = pino({ level: 'silent' });
  let config: Config;
  let plant: RunningPlant | undefined;
  let url: string;

  beforeAll(async () => {
    config = loadConfig(testEnv(prefix));
    plant = await runPlant(config, log);
    url = plant.orchestrator.url;
  });
  afterAll(async () => {
    await plant?.stop();
    await cleanup();
  });

  const block = (kind: 'edges' | 'nodes', id: string, body: unknown, key: string = KEYS.supervisor) =>
    call(url, 'PUT', `/v1/layout/${kind}/${encodeURIComponent(id)}/blocked`, { key, body });
  const statusOf = async (id: string): Promise<string> =>
    (await call(url, 'GET', `/v1/transport-orders/${id}`, { key: KEYS.supervisor })).body.status as string;

  it('when a station node is blocked, then its order waits unassigned, and runs once it is unblocked', async () => {
    expect((await block('nodes', 'S-DOCK-1', { blocked: true })).status).toBe(200);
    const accepted = await call(url, 'POST', '/v1/transport-requests', {
      key: KEYS.wms,
      headers: { 'idempotency-key': 'blocks-1' },
      body: {
        type: 'custom',
        from: { location: 'DOCK-1' },
        to: { location: 'DOCK-2' },
        load: { handlingUnitId: 'HU-BLOCK-1', sku: 'SKU-100', quantity: 1, uom: 'PAL' },
      },
    });
    expect(accepted.status).toBe(202);
    const id = accepted.body.id as string;
    await waitFor(
      'the order planned',
      async () => ((await statusOf(id)) === 'planned' ? true : undefined),
      10_000,
    );
    // Several engine ticks go by: no robot is sent into the blocked node.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await statusOf(id)).toBe('planned');

    expect((await block('nodes', 'S-DOCK-1', { blocked: false })).status).toBe(200);
    await waitFor(
      'the order delivered',
      async () => (['delivered', 'confirmed'].includes(await statusOf(id)) ? true : undefined),
      60_000,
    );
  });

  it('when the request is wrong, then 404 for an unknown edge, 400 naming the field, 403 for the mes role', async () => {
    const unknown = await block('edges', 'no-such-edge', { blocked: true });
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toMatch(/\/problems\/not-found$/);
    const edge = plant!.plant.layout.edges[1]!.id;
    const bad = await block('edges', edge, { blocked: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toContainEqual(expect.objectContaining({ pointer: '/blocked' }));
    const forbidden = await block('edges', edge, { blocked: true }, KEYS.mes);
    expect(forbidden.status).toBe(403);
  });

  it('when an edge is blocked, then the layout shows it, also after a restart', async () => {
    const edge = plant!.plant.layout.edges[0]!.id;
    const put = await block('edges', edge, { blocked: true });
    expect(put.status).toBe(200);
    expect(put.body.blocks.edges).toContain(edge);

    await plant!.stop();
    plant = undefined;
    plant = await runPlant(config, log);
    const layout = await call(plant.orchestrator.url, 'GET', '/v1/layout', { key: KEYS.supervisor });
    expect(layout.body.blocked.edges).toContain(edge);
    expect(layout.body.nodes.length).toBe(plant.plant.layout.nodes.length);
  });
});
