import { describe, expect, it } from 'vitest';
import type { Layout } from '../../orchestrator/domain/layout.ts';
import { graphGeometry } from './graph-geometry.ts';
import { goalHeading, RobotRoute, type ReleaseSegment } from './robot-route.ts';
import { ReportThrottle } from './state-report.ts';

const layout: Layout = {
  id: 'L',
  name: 'L',
  version: '1',
  nodes: [
    { id: 'A', x: 0, y: 0, mapId: 'm' },
    { id: 'B', x: 2, y: 0, mapId: 'm' },
    { id: 'C', x: 2, y: 2, mapId: 'm' },
  ],
  edges: [
    { id: 'A-B', from: 'A', to: 'B', lengthM: 2 },
    { id: 'B-C', from: 'B', to: 'C', lengthM: 2 },
  ],
  stations: [],
};

const segment = (nodes: string[], edgeIds: string[], taskId = 't'): ReleaseSegment => ({
  type: 'release-segment',
  robotId: 'R',
  taskId,
  nodes: nodes.map((nodeId, i) => ({
    nodeId,
    actions: i === nodes.length - 1 ? [{ actionId: `a-${nodeId}`, type: 'drop' }] : [],
  })),
  edgeIds,
});

describe('RobotRoute', () => {
  it('when a release starts where the robot stands, then its nodes are to reach, and a continuation appends', () => {
    const route = new RobotRoute(layout);
    expect(route.release(segment(['A', 'B'], ['A-B']), 'A', true)).toEqual({ ok: true });
    expect(route.toReach).toEqual(['B']);
    expect(route.release(segment(['B', 'C'], ['B-C']), 'A', true)).toEqual({ ok: true });
    expect(route.toReach).toEqual(['B', 'C']);
    expect(route.actions.map((a) => a.actionId)).toEqual(['a-B', 'a-C']);
  });

  it.each([
    ['it starts elsewhere', segment(['B', 'C'], ['B-C']), /starts at B, robot is bound for A/],
    ['an edge joins other nodes', segment(['A', 'B'], ['B-C']), /edge B-C does not lead from A to B/],
    ['an edge is missing', segment(['A', 'B'], []), /need 1 edges/],
  ])('when %s, then it is refused and nothing is kept', (_what, release, reason) => {
    const route = new RobotRoute(layout);
    const verdict = route.release(release, 'A', true);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.reason).toMatch(reason);
    expect(route.isEmpty).toBe(true);
  });

  it('when the robot stands off its last node, then the head is a rejoin that is not to reach', () => {
    const route = new RobotRoute(layout);
    route.release(segment(['A', 'B'], ['A-B']), 'A', false);
    expect(route.head).toMatchObject({ rejoin: true, reached: false });
    expect(route.toReach).toEqual(['B']);
    expect(route.clear().map((a) => a.actionId)).toEqual(['a-B']);
    expect(route.isEmpty).toBe(true);
  });

  it('when a goal heading is chosen, then it faces the next node, else the way in, else the current yaw', () => {
    const [a, b, c] = layout.nodes as [Layout['nodes'][0], Layout['nodes'][0], Layout['nodes'][0]];
    expect(goalHeading(b, c, a, 9)).toBeCloseTo(Math.PI / 2, 9);
    expect(goalHeading(b, undefined, a, 9)).toBeCloseTo(0, 9);
    expect(goalHeading(b, undefined, b, 1.25)).toBe(1.25);
  });
});

describe('graph geometry and report throttle', () => {
  it('when a point is near an edge or a node, then its distance and node are found', () => {
    const g = graphGeometry(layout);
    expect(g.distanceToGraph(1, 0.5)).toBeCloseTo(0.5, 9);
    expect(g.distanceToGraph(5, 0)).toBeCloseTo(3, 9);
    expect(g.nodeAt(2.1, 0.1, 0.25)?.id).toBe('B');
    expect(g.nodeAt(1, 0, 0.25)).toBeUndefined();
  });

  it('when only the pose moves, then a report waits for the interval; a material change goes at once; a repeat never', () => {
    const t = new ReportThrottle(1000);
    const base = {
      batteryPct: 50,
      charging: false,
      driving: true,
      paused: false,
      mode: 'automatic' as const,
      errors: [],
    };
    expect(t.due({ ...base, pose: { x: 0, y: 0, thetaRad: 0 } }, 0)).toBe(true);
    expect(t.due({ ...base, pose: { x: 0, y: 0, thetaRad: 0 } }, 5000)).toBe(false);
    expect(t.due({ ...base, pose: { x: 1, y: 0, thetaRad: 0 } }, 5500)).toBe(true);
    expect(t.due({ ...base, pose: { x: 2, y: 0, thetaRad: 0 } }, 5600)).toBe(false);
    expect(t.due({ ...base, driving: false, pose: { x: 2, y: 0, thetaRad: 0 } }, 5700)).toBe(true);
  });
});
