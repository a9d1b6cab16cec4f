import { describe, expect, it } from 'vitest';
import type { Layout, LayoutEdge } from '../domain/layout.ts';
import type { RobotStateReport } from '../domain/robot-messages.ts';
import { lineEdges, report, run, spec } from './engine-test-kit.ts';
import { createEngine } from './engine.ts';
import type { EngineCommand, EngineEvent, EngineState, RobotIntervention } from './engine-types.ts';

/** A line of nodes A-B-C-D-E (1 m apart, two-way), stations P at B and Q at E, robots at A and D. */
function lineLayout(): Layout {
  const ids = ['A', 'B', 'C', 'D', 'E'];
  const edges = lineEdges(ids);
  return {
    id: 'line',
    name: 'line',
    version: '1',
    nodes: ids.map((id, i) => ({ id, x: i, y: 0, mapId: 'm' })),
    edges,
    stations: [
      { id: 'P', nodeIds: ['B'], role: 'line-output' },
      { id: 'Q', nodeIds: ['E'], role: 'storage-bin' },
      { id: 'X', nodeIds: ['Z'], role: 'storage-bin' },
    ],
  };
}

const transitions = (commands: readonly EngineCommand[]) =>
  commands.flatMap((c) => (c.type === 'order-transition' ? [c.to] : []));
const releases = (commands: readonly EngineCommand[]) =>
  commands.flatMap((c) => (c.type === 'robot' && c.command.type === 'release-segment' ? [c.command] : []));

const online = (id: string, node: string): EngineEvent[] => [
  { type: 'robot', event: { type: 'connection', robotId: id, state: 'online' } },
  { type: 'robot', event: { type: 'robot-state', robotId: id, state: report(node) } },
];
const planned = (id: string, from = 'P', to = 'Q'): EngineEvent => ({
  type: 'order-planned',
  order: { id, fromStation: from, toStation: to, priority: 1, createdAtMs: 0 },
});

const tick: EngineEvent = { type: 'tick' };
const reached = (robotId: string, nodeId: string): EngineEvent => ({
  type: 'robot',
  event: { type: 'node-reached', robotId, nodeId },
});

