/**
 * The route and travel-time look-ups the live view needs (`LiveRoutes`), and their implementation over the
 * engine's context (`engineRoutes`).
 */
import type { NodeId, StationId, VehicleTypeId } from '../domain/layout.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import type { LiveBlocks } from '../http/live-contract.ts';

/** Cached planned routes before the cache starts over. */
const ROUTE_CACHE_MAX = 5000;
/** The longest planned route a robot is shown with, nodes. */
const MAX_PLANNED_NODES = 1000;

/** Route and travel-time look-ups over the layout, with the blocks in force. */
export interface LiveRoutes {
  /** The nodes after `from` up to and including `goal` a robot of this type drives; undefined: no route. */
  path(vehicleType: VehicleTypeId, from: NodeId, goal: NodeId): readonly NodeId[] | undefined;
  /** Travel time at the type's top speed, seconds; Infinity when unreachable. */
  seconds(vehicleType: VehicleTypeId, from: NodeId, goal: NodeId): number;
  /** The node a robot stands on to work at a station. */
  stationNode(station: StationId): NodeId | undefined;
}

/**
 * `LiveRoutes` over the engine's context with the blocks in force. A planned path descends the engine's
 * travel-time table for the goal (the table traffic ranks steps by, guidance included) one node at a
 * time; it is cached per vehicle type, start, goal and blocks.
 */
export function engineRoutes(context: EngineContext, blocks: () => LiveBlocks): LiveRoutes {
  let cache: { closed: ReadonlySet<string>; paths: Map<string, readonly NodeId[] | undefined> } | undefined;
  const closedNow = (): ReadonlySet<string> => {
    const now = blocks();
    return context.closedEdges(now.edges, now.nodes);
  };
  const descend = (type: VehicleTypeId, from: NodeId, goal: NodeId, closed: ReadonlySet<string>) => {
    const tables = context.distances(closed);
    let left = tables.seconds(type, goal, from);
    if (!Number.isFinite(left)) return undefined;
    const path: NodeId[] = [];
    let at = from;
    while (at !== goal && path.length < MAX_PLANNED_NODES) {
      let best: { node: NodeId; s: number } | undefined;
      for (const node of context.nextNodes(at, type, closed)) {
        const s = tables.seconds(type, goal, node);
        if (s < (best?.s ?? left)) best = { node, s };
      }
      // No strictly closer neighbour (zero-length edges): the rest of the way is drawn as a jump.
      if (!best) break;
      path.push(best.node);
      at = best.node;
      left = best.s;
    }
    if (at !== goal) path.push(goal);
    return path;
  };
  return {
    path(vehicleType, from, goal) {
      const closed = closedNow();
      if (cache?.closed !== closed || cache.paths.size > ROUTE_CACHE_MAX)
        cache = { closed, paths: new Map() };
      const key = `${vehicleType}\u0000${from}\u0000${goal}`;
      if (cache.paths.has(key)) return cache.paths.get(key);
      const path = descend(vehicleType, from, goal, closed);
      cache.paths.set(key, path);
      return path;
    },
    seconds(vehicleType, from, goal) {
      return context.distances(closedNow()).seconds(vehicleType, goal, from);
    },
    stationNode: (station) => context.stationNode(station),
  };
}
