/**
 * B2 (`specs/performance.md`): batch assignment of 500 orders to 500 robots on warehouse-20-40-10-2-1,
 * cost matrix included: one reverse search (`CsrSearch.distancesTo`) per pickup, then the optimal
 * assignment (`solveAssignment`), against greedy baselines and an exact reference solver.
 * Run alone: `npx tsx test/bench/b2-assignment.ts`.
 */
import { greedyAssignment } from '../../orchestrator/engine/assignment/greedy-assignment.ts';
import { solveAssignment } from '../../orchestrator/engine/assignment/solve-assignment.ts';
import { CsrSearch } from '../../orchestrator/routing/csr-astar.ts';
import { CsrGraph } from '../../orchestrator/routing/csr-graph.ts';
import type { BenchOptions, BenchSection } from './bench-kit.ts';
import {
  fmt,
  isMain,
  machineLine,
  markdownTable,
  movingAiLayout,
  mulberry32,
  percentile,
  printSection,
  randomInt,
  timed,
  verdict,
  yieldToEventLoop,
} from './bench-kit.ts';

export interface B2Options extends BenchOptions {
  /** PRNG seed of robot and pickup nodes; default `B2_SEED`. */
  readonly seed?: number;
  /** Robots and orders (a square problem); default 500. */
  readonly size?: number;
  /** Timed runs after one untimed warm-up run; default 7. */
  readonly runs?: number;
}

export const B2_SEED = 20_251_102;
const MAP = 'warehouse-20-40-10-2-1';
const TOTAL_TARGET_MS = 100;
const GREEDY_RATIO_TARGET = 1.2;

/**
 * The exact reference: the classic O(n^3) Hungarian method with potentials (Kuhn-Munkres in the
 * e-maxx formulation), written independently of `solveAssignment`. Square, all entries finite.
 */
export function hungarianTotal(cost: Float64Array, n: number): number {
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1); // p[j]: row (1-based) matched to column j; 0 = none
  const way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j] === 1) continue;
        const cur = cost[(i0 - 1) * n + (j - 1)]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j] === 1) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else {
          minv[j] = minv[j]! - delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  let total = 0;
  for (let j = 1; j <= n; j++) total += cost[(p[j]! - 1) * n + (j - 1)]!;
  return total;
}

interface RunTimes {
  readonly matrixMs: number;
  readonly solveMs: number;
  readonly totalMs: number;
}

