/**
 * Import of VDMA LIF 1.0 (Layout Interchange Format) documents into a `Layout`.
 * The format: VDMA LIF 1.0; its official JSON schema is `lif.schema.json` beside this file, its official
 * examples are in `fixtures/lif/` (README there).
 */
import type {
  ImportProblem,
  ImportResult,
  ImportWarning,
  Layout,
  LayoutEdge,
  LayoutNode,
  Station,
  VehicleTypeId,
} from '../domain/layout.ts';
import { LayoutImportError, throwProblems } from '../domain/layout.ts';
import { inspectLayout } from './check-layout.ts';
import { lifConformanceWarnings } from './lif-conformance.ts';
import { parseLifDocument } from './lif-document.ts';
import type { LifDocument, LifEdge, LifLayout, LifNode } from './lif-document.ts';
import { measureNurbs } from './nurbs.ts';

export interface LifImportOptions {
  /**
   * Import only the LIF layout with this `layoutId`. Default: all layouts of the file merged into one
   * `Layout` (nodes keep their `mapId`, edges between layouts are kept).
   */
  readonly layoutId?: string;
}

/** Distance, metres, within which a trajectory's ends must meet its edge's nodes to be trusted. */
const TRAJECTORY_END_TOLERANCE_M = 0.1;
/** The action that makes an interaction node a charger (VDA 5050 predefined action). */
const START_CHARGING = 'startCharging';

/**
 * Imports a LIF 1.0 document (`doc` as parsed JSON, still unvalidated).
 *
 * Mapping: a node's `mapId` is the LIF `mapId`, or the `layoutId` when absent; `thetaRad` is set when all
 * its vehicle types agree on `theta`. Edges stay directed. An edge's `lengthM` is the straight-line
 * distance between its nodes, or the longest trajectory given for it when that is longer and its ends
 * meet the nodes; `maxSpeedMps` is the lowest `maxSpeed` over its vehicle types (our edge has one limit).
 * `vehicleTypes` of nodes and edges are the `vehicleTypeId`s listed for them (absent if none is listed:
 * then every type may use them). A station is a `charger` when one of its interaction nodes offers
 * `startCharging` to some vehicle type, otherwise a `load-station`; the site file refines roles.
 * `Layout.id`/`version`: the layout's own, or for a merge the layout ids / versions joined by `+`.
 *
 * Tolerated deviations come back as warnings (codes in `lif-conformance.ts`, plus `lif-version`,
 * `lif-no-vehicle-types`, `lif-duplicate-vehicle-type`, `lif-trajectory-invalid`,
 * `lif-trajectory-mismatch`, `lif-edge-leaves-layout` and those of `checkLayout`).
 * @throws LayoutImportError when `doc` is not LIF (`not-lif`), unusable (`lif-invalid`), names an
 *   unknown `layoutId` (`lif-unknown-layout`), or has duplicate ids or dangling references
 *   (`checkLayout`, e.g. `edge E7 references unknown node N99`); with every problem found, each with
 *   its path in the document (`layouts[0].edges[3]`).
 */
