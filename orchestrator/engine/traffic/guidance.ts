import type { Layout, LayoutEdge } from '../../domain/layout.ts';

/**
 * Traffic guidance: soft lane directions that make robots on a dense grid flow instead of meeting head-on.
 *
 * - `none`: every edge costs its travel time.
 * - `crisscross`: every straight row and column of a rectilinear layout gets a direction, alternating
 *   from one row (column) to the next, like one-way streets. Driving against it costs
 *   AGAINST_LANE_FACTOR times the travel time, so routes follow the lanes wherever a detour exists, and
 *   still take the short way where none does (a dead end, the last metres to a bin). Nothing is forbidden,
 *   so every station stays reachable and collision freedom and PIBT's progress rule are untouched.
 *
 * Why: with random pick-and-drop in 1-wide aisles, PIBT meets robots head-on and pushes whole columns
 * back. Robots that hold both ends of the edge they drive (our safety rule; a synchronous planner's robots
 * would follow each other edge to edge) unwind such a column one robot at a time, and at 500 robots on
 * the small warehouse map the aisles gridlock (F1: 2,105 robots in waiting sets in 8 h). With crisscross
 * lanes the same run has none and moves 1.5× the reference PIBT's tasks (BENCHMARKS.md, B5 and F1). This
 * is the "crisscross" guidance graph of Zhang et al., "Guidance Graph Optimization for Lifelong
 * Multi-Agent Path Finding" (IJCAI 2024), where it is a strong hand-made baseline for PIBT on warehouse
 * maps; the directions here are derived from the geometry, not modelled by hand.
 */
export type TrafficGuidance = 'none' | 'crisscross';

export const TRAFFIC_GUIDANCE: readonly TrafficGuidance[] = ['none', 'crisscross'];

/** How many times its travel time an edge against its lane's direction costs. */
export const AGAINST_LANE_FACTOR = 16;

/**
 * Per edge, the factor on its travel time under `guidance`; undefined when every factor is 1.
 * Crisscross: an edge along x (same y at both ends) belongs to the row at its y. Rows are ranked by their
 * distinct y values; rows of even rank run towards +x, odd ones towards -x. Columns likewise by x, even
 * towards +y. Diagonal edges and loops have no lane (factor 1).
 */
export function laneWeights(
  layout: Layout,
  guidance: TrafficGuidance,
): ((edge: LayoutEdge) => number) | undefined {
  if (guidance === 'none') return undefined;
  const rank = (values: Iterable<number>): Map<number, number> =>
    new Map([...new Set(values)].sort((a, b) => a - b).map((v, i) => [v, i]));
  const rowRank = rank(layout.nodes.map((n) => n.y));
  const columnRank = rank(layout.nodes.map((n) => n.x));
  const at = new Map(layout.nodes.map((n) => [n.id, n]));
  return (edge) => {
    const a = at.get(edge.from);
    const b = at.get(edge.to);
    if (!a || !b) return 1;
    let withLane: boolean;
    if (a.y === b.y && a.x !== b.x) withLane = b.x > a.x === (rowRank.get(a.y)! % 2 === 0);
    else if (a.x === b.x && a.y !== b.y) withLane = b.y > a.y === (columnRank.get(a.x)! % 2 === 0);
    else return 1;
    return withLane ? 1 : AGAINST_LANE_FACTOR;
  };
}
