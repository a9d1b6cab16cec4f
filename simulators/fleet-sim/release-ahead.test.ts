import { describe, expect, it } from 'vitest';
import { nodesHeldBy, type EngineState } from '../../orchestrator/engine/engine-types.ts';
import { createTaskStream } from './task-stream.ts';
import { layoutOf, robot } from './test-layouts.ts';
import { VirtualFleet } from './virtual-fleet.ts';

/** A 5 x 4 grid, 1 m apart, two-way; every node a station. */
function grid(): ReturnType<typeof layoutOf> {
  const coords: Record<string, [number, number]> = {};
  const links: [string, string][] = [];
  for (let x = 0; x < 5; x += 1)
    for (let y = 0; y < 4; y += 1) {
      coords[`n${x}${y}`] = [x, y];
      if (x > 0) links.push([`n${x - 1}${y}`, `n${x}${y}`]);
      if (y > 0) links.push([`n${x}${y - 1}`, `n${x}${y}`]);
    }
  return layoutOf(coords, links);
}

/** Who holds which node in the engine's view; throws on a node held twice or a robot holding more than 3. */
function holders(state: EngineState): Map<string, string> {
  const held = new Map<string, string>();
  for (const r of Object.values(state.robots)) {
    const nodes = r.moving ? nodesHeldBy(r.moving) : r.nodeId === undefined ? [] : [r.nodeId];
    if (nodes.length > 3) throw new Error(`${r.spec.id} holds ${nodes.join(', ')}`);
    for (const n of nodes) {
      const other = held.get(n);
      if (other !== undefined && other !== r.spec.id)
        throw new Error(`${n} held by ${other} and ${r.spec.id}`);
      held.set(n, r.spec.id);
    }
  }
  return held;
}

describe('release ahead in the virtual fleet', () => {
  it('when robots with releaseAhead run random orders on a crowded grid, then no node is ever held twice and none collide', async () => {
    const layout = grid();
    const homes = ['n00', 'n22', 'n40', 'n13', 'n31', 'n03', 'n43', 'n20'];
    const fleet = new VirtualFleet({
      layout,
      fleet: homes.map((home, i) => ({ ...robot(`R${i}`, home), releaseAhead: true })),
      actionDurationMs: 1000,
    });
    await fleet.start();
    const stream = createTaskStream({ seed: 7, candidates: layout.nodes.map((n) => n.id) });
    const submit = (): void => {
      const task = stream.next();
      fleet.submit({
        type: 'order-planned',
        order: {
          id: task.id,
          fromStation: `S-${task.pickup}`,
          toStation: `S-${task.drop}`,
          priority: 1,
          createdAtMs: fleet.nowMs,
        },
      });
    };
    for (const _ of homes) submit();
    let submitted = homes.length;
    let ahead = 0;
    for (let step = 0; step < 4_800; step += 1) {
      fleet.run(250, (f) => {
        for (; submitted < f.finished + homes.length; submitted += 1) submit();
      });
      expect(() => holders(fleet.state)).not.toThrow();
      ahead += Object.values(fleet.state.robots).filter((r) => r.moving?.next !== undefined).length;
    }
    expect(fleet.collisions).toEqual([]);
    expect(fleet.deadlocks, fleet.alarms.join('\n')).toBe(0);
    expect(fleet.livelocks, fleet.alarms.join('\n')).toBe(0);
    expect(ahead, 'robots were released ahead').toBeGreaterThan(100);
    expect([...fleet.orders.values()].filter((o) => o.deliveredAtMs !== undefined).length).toBeGreaterThan(
      50,
    );
  });
});
