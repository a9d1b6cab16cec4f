import type { Layout, NodeId, Station, StationId } from '../domain/layout.ts';
import type { RobotSpec } from '../domain/robot.ts';
import { Router } from '../routing/router.ts';

/**
 * What the engine derives once from its configuration: the router and station look-ups. Immutable, so a
 * `step` that reads it stays pure.
 */
export class EngineContext {
  readonly router: Router;
  private readonly stations: ReadonlyMap<StationId, Station>;

  constructor(
    readonly layout: Layout,
    readonly fleet: readonly RobotSpec[],
  ) {
    this.router = new Router(layout);
    this.stations = new Map(layout.stations.map((s) => [s.id, s]));
  }

  station(id: StationId): Station | undefined {
    return this.stations.get(id);
  }

  /** The node a robot stands on to work at a station (its first interaction node). */
  stationNode(id: StationId): NodeId | undefined {
    return this.stations.get(id)?.nodeIds[0];
  }
}
