/**
 * The part of a LIF 1.0 document the importer uses, as a zod schema. Conformance to the full official
 * schema is checked separately (`lif-conformance.ts`) and only warned about; this parse decides whether
 * the document can be used at all, and gives typed data.
 */
import { z } from 'zod';
import { LayoutImportError } from '../domain/layout.ts';
import { isJsonObject, jsonKind } from './import-errors.ts';
import { fromZodError } from './zod-problems.ts';

/** A display-only text: a wrong type here is tolerated (the conformance check warns) and dropped. */
const displayText = z.string().optional().catch(undefined);
const id = z.string().min(1);

const position = z.object({ x: z.number(), y: z.number() }).describe('a position {"x": …, "y": …} in metres');

const action = z.object({ actionType: z.string() });

const vehicleTypeNodeProperty = z.object({
  vehicleTypeId: id,
  theta: z.number().optional().catch(undefined),
  actions: z.array(action).optional(),
});

const trajectory = z.object({
  degree: z.number().optional(),
  knotVector: z.array(z.number()),
  controlPoints: z.array(z.object({ x: z.number(), y: z.number(), weight: z.number().optional() })),
});

const vehicleTypeEdgeProperty = z.object({
  vehicleTypeId: id,
  /** Metres per second; a limit of 0 or below would close the edge silently, so it is refused. */
  maxSpeed: z.number().positive().optional(),
  /** A malformed trajectory is dropped (the conformance check warns); the edge stays usable. */
  trajectory: trajectory.optional().catch(undefined),
});

const node = z.object({
  nodeId: id,
  mapId: z.string().min(1).optional(),
  nodePosition: position,
  vehicleTypeNodeProperties: z.array(vehicleTypeNodeProperty).optional(),
});

const edge = z.object({
  edgeId: id,
  startNodeId: id,
  endNodeId: id,
  vehicleTypeEdgeProperties: z.array(vehicleTypeEdgeProperty).optional(),
});

const station = z.object({
  stationId: id,
  stationName: displayText,
  interactionNodeIds: z.array(id).min(1),
});

const layout = z.object({
  layoutId: id,
  layoutName: displayText,
  layoutVersion: z.string().optional(),
  nodes: z.array(node),
  edges: z.array(edge),
  /** Required by the schema, missing in 12 of the 18 official examples. */
  stations: z.array(station).optional(),
});

const lifDocument = z.object({
  metaInformation: z.object({
    projectIdentification: displayText,
    lifVersion: z.string().optional().catch(undefined),
  }),
  layouts: z.array(layout).min(1),
});

export type LifDocument = z.infer<typeof lifDocument>;
export type LifLayout = z.infer<typeof layout>;
export type LifNode = z.infer<typeof node>;
export type LifEdge = z.infer<typeof edge>;

/**
 * Parses the used subset of a LIF document.
 * @throws LayoutImportError `not-lif` when `doc` is not a LIF document at all (not an object, or without
 *   `metaInformation` / `layouts`), `lif-invalid` when a part the import needs is unusable (a node without
 *   position, an edge without end node, ...), with every problem and its path.
 */
export function parseLifDocument(doc: unknown): LifDocument {
  if (!isJsonObject(doc)) {
    throw new LayoutImportError(
      'not-lif',
      `not a LIF document: expected a JSON object with metaInformation and layouts, got ${jsonKind(doc)}`,
      '(root)',
    );
  }
  for (const key of ['metaInformation', 'layouts'] as const) {
    if (!(key in doc)) {
      const hint = 'orderId' in doc ? ' (this looks like a VDA 5050 order)' : '';
      throw new LayoutImportError('not-lif', `not a LIF document: ${key} is missing${hint}`, key);
    }
  }
  const parsed = lifDocument.safeParse(doc);
  if (!parsed.success) throw fromZodError(parsed.error, { code: 'lif-invalid', doc, schema: lifDocument });
  return parsed.data;
}
