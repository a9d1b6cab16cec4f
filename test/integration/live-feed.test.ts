import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { LiveDelta, LiveOrder, LiveRobot, LiveSnapshot } from '../../orchestrator/http/live-contract.ts';
import { connectLive } from '../../orchestrator/live/live-test-client.ts';
import { call } from '../support/api.ts';
import { KEYS, startTestPlant, type TestPlant } from '../support/plant-harness.ts';

/** The `/v1/live` client of the orchestrator at `httpUrl`. */
const connect = (httpUrl: string) => connectLive(`${httpUrl.replace(/^http/, 'ws')}/v1/live`);

const poseOf = (r: LiveRobot): string => JSON.stringify(r.pose ?? null);

/** `ws /v1/live` and the map UI at `/`, on the demo plant: real Redis, HTTP, simulated fleet and WMS. */
describe('the live feed, on the demo plant', () => {
  let plant: TestPlant;
  let url: string;

  beforeAll(async () => {
    plant = await startTestPlant('live', { LIVE_AUTH_TIMEOUT_MS: '300' });
    url = plant.orchestrator.url;
  });
  afterAll(async () => {
    await plant.cleanup();
  });

  it('when a supervisor authenticates, then a snapshot of all 8 robots comes, then deltas in sequence as a robot drives', async () => {
    const client = connect(url);
    await client.send(JSON.stringify({ type: 'auth', key: KEYS.supervisor }));
    const snapshot = (await client.next()) as LiveSnapshot;
    expect(snapshot.type).toBe('snapshot');
    expect(snapshot.seq).toBe(1);
    expect(snapshot.layoutVersion).toBe(plant.plant.layout.version);
    expect(snapshot.robots.map((r) => r.id).sort()).toEqual(plant.plant.fleet.map((r) => r.id).sort());
    expect(snapshot.robots).toHaveLength(8);
    expect(snapshot.kpis.length).toBeGreaterThanOrEqual(1);

    const accepted = await call(url, 'POST', '/v1/transport-requests', {
      key: KEYS.wms,
      headers: { 'idempotency-key': 'live-feed-1' },
      body: {
        type: 'custom',
        from: { location: 'DOCK-1' },
        to: { location: 'DOCK-2' },
        load: { handlingUnitId: 'HU-LIVE-1', sku: 'SKU-100', quantity: 1, uom: 'PAL' },
        externalRefs: { warehouseTask: 'WT-LIVE-1' },
      },
    });
    expect(accepted.status).toBe(202);
    const orderId = accepted.body.id as string;

    const poses = new Map(snapshot.robots.map((r) => [r.id, poseOf(r)]));
    let seq = snapshot.seq;
    let orderSeen: LiveOrder | undefined;
    let moved: string | undefined;
    const deadline = Date.now() + 20_000;
    while ((!moved || !orderSeen) && Date.now() < deadline) {
      const delta = (await client.next()) as LiveDelta;
      expect(delta.type).toBe('delta');
      expect(delta.seq).toBe(seq + 1);
      seq = delta.seq;
      orderSeen ??= delta.orders?.upsert.find((o) => o.id === orderId);
      for (const r of delta.robots?.upsert ?? []) {
        if (poses.get(r.id) !== poseOf(r)) moved = r.id;
        poses.set(r.id, poseOf(r));
      }
    }
    // The row a supervisor reads: type, from -> to as location codes, the load and the caller's reference.
    expect(orderSeen).toMatchObject({
      type: 'custom',
      fromStation: 'DOCK-1',
      toStation: 'DOCK-2',
      load: { handlingUnitId: 'HU-LIVE-1', sku: 'SKU-100', quantity: 1, uom: 'PAL' },
      externalRefs: { warehouseTask: 'WT-LIVE-1' },
    });
    expect(moved).toBeDefined();
    client.ws.close();
  });

  it('when an admin authenticates, then it gets a snapshot too', async () => {
    const client = connect(url);
    await client.send(JSON.stringify({ type: 'auth', key: KEYS.admin }));
    expect((await client.next()).type).toBe('snapshot');
    client.ws.close();
  });

  it('when the key belongs to the WMS, then the socket closes with 4403', async () => {
    const client = connect(url);
    await client.send(JSON.stringify({ type: 'auth', key: KEYS.wms }));
    const closed = await client.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/wms/);
  });

  it('when the key is unknown, then the socket closes with 4401', async () => {
    const client = connect(url);
    await client.send(JSON.stringify({ type: 'auth', key: 'no-such-key-0001' }));
    expect((await client.closed).code).toBe(4401);
  });

  it('when no auth message comes within the timeout, then the socket closes with 4401', async () => {
    const client = connect(url);
    await client.opened;
    const closed = await client.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/no auth message within 300 ms/);
  });

  it('when the first message is not JSON, then the socket closes with 4400', async () => {
    const client = connect(url);
    await client.send('{"type": "auth", "key": ');
    expect((await client.closed).code).toBe(4400);
  });

  it('when a socket upgrades on another path, then it is refused', async () => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/robots`);
    await expect(
      new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      }),
    ).rejects.toThrow();
  });

  it('when / is fetched, then it answers HTML (the map UI, or the page saying how to build it), and the docs and API stay reachable', async () => {
    const root = await fetch(`${url}/`);
    expect(root.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await root.text();
    if (root.status === 503) expect(html).toContain('map UI not built: run npm run build:ui');
    else {
      expect(root.status).toBe(200);
      expect(html.toLowerCase()).toContain('<!doctype html');
    }
    const docs = await fetch(`${url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('Fleetbridge API');
    expect((await call(url, 'GET', '/v1/robots')).status).toBe(401);
    expect((await call(url, 'GET', '/v1/robots', { key: KEYS.supervisor })).status).toBe(200);
  });
});
