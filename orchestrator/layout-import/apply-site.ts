/**
 * A validated site file applied to its layout: station roles and zones set, the fleet checked against
 * the layout (README, "The site file").
 */
import type { ImportProblem, ImportResult, ImportWarning, Layout, Station } from '../domain/layout.ts';
import { throwProblems } from '../domain/layout.ts';
import type { RobotSpec } from '../domain/robot.ts';
import type { Plant, Site, SiteStationRule } from '../domain/site.ts';
import { closestName } from './closest-name.ts';
import { unreachableStations } from './reachability.ts';

/**
 * Applies `site` to `layout`. Each station takes role and zone from the FIRST rule that matches its id
 * (exact, or a `*` pattern; a rule without zone keeps the station's zone); stations no rule matches keep
 * their layout role. Warnings: `site-rule-unused` (a rule matching no station), `site-shared-home-node`,
 * `station-unreachable` (a station a vehicle type of the fleet cannot reach and leave; names both).
 * @throws LayoutImportError with every problem of the fleet, paths into the site file (`fleet[4].homeNode`):
 *   `site-duplicate-robot`, `site-unknown-home-node` (a station id given as home node says so and names
 *   the station's node), `site-home-node-vehicle-type` (the home node is closed to the robot's vehicle type),
 *   `site-rosbridge-missing` (`adapter: 'rosbridge'` without a `rosbridge` block).
 */
export function applySite(layout: Layout, site: Site): ImportResult<Plant> {
  const warnings: ImportWarning[] = [];
  const rules = site.stations.map((rule) => ({ rule, test: globToRegExp(rule.match), used: false }));
  const stations = layout.stations.map((station): Station => {
    const hit = rules.find((r) => r.test.test(station.id));
    if (hit === undefined) return station;
    hit.used = true;
    const zone = hit.rule.zone ?? station.zone;
    return { ...station, role: hit.rule.role, ...(zone !== undefined ? { zone } : {}) };
  });
  rules.forEach(({ rule, used }, i) => {
    if (!used) warnings.push(unusedRule(rule, i));
  });

  const problems = fleetProblems(layout, site.fleet, warnings);
  throwProblems(problems);
  const applied = { ...layout, stations };
  warnings.push(...unreachableStations(applied, site.fleet));
  return { value: { layout: applied, fleet: site.fleet }, warnings };
}

/** Every problem of `fleet` against `layout`; warnings about shared home nodes go to `warnings`. */
function fleetProblems(
  layout: Layout,
  fleet: readonly RobotSpec[],
  warnings: ImportWarning[],
): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const nodes = new Map(layout.nodes.map((n) => [n.id, n]));
  const stations = new Map(layout.stations.map((s) => [s.id, s]));
  const layoutTypes = new Set(layout.nodes.flatMap((n) => n.vehicleTypes ?? []));
  const firstIndex = new Map<string, number>();
  const homes = new Map<string, string>();
  fleet.forEach((robot, i) => {
    const first = firstIndex.get(robot.id);
    if (first !== undefined) {
      problems.push({
        code: 'site-duplicate-robot',
        message: `${robot.id} is already the id of fleet[${first}]; robot ids must be unique`,
        path: `fleet[${i}].id`,
      });
    } else firstIndex.set(robot.id, i);
    if (robot.adapter === 'rosbridge' && robot.rosbridge === undefined) {
      problems.push({
        code: 'site-rosbridge-missing',
        message: `${robot.id} has adapter rosbridge but no rosbridge block; give at least {"url": "ws://host:9090", "profile": "ros1-move-base"}`,
        path: `fleet[${i}].rosbridge`,
      });
    }
    const path = `fleet[${i}].homeNode`;
    const home = nodes.get(robot.homeNode);
    if (home === undefined) {
      problems.push({ code: 'site-unknown-home-node', message: unknownHome(robot, layout, stations), path });
      return;
    }
    if (home.vehicleTypes !== undefined && !home.vehicleTypes.includes(robot.vehicleType)) {
      const known = layoutTypes.has(robot.vehicleType)
        ? ''
        : `; the layout knows only vehicle types ${[...layoutTypes].join(', ')}`;
      problems.push({
        code: 'site-home-node-vehicle-type',
        message: `node ${home.id} is closed to vehicle type ${robot.vehicleType} (open to ${home.vehicleTypes.join(', ')})${known}`,
        path,
      });
    }
    const other = homes.get(home.id);
    if (other !== undefined) {
      warnings.push({
        code: 'site-shared-home-node',
        message: `robots ${other} and ${robot.id} share home node ${home.id}`,
        path,
      });
    }
    homes.set(home.id, robot.id);
  });
  return problems;
}

function unknownHome(robot: RobotSpec, layout: Layout, stations: ReadonlyMap<string, Station>): string {
  const station = stations.get(robot.homeNode);
  if (station !== undefined) {
    return `${robot.homeNode} is a station; homeNode takes a node id, e.g. ${station.nodeIds[0] ?? ''} (the node of ${station.id})`;
  }
  const guess = closestName(
    robot.homeNode,
    layout.nodes.map((n) => n.id),
  );
  const example = guess !== undefined ? `did you mean ${guess}?` : `e.g. ${layout.nodes[0]?.id ?? ''}`;
  return `${robot.homeNode} is not a node of layout ${layout.id}; homeNode takes a node id, ${example}`;
}

function unusedRule(rule: SiteStationRule, index: number): ImportWarning {
  return {
    code: 'site-rule-unused',
    message: `station rule ${JSON.stringify(rule.match)} matches no station`,
    path: `stations[${index}]`,
  };
}

/** `B-*` -> /^B-.*$/ : `*` matches any run of characters (also none); everything else is literal. */
function globToRegExp(pattern: string): RegExp {
  const literal = pattern.split('*').map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'));
  return new RegExp(`^${literal.join('.*')}$`, 's');
}
