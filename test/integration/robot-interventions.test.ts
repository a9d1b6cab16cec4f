import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type ApiResponse } from '../support/api.ts';
import { KEYS, startTestPlant, type TestPlant } from '../support/plant-harness.ts';
import { waitFor } from '../support/wait-for.ts';

interface PublicRobot {
  readonly id: string;
  readonly connection: string;
  readonly nodeId: string | null;
  readonly pose: { x: number; y: number; thetaRad: number } | null;
  readonly driving: boolean;
  readonly orderId: string | null;
  readonly status: string;
  readonly paused: boolean;
  readonly operatorPaused: boolean;
  readonly outOfService: boolean;
  readonly task: { readonly kind: string; readonly goalNodeId: string | null } | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Supervisors' interventions on the demo plant (real Redis, HTTP, simulated fleet at 10x): pause and
 * resume a moving robot, refusals, out of service, and alarm acknowledgement.
 */
describe('robot interventions and alarm acknowledgement, on the demo plant', () => {
  let plant: TestPlant | undefined;
  let url: string;
  let requestSeq = 0;

  const robots = async (): Promise<PublicRobot[]> =>
    (await call(url, 'GET', '/v1/robots', { key: KEYS.supervisor })).body.items as PublicRobot[];
  const robot = async (id: string): Promise<PublicRobot> => (await robots()).find((r) => r.id === id)!;
  const intervene = (id: string, action: string, key: string = KEYS.supervisor): Promise<ApiResponse> =>
    call(url, 'POST', `/v1/robots/${encodeURIComponent(id)}/${encodeURIComponent(action)}`, {
      key,
      body: {},
    });
  const order = async (from: string, to: string, extra: Record<string, unknown> = {}): Promise<string> => {
    requestSeq += 1;
    const res = await call(url, 'POST', '/v1/transport-requests', {
      key: KEYS.supervisor,
      headers: { 'idempotency-key': `interventions-${requestSeq}` },
      body: { type: 'custom', from: { location: from }, to: { location: to }, ...extra },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.id as string;
  };
  const statusOf = async (id: string): Promise<Record<string, unknown>> =>
    (await call(url, 'GET', `/v1/transport-orders/${id}`, { key: KEYS.supervisor })).body;

  beforeAll(async () => {
    plant = await startTestPlant('robot-interventions');
    url = plant.orchestrator.url;
    await waitFor(
      'every robot online at a node',
      async () => ((await robots()).every((r) => r.connection === 'online' && r.nodeId) ? true : undefined),
      20_000,
    );
  });
  afterAll(() => plant?.cleanup());

  it('when the request is wrong, then 403 for a wms key, 400 naming an unknown action, 404 for an unknown robot', async () => {
    const forbidden = await intervene('AMR-01', 'pause', KEYS.wms);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.type).toBe('/problems/forbidden');
    expect((await intervene('AMR-01', 'pause', KEYS.integrator)).status).toBe(403);

    const bad = await intervene('AMR-01', 'dance');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.type).toBe('/problems/validation-error');
    expect(bad.body.detail).toContain('dance');
    expect(bad.body.errors).toContainEqual({
      pointer: '/path/action',
      detail: expect.stringContaining('out-of-service') as unknown,
    });

    const unknown = await intervene('AMR-99', 'pause');
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toBe('/problems/not-found');
    expect((await robot('AMR-01')).operatorPaused).toBe(false); // none of these changed anything
  });

  it('when a robot is read by its id, then it is the robot as the fleet lists it; an unknown id is 404 naming it, a wms key 403', async () => {
    const one = await call(url, 'GET', '/v1/robots/AMR-03', { key: KEYS.integrator });
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    const listed = (await robots()).find((r) => r.id === 'AMR-03')!;
    // Battery and pose drift between the two reads; the rest is the same robot.
    const { batteryPct: _b1, pose: _p1, ...got } = one.body as Record<string, unknown>;
    const { batteryPct: _b2, pose: _p2, ...expected } = listed as unknown as Record<string, unknown>;
    expect(got).toEqual(expected);

    const missing = await call(url, 'GET', '/v1/robots/AMR-99', { key: KEYS.supervisor });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body).toMatchObject({ type: '/problems/not-found', status: 404 });
    expect(missing.body.detail).toContain('AMR-99');
    expect((await call(url, 'GET', '/v1/robots/AMR-03', { key: KEYS.wms })).status).toBe(403);
  });

  it('when a supervisor pauses a moving robot, then it stays where it is while others move, refuses park and charge, and drives on when resumed', async () => {
    // Enough work, from several pickups, to keep the fleet driving for a while.
    const routes: [string, string][] = [
      ['DOCK-1', 'B-01-01'],
      ['DOCK-2', 'B-02-01'],
      ['LINE-1-OUT', 'B-03-01'],
      ['LINE-2-OUT', 'B-04-01'],
      ['LINE-3-OUT', 'B-05-01'],
      ['EMPTY-01', 'LINE-1-IN'],
      ['EMPTY-02', 'LINE-2-IN'],
      ['QA-01', 'B-06-01'],
    ];
    for (const round of [0, 1])
      for (const [from, to] of routes) await order(from, to.replace(/-01$/, `-0${round + 2}`));

    const moving = await waitFor(
      'a robot driving with an order',
      async () => (await robots()).find((r) => r.orderId !== null && r.driving),
      30_000,
      50,
    );
    const paused = await intervene(moving.id, 'pause');
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    // The answer is the robot after the command, not before: paused although it has not reported it yet.
    expect(paused.body).toMatchObject({
      id: moving.id,
      status: 'paused',
      paused: true,
      operatorPaused: true,
      outOfService: false,
    });
    expect(paused.body.orderId).not.toBeNull();

    // Park and charge are for robots without an order: 409, and the robot keeps its order.
    for (const action of ['park', 'charge']) {
      const refused = await intervene(moving.id, action);
      expect(refused.status, JSON.stringify(refused.body)).toBe(409);
      expect(refused.body.type).toBe('/problems/conflicting-state');
      expect(refused.body.detail).toContain(paused.body.orderId as string);
    }

    await sleep(500); // the pause reaches the robot (it stops where it is, on an edge or a node)
    const held = await robot(moving.id);
    const others = new Map((await robots()).map((r) => [r.id, r.nodeId]));
    for (let i = 0; i < 10; i += 1) {
      await sleep(300);
      const now = await robot(moving.id);
      expect(now.nodeId).toBe(held.nodeId);
      expect(now.pose).toEqual(held.pose);
      expect(now.driving).toBe(false);
      expect(now.operatorPaused).toBe(true);
      expect(now.orderId).toBe(held.orderId);
    }
    const movedMeanwhile = (await robots()).filter(
      (r) => r.id !== moving.id && others.get(r.id) !== r.nodeId,
    );
    expect(movedMeanwhile.length).toBeGreaterThan(0);

    const resumed = await intervene(moving.id, 'resume');
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ paused: false, operatorPaused: false });
    expect(resumed.body.status).not.toBe('paused');
    await waitFor(
      `${moving.id} moving again`,
      async () => {
        const now = await robot(moving.id);
        return now.nodeId !== held.nodeId || now.orderId !== held.orderId ? true : undefined;
      },
      20_000,
    );
  });

  it('when a robot is out of service, then it gets no new order, even one meant for it, until it is back in service', async () => {
    const idle = await waitFor(
      'an idle robot',
      async () => (await robots()).find((r) => r.orderId === null && !r.outOfService),
      60_000,
    );
    const out = await intervene(idle.id, 'out-of-service');
    expect(out.status, JSON.stringify(out.body)).toBe(200);
    expect(out.body).toMatchObject({ id: idle.id, outOfService: true, orderId: null });

    const meant = await order('DOCK-1', 'B-06-05', { intendedRobot: idle.id });
    const any = await order('DOCK-2', 'B-06-06');
    await waitFor(
      'the other order assigned',
      async () => ((await statusOf(any)).robotId === undefined ? undefined : true),
      30_000,
    );
    expect((await statusOf(any)).robotId).not.toBe(idle.id);
    for (let i = 0; i < 5; i += 1) {
      await sleep(300);
      expect((await statusOf(meant)).status).toBe('planned');
      expect((await robot(idle.id)).orderId).toBeNull();
    }

    const back = await intervene(idle.id, 'into-service', KEYS.admin); // admins may too
    expect(back.status).toBe(200);
    expect(back.body.outOfService).toBe(false);
    const assigned = await waitFor(
      'the order meant for it assigned',
      async () => {
        const o = await statusOf(meant);
        return o.robotId === undefined ? undefined : o;
      },
      30_000,
    );
    expect(assigned.robotId).toBe(idle.id);
  });

  it('when a supervisor sends an idle robot to charge, then the answer already shows it bound for a charger', async () => {
    const idle = await waitFor(
      'an idle robot in service',
      async () => (await robots()).find((r) => r.orderId === null && !r.outOfService && r.task === null),
      60_000,
    );
    const sent = await intervene(idle.id, 'charge');
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.task).toEqual({
      kind: 'charge',
      goalNodeId: expect.stringMatching(/^S-CHG-/) as unknown,
    });
    const read = await call(url, 'GET', `/v1/robots/${idle.id}`, { key: KEYS.supervisor });
    expect(read.body.task).toEqual(sent.body.task);
  });

  it('when a supervisor acknowledges an alarm, then it is marked with who did it; unknown ids are 404, a wms key 403', async () => {
    // No robot of the demo fleet carries drums: the order fails at planning, with an alarm.
    const failing = await order('DOCK-1', 'B-06-07', { load: { loadType: 'chemical-drum' } });
    const alarm = await waitFor(
      'the alarm of the failed order',
      async () => {
        const items = (await call(url, 'GET', '/v1/alarms', { key: KEYS.supervisor })).body.items as {
          id: number;
          orderId?: string;
          acknowledged: boolean;
        }[];
        return items.find((a) => a.orderId === failing);
      },
      30_000,
    );
    expect(alarm.acknowledged).toBe(false);

    const forbidden = await call(url, 'POST', `/v1/alarms/${alarm.id}/acknowledge`, { key: KEYS.wms });
    expect(forbidden.status).toBe(403);

    const acked = await call(url, 'POST', `/v1/alarms/${alarm.id}/acknowledge`, { key: KEYS.supervisor });
    expect(acked.status, JSON.stringify(acked.body)).toBe(200);
    expect(acked.body).toMatchObject({ id: alarm.id, orderId: failing, acknowledged: true });
    expect(acked.body.acknowledgedBy).toMatch(/^supervisor:/);
    expect(typeof acked.body.acknowledgedAt).toBe('string');

    // Again, by an admin: still 200, the first acknowledgement stands.
    const again = await call(url, 'POST', `/v1/alarms/${alarm.id}/acknowledge`, { key: KEYS.admin });
    expect(again.status).toBe(200);
    expect(again.body.acknowledgedBy).toBe(acked.body.acknowledgedBy);

    const listed = (await call(url, 'GET', '/v1/alarms', { key: KEYS.supervisor })).body.items as {
      id: number;
      acknowledged: boolean;
    }[];
    expect(listed.find((a) => a.id === alarm.id)?.acknowledged).toBe(true);

    for (const id of ['999999', 'not-a-number']) {
      const missing = await call(url, 'POST', `/v1/alarms/${id}/acknowledge`, { key: KEYS.supervisor });
      expect(missing.status).toBe(404);
      expect(missing.body.type).toBe('/problems/not-found');
    }
  });
});