export async function run(options: B2Options = {}): Promise<BenchSection> {
  const seed = options.seed ?? B2_SEED;
  const n = options.size ?? 500;
  const runs = options.runs ?? 7;
  const log = options.log ?? ((): void => undefined);

  const graph = new CsrGraph(movingAiLayout(MAP));
  const search = new CsrSearch(graph);
  const random = mulberry32(seed);
  const distinctNodes = (count: number): Int32Array => {
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(randomInt(random, graph.nodeCount));
    return Int32Array.from(chosen);
  };
  const robots = distinctNodes(n);
  const pickups = distinctNodes(n);
  const scratch = new Float64Array(graph.nodeCount);

  /** Rows are orders (pickups), columns robots: travel time, s, robot -> pickup at 1 m/s. */
  const buildMatrix = (): Float64Array => {
    const cost = new Float64Array(n * n);
    for (let o = 0; o < n; o++) {
      search.distancesTo(pickups[o]!, scratch);
      for (let r = 0; r < n; r++) cost[o * n + r] = scratch[robots[r]!]!;
    }
    return cost;
  };

  const measureOnce = (): { times: RunTimes; cost: Float64Array; total: number } => {
    const matrix = timed(buildMatrix);
    const solved = timed(() => solveAssignment(matrix.value, n, n));
    return {
      times: { matrixMs: matrix.ms, solveMs: solved.ms, totalMs: matrix.ms + solved.ms },
      cost: matrix.value,
      total: solved.value.total,
    };
  };

  log(`B2 ${n} x ${n} on ${MAP}: cold run`);
  const cold = measureOnce();
  if (!cold.cost.every((c) => c < Infinity)) throw new Error('B2: some robot cannot reach some pickup');
  const warm: RunTimes[] = [];
  for (let i = 0; i < runs; i++) {
    await yieldToEventLoop();
    log(`B2 timed run ${i + 1} of ${runs}`);
    const result = measureOnce();
    if (result.total !== cold.total)
      throw new Error(`B2: run ${i + 1} total ${result.total} != ${cold.total}`);
    warm.push(result.times);
  }
  const median = (pick: (t: RunTimes) => number): number => percentile(warm.map(pick), 50);
  const worst = (pick: (t: RunTimes) => number): number => percentile(warm.map(pick), 100);

  const cost = cold.cost;
  const optimal = cold.total;
  const reference = timed(() => hungarianTotal(cost, n));
  if (Math.abs(reference.value - optimal) > 1e-6) {
    throw new Error(
      `B2: solveAssignment total ${optimal} differs from the Hungarian reference ${reference.value}`,
    );
  }
  // Steady state in the engine: pickups are stations, whose travel-time tables stay cached from tick to
  // tick (engine/traffic/distance-tables.ts), so the matrix is gathered, not searched. Context only.
  const tables = Array.from(pickups, (p) => Float32Array.from(search.distancesTo(p, scratch)));
  const gathers: number[] = [];
  for (let i = 0; i < runs; i++) {
    gathers.push(
      timed(() => {
        const m = new Float64Array(n * n);
        for (let o = 0; o < n; o++) {
          const t = tables[o]!;
          for (let r = 0; r < n; r++) m[o * n + r] = t[robots[r]!]!;
        }
        return m;
      }).ms,
    );
  }
  const warmMatrixMs = percentile(gathers, 50);
  const nearest = timed(() => greedyAssignment(cost, n, n, { strategy: 'row-order' }));
  const cheapest = timed(() => greedyAssignment(cost, n, n, { strategy: 'cheapest-pair' }));
  const nearestRatio = nearest.value.total / optimal;
  const cheapestRatio = cheapest.value.total / optimal;

  const totalMs = median((t) => t.totalMs);
  const totalMet = totalMs <= TOTAL_TARGET_MS;
  const exactMet = Math.abs(reference.value - optimal) <= 1e-6;
  const greedyMet = nearestRatio >= GREEDY_RATIO_TARGET;
  const figures: Record<string, number> = {
    size: n,
    nodes: graph.nodeCount,
    matrixMedianMs: median((t) => t.matrixMs),
    solveMedianMs: median((t) => t.solveMs),
    totalMedianMs: totalMs,
    totalMaxMs: worst((t) => t.totalMs),
    coldTotalMs: cold.times.totalMs,
    distancesToMeanMs: median((t) => t.matrixMs) / n,
    cachedMatrixMedianMs: warmMatrixMs,
    optimalTotalS: optimal,
    referenceTotalS: reference.value,
    referenceSolveMs: reference.ms,
    greedyNearestTotalS: nearest.value.total,
    greedyNearestOverOptimal: nearestRatio,
    greedyCheapestPairTotalS: cheapest.value.total,
    greedyCheapestPairOverOptimal: cheapestRatio,
  };
  const row = (name: string, pick: (t: RunTimes) => number): string[] => [
    name,
    fmt(median(pick), 1),
    fmt(worst(pick), 1),
    fmt(pick(cold.times), 1),
  ];
  const markdown = [
    `Seed ${seed}; ${n} robots and ${n} pickups on distinct random nodes of ${MAP} (${graph.nodeCount} nodes), ` +
      `rows = orders, columns = robots; cost = travel time robot -> pickup at 1 m/s, from one ` +
      `\`CsrSearch.distancesTo(pickup)\` per order (unit arcs: breadth-first). ${runs} timed runs after one cold run.`,
    machineLine(),
    '',
    markdownTable(
      ['phase', 'median ms', 'max ms', 'cold run ms'],
      [
        row(`cost matrix (${n} x distancesTo + gather)`, (t) => t.matrixMs),
        row('solveAssignment (shortest augmenting path, JV)', (t) => t.solveMs),
        row('total', (t) => t.totalMs),
      ],
    ),
    '',
    markdownTable(
      ['solver', 'total travel time s', 'vs optimal', 'time ms'],
      [
        [
          'solveAssignment',
          fmt(optimal, 0),
          '1.000',
          fmt(
            median((t) => t.solveMs),
            1,
          ),
        ],
        [
          'exact reference: Hungarian O(n^3), this file',
          fmt(reference.value, 0),
          fmt(reference.value / optimal, 3),
          fmt(reference.ms, 1),
        ],
        [
          'greedy nearest free robot per order, in order (openTCS-like)',
          fmt(nearest.value.total, 0),
          fmt(nearestRatio, 3),
          fmt(nearest.ms, 1),
        ],
        [
          'greedy cheapest remaining pair',
          fmt(cheapest.value.total, 0),
          fmt(cheapestRatio, 3),
          fmt(cheapest.ms, 1),
        ],
      ],
    ),
    '',
    `- Total <= ${TOTAL_TARGET_MS} ms, cost matrix included (median ${fmt(totalMs, 1)} ms): ${verdict(totalMet)}. ` +
      `Each of the ${n} searches is a breadth-first pass over ${graph.nodeCount} nodes (${fmt(median((t) => t.matrixMs) / n, 2)} ms); ` +
      `in the running engine the pickups are stations whose tables stay cached between ticks, and there the matrix is a gather ` +
      `(median ${fmt(warmMatrixMs, 1)} ms), for a total of ${fmt(warmMatrixMs + median((t) => t.solveMs), 1)} ms (context, not the target).`,
    `- Cost equal to the exact optimum (Hungarian reference): ${verdict(exactMet)}.`,
    `- Optimal <= 1/${GREEDY_RATIO_TARGET} of greedy nearest-robot (greedy / optimal = ${fmt(nearestRatio, 3)}): ` +
      `${verdict(greedyMet)}. Greedy cheapest-pair / optimal = ${fmt(cheapestRatio, 3)}.`,
  ].join('\n');
  return {
    id: 'B2',
    title: `Batch assignment, ${n} robots x ${n} orders`,
    markdown,
    targetsMet: totalMet && exactMet && greedyMet,
    figures,
  };
}

if (isMain(import.meta.url)) await printSection(run);
