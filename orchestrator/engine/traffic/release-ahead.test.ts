import { describe, expect, it } from 'vitest';
import type { Layout } from '../../domain/layout.ts';
import type { RobotStateReport } from '../../domain/robot-messages.ts';
import { lineEdges, report, run, spec } from '../engine-test-kit.ts';
import { createEngine } from '../engine.ts';
import type { EngineCommand, EngineEvent } from '../engine-types.ts';

/** A line A-B-C-D-E (1 m apart, two-way) with a side pocket S off B: station P on D, Q on E, R on B. */
function lineLayout(): Layout {
  const ids = ['A', 'B', 'C', 'D', 'E'];
  const edges = lineEdges(ids);
  edges.push({ id: 'BS', from: 'B', to: 'S', lengthM: 1 }, { id: 'SB', from: 'S', to: 'B', lengthM: 1 });
  return {
    id: 'line',
    name: 'line',
    version: '1',
    nodes: [...ids.map((id, i) => ({ id, x: i, y: 0, mapId: 'm' })), { id: 'S', x: 1, y: 1, mapId: 'm' }],
    edges,
    stations: [
      { id: 'P', nodeIds: ['D'], role: 'storage-bin' },
      { id: 'Q', nodeIds: ['E'], role: 'storage-bin' },
      { id: 'R', nodeIds: ['B'], role: 'storage-bin' },
    ],
  };
}

const releases = (commands: readonly EngineCommand[], robotId = 'R1') =>
  commands.flatMap((c) =>
    c.type === 'robot' && c.command.type === 'release-segment' && c.command.robotId === robotId
      ? [c.command]
      : [],
  );
const online = (id: string, node: string, extra: Partial<RobotStateReport> = {}): EngineEvent[] => [
  { type: 'robot', event: { type: 'connection', robotId: id, state: 'online' } },
  { type: 'robot', event: { type: 'robot-state', robotId: id, state: report(node, extra) } },
];
const planned = (id: string, from: string, to: string, intendedRobot = 'R1'): EngineEvent => ({
  type: 'order-planned',
  order: { id, fromStation: from, toStation: to, priority: 1, createdAtMs: 0, intendedRobot },
});
const tick: EngineEvent = { type: 'tick' };
const reached = (robotId: string, nodeId: string): EngineEvent => ({
  type: 'robot',
  event: { type: 'node-reached', robotId, nodeId },
});

/** R1 reports it stands at `at` and has `route` yet to drive (VDA 5050: it accepted the release). */
const shows = (route: string[], at = 'A'): EngineEvent => ({
  type: 'robot',
  event: { type: 'robot-state', robotId: 'R1', state: report(at, { driving: true, routeNodeIds: route }) },
});

/**
 * R1 at A with an order to pick at D, after the first tick: released onto A->B, and (`shown`) it has
 * reported B in its route.
 */
function underway(
  releaseAhead: boolean,
  others: { id: string; node: string; paused?: boolean }[] = [],
  shown = true,
) {
  const engine = createEngine(lineLayout(), [
    spec('R1', 'A', releaseAhead),
    ...others.map((o) => spec(o.id, o.node)),
  ]);
  const first = run(engine, engine.initialState(), [
    ...online('R1', 'A'),
    ...others.flatMap((o) => online(o.id, o.node, { paused: o.paused ?? false })),
    planned('o1', 'P', 'Q'),
    tick,
  ]);
  expect(releases(first.commands).map((r) => r.nodes.map((n) => n.nodeId))).toEqual([['A', 'B']]);
  return { engine, state: shown ? run(engine, first.state, [shows(['B'])]).state : first.state };
}

