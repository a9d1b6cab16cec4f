/**
 * The project's own layout file: a `Layout` as JSON plus `{ format: 'fleetbridge-layout', formatVersion: 1 }`.
 * Lossless for everything a `Layout` holds, unlike LIF (no roles, no zones there).
 */
import { z } from 'zod';
import type { ImportResult, Layout } from '../domain/layout.ts';
import { STATION_ROLES } from '../domain/layout.ts';
import { checkLayout } from './check-layout.ts';
import { fromZodError } from './zod-problems.ts';

export const PROJECT_LAYOUT_FORMAT = 'fleetbridge-layout';
export const PROJECT_LAYOUT_FORMAT_VERSION = 1;

const id = z.string().min(1);
const vehicleTypes = z.array(id).exactOptional();

// Objects are strict: the file is ours, so an unknown key is a typo or a newer format, not noise.
const nodeSchema = z.strictObject({
  id,
  x: z.number(),
  y: z.number(),
  thetaRad: z.number().exactOptional(),
  mapId: id,
  vehicleTypes,
});

const edgeSchema = z.strictObject({
  id,
  from: id,
  to: id,
  lengthM: z.number().nonnegative(),
  maxSpeedMps: z.number().positive().exactOptional(),
  vehicleTypes,
});

const stationSchema = z.strictObject({
  id,
  name: z.string().exactOptional(),
  nodeIds: z.array(id).min(1),
  role: z.enum(STATION_ROLES),
  zone: id.exactOptional(),
});

/** Mirrors `Layout` (orchestrator/domain/layout.ts); `satisfies` below breaks the build if they drift. */
export const projectLayoutSchema = z.strictObject({
  format: z.literal(PROJECT_LAYOUT_FORMAT),
  formatVersion: z.literal(PROJECT_LAYOUT_FORMAT_VERSION),
  id,
  name: z.string(),
  version: z.string(),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
  stations: z.array(stationSchema),
}) satisfies z.ZodType<Layout>;

export type ProjectLayoutDocument = z.infer<typeof projectLayoutSchema>;

/**
 * Imports a project layout document (`doc` as parsed JSON, still unvalidated).
 * @throws LayoutImportError `project-layout-invalid` with every schema problem and its path (wrong
 *   `format`/`formatVersion`, missing or unknown keys, ...), or the reference errors of `checkLayout`
 *   (paths `nodes[3]`, `edges[0]`, `stations[2]`).
 * @returns the layout and the warnings of `checkLayout`.
 */
export function importProjectLayout(doc: unknown): ImportResult<Layout> {
  const parsed = projectLayoutSchema.safeParse(doc);
  if (!parsed.success) {
    throw fromZodError(parsed.error, { code: 'project-layout-invalid', doc, schema: projectLayoutSchema });
  }
  const { format: _format, formatVersion: _formatVersion, ...value } = parsed.data;
  return { value, warnings: checkLayout(value) };
}

/**
 * The project document for `layout`: JSON-serialisable, only the keys `Layout` defines (extra runtime
 * properties are left out), and `importProjectLayout` reads it back equal.
 */
export function exportProjectLayout(layout: Layout): ProjectLayoutDocument {
  return {
    format: PROJECT_LAYOUT_FORMAT,
    formatVersion: PROJECT_LAYOUT_FORMAT_VERSION,
    id: layout.id,
    name: layout.name,
    version: layout.version,
    nodes: layout.nodes.map((n) => ({
      id: n.id,
      x: n.x,
      y: n.y,
      ...(n.thetaRad !== undefined ? { thetaRad: n.thetaRad } : {}),
      mapId: n.mapId,
      ...(n.vehicleTypes !== undefined ? { vehicleTypes: [...n.vehicleTypes] } : {}),
    })),
    edges: layout.edges.map((e) => ({
      id: e.id,
      from: e.from,
      to: e.to,
      lengthM: e.lengthM,
      ...(e.maxSpeedMps !== undefined ? { maxSpeedMps: e.maxSpeedMps } : {}),
      ...(e.vehicleTypes !== undefined ? { vehicleTypes: [...e.vehicleTypes] } : {}),
    })),
    stations: layout.stations.map((s) => ({
      id: s.id,
      ...(s.name !== undefined ? { name: s.name } : {}),
      nodeIds: [...s.nodeIds],
      role: s.role,
      ...(s.zone !== undefined ? { zone: s.zone } : {}),
    })),
  };
}