export function importLif(doc: unknown, options: LifImportOptions = {}): ImportResult<Layout> {
  const lif = parseLifDocument(doc);
  const warnings: ImportWarning[] = lifConformanceWarnings(doc);
  const version = lif.metaInformation.lifVersion;
  if (version !== undefined && !version.startsWith('1.')) {
    warnings.push({
      code: 'lif-version',
      message: `lifVersion ${version} is not 1.x; read as LIF 1.0`,
      path: 'metaInformation.lifVersion',
    });
  }

  const selected = selectLayouts(lif, options.layoutId);
  const nodes: LayoutNode[] = [];
  /** The document path of each node, edge and station, by index in `nodes`, `edges`, `stations`. */
  const paths = { nodes: [] as string[], edges: [] as string[], stations: [] as string[] };
  const problems: ImportProblem[] = [];
  const chargingNodes = new Set<string>();
  for (const { layout, index } of selected) {
    layout.nodes.forEach((lifNode, i) => {
      const path = `layouts[${index}].nodes[${i}]`;
      nodes.push(toNode(lifNode, layout, path, warnings));
      paths.nodes.push(path);
      const offersCharging = (lifNode.vehicleTypeNodeProperties ?? []).some((p) =>
        (p.actions ?? []).some((a) => a.actionType === START_CHARGING),
      );
      if (offersCharging) chargingNodes.add(lifNode.nodeId);
    });
  }

  const byId = new Map(nodes.map((n) => [n.id, n]));
  const nodesOfFile = new Set(lif.layouts.flatMap((l) => l.nodes.map((n) => n.nodeId)));
  const edges: LayoutEdge[] = [];
  const stations: Station[] = [];
  for (const { layout, index } of selected) {
    layout.edges.forEach((lifEdge, i) => {
      const path = `layouts[${index}].edges[${i}]`;
      const from = byId.get(lifEdge.startNodeId);
      const to = byId.get(lifEdge.endNodeId);
      if (from === undefined || to === undefined) {
        const missing = from === undefined ? lifEdge.startNodeId : lifEdge.endNodeId;
        if (nodesOfFile.has(missing)) {
          // Only reachable with options.layoutId: the edge leads into a layout that was not picked.
          warnings.push({
            code: 'lif-edge-leaves-layout',
            message: `edge ${lifEdge.edgeId} dropped: node ${missing} is in another layout`,
            path,
          });
          return;
        }
        problems.push({
          code: 'dangling-edge-node',
          message: `edge ${lifEdge.edgeId} references unknown node ${missing}`,
          path,
        });
        return;
      }
      edges.push(toEdge(lifEdge, from, to, path, warnings));
      paths.edges.push(path);
    });
    (layout.stations ?? []).forEach((s, i) => {
      const role = s.interactionNodeIds.some((id) => chargingNodes.has(id)) ? 'charger' : 'load-station';
      stations.push({
        id: s.stationId,
        ...(s.stationName !== undefined ? { name: s.stationName } : {}),
        nodeIds: s.interactionNodeIds,
        role,
      });
      paths.stations.push(`layouts[${index}].stations[${i}]`);
    });
  }

  const value: Layout = {
    ...identity(
      lif,
      selected.map((s) => s.layout),
    ),
    nodes,
    edges,
    stations,
  };
  const checked = inspectLayout(value, (kind, i) => paths[kind][i] ?? `${kind}[${i}]`);
  throwProblems([...problems, ...checked.problems].sort(inDocumentOrder));
  warnings.push(...checked.warnings);
  return { value, warnings };
}

const KIND_RANK: Readonly<Record<string, number>> = { nodes: 0, edges: 1, stations: 2 };

