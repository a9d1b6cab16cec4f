/**
 * The structural checks every importer runs on the `Layout` it built, so the rest of the system can rely
 * on unique ids and resolvable references.
 */
import { LayoutImportError } from '../domain/layout.ts';
import type { ImportWarning, Layout, LayoutNode } from '../domain/layout.ts';

/** Absolute slack, metres, before an edge counts as shorter than the straight line between its nodes. */
const LENGTH_SLACK_M = 1e-6;

/**
 * Checks ids and references of `layout`; the error `path` is the offending element's id.
 * @throws LayoutImportError `duplicate-node-id`, `duplicate-edge-id`, `duplicate-station-id`,
 *   `dangling-edge-node` (`edge E7 references unknown node N99`), `dangling-station-node`, `empty-station`.
 * @returns warnings for what is usable but suspect: `edge-shorter-than-distance` (an edge on one map whose
 *   `lengthM` is below the straight-line distance between its nodes; routing stays correct, A* gets slower).
 */
export function checkLayout(layout: Layout): ImportWarning[] {
  const warnings: ImportWarning[] = [];
  const nodes = new Map<string, LayoutNode>();
  for (const node of layout.nodes) {
    if (nodes.has(node.id)) {
      throw new LayoutImportError('duplicate-node-id', `duplicate node id ${node.id}`, node.id);
    }
    nodes.set(node.id, node);
  }

  const edgeIds = new Set<string>();
  for (const edge of layout.edges) {
    if (edgeIds.has(edge.id)) {
      throw new LayoutImportError('duplicate-edge-id', `duplicate edge id ${edge.id}`, edge.id);
    }
    edgeIds.add(edge.id);
    const from = nodes.get(edge.from);
    const to = nodes.get(edge.to);
    if (from === undefined || to === undefined) {
      const missing = from === undefined ? edge.from : edge.to;
      throw new LayoutImportError(
        'dangling-edge-node',
        `edge ${edge.id} references unknown node ${missing}`,
        edge.id,
      );
    }
    if (from.mapId === to.mapId && edge.lengthM + LENGTH_SLACK_M < Math.hypot(to.x - from.x, to.y - from.y)) {
      warnings.push({
        code: 'edge-shorter-than-distance',
        message: `edge ${edge.id} is ${edge.lengthM} m long but its nodes are further apart`,
        path: edge.id,
      });
    }
  }

  const stationIds = new Set<string>();
  for (const station of layout.stations) {
    if (stationIds.has(station.id)) {
      throw new LayoutImportError('duplicate-station-id', `duplicate station id ${station.id}`, station.id);
    }
    stationIds.add(station.id);
    if (station.nodeIds.length === 0) {
      throw new LayoutImportError(
        'empty-station',
        `station ${station.id} has no interaction node`,
        station.id,
      );
    }
    for (const nodeId of station.nodeIds) {
      if (!nodes.has(nodeId)) {
        throw new LayoutImportError(
          'dangling-station-node',
          `station ${station.id} references unknown node ${nodeId}`,
          station.id,
        );
      }
    }
  }
  return warnings;
}
