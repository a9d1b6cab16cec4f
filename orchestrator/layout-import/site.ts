/**
 * The site file beside a layout (`SITE=plant.site.json`): plant roles and zones of stations, and the
 * fleet (README, "The site file"); and `loadPlantFiles`, which reads a layout and its site from disk.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { z } from 'zod';
import type { ImportResult, Layout } from '../domain/layout.ts';
import { LayoutImportError, STATION_ROLES } from '../domain/layout.ts';
import type { AdapterKind, RobotSpec } from '../domain/robot.ts';
import type { Plant, Site } from '../domain/site.ts';
import { rosbridgeSiteSchema } from '../../adapters/rosbridge/site-config.ts';
import { profileRefSchema } from '../../adapters/vda5050/profile.ts';
import { applySite } from './apply-site.ts';
import { isJsonObject } from './import-errors.ts';
import { parseJsonText } from './json-text.ts';
import { importLif } from './lif.ts';
import { importMovingAiMap } from './movingai.ts';
import { PlantFileError, type PlantFile, type PlantProblem } from './plant-file-error.ts';
import { importProjectLayout, PROJECT_LAYOUT_FORMAT } from './project-json.ts';
import { fromZodError } from './zod-problems.ts';

export { applySite } from './apply-site.ts';

const ADAPTER_KINDS = ['sim', 'vda5050', 'rosbridge'] as const satisfies readonly AdapterKind[];
// Breaks the build when AdapterKind gains a member the schema does not list.
type MissingAdapterKind = Exclude<AdapterKind, (typeof ADAPTER_KINDS)[number]>;
const _allAdapterKindsListed: [MissingAdapterKind] extends [never] ? true : false = true;

const id = z.string().min(1);
/** A VDA 5050 topic level: no `/`, `+`, `#` or `$` (checklist T1). */
const topicLevel = z.string().regex(/^[^/+#$]+$/, 'a topic level without / + # $');

// Strict objects: a misspelt key in a hand-written config file is an error, not a silent default.
// The descriptions are what an error message says was expected.
const stationRuleSchema = z.strictObject({
  match: id.describe('a station id of the layout, or a pattern with * (e.g. B-*)'),
  role: z.enum(STATION_ROLES),
  zone: id.describe('a zone code (e.g. STORAGE)').exactOptional(),
});

/** A fleet entry; omitted fields take the documented defaults. */
const robotSchema = z.strictObject({
  id: id.describe('a robot id (e.g. AMR-01)'),
  vehicleType: id.describe('a vehicle type id, as the layout names them (e.g. amr-pallet)'),
  adapter: z.enum(ADAPTER_KINDS).default('sim'),
  homeNode: id.describe('a node id of the layout (not a station id)'),
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
  rosbridge: rosbridgeSiteSchema.exactOptional(),
  releaseAhead: z.boolean().exactOptional(),
}) satisfies z.ZodType<RobotSpec>;

export const siteSchema = z.strictObject({
  name: z.string().min(1).describe('the site name, a non-empty string'),
  stations: z.array(stationRuleSchema).default([]),
  fleet: z.array(robotSchema).default([]),
}) satisfies z.ZodType<Site>;

/**
 * Validates a site file (`doc` as parsed JSON). Fleet defaults: `adapter: 'sim'`, `maxSpeedMps: 1.5`,
 * `loadTypes: ['pallet']`, `maxPayloadKg: 1000`, `releaseAhead` by adapter (`releasesAhead`); `stations` and `fleet` default to empty.
 * @throws LayoutImportError `site-invalid` with every problem and its path (`fleet[0].homeNode`); an
 *   unknown key names the known key it most likely stands for.
 */
export function parseSite(doc: unknown): Site {
  const parsed = siteSchema.safeParse(doc);
  if (!parsed.success) throw fromZodError(parsed.error, { code: 'site-invalid', doc, schema: siteSchema });
  return parsed.data;
}

/**
 * Reads a layout file and, when `sitePath` is given, its site file, and returns the plant.
 * The importer is chosen by content: a `.map` file or text starting with `type ` is a Moving AI map
 * (named after the file); JSON with `format: 'fleetbridge-layout'` is the project format; JSON with
 * `metaInformation` is LIF. Without a site file the fleet is empty and the roles are the layout's own.
 * Both files are read and checked before anything fails, so one run reports the problems of both.
 * @throws PlantFileError with every problem, each naming its file: `file-unreadable`, `not-json` (with
 *   line and column), `layout-format-unknown`, or any importer's or `parseSite`/`applySite`'s problems.
 *   Warnings of layout and site are concatenated.
 */
export async function loadPlantFiles(
  layoutPath: string,
  sitePath: string | undefined,
): Promise<ImportResult<Plant>> {
  const layoutFile: PlantFile = { role: 'layout', path: layoutPath };
  const siteFile: PlantFile | undefined =
    sitePath === undefined ? undefined : { role: 'site', path: sitePath };
  const [layout, site] = await Promise.all([
    readChecked(layoutFile, (text) => importLayoutText(text, layoutPath)),
    siteFile === undefined ? undefined : readChecked(siteFile, (text) => parseSite(parseJsonText(text))),
  ]);
  if (!layout.ok || site?.ok === false) {
    throw new PlantFileError([...problemsOf(layout), ...(site ? problemsOf(site) : [])]);
  }
  const imported = layout.value;
  if (site === undefined || siteFile === undefined)
    return { value: { layout: imported.value, fleet: [] }, warnings: imported.warnings };
  const plant = checked(siteFile, () => applySite(imported.value, site.value));
  if (!plant.ok) throw new PlantFileError(plant.problems);
  return { value: plant.value.value, warnings: [...imported.warnings, ...plant.value.warnings] };
}

type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly PlantProblem[] };

function problemsOf(result: Checked<unknown>): readonly PlantProblem[] {
  return result.ok ? [] : result.problems;
}

/** `read` on the file's text, its `LayoutImportError` (or the read failure) turned into problems of `file`. */
async function readChecked<T>(file: PlantFile, read: (text: string) => T): Promise<Checked<T>> {
  let text: string;
  try {
    text = await readFile(file.path, 'utf8');
  } catch (cause) {
    return { ok: false, problems: [{ code: 'file-unreadable', message: unreadable(cause), file }] };
  }
  return checked(file, () => read(text));
}

function checked<T>(file: PlantFile, run: () => T): Checked<T> {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    if (!(error instanceof LayoutImportError)) throw error;
    return { ok: false, problems: error.problems.map((p) => ({ ...p, file })) };
  }
}

function importLayoutText(text: string, path: string): ImportResult<Layout> {
  if (extname(path).toLowerCase() === '.map' || text.startsWith('type ')) {
    return importMovingAiMap(text, { name: basename(path, extname(path)) });
  }
  const doc = parseJsonText(text);
  if (isJsonObject(doc) && doc['format'] === PROJECT_LAYOUT_FORMAT) return importProjectLayout(doc);
  if (isJsonObject(doc) && 'metaInformation' in doc) return importLif(doc);
  throw new LayoutImportError(
    'layout-format-unknown',
    `neither a Moving AI map (.map), a ${PROJECT_LAYOUT_FORMAT} document (format: "${PROJECT_LAYOUT_FORMAT}") nor LIF (no metaInformation)`,
    '(root)',
  );
}

/** Why a file could not be read: `cannot read the file: no such file`. */
function unreadable(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a directory'
          : (cause as Error).message;
  return `cannot read the file: ${why}`;
}