/** Problems of `layouts[i].nodes|edges|stations[j]` by layout, then nodes, edges, stations, then index. */
function inDocumentOrder(a: ImportProblem, b: ImportProblem): number {
  const key = (p: ImportProblem): number[] => {
    const m = /^layouts\[(\d+)\]\.(\w+)\[(\d+)\]/.exec(p.path ?? '');
    return m === null ? [Infinity] : [Number(m[1]), KIND_RANK[m[2] ?? ''] ?? 3, Number(m[3])];
  };
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    const d = (ka[i] ?? 0) - (kb[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return 0;
}

function selectLayouts(
  lif: LifDocument,
  layoutId: string | undefined,
): { layout: LifLayout; index: number }[] {
  const all = lif.layouts.map((layout, index) => ({ layout, index }));
  if (layoutId === undefined) return all;
  const picked = all.filter((l) => l.layout.layoutId === layoutId);
  if (picked.length === 0) {
    const known = lif.layouts.map((l) => l.layoutId).join(', ');
    throw new LayoutImportError(
      'lif-unknown-layout',
      `no layout ${layoutId} in this LIF (has ${known})`,
      'layouts',
    );
  }
  return picked;
}

function identity(lif: LifDocument, layouts: readonly LifLayout[]): Pick<Layout, 'id' | 'name' | 'version'> {
  const [only] = layouts;
  if (only !== undefined && layouts.length === 1) {
    return {
      id: only.layoutId,
      name: only.layoutName ?? lif.metaInformation.projectIdentification ?? only.layoutId,
      version: only.layoutVersion ?? '1',
    };
  }
  const id = layouts.map((l) => l.layoutId).join('+');
  return {
    id,
    name: lif.metaInformation.projectIdentification ?? id,
    version: layouts.map((l) => l.layoutVersion ?? '1').join('+'),
  };
}

function toNode(n: LifNode, layout: LifLayout, path: string, warnings: ImportWarning[]): LayoutNode {
  const props = n.vehicleTypeNodeProperties ?? [];
  const vehicleTypes = vehicleTypeIds(props, `node ${n.nodeId}`, path, warnings);
  const thetas = new Set(props.map((p) => p.theta));
  const [theta] = thetas;
  return {
    id: n.nodeId,
    x: n.nodePosition.x,
    y: n.nodePosition.y,
    ...(thetas.size === 1 && theta !== undefined ? { thetaRad: theta } : {}),
    mapId: n.mapId ?? layout.layoutId,
    ...(vehicleTypes.length > 0 ? { vehicleTypes } : {}),
  };
}

function toEdge(
  e: LifEdge,
  from: LayoutNode,
  to: LayoutNode,
  path: string,
  warnings: ImportWarning[],
): LayoutEdge {
  const props = e.vehicleTypeEdgeProperties ?? [];
  const vehicleTypes = vehicleTypeIds(props, `edge ${e.edgeId}`, path, warnings);
  let lengthM = Math.hypot(to.x - from.x, to.y - from.y);
  props.forEach((p, i) => {
    if (p.trajectory === undefined) return;
    const where = `${path}.vehicleTypeEdgeProperties[${i}].trajectory`;
    const measured = measureNurbs(p.trajectory);
    if (typeof measured === 'string') {
      warnings.push({
        code: 'lif-trajectory-invalid',
        message: `edge ${e.edgeId}: ${measured}`,
        path: where,
      });
      return;
    }
    const off = Math.max(
      Math.hypot(measured.start.x - from.x, measured.start.y - from.y),
      Math.hypot(measured.end.x - to.x, measured.end.y - to.y),
    );
    if (off > TRAJECTORY_END_TOLERANCE_M) {
      warnings.push({
        code: 'lif-trajectory-mismatch',
        message: `edge ${e.edgeId}: trajectory ends ${off.toFixed(2)} m away from its nodes; straight line used`,
        path: where,
      });
      return;
    }
    lengthM = Math.max(lengthM, measured.lengthM);
  });
  const speeds = props.flatMap((p) => (p.maxSpeed === undefined ? [] : [p.maxSpeed]));
  return {
    id: e.edgeId,
    from: from.id,
    to: to.id,
    lengthM,
    ...(speeds.length > 0 ? { maxSpeedMps: Math.min(...speeds) } : {}),
    ...(vehicleTypes.length > 0 ? { vehicleTypes } : {}),
  };
}

/** The distinct vehicle type ids of `props`, warning about an empty list and about repeats. */
function vehicleTypeIds(
  props: readonly { readonly vehicleTypeId: VehicleTypeId }[],
  element: string,
  path: string,
  warnings: ImportWarning[],
): VehicleTypeId[] {
  const ids = [...new Set(props.map((p) => p.vehicleTypeId))];
  if (props.length === 0) {
    warnings.push({
      code: 'lif-no-vehicle-types',
      message: `${element} lists no vehicle type; open to every type`,
      path,
    });
  } else if (ids.length < props.length) {
    warnings.push({
      code: 'lif-duplicate-vehicle-type',
      message: `${element} lists a vehicle type more than once`,
      path,
    });
  }
  return ids;
}
