import { describe, expect, it } from 'vitest';
import type { LiveAlarm, LiveOrder } from '../../../orchestrator/http/live-contract.ts';
import { backoffDelayMs } from './backoff.ts';
import { angleDelta, poseAt, retarget, TELEPORT_M } from './interpolate.ts';
import { LayoutIndex, parseLayout } from './layout-model.ts';
import {
  alarmList,
  formatDuration,
  formatEta,
  formatLateness,
  orderQueue,
  shortId,
  sparklinePoints,
} from './panels.ts';
import { batteryColour, placeRobot, robotColour, STATUS_COLOURS } from './robot-view.ts';

const order = (id: string, priority: number, dueBy?: string): LiveOrder => ({
  id,
  type: 'custom',
  status: 'received',
  priority,
  fromStation: 'A',
  toStation: 'B',
  load: {},
  externalRefs: {},
  latenessS: 0,
  ...(dueBy === undefined ? {} : { dueBy }),
});

describe('order queue and formatting', () => {
  it('when orders differ in priority and due time, then higher priority first, then earlier due, undated last', () => {
    const sorted = orderQueue([
      order('late-low', 1, '2026-01-01T08:00:00Z'),
      order('undated-high', 9),
      order('due-later-high', 9, '2026-01-01T10:00:00Z'),
      order('due-sooner-high', 9, '2026-01-01T09:00:00Z'),
    ]);
    expect(sorted.map((o) => o.id)).toEqual([
      'due-sooner-high',
      'due-later-high',
      'undated-high',
      'late-low',
    ]);
  });

  it('when ids are long, then they are shortened to their tail', () => {
    expect(shortId('TO-d4b55e23-2602-447a-9c23-5e6daec0d141')).toBe('…-5e6daec0d141');
    expect(shortId('TO-1')).toBe('TO-1');
    expect(shortId('TO-d4b55e23-2602-447a-9c23-5e6daec0d141')).toHaveLength(14);
  });

  it('when lateness and durations are formatted, then they read at a glance', () => {
    expect(formatLateness(0)).toBe('on time');
    expect(formatLateness(75)).toBe('+1m 15s late');
    expect(formatLateness(3720)).toBe('+1h 02m late');
    expect(formatDuration(9)).toBe('9s');
  });

  it('when an ETA is formatted, then it is relative to now', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(formatEta('2026-01-01T00:02:10Z', now)).toBe('in 2m 10s');
    expect(formatEta('2026-01-01T00:00:00.400Z', now)).toBe('now');
    expect(formatEta('2025-12-31T23:59:30Z', now)).toBe('30s ago');
    expect(formatEta(undefined, now)).toBe('—');
    expect(formatEta('garbage', now)).toBe('—');
  });

  it('when alarms are listed, then unacknowledged come first, newest first', () => {
    const a = (id: number, at: string, acknowledged: boolean): LiveAlarm => ({
      id,
      at,
      code: 'c',
      severity: 'warning',
      message: 'm',
      acknowledged,
    });
    const list = alarmList([
      a(1, '2026-01-01T00:00:00Z', false),
      a(2, '2026-01-01T00:05:00Z', true),
      a(3, '2026-01-01T00:03:00Z', false),
    ]);
    expect(list.map((x) => x.id)).toEqual([3, 1, 2]);
  });

  it('when a sparkline is drawn, then min is at the bottom and max at the top', () => {
    expect(sparklinePoints([0, 5, 10], 100, 20)).toBe('0.0,20.0 50.0,10.0 100.0,0.0');
    expect(sparklinePoints([], 100, 20)).toBe('');
    expect(sparklinePoints([3], 100, 20)).toBe('0.0,20.0');
  });
});

describe('robot view', () => {
  it('when a robot faults or is out of service, then its colour says so', () => {
    expect(robotColour({ status: 'fault', outOfService: true })).toBe(STATUS_COLOURS.fault);
    expect(robotColour({ status: 'moving', outOfService: true })).toBe(STATUS_COLOURS.offline);
    expect(robotColour({ status: 'charging', outOfService: false })).toBe(STATUS_COLOURS.charging);
    expect(new Set(Object.values(STATUS_COLOURS)).size).toBe(8);
    expect(batteryColour(10)).not.toBe(batteryColour(90));
  });

  it('when a robot has no pose, then it is placed at its node, else nowhere', () => {
    const nodes = new Map([['N1', { x: 3, y: 4 }]]);
    expect(placeRobot({ pose: { x: 1, y: 2, thetaRad: 1 } }, nodes)).toEqual({
      x: 1,
      y: 2,
      thetaRad: 1,
      source: 'pose',
    });
    expect(placeRobot({ nodeId: 'N1' }, nodes)).toEqual({ x: 3, y: 4, thetaRad: 0, source: 'node' });
    expect(placeRobot({ nodeId: 'N9' }, nodes)).toBeUndefined();
    expect(placeRobot({}, nodes)).toBeUndefined();
  });
});

