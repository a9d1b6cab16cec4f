import type { Layout, LayoutEdge } from '../../orchestrator/domain/layout.ts';
import type { RobotSpec } from '../../orchestrator/domain/robot.ts';
import type { VirtualFleet } from './virtual-fleet.ts';

// Small hand-made layouts and robots for the fleet simulator's tests.

/** A layout from two-way links between named nodes at grid coordinates; every node is a station `S-<node>`. */
export function layoutOf(coords: Record<string, [number, number]>, links: [string, string][]): Layout {
  const edges: LayoutEdge[] = links.flatMap(([a, b]) => {
    const [ax, ay] = coords[a]!;
    const [bx, by] = coords[b]!;
    const lengthM = Math.hypot(ax - bx, ay - by);
    return [
      { id: `${a}>${b}`, from: a, to: b, lengthM },
      { id: `${b}>${a}`, from: b, to: a, lengthM },
    ];
  });
  return {
    id: 'trap',
    name: 'trap',
    version: '1',
    nodes: Object.entries(coords).map(([id, [x, y]]) => ({ id, x, y, mapId: 'm' })),
    edges,
    stations: Object.keys(coords).map((id) => ({
      id: `S-${id}`,
      nodeIds: [id],
      role: 'storage-bin' as const,
    })),
  };
}

export const robot = (id: string, homeNode: string): RobotSpec => ({
  id,
  vehicleType: 'amr',
  adapter: 'sim',
  homeNode,
  maxSpeedMps: 1,
  loadTypes: ['pallet'],
  maxPayloadKg: 500,
});

/** Gives robot `id` the order `o-<id>`: pick up at the station on node `from`, drop at the one on `to`. */
export function orderFor(fleet: VirtualFleet, id: string, from: string, to: string, createdAtMs = 0): void {
  fleet.submit({
    type: 'order-planned',
    order: {
      id: `o-${id}`,
      fromStation: `S-${from}`,
      toStation: `S-${to}`,
      priority: 1,
      createdAtMs,
      intendedRobot: id,
    },
  });
}
