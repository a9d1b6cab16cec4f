import { describe, expect, it } from 'vitest';
import type { TransportOrder } from '../domain/transport-order.ts';
import {
  buildLiveView,
  diffLiveViews,
  hasChanges,
  liveSnapshot,
  robotStatus,
  ACTION_ALLOWANCE_S,
  type LiveAlarmSource,
  type LiveRoutes,
  type LiveViewInput,
} from './live-view.ts';
import { liveRobot, NOW, storedOrder } from './live-test-fixtures.ts';

const robot = liveRobot;
const order = (id: string, patch: Partial<TransportOrder> = {}): TransportOrder =>
  storedOrder(id, { fromStation: 'P', toStation: 'D', ...patch });

/** A line A - B - C - D; station P at node B, station D at node D; 10 s per hop. */
const routes: LiveRoutes = {
  path: (_type, from, goal) => {
    const line = ['A', 'B', 'C', 'D'];
    const i = line.indexOf(from);
    const j = line.indexOf(goal);
    if (i < 0 || j < 0) return undefined;
    return i <= j ? line.slice(i + 1, j + 1) : line.slice(j, i).reverse();
  },
  seconds: (_type, from, goal) => {
    const line = ['A', 'B', 'C', 'D'];
    const i = line.indexOf(from);
    const j = line.indexOf(goal);
    return i < 0 || j < 0 ? Infinity : Math.abs(i - j) * 10;
  },
  stationNode: (station) => ({ P: 'B', D: 'D' })[station],
};

function input(patch: Partial<LiveViewInput> = {}): LiveViewInput {
  return {
    nowMs: NOW,
    robots: [],
    orders: [],
    alarms: [],
    blocks: { edges: [], nodes: [] },
    routes,
    ...patch,
  };
}

describe('robotStatus', () => {
  const leg = (phase: 'travel' | 'acting') =>
    ({
      kind: 'order-leg',
      orderId: 'o1',
      taskId: 't',
      goalNodeId: 'D',
      action: { actionId: 'x', type: 'pick' },
      phase,
    }) as const;
  const moving = { from: 'A', to: 'B', edgeId: 'A-B' };

  it.each([
    ['offline', robot('r', { connection: 'connection-broken', paused: true })],
    ['fault', robot('r', { errors: [{ code: 'e', level: 'fatal', message: 'm' }], paused: true })],
    ['paused', robot('r', { paused: true, charging: true })],
    ['paused', robot('r', { operatorPaused: true, moving })],
    ['charging', robot('r', { charging: true, moving })],
    ['working', robot('r', { task: leg('acting'), moving })],
    ['moving', robot('r', { task: leg('travel'), moving })],
    ['moving', robot('r', { task: leg('travel'), driving: true })],
    ['waiting', robot('r', { task: leg('travel') })],
    ['waiting', robot('r', { task: { kind: 'resync', orderId: 'o1' }, nodeId: 'D' })],
    ['waiting', robot('r', { task: { kind: 'park', goalNodeId: 'P1' } })],
    ['idle', robot('r', { task: { kind: 'park', goalNodeId: 'A' } })],
    ['idle', robot('r', { errors: [{ code: 'w', level: 'warning', message: 'm' }] })],
  ] as const)('when the robot is so, then it is drawn %s', (status, r) => {
    expect(robotStatus(r)).toBe(status);
  });
});