describe('interpolation', () => {
  it('when half the interval has passed, then the pose is half way and turns the short way round', () => {
    const track = {
      from: { x: 0, y: 0, thetaRad: Math.PI - 0.1 },
      to: { x: 10, y: 2, thetaRad: -Math.PI + 0.1 },
      startMs: 1000,
      durationMs: 100,
    };
    const p = poseAt(track, 1050);
    expect(p.x).toBeCloseTo(5, 9);
    expect(p.y).toBeCloseTo(1, 9);
    expect(p.thetaRad).toBeCloseTo(Math.PI, 9);
    expect(poseAt(track, 5000).x).toBe(10);
    expect(angleDelta(0, 3 * Math.PI)).toBeCloseTo(Math.PI, 9);
  });

  it('when retargeted mid-way, then the new track starts where the robot is drawn', () => {
    const t1 = retarget(undefined, { x: 0, y: 0, thetaRad: 0 }, 0, 100);
    const t2 = retarget(t1, { x: 10, y: 0, thetaRad: 0 }, 0, 100);
    const t3 = retarget(t2, { x: 10, y: 10, thetaRad: 0 }, 50, 100);
    expect(t3.from.x).toBeCloseTo(5, 9);
    expect(poseAt(t3, 150)).toEqual({ x: 10, y: 10, thetaRad: 0 });
    const jump = retarget(t3, { x: 10 + TELEPORT_M * 2, y: 10, thetaRad: 0 }, 200, 100);
    expect(poseAt(jump, 200).x).toBe(10 + TELEPORT_M * 2);
  });
});

describe('reconnect backoff', () => {
  it('when attempts repeat, then the delay doubles from 0.5 s up to 10 s, jitter only shortening it', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => backoffDelayMs(a, 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 10000, 10000,
    ]);
    expect(backoffDelayMs(2, 0.999)).toBeGreaterThanOrEqual(1500);
    expect(backoffDelayMs(2, 0.999)).toBeLessThan(2000);
  });
});

describe('layout index', () => {
  const layout = parseLayout({
    id: 'L',
    version: '1',
    nodes: [
      { id: 'a', x: 0, y: 0, mapId: 'm' },
      { id: 'b', x: 10, y: 0, mapId: 'm' },
      { id: 'c', x: 10, y: 10, mapId: 'm' },
    ],
    edges: [
      { id: 'ab', from: 'a', to: 'b', lengthM: 10 },
      { id: 'ba', from: 'b', to: 'a', lengthM: 10 },
      { id: 'bc', from: 'b', to: 'c', lengthM: 10 },
      { id: 'bx', from: 'b', to: 'missing', lengthM: 10 },
    ],
    stations: [
      { id: 'CHG-1', role: 'charger', nodeIds: ['c'] },
      { id: 'LINE-1-OUT', role: 'line-output', nodeIds: ['a'] },
    ],
    blocked: { edges: ['bc'], nodes: [] },
  });
  const index = new LayoutIndex(layout);

  it('when an edge has no reverse, then it is one-way; edges to unknown nodes are left out', () => {
    expect(index.edges.map((e) => [e.id, e.oneWay])).toEqual([
      ['ab', false],
      ['ba', false],
      ['bc', true],
    ]);
    expect(index.bounds).toEqual({ minX: 0, minY: 0, maxX: 10, maxY: 10 });
    expect(index.stations.map((s) => s.kind)).toEqual(['charger', 'station']);
    expect(layout.blocked.edges).toEqual(['bc']);
  });

  it('when clicking near an edge, then it is found within the tolerance only', () => {
    expect(index.edgeAt({ x: 10.3, y: 5 }, 0.5)?.id).toBe('bc');
    expect(index.edgeAt({ x: 12, y: 5 }, 0.5)).toBeUndefined();
  });

  it('when the layout is malformed, then parsing names the element', () => {
    expect(() => parseLayout({ nodes: [{ id: 'a', x: 'no', y: 0 }], edges: [] })).toThrow('nodes[0]');
  });
});
