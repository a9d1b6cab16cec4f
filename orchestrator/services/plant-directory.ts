import type { Layout, Station, StationRole } from '../domain/layout.ts';
import type { LocationRef } from '../domain/transport-order.ts';

/** Look-ups of plant codes (locations and zones) for request validation and order derivation. */
export class PlantDirectory {
  private readonly stations: ReadonlyMap<string, Station>;
  private readonly zones: ReadonlySet<string>;

  constructor(readonly layout: Layout) {
    this.stations = new Map(layout.stations.map((s) => [s.id, s]));
    this.zones = new Set(layout.stations.flatMap((s) => (s.zone ? [s.zone] : [])));
  }

  hasLocation(code: string): boolean {
    return this.stations.has(code);
  }

  hasZone(code: string): boolean {
    return this.zones.has(code);
  }

  /** Where a move to a station of this role goes: its zone when the stations share one, else the first station. */
  destinationForRole(role: StationRole): LocationRef | undefined {
    const stations = this.layout.stations.filter((s) => s.role === role);
    const first = stations[0];
    if (!first) return undefined;
    const zone = first.zone;
    return zone !== undefined && stations.every((s) => s.zone === zone) ? { zone } : { location: first.id };
  }
}
