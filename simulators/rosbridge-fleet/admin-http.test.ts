import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminServer, type AdminServer } from './admin-http.ts';
import { RosbridgeFleet } from './rosbridge-fleet.ts';
import { WireTestClient, withTimeout, type Frame } from './wire-test-client.ts';

let fleet: RosbridgeFleet;
let admin: AdminServer;

async function post(path: string, body?: unknown): Promise<{ status: number; body: Frame }> {
  const res = await fetch(`${admin.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Frame };
}

beforeAll(async () => {
  fleet = await RosbridgeFleet.start({ robots: [{ name: 'amr1', profile: 'ros1-move-base' }], speedup: 20 });
  admin = await startAdminServer(fleet, '127.0.0.1', 0);
});

afterAll(async () => {
  await admin.close();
  await fleet.close();
});

describe('admin HTTP fault API', () => {
  it('when robots are listed or shown, then their snapshots come back', async () => {
    const list = (await (await fetch(`${admin.url}/robots`)).json()) as { name: string }[];
    expect(list.map((r) => r.name)).toEqual(['amr1']);
    const one = await fetch(`${admin.url}/robots/amr1`);
    expect(await one.json()).toMatchObject({ name: 'amr1', namespace: '/amr1', profile: 'ros1-move-base' });
  });

  it('when faults are posted, then the robot changes and answers its snapshot', async () => {
    expect((await post('/robots/amr1/battery', { fraction: 0.25 })).body.battery).toBe(0.25);
    expect((await post('/robots/amr1/stale')).body.publishingPoses).toBe(false);
    expect((await post('/robots/amr1/fresh')).body.publishingPoses).toBe(true);
    expect((await post('/robots/amr1/reject-next')).body.rejectNextGoal).toBe(true);
    expect((await post('/robots/amr1/estop')).body.eStopped).toBe(true);
    expect((await post('/robots/amr1/release-estop')).body.eStopped).toBe(false);
    expect((await post('/robots/amr1/pose', { x: 1, y: 2 })).body.pose).toEqual({ x: 1, y: 2, thetaRad: 0 });
    expect((await post('/robots/amr1/abort', { text: 'stuck' })).status).toBe(200);
  });

  it('when the route, robot or body is wrong, then a problem+json names it', async () => {
    expect(await post('/robots/nobody/estop')).toMatchObject({
      status: 404,
      body: { type: '/problems/no-robot' },
    });
    expect(await post('/robots/amr1/fly')).toMatchObject({
      status: 404,
      body: { type: '/problems/no-route' },
    });
    const bad = await post('/robots/amr1/battery', { fraction: 2 });
    expect(bad).toMatchObject({ status: 400, body: { type: '/problems/bad-body' } });
  });

  it('when the server is killed and restarted over HTTP, then clients drop and can come back', async () => {
    const c = await WireTestClient.connect(fleet.url);
    expect((await post('/server/kill')).body).toEqual({ url: fleet.url, listening: false });
    await withTimeout(c.closed, 3000, 'the dropped client');
    expect((await post('/server/restart')).body.listening).toBe(true);
    (await WireTestClient.connect(fleet.url)).close();
  });
});
