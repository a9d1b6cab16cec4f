/** Where a layout-frame point lies on the graph: the nearest node and the distance to the graph. */
import type { Layout, LayoutNode } from '../../orchestrator/domain/layout.ts';

export interface GraphGeometry {
  /** The node nearest to (x, y) within `toleranceM`, or undefined. */
  nodeAt(x: number, y: number, toleranceM: number): LayoutNode | undefined;
  /** Metres from (x, y) to the nearest node or edge (as a straight segment). */
  distanceToGraph(x: number, y: number): number;
}

export function graphGeometry(layout: Layout): GraphGeometry {
  const nodes = new Map(layout.nodes.map((n) => [n.id, n]));
  const segments = layout.edges.flatMap((e) => {
    const a = nodes.get(e.from);
    const b = nodes.get(e.to);
    return a && b ? [{ a, b }] : [];
  });
  return {
    nodeAt(x, y, toleranceM) {
      let best: LayoutNode | undefined;
      let bestM = toleranceM;
      for (const n of layout.nodes) {
        const d = Math.hypot(n.x - x, n.y - y);
        if (d <= bestM) {
          best = n;
          bestM = d;
        }
      }
      return best;
    },
    distanceToGraph(x, y) {
      let best = Infinity;
      for (const n of layout.nodes) best = Math.min(best, Math.hypot(n.x - x, n.y - y));
      for (const { a, b } of segments) best = Math.min(best, segmentDistance(x, y, a, b));
      return best;
    },
  };
}

function segmentDistance(x: number, y: number, a: LayoutNode, b: LayoutNode): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - a.x) * dx + (y - a.y) * dy) / len2));
  return Math.hypot(a.x + t * dx - x, a.y + t * dy - y);
}
