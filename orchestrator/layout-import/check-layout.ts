/**
 * The structural checks every importer runs on the `Layout` it built, so the rest of the system can rely
 * on unique ids and resolvable references.
 */
import { throwProblems } from '../domain/layout.ts';
import type { ImportProblem, ImportWarning, Layout, LayoutNode } from '../domain/layout.ts';

/** Absolute slack, metres, before an edge counts as shorter than the straight line between its nodes. */
const LENGTH_SLACK_M = 1e-6;

/** Where the `index`-th node, edge or station of a layout is in the document it came from. */
export type ElementPath = (kind: 'nodes' | 'edges' | 'stations', index: number) => string;

/** `nodes[3]`: the layout's own arrays, as in the project format. */
export const layoutPath: ElementPath = (kind, index) => `${kind}[${index}]`;

export interface LayoutFindings {
  /** What makes the layout unusable, every one of them. */
  readonly problems: readonly ImportProblem[];
  /** What is usable but suspect. */
  readonly warnings: readonly ImportWarning[];
}

/**
 * Checks ids and references of `layout` and reports every problem; paths come from `pathOf`.
 * Problems: `duplicate-node-id`, `duplicate-edge-id`, `duplicate-station-id`, `dangling-edge-node`
 * (`edge E7 references unknown node N99`), `dangling-station-node`, `empty-station`.
 * Warnings: `edge-shorter-than-distance` (an edge on one map whose `lengthM` is below the straight-line
 * distance between its nodes; routing stays correct, A* gets slower).
 */
export function inspectLayout(layout: Layout, pathOf: ElementPath = layoutPath): LayoutFindings {
  const problems: ImportProblem[] = [];
  const warnings: ImportWarning[] = [];
  const nodes = new Map<string, LayoutNode>();
  layout.nodes.forEach((node, i) => {
    if (nodes.has(node.id)) {
      problems.push({
        code: 'duplicate-node-id',
        message: `duplicate node id ${node.id}`,
        path: pathOf('nodes', i),
      });
    } else nodes.set(node.id, node);
  });

  const edgeIds = new Set<string>();
  layout.edges.forEach((edge, i) => {
    const path = pathOf('edges', i);
    if (edgeIds.has(edge.id)) {
      problems.push({ code: 'duplicate-edge-id', message: `duplicate edge id ${edge.id}`, path });
    }
    edgeIds.add(edge.id);
    const from = nodes.get(edge.from);
    const to = nodes.get(edge.to);
    for (const end of new Set([edge.from, edge.to])) {
      if (!nodes.has(end)) {
        problems.push({
          code: 'dangling-edge-node',
          message: `edge ${edge.id} references unknown node ${end}`,
          path,
        });
      }
    }
    if (from === undefined || to === undefined) return;
    if (from.mapId === to.mapId && edge.lengthM + LENGTH_SLACK_M < Math.hypot(to.x - from.x, to.y - from.y)) {
      warnings.push({
        code: 'edge-shorter-than-distance',
        message: `edge ${edge.id} is ${edge.lengthM} m long but its nodes are further apart`,
        path,
      });
    }
  });

  const stationIds = new Set<string>();
  layout.stations.forEach((station, i) => {
    const path = pathOf('stations', i);
    if (stationIds.has(station.id)) {
      problems.push({ code: 'duplicate-station-id', message: `duplicate station id ${station.id}`, path });
    }
    stationIds.add(station.id);
    if (station.nodeIds.length === 0) {
      problems.push({
        code: 'empty-station',
        message: `station ${station.id} has no interaction node`,
        path,
      });
    }
    for (const nodeId of station.nodeIds) {
      if (!nodes.has(nodeId)) {
        problems.push({
          code: 'dangling-station-node',
          message: `station ${station.id} references unknown node ${nodeId}`,
          path,
        });
      }
    }
  });
  return { problems, warnings };
}

/**
 * `inspectLayout`, throwing its problems.
 * @throws LayoutImportError with every problem of `inspectLayout` (the first one's code and path).
 * @returns the warnings.
 */
export function checkLayout(layout: Layout, pathOf: ElementPath = layoutPath): ImportWarning[] {
  const { problems, warnings } = inspectLayout(layout, pathOf);
  throwProblems(problems);
  return [...warnings];
}
