import { describe, expect, it } from 'vitest';
import { layoutOf, robot } from './test-layouts.ts';
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
});
