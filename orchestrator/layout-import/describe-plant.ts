/**
 * A plant as read, as text for a person: what `npm run check-plant` prints.
 */
import { STATION_ROLES, type ImportWarning, type Station } from '../domain/layout.ts';
import type { RobotSpec } from '../domain/robot.ts';
import type { Plant } from '../domain/site.ts';

/** Station codes listed per role and zone; more are counted, not listed (a grid map has thousands). */
const MAX_CODES = 100;
/** Width, characters, at which code lists wrap. */
const WIDTH = 100;

/** The plant in sections: layout, stations by role, zones, fleet, warnings. */
export function describePlant(plant: Plant, warnings: readonly ImportWarning[]): string[] {
  const { layout, fleet } = plant;
  const maps = [...new Set(layout.nodes.map((n) => n.mapId))];
  const lines = [
    `Layout "${layout.name}" (id ${layout.id}, version ${layout.version})`,
    `  ${layout.nodes.length} nodes, ${layout.edges.length} edges, ${layout.stations.length} stations; map${maps.length === 1 ? '' : 's'} ${maps.join(', ')}`,
    '',
    `Stations by role`,
  ];
  for (const role of STATION_ROLES) {
    const stations = layout.stations.filter((s) => s.role === role);
    if (stations.length > 0)
      lines.push(...codeList(`  ${role.padEnd(13)}${String(stations.length).padStart(4)}  `, stations));
  }
  const zones = [...new Set(layout.stations.flatMap((s) => (s.zone === undefined ? [] : [s.zone])))].sort();
  lines.push('', zones.length === 0 ? 'Zones: none' : 'Zones');
  for (const zone of zones) {
    const stations = layout.stations.filter((s) => s.zone === zone);
    lines.push(...codeList(`  ${zone.padEnd(13)}${String(stations.length).padStart(4)}  `, stations));
  }
  lines.push(
    '',
    fleet.length === 0
      ? 'Fleet: none (no SITE, or a site without fleet): the orchestrator would run without robots'
      : `Fleet (${fleet.length} robot${fleet.length === 1 ? '' : 's'})`,
  );
  const idWidth = Math.max(...fleet.map((r) => r.id.length), 2);
  const typeWidth = Math.max(...fleet.map((r) => r.vehicleType.length), 4);
  const stationAt = new Map(layout.stations.flatMap((s) => s.nodeIds.map((n) => [n, s.id] as const)));
  for (const robot of fleet) {
    const at = stationAt.get(robot.homeNode);
    const home = `home ${robot.homeNode}${at !== undefined ? ` (${at})` : ''}`;
    lines.push(
      `  ${robot.id.padEnd(idWidth)}  ${robot.adapter.padEnd(10)}${robot.vehicleType.padEnd(typeWidth)}  ${home}  ${robotDetails(robot)}`,
    );
  }
  lines.push('', warnings.length === 0 ? 'Warnings: none' : `Warnings (${warnings.length})`);
  for (const w of warnings)
    lines.push(`  ${w.path !== undefined ? `${w.path}: ` : ''}${w.message} [${w.code}]`);
  return lines;
}

function robotDetails(robot: RobotSpec): string {
  const parts = [
    `${robot.maxSpeedMps} m/s`,
    `loads ${robot.loadTypes.join('/')}`,
    `${robot.maxPayloadKg} kg`,
  ];
  if (robot.vda5050 !== undefined) {
    const profile = robot.vda5050.profile;
    const shown = profile === undefined ? 'spec' : typeof profile === 'string' ? profile : 'custom';
    parts.push(`vda5050 ${robot.vda5050.manufacturer}/${robot.vda5050.serialNumber} profile ${shown}`);
  }
  if (robot.rosbridge !== undefined) {
    const ros = robot.rosbridge;
    parts.push(`rosbridge ${ros.url} ${ros.profile}${ros.namespace ? ` ${ros.namespace}` : ''}`);
  }
  if (robot.releaseAhead !== undefined) parts.push(`releaseAhead ${robot.releaseAhead}`);
  return parts.join(', ');
}

/** `lead` then the station codes, wrapped under the first code; at most MAX_CODES listed. */
function codeList(lead: string, stations: readonly Station[]): string[] {
  const codes = stations.slice(0, MAX_CODES).map((s) => s.id);
  if (stations.length > MAX_CODES) codes.push(`... and ${stations.length - MAX_CODES} more`);
  const lines: string[] = [];
  let line = lead;
  codes.forEach((code, i) => {
    if (i > 0 && line.length + 2 + code.length > WIDTH) {
      lines.push(`${line},`);
      line = ' '.repeat(lead.length) + code;
    } else line += (i > 0 ? ', ' : '') + code;
  });
  lines.push(line);
  return lines;
}
