import { describe, expect, it } from 'vitest';
import type { TransportOrder } from '../domain/transport-order.ts';
import {
  buildLiveView,
  diffLiveViews,
  hasChanges,
  liveSnapshot,
  robotStatus,
  type LiveAlarmSource,
  type LiveViewInput,
} from './live-view.ts';
import { lineRoutes as routes, liveRobot, NOW, storedOrder } from './live-test-fixtures.ts';

const robot = liveRobot;
const order = (id: string, patch: Partial<TransportOrder> = {}): TransportOrder =>
  storedOrder(id, { fromStation: 'P', toStation: 'D', ...patch });

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

  it('when an order is listed, then the view holds it as the live feed shows it', () => {
    const view = buildLiveView(input({ orders: [order('o1', { type: 'fg-putaway' })] }));
    expect(view.orders.get('o1')?.value).toMatchObject({ id: 'o1', type: 'fg-putaway', fromStation: 'P' });
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