describe('release ahead (VDA 5050 O14)', () => {
  it('when a robot with releaseAhead drives A->B towards D, then B->C is released before it reports B', () => {
    const { engine, state } = underway(true);
    const { state: after, commands } = run(engine, state, [tick]);
    const [ahead] = releases(commands);
    // Stitched on the end of what it drives: the first node is B, where it has not arrived yet.
    expect(ahead?.nodes).toEqual([
      { nodeId: 'B', actions: [] },
      { nodeId: 'C', actions: [] },
    ]);
    expect(ahead?.edgeIds).toEqual(['BC']);
    expect(ahead?.taskId).toMatch(/^o1\/pickup\//);
    expect(ahead?.horizon).toEqual({ nodeIds: ['D'], edgeIds: ['CD'] });
    expect(after.robots.R1?.moving).toEqual({
      from: 'A',
      to: 'B',
      edgeId: 'AB',
      shown: true,
      next: { to: 'C', edgeId: 'BC' },
    });
    expect(after.robots.R1?.nodeId).toBe('A');
    // One edge ahead at most: nothing more until it reports B.
    expect(releases(run(engine, after, [tick]).commands)).toEqual([]);
  });

  it('when a robot has no releaseAhead, then it gets nothing more until it reports B', () => {
    const { engine, state } = underway(false);
    const { state: after, commands } = run(engine, state, [tick, tick]);
    expect(releases(commands)).toEqual([]);
    expect(after.robots.R1?.moving).toEqual({ from: 'A', to: 'B', edgeId: 'AB', shown: true });
  });

  it('when the robot has not reported B in its route yet, then nothing is released ahead (one release in flight)', () => {
    const { engine, state } = underway(true, [], false);
    expect(releases(run(engine, state, [tick]).commands)).toEqual([]);
    // A report that predates the release (nothing to drive) shows nothing either.
    expect(releases(run(engine, state, [shows([]), tick]).commands)).toEqual([]);
    expect(releases(run(engine, state, [shows(['B']), tick]).commands)).toHaveLength(1);
  });

  it('when the node after B is held, then the robot gets no edge ahead (not even aside) and holds only A and B', () => {
    const { engine, state } = underway(true, [{ id: 'R2', node: 'C', paused: true }]);
    const { state: after, commands } = run(engine, state, [tick]);
    // It waits at B as it would standing there: the side pocket S is free but no way to D.
    expect(releases(commands)).toEqual([]);
    expect(after.robots.R1?.moving).toEqual({ from: 'A', to: 'B', edgeId: 'AB', shown: true });
  });

  it('when the node after B is where an idle robot rests, then the robot does not follow it in the same round', () => {
    const { engine, state } = underway(true, [{ id: 'R2', node: 'C' }]);
    const { state: after, commands } = run(engine, state, [tick]);
    // R2 is pushed on towards E; R1 gets C only once R2 has left it.
    expect(releases(commands, 'R2').map((r) => r.nodes.map((n) => n.nodeId))).toEqual([['C', 'D']]);
    expect(releases(commands)).toEqual([]);
    expect(after.robots.R1?.moving?.next).toBeUndefined();
  });

  it('when a robot with an edge ahead reports B, then it drives on to C, and the pick runs only on arriving at D', () => {
    const { engine, state: s0 } = underway(true);
    let { state, commands } = run(engine, s0, [tick, shows(['B', 'C']), reached('R1', 'B')]);
    expect(state.robots.R1?.moving).toEqual({ from: 'B', to: 'C', edgeId: 'BC', shown: true });
    expect(state.robots.R1?.nodeId).toBe('B');

    ({ state, commands } = run(engine, state, [tick]));
    const [toGoal] = releases(commands);
    expect(toGoal?.nodes.map((n) => n.nodeId)).toEqual(['C', 'D']);
    const pick = toGoal?.nodes[1]?.actions[0];
    expect(pick?.type).toBe('pick'); // the pick rides on the release of the goal node, as without lookahead
    expect(state.robots.R1?.moving?.next).toEqual({ to: 'D', edgeId: 'CD', actionId: pick?.actionId });
    expect(state.orders.o1?.status).toBe('to-pickup');

    ({ state, commands } = run(engine, state, [reached('R1', 'C'), tick]));
    expect(releases(commands)).toEqual([]); // D is the goal: no lookahead beyond where it stops to work
    expect(state.orders.o1?.status).toBe('to-pickup');
    expect(state.robots.R1?.moving).toEqual({ from: 'C', to: 'D', edgeId: 'CD', actionId: pick?.actionId });

    ({ state, commands } = run(engine, state, [reached('R1', 'D')]));
    expect(releases(commands)).toEqual([]); // the pick was released already: not sent twice
    expect(state.robots.R1?.moving).toBeUndefined();
    expect(state.orders.o1?.status).toBe('picking');
  });

  it('when a robot reports the node after B without B (a lost report), then it stands there, free of both edges', () => {
    const { engine, state: s0 } = underway(true);
    const { state } = run(engine, s0, [tick, reached('R1', 'C')]);
    expect(state.robots.R1?.moving).toBeUndefined();
    expect(state.robots.R1?.nodeId).toBe('C');
  });

  it('when the edge under way ends on the goal, then nothing is released beyond it', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A', true)]);
    const { state } = run(engine, engine.initialState(), [
      ...online('R1', 'A'),
      planned('o1', 'R', 'Q'),
      tick,
    ]);
    expect(state.robots.R1?.moving).toMatchObject({ from: 'A', to: 'B' });
    expect(releases(run(engine, state, [tick, tick]).commands)).toEqual([]);
  });

  it('when a robot with an edge ahead is cancelled, then it keeps C until it reports it stopped at B', () => {
    const { engine, state: s0 } = underway(true);
    let { state } = run(engine, s0, [
      tick,
      { type: 'order-cancel-requested', orderId: 'o1', mode: 'normal' },
    ]);
    // The cancel stops the robot at B at the latest, unless it was past B already: C stays held.
    expect(state.robots.R1?.moving).toMatchObject({ to: 'B', cancelled: true, next: { to: 'C' } });
    ({ state } = run(engine, state, [reached('R1', 'B')]));
    expect(state.robots.R1?.moving).toEqual({ from: 'B', to: 'C', edgeId: 'BC', cancelled: true });
    const stopped = report('B', { routeNodeIds: [] });
    ({ state } = run(engine, state, [
      { type: 'robot', event: { type: 'robot-state', robotId: 'R1', state: stopped } },
    ]));
    expect(state.robots.R1?.moving).toBeUndefined();
    expect(state.robots.R1?.nodeId).toBe('B');
  });

  it('when a robot with an edge ahead passes B, the goal of an order given since, then it works there only once back', () => {
    const { engine, state: s0 } = underway(true);
    // o1 is cancelled and o2, a pick at B, given to R1 while it drives A->B with B->C released.
    let { state, commands } = run(engine, s0, [
      tick,
      { type: 'order-cancel-requested', orderId: 'o1', mode: 'normal' },
      {
        type: 'robot',
        event: { type: 'robot-state', robotId: 'R1', state: report('A', { routeNodeIds: ['B', 'C'] }) },
      },
      planned('o2', 'R', 'Q'),
      tick,
    ]);
    expect(state.robots.R1?.task).toMatchObject({ orderId: 'o2', goalNodeId: 'B', phase: 'travel' });
    // A robot that drives through B (the cancel came too late to stop it there) does not pick at B.
    ({ state, commands } = run(engine, state, [reached('R1', 'B')]));
    expect(releases(commands)).toEqual([]);
    expect(state.robots.R1?.task).toMatchObject({ goalNodeId: 'B', phase: 'travel' });
    expect(state.orders.o2?.status).toBe('to-pickup');
    ({ state, commands } = run(engine, state, [reached('R1', 'C'), tick]));
    const back = releases(commands)[0];
    expect(back?.nodes.map((n) => n.nodeId)).toEqual(['C', 'B']);
    expect(back?.nodes[1]?.actions[0]?.type).toBe('pick');
  });

  it('when a cancelled robot stops at B, the goal of an order given since, then it works there', () => {
    const { engine, state: s0 } = underway(true);
    let { state, commands } = run(engine, s0, [
      tick,
      { type: 'order-cancel-requested', orderId: 'o1', mode: 'normal' },
      planned('o2', 'R', 'Q'),
      tick,
      reached('R1', 'B'),
    ]);
    expect(state.orders.o2?.status).toBe('to-pickup');
    const stopped = report('B', { routeNodeIds: [] });
    ({ state, commands } = run(engine, state, [
      { type: 'robot', event: { type: 'robot-state', robotId: 'R1', state: stopped } },
    ]));
    expect(state.robots.R1?.moving).toBeUndefined();
    expect(state.orders.o2?.status).toBe('picking');
    expect(releases(commands).map((r) => r.nodes)).toEqual([
      [{ nodeId: 'B', actions: [expect.objectContaining({ type: 'pick', loadId: 'o2' })] }],
    ]);
  });
});
