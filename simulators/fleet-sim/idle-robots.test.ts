import { describe, expect, it } from 'vitest';
import { fourSpotPlant } from '../../orchestrator/engine/engine-test-kit.ts';
import { robot } from './test-layouts.ts';
import { VirtualFleet } from './virtual-fleet.ts';

describe('idle robots in virtual time', () => {
  it('when a fifth robot finishes an order on a plant with four parking spots, all taken, then it drives off the bin and waits on a node no station uses', async () => {
    const layout = fourSpotPlant();
    const fleet = new VirtualFleet({
      layout,
      fleet: [...[1, 2, 3, 4].map((i) => robot(`R${i}`, `P${i}`)), robot('R5', 'R4')],
      actionDurationMs: 1000,
    });
    await fleet.start();
    fleet.submit({
      type: 'order-planned',
      order: {
        id: 'o1',
        fromStation: 'BIN-1',
        toStation: 'BIN-2',
        priority: 1,
        createdAtMs: fleet.nowMs,
        intendedRobot: 'R5',
      },
    });
    fleet.run(60_000);
    expect(fleet.statusOf('o1')).toBe('delivered');
    const stationNodes = new Set(layout.stations.flatMap((s) => s.nodeIds));
    const physical = fleet.adapter.snapshotDetailed().find((r) => r.id === 'R5')!;
    expect(physical.node).toBe('X2');
    expect(physical.edge).toBeUndefined();
    expect(stationNodes.has(physical.node)).toBe(false);
    expect(fleet.state.robots.R5?.task).toBeUndefined();
    expect(fleet.collisions).toEqual([]);
  });
});