describe('buildLiveView', () => {
  it('when a robot drives with a release ahead, then it holds three nodes and plans the rest to its goal', () => {
    const view = buildLiveView(
      input({
        robots: [
          robot('r1', {
            moving: { from: 'A', to: 'B', edgeId: 'A-B', next: { to: 'C', edgeId: 'B-C' } },
            task: { kind: 'park', goalNodeId: 'D' },
          }),
        ],
      }),
    );
    const r = view.robots.get('r1')!.value;
    expect(r.releasedNodeIds).toEqual(['A', 'B', 'C']);
    expect(r.plannedNodeIds).toEqual(['D']);
    expect(r.status).toBe('moving');
  });

  it('when a robot stands on a node with no task, then it holds that node and plans nothing', () => {
    const r = buildLiveView(input({ robots: [robot('r1')] })).robots.get('r1')!.value;
    expect(r.releasedNodeIds).toEqual(['A']);
    expect(r.plannedNodeIds).toEqual([]);
    expect(r.orderId).toBeUndefined();
  });

  it('when there is no route to the goal, then the plan is just the goal', () => {
    const r = buildLiveView(
      input({ robots: [robot('r1', { task: { kind: 'park', goalNodeId: 'Z' } })] }),
    ).robots.get('r1')!.value;
    expect(r.plannedNodeIds).toEqual(['Z']);
  });

  it('when a robot reports a pose, then it is rounded to centimetres and 0.01 rad', () => {
    const r = buildLiveView(
      input({
        robots: [robot('r1', { pose: { x: 1.23456, y: -0.004, thetaRad: 3.14159 }, batteryPct: 79.6 })],
      }),
    ).robots.get('r1')!.value;
    expect(r.pose).toEqual({ x: 1.23, y: 0, thetaRad: 3.14 });
    expect(r.batteryPct).toBe(80);
  });

  it('when an order has a robot on its way to the pick, then its eta covers both drives and both actions', () => {
    const view = buildLiveView(
      input({
        robots: [robot('r1', { nodeId: 'A' })],
        orders: [order('o1', { status: 'to-pickup', robotId: 'r1' })],
      }),
    );
    const o = view.orders.get('o1')!.value;
    // A -> B (pick) 10 s, B -> D 20 s, two actions.
    expect(Date.parse(o.eta!)).toBe(NOW + (30 + 2 * ACTION_ALLOWANCE_S) * 1000);
    expect(o.robotId).toBe('r1');
    expect(o.latenessS).toBe(0);
  });

  it('when an order is due before its eta, then its lateness is the seconds past due at the eta', () => {
    const due = new Date(NOW + 10_000).toISOString();
    const view = buildLiveView(
      input({
        robots: [robot('r1', { nodeId: 'C' })],
        orders: [order('o1', { status: 'to-dropoff', robotId: 'r1', dueBy: due })],
      }),
    );
    // C -> D 10 s plus the drop: eta now + 15 s, 5 s late.
    expect(view.orders.get('o1')!.value.latenessS).toBe(ACTION_ALLOWANCE_S);
  });

  it('when an order has no robot and is overdue, then it has no eta and is late by the time past due', () => {
    const o = buildLiveView(
      input({ orders: [order('o1', { dueBy: new Date(NOW - 30_000).toISOString() })] }),
    ).orders.get('o1')!.value;
    expect(o.eta).toBeUndefined();
    expect(o.latenessS).toBe(30);
  });

  it('when an order was delivered, then its eta is the delivery and its lateness is fixed at it', () => {
    const o = buildLiveView(
      input({
        orders: [
          order('o1', {
            status: 'delivered',
            robotId: 'r1',
            dueBy: new Date(NOW - 60_000).toISOString(),
            timestamps: { delivered: new Date(NOW - 20_000).toISOString() },
          }),
        ],
      }),
    ).orders.get('o1')!.value;
    expect(o.eta).toBe(new Date(NOW - 20_000).toISOString());
    expect(o.latenessS).toBe(40);
  });

  it('when an order names a zone not yet resolved, then its ends read as the zone', () => {
    const { fromStation: _f, ...rest } = order('o1');
    const o = buildLiveView(input({ orders: [{ ...rest, from: { zone: 'STORAGE-A' } }] })).orders.get(
      'o1',
    )!.value;
    expect(o.fromStation).toBe('zone STORAGE-A');
  });

  it('when alarms are built, then their fields and acknowledged flag carry over', () => {
    const alarms: LiveAlarmSource[] = [
      { id: 1, at: 'x', code: 'c', severity: 'warning', message: 'm', robotId: 'r1', acknowledged: false },
      { id: 2, at: 'y', code: 'c', severity: 'info', message: 'm', acknowledged: true },
    ];
    const view = buildLiveView(input({ alarms }));
    expect(view.alarms.get(1)!.value).toEqual({
      id: 1,
      at: 'x',
      code: 'c',
      severity: 'warning',
      message: 'm',
      robotId: 'r1',
      acknowledged: false,
    });
    expect(view.alarms.get(2)!.value.acknowledged).toBe(true);
  });
});

