import { describe, expect, it } from 'vitest';
import type { Layout } from '../domain/layout.ts';
import type { RobotStateReport } from '../domain/robot-messages.ts';
import { lineEdges, report, run, spec } from './engine-test-kit.ts';
import { createEngine } from './engine.ts';
import type { EngineCommand, EngineEvent, RobotIntervention } from './engine-types.ts';

/** A - B - C - D - E, 1 m apart, two-way; a line output at A, a bin at E. */
function line(): Layout {
  const ids = ['A', 'B', 'C', 'D', 'E'];
  return {
    id: 'line',
    name: 'line',
    version: '1',
    nodes: ids.map((id, i) => ({ id, x: i, y: 0, mapId: 'm' })),
    edges: lineEdges(ids),
    stations: [
      { id: 'P', nodeIds: ['A'], role: 'line-output' },
      { id: 'Q', nodeIds: ['E'], role: 'storage-bin' },
    ],
  };
}

const intervene = (action: RobotIntervention): EngineEvent => ({
  type: 'robot-intervention',
  robotId: 'R1',
  action,
  by: 'supervisor:test',
});
const reports = (node: string, extra: Partial<RobotStateReport> = {}): EngineEvent => ({
  type: 'robot',
  event: { type: 'robot-state', robotId: 'R1', state: report(node, extra) },
});
const tick: EngineEvent = { type: 'tick' };
const released = (commands: readonly EngineCommand[]) =>
  commands.flatMap((c) =>
    c.type === 'robot' && c.command.type === 'release-segment' ? [c.command.nodes.map((n) => n.nodeId)] : [],
  );
const online: EngineEvent = {
  type: 'robot',
  event: { type: 'connection', robotId: 'R1', state: 'online' },
};

describe('the robot as a pause or resume leaves it', () => {
  it('when a supervisor pauses a robot, then it reads as paused at once, before it reports it', () => {
    const engine = createEngine(line(), [spec('R1', 'A')]);
    const { state } = run(engine, engine.initialState(), [online, reports('C'), intervene('pause')]);
    expect(state.robots.R1).toMatchObject({ paused: true, operatorPaused: true });
  });

  it('when a supervisor resumes a robot that reported itself paused, then it reads as not paused at once, until a report says otherwise', () => {
    const engine = createEngine(line(), [spec('R1', 'A')]);
    let { state } = run(engine, engine.initialState(), [
      online,
      reports('C'),
      intervene('pause'),
      reports('C', { paused: true }),
    ]);
    expect(state.robots.R1).toMatchObject({ paused: true, operatorPaused: true });
    ({ state } = run(engine, state, [intervene('resume')]));
    expect(state.robots.R1).toMatchObject({ paused: false, operatorPaused: false });
    // Its next report still wins: a robot that stays paused (its own pause button, say) reads paused again.
    ({ state } = run(engine, state, [reports('C', { paused: true })]));
    expect(state.robots.R1).toMatchObject({ paused: true, operatorPaused: false });
  });

  it('when a paused robot with an order is resumed, then traffic drives it on at the next tick, without waiting for its report', () => {
    const engine = createEngine(line(), [spec('R1', 'C')]);
    let { state, commands } = run(engine, engine.initialState(), [
      online,
      reports('C'),
      {
        type: 'order-planned',
        order: { id: 'o1', fromStation: 'P', toStation: 'Q', priority: 1, createdAtMs: 0 },
      },
      tick,
    ]);
    expect(released(commands)).toEqual([['C', 'B']]);
    ({ state, commands } = run(engine, state, [
      { type: 'robot', event: { type: 'node-reached', robotId: 'R1', nodeId: 'B' } },
      intervene('pause'),
      reports('B', { paused: true }),
      tick,
    ]));
    expect(released(commands)).toEqual([]);
    ({ commands } = run(engine, state, [intervene('resume'), tick]));
    expect(released(commands)).toEqual([['B', 'A']]);
  });
});
