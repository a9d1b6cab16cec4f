/**
 * The site file beside a layout (`SITE=plant.site.json`): plant roles and zones of stations, and the
 * fleet (ARCHITECTURE.md, "Domain"); and `loadPlantFiles`, which reads a layout and its site from disk.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { z } from 'zod';
import type { ImportResult, ImportWarning, Layout, Station } from '../domain/layout.ts';
import { LayoutImportError, STATION_ROLES } from '../domain/layout.ts';
import type { AdapterKind, RobotSpec } from '../domain/robot.ts';
import type { Plant, Site, SiteStationRule } from '../domain/site.ts';
import { profileRefSchema } from '../../adapters/vda5050/profile.ts';
import { fromZodError, isJsonObject } from './import-errors.ts';
import { importLif } from './lif.ts';
import { importMovingAiMap } from './movingai.ts';
import { unreachableStations } from './reachability.ts';
import { importProjectLayout, PROJECT_LAYOUT_FORMAT } from './project-json.ts';

const ADAPTER_KINDS = ['sim', 'vda5050', 'rosbridge'] as const satisfies readonly AdapterKind[];
// Breaks the build when AdapterKind gains a member the schema does not list.
type MissingAdapterKind = Exclude<AdapterKind, (typeof ADAPTER_KINDS)[number]>;
const _allAdapterKindsListed: [MissingAdapterKind] extends [never] ? true : false = true;

const id = z.string().min(1);
/** A VDA 5050 topic level: no `/`, `+`, `#` or `$` (checklist T1). */
const topicLevel = z.string().regex(/^[^/+#$]+$/, 'a topic level without / + # $');

// Strict objects: a misspelt key in a hand-written config file is an error, not a silent default.
const stationRuleSchema = z.strictObject({
  match: id,
  role: z.enum(STATION_ROLES),
  zone: id.exactOptional(),
});

/** A fleet entry; omitted fields take the documented defaults. */
const robotSchema = z.strictObject({
  id,
  vehicleType: id,
  adapter: z.enum(ADAPTER_KINDS).default('sim'),
  homeNode: id,
  /** Metres per second. */
  maxSpeedMps: z.number().positive().default(1.5),
  loadTypes: z.array(id).default(['pallet']),
  maxPayloadKg: z.number().positive().default(1000),
  vda5050: z
    .strictObject({
      manufacturer: topicLevel,
      serialNumber: topicLevel,
      profile: profileRefSchema.exactOptional(),
    })
    .exactOptional(),
  releaseAhead: z.boolean().exactOptional(),
}) satisfies z.ZodType<RobotSpec>;

export const siteSchema = z.strictObject({
  name: z.string().min(1),
  stations: z.array(stationRuleSchema).default([]),
  fleet: z.array(robotSchema).default([]),
}) satisfies z.ZodType<Site>;

/**
 * Validates a site file (`doc` as parsed JSON). Fleet defaults: `adapter: 'sim'`, `maxSpeedMps: 1.5`,
 * `loadTypes: ['pallet']`, `maxPayloadKg: 1000`, `releaseAhead` by adapter (`releasesAhead`); `stations` and `fleet` default to empty.
 * @throws LayoutImportError `site-invalid` with the path of the first problem.
 */
export function parseSite(doc: unknown): Site {
  const parsed = siteSchema.safeParse(doc);
  if (!parsed.success) throw fromZodError('site-invalid', 'invalid site file', parsed.error);
  return parsed.data;
}

/**
 * Applies `site` to `layout`. Each station takes role and zone from the FIRST rule that matches its id
 * (exact, or a `*` pattern; a rule without zone keeps the station's zone); stations no rule matches keep
 * their layout role. Warnings: `site-rule-unused` (a rule matching no station), `site-shared-home-node`,
 * `station-unreachable` (a station a vehicle type of the fleet cannot reach and leave; names both).
 * @throws LayoutImportError `site-duplicate-robot`, `site-unknown-home-node` (names the robot),
 *   `site-home-node-vehicle-type` (the home node is closed to the robot's vehicle type).
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

  const nodes = new Map(layout.nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const homes = new Map<string, string>();
  for (const robot of site.fleet) {
    if (seen.has(robot.id)) {
      throw new LayoutImportError('site-duplicate-robot', `duplicate robot id ${robot.id}`, robot.id);
    }
    seen.add(robot.id);
    const home = nodes.get(robot.homeNode);
    if (home === undefined) {
      throw new LayoutImportError(
        'site-unknown-home-node',
        `robot ${robot.id}: home node ${robot.homeNode} is not in layout ${layout.id}`,
        robot.id,
      );
    }
    if (home.vehicleTypes !== undefined && !home.vehicleTypes.includes(robot.vehicleType)) {
      throw new LayoutImportError(
        'site-home-node-vehicle-type',
        `robot ${robot.id}: home node ${home.id} is closed to vehicle type ${robot.vehicleType}`,
        robot.id,
      );
    }
    const other = homes.get(home.id);
    if (other !== undefined) {
      warnings.push({
        code: 'site-shared-home-node',
        message: `robots ${other} and ${robot.id} share home node ${home.id}`,
        path: robot.id,
      });
    }
    homes.set(home.id, robot.id);
  }
  const applied = { ...layout, stations };
  warnings.push(...unreachableStations(applied, site.fleet));
  return { value: { layout: applied, fleet: site.fleet }, warnings };
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

/**
 * Reads a layout file and, when `sitePath` is given, its site file, and returns the plant.
 * The importer is chosen by content: a `.map` file or text starting with `type ` is a Moving AI map
 * (named after the file); JSON with `format: 'fleetbridge-layout'` is the project format; JSON with
 * `metaInformation` is LIF. Without a site file the fleet is empty and the roles are the layout's own.
 * @throws LayoutImportError `file-unreadable`, `not-json`, `layout-format-unknown`, or any importer's or
 *   `parseSite`/`applySite`'s error. Warnings of layout and site are concatenated.
 */
export async function loadPlantFiles(
  layoutPath: string,
  sitePath: string | undefined,
): Promise<ImportResult<Plant>> {
  const text = await readText(layoutPath);
  const imported = importLayoutText(text, layoutPath);
  if (sitePath === undefined)
    return { value: { layout: imported.value, fleet: [] }, warnings: imported.warnings };
  const site = parseSite(parseJson(await readText(sitePath), sitePath));
  const plant = applySite(imported.value, site);
  return { value: plant.value, warnings: [...imported.warnings, ...plant.warnings] };
}

function importLayoutText(text: string, path: string): ImportResult<Layout> {
  if (extname(path).toLowerCase() === '.map' || text.startsWith('type ')) {
    return importMovingAiMap(text, { name: basename(path, extname(path)) });
  }
  const doc = parseJson(text, path);
  if (isJsonObject(doc) && doc['format'] === PROJECT_LAYOUT_FORMAT) return importProjectLayout(doc);
  if (isJsonObject(doc) && 'metaInformation' in doc) return importLif(doc);
  throw new LayoutImportError(
    'layout-format-unknown',
    `${path}: neither a Moving AI map, a ${PROJECT_LAYOUT_FORMAT} document nor LIF (no metaInformation)`,
    path,
  );
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new LayoutImportError('file-unreadable', `cannot read ${path}`, path, { cause });
  }
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new LayoutImportError('not-json', `${path} is not valid JSON`, path, { cause });
  }
}
