import type { ImportWarning, Layout, NodeId, VehicleTypeId } from '../domain/layout.ts';
import type { RobotSpec } from '../domain/robot.ts';

/**
 * `station-unreachable` warnings: for each vehicle type of the fleet, every station whose node that type
 * may use but cannot both reach from the type's home nodes and leave again to get back (a one-way edge
 * the wrong way, a node closed to the type on every approach). The message names station and type, so the
 * layout can be fixed before an order is ever sent there. Stations closed to a type are not its business.
 */
export function unreachableStations(
  layout: Layout,
  fleet: readonly Pick<RobotSpec, 'vehicleType' | 'homeNode'>[],
): ImportWarning[] {
  const warnings: ImportWarning[] = [];
  const nodeTypes = new Map(layout.nodes.map((n) => [n.id, n.vehicleTypes]));
  const allows = (types: readonly VehicleTypeId[] | undefined, type: VehicleTypeId): boolean =>
    types === undefined || types.includes(type);
  const types = [...new Set(fleet.map((r) => r.vehicleType))].sort();
  for (const type of types) {
    const forward = new Map<NodeId, NodeId[]>();
    const backward = new Map<NodeId, NodeId[]>();
    for (const e of layout.edges) {
      if (!allows(e.vehicleTypes, type) || !allows(nodeTypes.get(e.to), type)) continue;
      if (!allows(nodeTypes.get(e.from), type)) continue;
      forward.set(e.from, [...(forward.get(e.from) ?? []), e.to]);
      backward.set(e.to, [...(backward.get(e.to) ?? []), e.from]);
    }
    const homes = fleet.filter((r) => r.vehicleType === type).map((r) => r.homeNode);
    const reached = closure(homes, forward);
    const returns = closure(homes, backward);
    for (const station of layout.stations) {
      const node = station.nodeIds[0];
      if (node === undefined || !allows(nodeTypes.get(node), type)) continue;
      if (reached.has(node) && returns.has(node)) continue;
      warnings.push({
        code: 'station-unreachable',
        message: `station ${station.id} cannot be ${reached.has(node) ? 'left again' : 'reached'} by vehicle type ${type} from its robots' home nodes`,
        path: station.id,
      });
    }
  }
  return warnings;
}

/** Every node reachable from `starts` along `links`. */
function closure(starts: readonly NodeId[], links: ReadonlyMap<NodeId, readonly NodeId[]>): Set<NodeId> {
  const seen = new Set(starts);
  const stack = [...starts];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    for (const next of links.get(node) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(next);
    }
  }
  return seen;
}
