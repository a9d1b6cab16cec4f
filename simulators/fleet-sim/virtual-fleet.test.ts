import { describe, expect, it } from 'vitest';
import type { Layout } from '../../orchestrator/domain/layout.ts';
import type { RobotSpec } from '../../orchestrator/domain/robot.ts';
import { VirtualFleet } from './virtual-fleet.ts';

/** a - b - c, 1 m apart, two-way. */
const line: Layout = {
  id: 'line',
  name: 'line',
  version: '1',
  nodes: ['a', 'b', 'c'].map((id, i) => ({ id, x: i, y: 0, mapId: 'm' })),
  edges: [
    { id: 'a>b', from: 'a', to: 'b', lengthM: 1 },
    { id: 'b>a', from: 'b', to: 'a', lengthM: 1 },
    { id: 'b>c', from: 'b', to: 'c', lengthM: 1 },
    { id: 'c>b', from: 'c', to: 'b', lengthM: 1 },
  ],
  stations: [],
};
const robot = (id: string, homeNode: string): RobotSpec => ({
  id,
  vehicleType: 'amr',
  adapter: 'sim',
  homeNode,
  maxSpeedMps: 1,
  loadTypes: ['pallet'],
  maxPayloadKg: 500,
});

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