describe('engine', () => {
  it('when an order is planned, then at the next tick the nearest idle robot is assigned', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A'), spec('R2', 'D')]);
    const { commands } = run(engine, engine.initialState(), [
      ...online('R1', 'A'),
      ...online('R2', 'D'),
      planned('o1'),
      tick,
    ]);
    expect(transitions(commands)).toEqual(['assigned', 'to-pickup']);
    expect(releases(commands)[0]?.robotId).toBe('R1'); // A->B is 1 m, D->B is 2 m
  });

  it('when a robot works an order, then traffic releases one edge at a time and the order passes every state', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
    let { state, commands } = run(engine, engine.initialState(), [...online('R1', 'A'), planned('o1'), tick]);
    const first = releases(commands)[0]!;
    expect(first.nodes.map((n) => n.nodeId)).toEqual(['A', 'B']);
    expect(first.edgeIds).toEqual(['AB']);
    const pick = first.nodes[1]!.actions[0]!; // B is the pickup: the pick rides on this release
    expect(pick.type).toBe('pick');

    ({ state, commands } = run(engine, state, [
      reached('R1', 'B'),
      { type: 'robot', event: { type: 'action-finished', robotId: 'R1', actionId: pick.actionId } },
      tick,
    ]));
    expect(transitions(commands)).toEqual(['picking', 'to-dropoff']);
    expect(releases(commands).map((r) => r.nodes.map((n) => n.nodeId))).toEqual([['B', 'C']]);
    // The rest of the way to the drop at E is shown as the horizon: planned, not released.
    expect(releases(commands)[0]?.horizon).toEqual({ nodeIds: ['D', 'E'], edgeIds: ['CD', 'DE'] });
    expect(first.horizon).toBeUndefined(); // B, the pickup, is the end of that leg

    const path: string[] = [];
    let drop: string | undefined;
    for (const node of ['C', 'D', 'E']) {
      ({ state, commands } = run(engine, state, [reached('R1', node), tick]));
      path.push(node);
      const r = releases(commands)[0];
      drop ??= r?.nodes.at(-1)?.actions[0]?.actionId;
    }
    expect(path).toEqual(['C', 'D', 'E']);
    expect(drop).toBeDefined();
    ({ state, commands } = run(engine, state, [
      { type: 'robot', event: { type: 'action-finished', robotId: 'R1', actionId: drop! } },
    ]));
    expect(transitions(commands)).toEqual(['delivered']);
    expect(state.orders.o1).toBeUndefined();
    expect(state.robots.R1?.task).toBeUndefined();
  });

  it('when a robot is released onto an edge, then it holds both ends until it arrives', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A'), spec('R2', 'E')]);
    const { state } = run(engine, engine.initialState(), [
      ...online('R1', 'A'),
      ...online('R2', 'E'),
      planned('o1'),
      tick,
    ]);
    expect(state.robots.R1?.moving).toMatchObject({ from: 'A', to: 'B' });
  });

  it('when a cancelled robot reports it never set off, then it no longer holds the node it was released to', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
    const state0 = run(engine, engine.initialState(), [...online('R1', 'A'), planned('o1'), tick]).state;
    const stale: EngineEvent = {
      type: 'robot',
      event: { type: 'robot-state', robotId: 'R1', state: report('A', { routeNodeIds: [] }) },
    };
    // A report with an empty route before any cancel may predate the release: the edge stays held.
    expect(run(engine, state0, [stale]).state.robots.R1?.moving).toMatchObject({ from: 'A', to: 'B' });

    const { state, commands } = run(engine, state0, [
      { type: 'order-cancel-requested', orderId: 'o1', mode: 'normal' },
    ]);
    expect(commands).toContainEqual({ type: 'robot', command: { type: 'cancel-task', robotId: 'R1' } });
    expect(state.robots.R1?.moving).toMatchObject({ to: 'B', cancelled: true });
    const after = run(engine, state, [stale]).state;
    expect(after.robots.R1?.moving).toBeUndefined();
    expect(after.robots.R1?.nodeId).toBe('A');
  });

  it('A5: when a cancelled robot reports it still approaches the node it was released to, then it keeps holding both ends', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
    const state0 = run(engine, engine.initialState(), [...online('R1', 'A'), planned('o1'), tick]).state;
    const { state } = run(engine, state0, [
      { type: 'order-cancel-requested', orderId: 'o1', mode: 'normal' },
    ]);
    const approaching: EngineEvent = {
      type: 'robot',
      event: { type: 'robot-state', robotId: 'R1', state: report('A', { routeNodeIds: ['B'] }) },
    };
    expect(run(engine, state, [approaching, tick]).state.robots.R1?.moving).toMatchObject({
      from: 'A',
      to: 'B',
      cancelled: true,
    });
  });

  it('when the runtime consumes its input state, then the engine decides as it does on a kept one, and leaves a kept one as it was', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A'), spec('R2', 'D')]);
    const events: EngineEvent[] = [
      ...online('R1', 'A'),
      ...online('R2', 'D'),
      planned('o1'),
      {
        type: 'orders-planned',
        orders: [
          { id: 'o2', fromStation: 'P', toStation: 'Q', priority: 3, createdAtMs: 0 },
          { id: 'o3', fromStation: 'P', toStation: 'X', priority: 1, createdAtMs: 0 }, // fails: X is on no node
          { id: 'o4', fromStation: 'P', toStation: 'Q', priority: 1, createdAtMs: 0 },
        ],
      },
      tick,
      { type: 'order-cancel-requested', orderId: 'o4', mode: 'normal', by: 'test' },
      reached('R1', 'B'),
      tick,
      planned('o5'),
      reached('R2', 'C'),
      tick,
      tick,
    ];
    const kept: { state: EngineState; commands: EngineCommand[] }[] = [];
    let state = engine.initialState();
    for (const event of events) {
      const before = structuredClone(state);
      const r = run(engine, state, [event]);
      expect(state).toEqual(before);
      kept.push(r);
      state = r.state;
    }
    let consumed = engine.initialState();
    for (const [i, event] of events.entries()) {
      const r = run(engine, consumed, [event], { input: 'consumed' });
      expect(r.commands).toEqual(kept[i]?.commands);
      expect(r.state).toEqual(kept[i]?.state);
      expect(Object.keys(r.state.orders)).toEqual(Object.keys(kept[i]!.state.orders));
      consumed = r.state;
    }
    expect(transitions(kept.flatMap((r) => r.commands))).toContain('failed');
    expect(Object.keys(state.orders).length).toBeGreaterThan(1);
  });

  it('when planned orders arrive as one batch, then each is taken in as if it came alone', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A'), spec('R2', 'D')]);
    const orders = [
      { id: 'o1', fromStation: 'P', toStation: 'Q', priority: 1, createdAtMs: 0 },
      { id: 'o2', fromStation: 'P', toStation: 'X', priority: 1, createdAtMs: 0 }, // X: a station on no node
    ];
    const batched = run(engine, engine.initialState(), [{ type: 'orders-planned', orders }]);
    const single = run(
      engine,
      engine.initialState(),
      orders.map((order) => ({ type: 'order-planned', order })),
    );
    expect(batched.state.orders).toEqual(single.state.orders);
    expect(batched.commands).toEqual(single.commands);
    expect(transitions(batched.commands)).toEqual(['failed']);
    expect(batched.state.orders.o1?.status).toBe('planned');
  });

  it('when the same planned order arrives twice, then it is assigned once', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
    const { commands } = run(engine, engine.initialState(), [
      ...online('R1', 'A'),
      planned('o1'),
      planned('o1'),
      tick,
      tick,
    ]);
    expect(transitions(commands)).toEqual(['assigned', 'to-pickup']);
  });

  it('when a station cannot be reached, then the order fails at once as unreachable', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
    const { commands, state } = run(engine, engine.initialState(), [
      ...online('R1', 'A'),
      planned('o1', 'P', 'X'),
    ]);
    expect(commands).toContainEqual(
      expect.objectContaining({ type: 'order-transition', to: 'failed', reason: 'unreachable' }),
    );
    expect(state.orders.o1).toBeUndefined();
  });

  it('when an order asks for a load type no robot carries, then it fails as no-capable-robot', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
    const { commands } = run(engine, engine.initialState(), [
      ...online('R1', 'A'),
      {
        type: 'order-planned',
        order: { id: 'o1', fromStation: 'P', toStation: 'Q', priority: 1, createdAtMs: 0, loadType: 'coil' },
      },
    ]);
    expect(commands).toContainEqual(expect.objectContaining({ to: 'failed', reason: 'no-capable-robot' }));
  });

  it('when an order names its robot, then that robot takes it even if another is nearer', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A'), spec('R2', 'D')]);
    const { commands } = run(engine, engine.initialState(), [
      ...online('R1', 'A'),
      ...online('R2', 'D'),
      {
        type: 'order-planned',
        order: {
          id: 'o1',
          fromStation: 'P',
          toStation: 'Q',
          priority: 1,
          createdAtMs: 0,
          intendedRobot: 'R2',
        },
      },
      tick,
    ]);
    expect(releases(commands)[0]?.robotId).toBe('R2');
  });

  describe('order dependencies', () => {
    const dependent = (id: string, dependsOn: string[], failedDependency?: string): EngineEvent => ({
      type: 'order-planned',
      order: {
        id,
        fromStation: 'P',
        toStation: 'Q',
        priority: 9,
        createdAtMs: 0,
        dependsOn,
        ...(failedDependency ? { failedDependency } : {}),
      },
    });
    const failures = (commands: readonly EngineCommand[]) =>
      commands.flatMap((c) =>
        c.type === 'order-transition' && c.to === 'failed' ? [[c.orderId, c.reason] as const] : [],
      );

    it('when an order depends on an open order, then it is not dispatched although a robot is free', () => {
      const engine = createEngine(lineLayout(), [spec('R1', 'A'), spec('R2', 'D')]);
      const { state } = run(engine, engine.initialState(), [
        ...online('R1', 'A'),
        ...online('R2', 'D'),
        planned('first'),
        dependent('second', ['first']),
        tick,
      ]);
      expect(state.orders.first?.status).toBe('to-pickup');
      expect(state.orders.second?.status).toBe('planned');
    });

    it('when its dependency is delivered, then the order is dispatched', () => {
      const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
      const { state } = run(engine, engine.initialState(), [
        ...online('R1', 'A'),
        dependent('second', ['outside']),
        tick,
        { type: 'order-closed', orderId: 'outside', outcome: 'delivered' },
        tick,
      ]);
      expect(state.orders.second?.dependsOn).toBeUndefined();
      expect(state.orders.second?.status).toBe('to-pickup');
    });

    it('when a dependency fails, then its dependents fail with it, down the chain', () => {
      const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
      const { state, commands } = run(engine, engine.initialState(), [
        ...online('R1', 'A'),
        dependent('b', ['a']),
        dependent('c', ['b', 'other']),
        { type: 'order-closed', orderId: 'a', outcome: 'cancelled' },
      ]);
      expect(failures(commands)).toEqual([
        ['b', 'dependency-failed'],
        ['c', 'dependency-failed'],
      ]);
      expect(state.orders.b).toBeUndefined();
      expect(state.orders.c).toBeUndefined();
    });

    it('when an order arrives whose dependency has already failed, then it fails at once', () => {
      const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
      const { commands } = run(engine, engine.initialState(), [dependent('late', [], 'gone')]);
      expect(failures(commands)).toEqual([['late', 'dependency-failed']]);
    });
  });

  it('when orders wait, then the more urgent one is served first', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
    const { state } = run(engine, engine.initialState(), [
      {
        type: 'order-planned',
        order: { id: 'low', fromStation: 'P', toStation: 'Q', priority: 1, createdAtMs: 0 },
      },
      {
        type: 'order-planned',
        order: { id: 'high', fromStation: 'P', toStation: 'Q', priority: 9, createdAtMs: 5 },
      },
      ...online('R1', 'A'),
      tick,
    ]);
    const task = state.robots.R1?.task;
    expect(task?.kind === 'order-leg' ? task.orderId : undefined).toBe('high');
    expect(state.orders.low?.status).toBe('planned');
  });

  it('when a robot faults with an order, then the order is on hold and resumes when the fault clears', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
    let { state, commands } = run(engine, engine.initialState(), [
      ...online('R1', 'A'),
      planned('o1'),
      tick,
      reached('R1', 'B'),
    ]);
    ({ state, commands } = run(engine, state, [
      {
        type: 'robot',
        event: {
          type: 'robot-state',
          robotId: 'R1',
          state: report('B', { errors: [{ code: 'E1', level: 'fatal', message: 'bumper' }] }),
        },
      },
    ]));
    expect(transitions(commands)).toEqual(['on-hold']);
    expect(commands).toContainEqual(expect.objectContaining({ type: 'alarm', code: 'robot-fault' }));
    ({ state, commands } = run(engine, state, [
      { type: 'robot', event: { type: 'robot-state', robotId: 'R1', state: report('B') } },
    ]));
    // It stands on the pickup: the pick is sent again at once.
    expect(transitions(commands)).toEqual(['picking']);
    expect(releases(commands)[0]?.nodes).toEqual([
      { nodeId: 'B', actions: [expect.objectContaining({ type: 'pick' })] },
    ]);
    expect(state.orders.o1?.status).toBe('picking');
  });

  it('when restored with an operator pause and an out-of-service robot, then neither takes the order; the third does', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A'), spec('R2', 'C'), spec('R3', 'E')]);
    const restored = engine.restore([], undefined, { paused: ['R1'], outOfService: ['R2'] });
    const { state } = run(engine, restored, [
      ...online('R1', 'A'),
      ...online('R2', 'C'),
      ...online('R3', 'E'),
      planned('o1'),
      tick,
    ]);
    expect(state.robots.R1).toMatchObject({ operatorPaused: true, outOfService: false });
    expect(state.robots.R2).toMatchObject({ operatorPaused: false, outOfService: true });
    expect(state.orders.o1?.robotId).toBe('R3');
  });

  it('when restored after a restart with the load on board, then the robot is sent on to the drop', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
    const restored = engine.restore([
      {
        id: 'o1',
        status: 'picking',
        fromStation: 'P',
        toStation: 'Q',
        priority: 1,
        createdAtMs: 0,
        robotId: 'R1',
      },
    ]);
    const { commands, state } = run(engine, restored, [
      { type: 'robot', event: { type: 'connection', robotId: 'R1', state: 'online' } },
      { type: 'robot', event: { type: 'robot-state', robotId: 'R1', state: report('B', { loads: ['o1'] }) } },
      tick,
    ]);
    expect(transitions(commands)).toEqual(['to-dropoff']);
    expect(releases(commands)[0]?.nodes.map((n) => n.nodeId)).toEqual(['B', 'C']);
    expect(state.robots.R1?.task?.kind).toBe('order-leg');
  });

  it('when restored mid-drop and the load is gone, then the order is delivered without another drop', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
    const restored = engine.restore([
      {
        id: 'o1',
        status: 'dropping',
        fromStation: 'P',
        toStation: 'Q',
        priority: 1,
        createdAtMs: 0,
        robotId: 'R1',
      },
    ]);
    const { commands } = run(engine, restored, [
      { type: 'robot', event: { type: 'connection', robotId: 'R1', state: 'online' } },
      { type: 'robot', event: { type: 'robot-state', robotId: 'R1', state: report('E') } },
      tick,
    ]);
    expect(transitions(commands)).toEqual(['delivered']);
    // No drop again; the robot, now idle, only leaves the bin's node (the plant has no parking spot).
    expect(releases(commands).flatMap((r) => r.nodes.flatMap((n) => n.actions))).toEqual([]);
  });

  it('when a step runs, then the input state is not mutated', () => {
    const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
    const start = run(engine, engine.initialState(), [...online('R1', 'A'), planned('o1')]).state;
    const frozen = JSON.stringify(start);
    engine.step(start, tick, 5);
    expect(JSON.stringify(start)).toBe(frozen);
  });

  it('when two orders drop at the same station, then the second waits until a robot drives there', () => {
    const base = lineLayout();
    const layout = {
      ...base,
      stations: [...base.stations, { id: 'S', nodeIds: ['C'], role: 'storage-bin' as const }],
    };
    const engine = createEngine(layout, [spec('R1', 'A'), spec('R2', 'D')]);
    const { state } = run(engine, engine.initialState(), [
      ...online('R1', 'A'),
      ...online('R2', 'D'),
      planned('o1', 'P', 'Q'),
      planned('o2', 'S', 'Q'),
      tick,
    ]);
    // Two robots are free, yet only one order may head for Q: a second would queue on the road before it.
    expect(state.orders.o1?.status).toBe('to-pickup');
    expect(state.orders.o2?.status).toBe('planned');
  });

  it('when an order has waited long, then it goes before a fresher order of higher priority', () => {
    const base = lineLayout();
    const layout = {
      ...base,
      stations: [...base.stations, { id: 'S', nodeIds: ['C'], role: 'storage-bin' as const }],
    };
    const engine = createEngine(layout, [spec('R1', 'A')]);
    const order = (id: string, from: string, priority: number, createdAtMs: number): EngineEvent => ({
      type: 'order-planned',
      order: { id, fromStation: from, toStation: 'Q', priority, createdAtMs },
    });
    const fresh = run(engine, engine.initialState(), [
      ...online('R1', 'A'),
      order('urgent', 'P', 2, 0),
      order('old', 'S', 1, 0),
      tick,
    ]);
    expect(fresh.state.orders.urgent?.status).toBe('to-pickup');
    // The same two orders, but the low-priority one has waited 5 minutes: it is not starved.
    const aged = run(engine, engine.initialState(), [
      ...online('R1', 'A'),
      order('urgent', 'P', 2, 0),
      order('old', 'S', 1, -300_000),
      tick,
    ]);
    expect(aged.state.orders.old?.status).toBe('to-pickup');
    expect(aged.state.orders.urgent?.status).toBe('planned');
  });

  describe('energy', () => {
    /** The line with a charger at A and a parking spot at D. */
    const plantWithCharger = (): Layout => {
      const base = lineLayout();
      return {
        ...base,
        stations: [
          ...base.stations,
          { id: 'CHG', nodeIds: ['A'], role: 'charger' },
          { id: 'PARK', nodeIds: ['D'], role: 'park' },
        ],
      };
    };
    const onlineAt = (id: string, node: string, extra: Partial<RobotStateReport>): EngineEvent[] => [
      { type: 'robot', event: { type: 'connection', robotId: id, state: 'online' } },
      { type: 'robot', event: { type: 'robot-state', robotId: id, state: report(node, extra) } },
    ];

    it('when a robot runs low, then it takes no order and drives to a charger with start-charging on arrival', () => {
      const engine = createEngine(plantWithCharger(), [spec('R1', 'C'), spec('R2', 'E')]);
      let { state, commands } = run(engine, engine.initialState(), [
        ...onlineAt('R1', 'C', { batteryPct: 20 }),
        ...onlineAt('R2', 'E', { batteryPct: 90 }),
        planned('o1'),
        tick,
      ]);
      expect(state.orders.o1?.robotId).toBe('R2'); // R1 is nearer the pickup, but too low to work
      expect(state.robots.R1?.task).toMatchObject({ kind: 'charge', goalNodeId: 'A', phase: 'travel' });
      ({ state, commands } = run(engine, state, [reached('R1', 'B'), tick]));
      const toCharger = releases(commands).find((r) => r.robotId === 'R1')!;
      expect(toCharger.nodes.map((n) => n.nodeId)).toEqual(['B', 'A']);
      expect(toCharger.nodes[1]!.actions.map((a) => a.type)).toEqual(['start-charging']);
      ({ state, commands } = run(engine, state, [reached('R1', 'A'), tick]));
      expect(state.robots.R1?.task).toMatchObject({ kind: 'charge', phase: 'charging' });
    });

    it('when a charging robot is above the leave threshold and an order comes, then it stops charging and goes', () => {
      const engine = createEngine(plantWithCharger(), [spec('R1', 'A')]);
      const { state, commands } = run(engine, engine.initialState(), [
        ...onlineAt('R1', 'A', { batteryPct: 70, charging: true }),
        planned('o1'),
        tick,
      ]);
      expect(state.orders.o1?.robotId).toBe('R1');
      const first = releases(commands)[0]!;
      expect(first.nodes[0]).toMatchObject({ nodeId: 'A', actions: [{ type: 'stop-charging' }] });
    });

    it('when a charging robot is below the leave threshold, then an order waits for another robot', () => {
      const engine = createEngine(plantWithCharger(), [spec('R1', 'A')]);
      let { state } = run(engine, engine.initialState(), [
        ...onlineAt('R1', 'A', { batteryPct: 20 }),
        tick, // sends it to charge where it stands
      ]);
      expect(state.robots.R1?.task).toMatchObject({ kind: 'charge', phase: 'charging' });
      ({ state } = run(engine, state, [
        {
          type: 'robot',
          event: {
            type: 'robot-state',
            robotId: 'R1',
            state: report('A', { batteryPct: 50, charging: true }),
          },
        },
        planned('o1'),
        tick,
      ]));
      expect(state.orders.o1?.status).toBe('planned');
      // Full: charging ends, the robot stays on the charger, idle, and takes the order.
      ({ state } = run(engine, state, [
        {
          type: 'robot',
          event: {
            type: 'robot-state',
            robotId: 'R1',
            state: report('A', { batteryPct: 96, charging: true }),
          },
        },
        tick,
      ]));
      expect(state.orders.o1?.robotId).toBe('R1');
    });

    it('when a robot is idle and below the opportunistic threshold, then it charges instead of parking', () => {
      const engine = createEngine(plantWithCharger(), [spec('R1', 'C'), spec('R2', 'E')]);
      const { state } = run(engine, engine.initialState(), [
        ...onlineAt('R1', 'C', { batteryPct: 50 }),
        ...onlineAt('R2', 'E', { batteryPct: 90 }),
        tick,
      ]);
      expect(state.robots.R1?.task).toMatchObject({ kind: 'charge', goalNodeId: 'A' });
      expect(state.robots.R2?.task).toMatchObject({ kind: 'park', goalNodeId: 'D' });
    });

    it('when every charger is taken and a robot runs low, then the fullest charging robot gives way', () => {
      const engine = createEngine(plantWithCharger(), [spec('R1', 'A'), spec('R2', 'C')]);
      const { state } = run(engine, engine.initialState(), [
        ...onlineAt('R1', 'A', { batteryPct: 85, charging: true }),
        ...onlineAt('R2', 'C', { batteryPct: 10 }),
        tick,
      ]);
      expect(state.robots.R2?.task).toMatchObject({ kind: 'charge', goalNodeId: 'A' });
      expect(state.robots.R1?.task).toMatchObject({ kind: 'park', goalNodeId: 'D' });
    });
  });

  describe('blocks', () => {
    /** S -> G two ways: via M1 (2 m) or via M2 (4 m); the pickup P at S, the drop Q at G. */
    const diamond = (): Layout => {
      const coords: Record<string, [number, number]> = { S: [0, 0], M1: [1, 0], M2: [0, 2], G: [2, 0] };
      const link = (a: string, b: string, lengthM: number): LayoutEdge[] => [
        { id: `${a}${b}`, from: a, to: b, lengthM },
        { id: `${b}${a}`, from: b, to: a, lengthM },
      ];
      return {
        id: 'diamond',
        name: 'diamond',
        version: '1',
        nodes: Object.entries(coords).map(([id, [x, y]]) => ({ id, x, y, mapId: 'm' })),
        edges: [...link('S', 'M1', 1), ...link('M1', 'G', 1), ...link('S', 'M2', 2), ...link('M2', 'G', 2)],
        stations: [
          { id: 'P', nodeIds: ['S'], role: 'line-output' },
          { id: 'Q', nodeIds: ['G'], role: 'storage-bin' },
        ],
      };
    };
    const block = (target: 'edge' | 'node', id: string, blocked = true): EngineEvent => ({
      type: 'block-changed',
      target,
      id,
      blocked,
    });
    const pickedAtS = (engine: ReturnType<typeof createEngine>) => {
      const first = run(engine, engine.initialState(), [...online('R1', 'S'), planned('o1'), tick]);
      const pick = releases(first.commands)[0]!.nodes[0]!.actions[0]!;
      return run(engine, first.state, [
        { type: 'robot', event: { type: 'action-finished', robotId: 'R1', actionId: pick.actionId } },
      ]).state;
    };

    it("when the edge on a robot's route is blocked, then traffic sends it the other way", () => {
      const engine = createEngine(diamond(), [spec('R1', 'S')]);
      const loaded = pickedAtS(engine);
      const open = run(engine, loaded, [tick]);
      expect(releases(open.commands)[0]?.nodes.map((n) => n.nodeId)).toEqual(['S', 'M1']);
      const blocked = run(engine, loaded, [block('edge', 'M1G'), tick]);
      expect(releases(blocked.commands)[0]?.nodes.map((n) => n.nodeId)).toEqual(['S', 'M2']);
      expect(blocked.state.blockedEdges).toEqual(['M1G']);
    });

    it('when a node is blocked, then no robot is released into it, and after unblocking it is again', () => {
      const engine = createEngine(diamond(), [spec('R1', 'S')]);
      const loaded = pickedAtS(engine);
      const blocked = run(engine, loaded, [block('node', 'M1'), tick]);
      expect(releases(blocked.commands)[0]?.nodes.map((n) => n.nodeId)).toEqual(['S', 'M2']);
      const both = run(engine, loaded, [block('node', 'M1'), block('node', 'M2'), tick]);
      expect(releases(both.commands)).toEqual([]);
      expect(both.commands).toContainEqual(expect.objectContaining({ type: 'alarm', code: 'route-blocked' }));
      const reopened = run(engine, both.state, [block('node', 'M1', false), tick]);
      expect(releases(reopened.commands)[0]?.nodes.map((n) => n.nodeId)).toEqual(['S', 'M1']);
      expect(reopened.state.blockedNodes).toEqual(['M2']);
    });

    it('when an unknown edge is blocked, then an alarm names it and nothing changes', () => {
      const engine = createEngine(diamond(), [spec('R1', 'S')]);
      const { state, commands } = run(engine, engine.initialState(), [block('edge', 'nope')]);
      expect(state.blockedEdges).toEqual([]);
      expect(commands).toContainEqual(
        expect.objectContaining({ type: 'alarm', code: 'unknown-layout-element' }),
      );
    });
  });

  describe('reassignment', () => {
    const at = (
      engine: ReturnType<typeof createEngine>,
      state: EngineState,
      event: EngineEvent,
      now: number,
    ) => engine.step(state, event, now);
    const stateOf = (robotId: string, state: RobotStateReport): EngineEvent => ({
      type: 'robot',
      event: { type: 'robot-state', robotId, state },
    });

    it('when a robot faults before its pickup, then after the grace period its order goes to another robot', () => {
      const engine = createEngine(lineLayout(), [spec('R1', 'D'), spec('R2', 'E')]);
      let { state } = run(engine, engine.initialState(), [...online('R1', 'D'), planned('o1'), tick]);
      expect(state.orders.o1?.robotId).toBe('R1'); // and drives D -> C, an edge without the pick
      const fault = report('D', { errors: [{ code: 'E-STOP', level: 'fatal', message: 'emergency stop' }] });
      ({ state } = at(engine, state, stateOf('R1', fault), 10_000));
      expect(state.orders.o1?.status).toBe('on-hold');
      ({ state } = at(engine, state, online('R2', 'E')[0]!, 10_001));
      ({ state } = at(engine, state, online('R2', 'E')[1]!, 10_002));
      ({ state } = at(engine, state, tick, 30_000)); // 20 s held: still waiting for R1
      expect(state.orders.o1?.status).toBe('on-hold');
      const late = at(engine, state, tick, 40_001); // 30 s held: reassigned
      expect(late.state.orders.o1).toMatchObject({ status: 'to-pickup', robotId: 'R2' });
      expect(late.state.robots.R1?.task).toBeUndefined();
      expect(transitions(late.commands)).toEqual(['planned', 'assigned', 'to-pickup']);
    });

    it('when a robot faults driving onto the pickup with the pick, then its order waits for it', () => {
      const engine = createEngine(lineLayout(), [spec('R1', 'A'), spec('R2', 'E')]);
      let { state } = run(engine, engine.initialState(), [...online('R1', 'A'), planned('o1'), tick]);
      const fault = report('A', { errors: [{ code: 'E-STOP', level: 'fatal', message: 'emergency stop' }] });
      ({ state } = at(engine, state, stateOf('R1', fault), 10_000));
      ({ state } = at(engine, state, tick, 120_000));
      expect(state.orders.o1).toMatchObject({ status: 'on-hold', robotId: 'R1' });
    });

    it('when a robot faults with the load on board, then its order waits for it', () => {
      const engine = createEngine(lineLayout(), [spec('R1', 'B'), spec('R2', 'E')]);
      let { state } = run(engine, engine.initialState(), [
        ...online('R1', 'B'),
        ...online('R2', 'E'),
        planned('o1'),
        tick,
      ]);
      const loadedFault = report('B', {
        loads: ['o1'],
        errors: [{ code: 'E-STOP', level: 'fatal', message: 'emergency stop' }],
      });
      ({ state } = at(engine, state, stateOf('R1', loadedFault), 10_000));
      ({ state } = at(engine, state, tick, 120_000));
      expect(state.orders.o1).toMatchObject({ status: 'on-hold', robotId: 'R1' });
    });

    it('when a much nearer robot becomes free, then an order not yet picked up moves to it', () => {
      const engine = createEngine(lineLayout(), [spec('R1', 'E'), spec('R2', 'A')], {
        reassign: { betterBySeconds: 1 },
      });
      let { state } = run(engine, engine.initialState(), [...online('R1', 'E'), planned('o1'), tick]);
      expect(state.orders.o1?.robotId).toBe('R1'); // the only robot: 3 s from B
      ({ state } = run(engine, state, [reached('R1', 'D')]));
      const revised = run(engine, state, [...online('R2', 'A'), tick]); // R2 is 1 s from B, R1 2 s
      expect(revised.state.orders.o1).toMatchObject({ status: 'to-pickup', robotId: 'R2' });
      expect(revised.state.robots.R1?.task).toBeUndefined();
    });
  });

  describe('supervisor interventions', () => {
    const intervene = (robotId: string, action: RobotIntervention): EngineEvent => ({
      type: 'robot-intervention',
      robotId,
      action,
      by: 'supervisor:test',
    });
    const robotCommands = (commands: readonly EngineCommand[]) =>
      commands.flatMap((c) => (c.type === 'robot' ? [c.command] : []));
    /** The line with a charger at A and a parking spot at D. */
    const plantWithCharger = (): Layout => {
      const base = lineLayout();
      return {
        ...base,
        stations: [
          ...base.stations,
          { id: 'CHG', nodeIds: ['A'], role: 'charger' },
          { id: 'PARK', nodeIds: ['D'], role: 'park' },
        ],
      };
    };
    /** R1 at E works o1 (pickup at B): released E -> D, an edge without the pick. */
    const drivingToPickup = (engine: ReturnType<typeof createEngine>) => {
      const r = run(engine, engine.initialState(), [...online('R1', 'E'), planned('o1'), tick]);
      expect(r.state.robots.R1?.moving).toMatchObject({ from: 'E', to: 'D' });
      expect(r.state.robots.R1?.moving?.actionId).toBeUndefined();
      return r.state;
    };

    it('when a supervisor pauses a robot, then it is sent pause and traffic releases nothing to it until it is resumed, whatever it reports', () => {
      const engine = createEngine(lineLayout(), [spec('R1', 'E')]);
      let state = drivingToPickup(engine);
      let commands: EngineCommand[];
      ({ state, commands } = run(engine, state, [intervene('R1', 'pause')]));
      expect(robotCommands(commands)).toEqual([{ type: 'pause', robotId: 'R1' }]);
      expect(state.robots.R1?.operatorPaused).toBe(true);
      // It reaches D and reports itself not paused (the pause came after): still nothing is released.
      ({ state, commands } = run(engine, state, [
        reached('R1', 'D'),
        { type: 'robot', event: { type: 'robot-state', robotId: 'R1', state: report('D') } },
        tick,
        tick,
      ]));
      expect(releases(commands)).toEqual([]);
      expect(state.robots.R1?.operatorPaused).toBe(true);
      expect(state.orders.o1).toMatchObject({ status: 'to-pickup', robotId: 'R1' }); // its order stays

      ({ state, commands } = run(engine, state, [intervene('R1', 'resume')]));
      expect(robotCommands(commands)).toEqual([{ type: 'resume', robotId: 'R1' }]);
      expect(state.robots.R1?.operatorPaused).toBe(false);
      ({ commands } = run(engine, state, [tick]));
      expect(releases(commands).map((r) => r.nodes.map((n) => n.nodeId))).toEqual([['D', 'C']]);
    });

    it('when an idle robot is paused by a supervisor, then an order goes to another robot even if farther', () => {
      const engine = createEngine(lineLayout(), [spec('R1', 'A'), spec('R2', 'E')]);
      const { state } = run(engine, engine.initialState(), [
        ...online('R1', 'A'),
        ...online('R2', 'E'),
        intervene('R1', 'pause'),
        planned('o1'),
        tick,
      ]);
      expect(state.orders.o1?.robotId).toBe('R2');
    });

    it('when a supervisor sends an idle robot to charge, then it gets a charge task to the nearest free charger', () => {
      const engine = createEngine(plantWithCharger(), [spec('R1', 'C')]);
      let { state, commands } = run(engine, engine.initialState(), [...online('R1', 'C')]);
      ({ state, commands } = run(engine, state, [intervene('R1', 'charge')]));
      expect(state.robots.R1?.task).toMatchObject({ kind: 'charge', goalNodeId: 'A', phase: 'travel' });
      // At 90 % it would otherwise park at D (no charging needed).
      ({ state, commands } = run(engine, state, [tick]));
      expect(releases(commands).map((r) => r.nodes.map((n) => n.nodeId))).toEqual([['C', 'B']]);
      ({ state, commands } = run(engine, state, [reached('R1', 'B'), tick]));
      expect(releases(commands)[0]?.nodes[1]?.actions.map((a) => a.type)).toEqual(['start-charging']);
    });

    it('when a supervisor sends a robot with an order to charge or park, then it is refused and nothing changes', () => {
      const engine = createEngine(plantWithCharger(), [spec('R1', 'E')]);
      const state = drivingToPickup(engine);
      for (const action of ['charge', 'park'] as const) {
        const result = engine.step(state, intervene('R1', action), 5_000);
        expect(result.refusal).toMatchObject({
          reason: 'not-allowed',
          detail: expect.stringContaining('o1'),
        });
        expect(result.commands).toEqual([]);
        expect(result.state.robots).toBe(state.robots);
        expect(result.state.orders).toBe(state.orders);
      }
    });

    it('when a supervisor intervenes on a robot the fleet does not have, then it is refused as unknown', () => {
      const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
      const result = engine.step(engine.initialState(), intervene('R9', 'pause'), 1_000);
      expect(result.refusal?.reason).toBe('unknown-robot');
      expect(result.commands).toEqual([]);
    });

    it('when a supervisor parks an idle robot, then it drives to its home node', () => {
      const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
      let { state, commands } = run(engine, engine.initialState(), [...online('R1', 'C')]);
      ({ state, commands } = run(engine, state, [intervene('R1', 'park'), tick]));
      expect(state.robots.R1?.task).toEqual({ kind: 'park', goalNodeId: 'A' });
      expect(releases(commands).map((r) => r.nodes.map((n) => n.nodeId))).toEqual([['C', 'B']]);
      ({ state } = run(engine, state, [reached('R1', 'B'), tick, reached('R1', 'A')]));
      expect(state.robots.R1?.nodeId).toBe('A');
      expect(state.robots.R1?.task).toBeUndefined();
    });

    it('when a robot is out of service, then it takes no new order until it is back in service', () => {
      const engine = createEngine(lineLayout(), [spec('R1', 'A')]);
      let { state } = run(engine, engine.initialState(), [
        ...online('R1', 'A'),
        intervene('R1', 'out-of-service'),
        planned('o1'),
        tick,
        tick,
      ]);
      expect(state.robots.R1?.outOfService).toBe(true);
      expect(state.orders.o1?.status).toBe('planned');
      ({ state } = run(engine, state, [intervene('R1', 'into-service'), tick]));
      expect(state.robots.R1?.outOfService).toBe(false);
      expect(state.orders.o1).toMatchObject({ status: 'to-pickup', robotId: 'R1' });
    });

    it('when a robot driving to its pickup is taken out of service, then its task is cancelled and the order goes to another robot', () => {
      const engine = createEngine(lineLayout(), [spec('R1', 'E'), spec('R2', 'A')]);
      const out = run(engine, drivingToPickup(engine), [intervene('R1', 'out-of-service')]);
      let state = out.state;
      const commands = out.commands;
      expect(robotCommands(commands)).toEqual([{ type: 'cancel-task', robotId: 'R1' }]);
      expect(commands).toContainEqual(
        expect.objectContaining({
          type: 'order-transition',
          orderId: 'o1',
          to: 'planned',
          by: 'supervisor:test',
        }),
      );
      expect(state.robots.R1?.task).toBeUndefined();
      expect(state.robots.R1?.moving).toMatchObject({ to: 'D', cancelled: true }); // it ends its edge
      ({ state } = run(engine, state, [...online('R2', 'A'), tick]));
      expect(state.orders.o1).toMatchObject({ status: 'to-pickup', robotId: 'R2' });
    });

    it('when a robot with its load on board is taken out of service, then it keeps the order and delivers it', () => {
      const engine = createEngine(lineLayout(), [spec('R1', 'B'), spec('R2', 'A')]);
      let { state, commands } = run(engine, engine.initialState(), [
        ...online('R1', 'B'),
        planned('o1'),
        tick,
      ]);
      const pick = releases(commands)[0]!.nodes[0]!.actions[0]!;
      ({ state, commands } = run(engine, state, [
        { type: 'robot', event: { type: 'action-finished', robotId: 'R1', actionId: pick.actionId } },
        ...online('R2', 'A'),
        intervene('R1', 'out-of-service'),
        tick,
      ]));
      expect(robotCommands(commands).map((c) => c.type)).not.toContain('cancel-task');
      expect(state.robots.R1?.outOfService).toBe(true);
      expect(transitions(commands)).toEqual(['to-dropoff']);
      expect(state.orders.o1).toMatchObject({ status: 'to-dropoff', robotId: 'R1' });
      expect(releases(commands).map((r) => r.robotId)).toEqual(['R1']);
    });
  });
});
