import { describe, expect, it } from 'vitest';
import { layoutOf, orderFor, robot } from './test-layouts.ts';
import { VirtualFleet } from './virtual-fleet.ts';

/** a - b - c, 1 m apart, two-way. */
const line = layoutOf({ a: [0, 0], b: [1, 0], c: [2, 0] }, [
  ['a', 'b'],
  ['b', 'c'],
]);

/** Drives a robot past the engine, straight through the simulated adapter. */
function drive(fleet: VirtualFleet, robotId: string, from: string, to: string): void {
  fleet.adapter.execute({
    type: 'release-segment',
    robotId,
    taskId: `${robotId}/forced`,
    nodes: [
      { nodeId: from, actions: [] },
      { nodeId: to, actions: [] },
    ],
    edgeIds: [`${from}>${to}`],
  });
}

describe('virtual fleet checks', () => {
  it('when a robot is driven onto a node another robot holds, then a collision is counted there', async () => {
    const fleet = new VirtualFleet({ layout: line, fleet: [robot('A', 'a'), robot('B', 'b')] });
    await fleet.start();
    fleet.run(250);
    expect(fleet.collisions).toEqual([]);
    drive(fleet, 'A', 'a', 'b');
    fleet.run(500);
    expect(fleet.collisions.map((c) => c.nodeId)).toContain('b');
  });

  it('when two robots are driven along one edge in opposite directions, then the swap is counted', async () => {
    const fleet = new VirtualFleet({ layout: line, fleet: [robot('A', 'a'), robot('B', 'b')] });
    await fleet.start();
    drive(fleet, 'A', 'a', 'b');
    drive(fleet, 'B', 'b', 'a');
    fleet.run(250);
    expect(fleet.collisions.map((c) => c.nodeId)).toContain('b<->a');
  });

  it('when two robots must trade places on a corridor with no room to pass, then both are counted in a deadlock', async () => {
    const corridor = layoutOf({ a: [0, 0], b: [1, 0] }, [['a', 'b']]);
    const fleet = new VirtualFleet({
      layout: corridor,
      fleet: [robot('A', 'a'), robot('B', 'b')],
      actionDurationMs: 1000,
    });
    await fleet.start();
    orderFor(fleet, 'A', 'a', 'b');
    orderFor(fleet, 'B', 'b', 'a');
    fleet.run(50_000);
    expect(fleet.deadlocks).toBe(0);
    fleet.run(20_000);
    expect(fleet.deadlocks, fleet.alarms.join('\n')).toBe(2);
    expect(fleet.stalls).toBe(2);
    fleet.run(120_000);
    expect(fleet.deadlocks, 'each episode counts once').toBe(2);
  });

  it('when a robot waits behind a paused one, then it is stalled but not deadlocked', async () => {
    // a - b - c - d, with a side pocket e off b where B can make way once it may move again.
    const track = layoutOf({ a: [0, 0], b: [1, 0], c: [2, 0], d: [3, 0], e: [1, 1] }, [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['b', 'e'],
    ]);
    const fleet = new VirtualFleet({
      layout: track,
      fleet: [robot('A', 'a'), robot('B', 'b')],
      actionDurationMs: 1000,
    });
    await fleet.start();
    fleet.adapter.execute({ type: 'pause', robotId: 'B' });
    fleet.run(1000);
    orderFor(fleet, 'A', 'a', 'd');
    fleet.run(100_000);
    expect(fleet.stalls, fleet.alarms.join('\n')).toBe(1);
    expect(fleet.deadlocks, fleet.alarms.join('\n')).toBe(0);
    fleet.adapter.execute({ type: 'resume', robotId: 'B' });
    fleet.run(30_000);
    expect(fleet.statusOf('o-A')).toBe('delivered');
  });
});