describe('diffLiveViews', () => {
  it('when a robot only jitters below a centimetre, then nothing changed', () => {
    const a = buildLiveView(input({ robots: [robot('r1', { pose: { x: 1.001, y: 2, thetaRad: 0.001 } })] }));
    const b = buildLiveView(
      input({ robots: [robot('r1', { pose: { x: 1.003, y: 2.002, thetaRad: 0.002 } })] }),
    );
    expect(hasChanges(diffLiveViews(a, b))).toBe(false);
  });

  it('when one robot moves, one order goes and one comes, then exactly those are in the delta', () => {
    const a = buildLiveView(
      input({ robots: [robot('r1'), robot('r2')], orders: [order('o1'), order('o2')] }),
    );
    const b = buildLiveView(
      input({
        robots: [robot('r1', { pose: { x: 1.5, y: 2, thetaRad: 0 } }), robot('r2')],
        orders: [order('o2'), order('o3')],
      }),
    );
    const changes = diffLiveViews(a, b);
    expect(changes.robots?.upsert.map((r) => [r.id, r.pose?.x])).toEqual([['r1', 1.5]]);
    expect(changes.robots?.remove).toEqual([]);
    expect(changes.orders?.upsert.map((o) => o.id)).toEqual(['o3']);
    expect(changes.orders?.remove).toEqual(['o1']);
    expect(changes.alarms).toBeUndefined();
    expect(changes.blocked).toBeUndefined();
  });

  it('when an alarm is acknowledged and a node blocked, then the alarm and the blocks are in the delta', () => {
    const alarm: LiveAlarmSource = {
      id: 7,
      at: 'x',
      code: 'c',
      severity: 'critical',
      message: 'm',
      acknowledged: false,
    };
    const a = buildLiveView(input({ alarms: [alarm] }));
    const b = buildLiveView(
      input({ alarms: [{ ...alarm, acknowledged: true }], blocks: { edges: [], nodes: ['B'] } }),
    );
    const changes = diffLiveViews(a, b);
    expect(changes.alarms?.upsert.map((x) => [x.id, x.acknowledged])).toEqual([[7, true]]);
    expect(changes.blocked).toEqual({ edges: [], nodes: ['B'] });
  });

  it('when a robot leaves the fleet, then it is removed by id', () => {
    const a = buildLiveView(input({ robots: [robot('r1'), robot('r2')] }));
    const b = buildLiveView(input({ robots: [robot('r1')] }));
    expect(diffLiveViews(a, b).robots).toEqual({ upsert: [], remove: ['r2'] });
  });
});

describe('liveSnapshot', () => {
  it('when built, then it carries every robot by id, the layout version and the KPI samples', () => {
    const view = buildLiveView(input({ robots: [robot('r2'), robot('r1')], orders: [order('o1')] }));
    const snap = liveSnapshot(view, { seq: 1, layoutVersion: 'v3', kpis: [] });
    expect(snap.type).toBe('snapshot');
    expect(snap.robots.map((r) => r.id)).toEqual(['r1', 'r2']);
    expect(snap.orders.map((o) => o.id)).toEqual(['o1']);
    expect(snap.layoutVersion).toBe('v3');
    expect(snap.blocked).toEqual({ edges: [], nodes: [] });
  });
});
