import { describe, expect, it } from 'vitest';
import { fourSpotPlant, report, run, spec } from './engine-test-kit.ts';
import { createEngine, type Engine } from './engine.ts';
import type { EngineEvent, EngineState } from './engine-types.ts';

const tick: EngineEvent = { type: 'tick' };
const online = (id: string, node: string): EngineEvent[] => [
  { type: 'robot', event: { type: 'connection', robotId: id, state: 'online' } },
  { type: 'robot', event: { type: 'robot-state', robotId: id, state: report(node) } },
];
const stationNodes = new Set(fourSpotPlant().stations.flatMap((s) => s.nodeIds));

/** R1..R4 on the four parking spots, R5 on the ring at R4. */
function fiveRobots(): { engine: Engine; state: EngineState } {
  const fleet = [1, 2, 3, 4].map((i) => spec(`R${i}`, `P${i}`));
  const engine = createEngine(fourSpotPlant(), [...fleet, spec('R5', 'R4')]);
  const { state } = run(engine, engine.initialState(), [
    ...fleet.flatMap((r) => online(r.id, r.homeNode)),
    ...online('R5', 'R4'),
  ]);
  return { engine, state };
}

/**
 * Ticks the engine and plays every robot: each released edge is driven to its end and every action on it
 * finishes at once. Stops when a tick releases nothing and no robot is under way.
 */
function playUntilStill(engine: Engine, start: EngineState): EngineState {
  let state = start;
  for (let round = 0; round < 100; round += 1) {
    const ticked = run(engine, state, [tick]);
    const events: EngineEvent[] = [];
    for (const c of ticked.commands) {
      if (c.type !== 'robot' || c.command.type !== 'release-segment') continue;
      const { robotId, nodes } = c.command;
      for (const node of nodes.slice(1))
        events.push({ type: 'robot', event: { type: 'node-reached', robotId, nodeId: node.nodeId } });
      for (const action of nodes.flatMap((n) => n.actions))
        events.push({
          type: 'robot',
          event: { type: 'action-finished', robotId, actionId: action.actionId },
        });
    }
    state = run(engine, ticked.state, events).state;
    if (events.length === 0 && Object.values(state.robots).every((r) => r.moving === undefined)) return state;
  }
  throw new Error('the fleet never came to rest');
}

describe('idle robots without a parking spot', () => {
  it('when a fifth robot has delivered to a bin on a plant with four parking spots, all taken, then it leaves the bin and waits on a node no station uses', () => {
    const { engine, state: ready } = fiveRobots();
    const { state: planned } = run(engine, ready, [
      {
        type: 'order-planned',
        order: {
          id: 'o1',
          fromStation: 'BIN-1',
          toStation: 'BIN-2',
          priority: 1,
          createdAtMs: 0,
          intendedRobot: 'R5',
        },
      },
    ]);
    const state = playUntilStill(engine, planned);
    expect(state.orders.o1).toBeUndefined(); // delivered
    const fifth = state.robots.R5!;
    expect(fifth.task).toBeUndefined();
    expect(stationNodes.has(fifth.nodeId!)).toBe(false);
    // The dead end of the side aisle: no station's traffic passes there.
    expect(fifth.nodeId).toBe('X2');
    for (const i of [1, 2, 3, 4]) expect(state.robots[`R${i}`]?.nodeId).toBe(`P${i}`);
  });

  it('when an idle robot without a free parking spot stands on a node no station uses, then it stays there', () => {
    const { engine, state } = fiveRobots();
    const { state: after, commands } = run(engine, state, [tick, tick]);
    expect(after.robots.R5?.task).toBeUndefined();
    expect(commands.filter((c) => c.type === 'robot')).toEqual([]);
  });

  it('when a parking spot is free, then an idle robot on a bin parks there rather than on a waiting node', () => {
    const engine = createEngine(fourSpotPlant(), [spec('R1', 'P1'), spec('R2', 'B2')]);
    const { state } = run(engine, engine.initialState(), [
      ...online('R1', 'P1'),
      ...online('R2', 'B2'),
      tick,
    ]);
    expect(state.robots.R2?.task).toEqual({ kind: 'park', goalNodeId: 'P2' });
  });

  it('when the fleet has more robots than the plant has parking spots, then the engine warns with both counts and where the others wait', () => {
    const { engine } = fiveRobots();
    expect(engine.warnings).toEqual([
      expect.objectContaining({
        code: 'more-robots-than-parking-spots',
        robots: 5,
        parkingSpots: 4,
        waitingNodes: ['X2'],
      }),
    ]);
    expect(engine.warnings[0]?.message).toMatch(/^5 robots but 4 parking spots: .*X2/);
  });

  it('when every robot has a parking spot, then there is no warning', () => {
    const engine = createEngine(
      fourSpotPlant(),
      [1, 2, 3, 4].map((i) => spec(`R${i}`, `P${i}`)),
    );
    expect(engine.warnings).toEqual([]);
    expect(engine.context.waitingNodes()).toEqual([]);
  });
});
