/**
 * B1 (`specs/performance.md`): shortest-path queries, CSR A* (`orchestrator/routing/csr-astar.ts`)
 * against ngraph.path `aStar` with the same heuristic, on the same random reachable pairs.
 * Run alone: `npx tsx test/bench/b1-shortest-path.ts`.
 */
import createGraph from 'ngraph.graph';
import type { Link, Node } from 'ngraph.graph';
import { aStar } from 'ngraph.path';
import type { Layout, LayoutNode, NodeId } from '../../orchestrator/domain/layout.ts';
import { importMovingAiMap } from '../../orchestrator/layout-import/movingai.ts';
import { CsrSearch } from '../../orchestrator/routing/csr-astar.ts';
import { CsrGraph } from '../../orchestrator/routing/csr-graph.ts';
import { Router } from '../../orchestrator/routing/router.ts';
import type { BenchOptions, BenchSection, Summary } from './bench-kit.ts';
import {
  fmt,
  isMain,
  machineLine,
  markdownTable,
  movingAiText,
  mulberry32,
  printSection,
  randomInt,
  summarize,
  timed,
  verdict,
  yieldToEventLoop,
} from './bench-kit.ts';

export interface B1Options extends BenchOptions {
  /** PRNG seed of the pairs; default `B1_SEED`. */
  readonly seed?: number;
  /** Timed pairs per map; default 1,000. */
  readonly pairs?: number;
  /** Untimed queries per method before timing (JIT warm-up); default 100. */
  readonly warmup?: number;
  /** Tiles across and down of the large map; default [2, 2] (90,396 nodes). */
  readonly tiles?: readonly [number, number];
}

export const B1_SEED = 20_251_101;
const P99_TARGET_MS = 2;
const SPEEDUP_TARGET = 5;
const COST_TOLERANCE_S = 1e-9;

/**
 * A Moving AI map of `across x down` copies of `text`'s map without its outer wall, walled once
 * around: tiles touch along their border rows and columns and connect wherever both cells are free.
 */
export function tileMovingAiMap(text: string, across: number, down: number): string {
  const rows = text.split(/\r?\n/).slice(4);
  while (rows.length > 0 && rows.at(-1)?.trim() === '') rows.pop();
  const inner = rows.slice(1, -1).map((row) => row.slice(1, -1));
  const body: string[] = [];
  for (let j = 0; j < down; j++) for (const row of inner) body.push(`T${row.repeat(across)}T`);
  const width = (body[0] ?? '').length;
  const wall = 'T'.repeat(width);
  const all = [wall, ...body, wall];
  return `type octile\nheight ${all.length}\nwidth ${width}\nmap\n${all.join('\n')}\n`;
}

type Heuristic = 'euclidean' | 'euclidean-manhattan';

/** A query method under test: returns the travel time, seconds, or undefined for no route. */
type Query = (from: NodeId, to: NodeId) => number | undefined;

/** ngraph.path `aStar` with the CSR graph's own heuristic and arc costs (for the Manhattan variant). */
function ngraphQuery(layout: Layout, csr: CsrGraph): Query {
  const graph = createGraph<LayoutNode, number>();
  for (const node of layout.nodes) graph.addNode(node.id, node);
  for (let u = 0; u < csr.nodeCount; u++) {
    for (let arc = csr.offsets[u]!; arc < csr.offsets[u + 1]!; arc++) {
      const from = csr.nodeId(u);
      const to = csr.nodeId(csr.targets[arc]!);
      const cost = csr.costs[arc]!;
      const existing = graph.getLink(from, to);
      if (existing === undefined || existing.data > cost) {
        if (existing !== undefined) graph.removeLink(existing);
        graph.addLink(from, to, cost);
      }
    }
  }
  const hs = csr.heuristicSPerM;
  const hm = csr.manhattanSPerM;
  const finder = aStar<LayoutNode, number>(graph, {
    oriented: true,
    distance: (_a, _b, link: Link<number>) => link.data,
    heuristic: (a: Node<LayoutNode>, b: Node<LayoutNode>) => {
      const dx = a.data.x - b.data.x;
      const dy = a.data.y - b.data.y;
      return Math.max(Math.sqrt(dx * dx + dy * dy) * hs, (Math.abs(dx) + Math.abs(dy)) * hm);
    },
  });
  return (from, to) => {
    const path = finder.find(from, to);
    if (path.length < 2) return undefined;
    // The path comes back goal-first (STYLE.md, "Known traps").
    let durationS = 0;
    for (let i = path.length - 1; i > 0; i--) {
      durationS += graph.getLink(path[i]!.id, path[i - 1]!.id)?.data ?? NaN;
    }
    return durationS;
  };
}

interface MethodResult {
  readonly name: string;
  readonly heuristic: Heuristic;
  readonly baseline: boolean;
  readonly summary: Summary;
  readonly costs: Float64Array;
}

function measure(
  name: string,
  heuristic: Heuristic,
  baseline: boolean,
  query: Query,
  pairs: readonly (readonly [NodeId, NodeId])[],
): MethodResult {
  const samples: number[] = [];
  const costs = new Float64Array(pairs.length);
  pairs.forEach(([from, to], i) => {
    const { value, ms } = timed(() => query(from, to));
    samples.push(ms);
    costs[i] = value ?? NaN;
  });
  return { name, heuristic, baseline, summary: summarize(samples), costs };
}

interface MapResult {
  readonly key: string;
  readonly name: string;
  readonly nodes: number;
  readonly arcs: number;
  readonly methods: readonly MethodResult[];
}

function benchMap(
  key: string,
  name: string,
  layout: Layout,
  options: Required<Omit<B1Options, 'log'>>,
  log: (line: string) => void,
): MapResult {
  const euclidean = new CsrGraph(layout);
  const manhattan = new CsrGraph(layout, { heuristic: 'euclidean-manhattan' });
  const csrE = new CsrSearch(euclidean);
  const csrM = new CsrSearch(manhattan);
  const router = new Router(layout);

  // Random reachable pairs, from != to; reachability by the CSR search, checked again by every method.
  const random = mulberry32(options.seed);
  const pairs: (readonly [NodeId, NodeId])[] = [];
  const wanted = options.pairs + options.warmup;
  for (let tries = 0; pairs.length < wanted && tries < wanted * 100; tries++) {
    const a = randomInt(random, euclidean.nodeCount);
    const b = randomInt(random, euclidean.nodeCount);
    if (a !== b && csrE.search(a, b) < Infinity) pairs.push([euclidean.nodeId(a), euclidean.nodeId(b)]);
  }
  if (pairs.length < wanted) throw new Error(`${name}: found only ${pairs.length} reachable pairs`);
  const warm = pairs.slice(options.pairs);
  const timedPairs = pairs.slice(0, options.pairs);
  const run = (method: string, heuristic: Heuristic, baseline: boolean, query: Query): MethodResult => {
    log(`B1 ${name}: ${method} (${heuristic}) on ${timedPairs.length} pairs`);
    // Warm up on pairs that are not timed, so that no timed query is answered from a warm cache.
    for (const [from, to] of warm) query(from, to);
    return measure(method, heuristic, baseline, query, timedPairs);
  };
  const methods = [
    run(
      'ngraph.path aStar (Router.route)',
      'euclidean',
      true,
      (from, to) => router.route({ from, to })?.durationS,
    ),
    run('CSR A* (CsrSearch.route)', 'euclidean', false, (from, to) => csrE.route(from, to)?.durationS),
    run('ngraph.path aStar', 'euclidean-manhattan', true, ngraphQuery(layout, manhattan)),
    run(
      'CSR A* (CsrSearch.route)',
      'euclidean-manhattan',
      false,
      (from, to) => csrM.route(from, to)?.durationS,
    ),
  ];

  // Every method must find the same travel time for every pair: fail loudly otherwise.
  const reference = methods[0]!.costs;
  for (const method of methods) {
    method.costs.forEach((cost, i) => {
      const expected = reference[i]!;
      if (!(Math.abs(cost - expected) <= COST_TOLERANCE_S)) {
        const [from, to] = timedPairs[i]!;
        throw new Error(
          `B1 ${name}: ${method.name} (${method.heuristic}) gives ${cost} s for ${from} -> ${to}, Router ${expected} s`,
        );
      }
    });
  }
  return { key, name, nodes: euclidean.nodeCount, arcs: euclidean.arcCount, methods };
}

function baselineOf(map: MapResult, heuristic: Heuristic): MethodResult {
  return map.methods.find((m) => m.baseline && m.heuristic === heuristic)!;
}

function csrOf(map: MapResult, heuristic: Heuristic): MethodResult {
  return map.methods.find((m) => !m.baseline && m.heuristic === heuristic)!;
}

export async function run(options: B1Options = {}): Promise<BenchSection> {
  const settings = {
    seed: options.seed ?? B1_SEED,
    pairs: options.pairs ?? 1000,
    warmup: options.warmup ?? 100,
    tiles: options.tiles ?? ([2, 2] as const),
  };
  const log = options.log ?? ((): void => undefined);
  const [across, down] = settings.tiles;
  const large = 'warehouse-20-40-10-2-1';
  const sources: readonly (readonly [string, string, () => string])[] = [
    ['w10', 'warehouse-10-20-10-2-1', () => movingAiText('warehouse-10-20-10-2-1')],
    ['w20', large, () => movingAiText(large)],
    ['tiled', `${large} tiled ${across}x${down}`, () => tileMovingAiMap(movingAiText(large), across, down)],
  ];
  const maps: MapResult[] = [];
  for (const [key, name, text] of sources) {
    maps.push(benchMap(key, name, importMovingAiMap(text(), { name: key }).value, settings, log));
    await yieldToEventLoop();
  }

  const figures: Record<string, number> = {};
  const rows: string[][] = [];
  for (const map of maps) {
    figures[`${map.key}Nodes`] = map.nodes;
    for (const method of map.methods) {
      const base = baselineOf(map, method.heuristic);
      const speedup = base.summary.p99 / method.summary.p99;
      const tag = `${map.key}${method.baseline ? 'Ngraph' : 'Csr'}${method.heuristic === 'euclidean' ? 'Euclidean' : 'EuclideanManhattan'}`;
      figures[`${tag}MeanMs`] = method.summary.mean;
      figures[`${tag}P50Ms`] = method.summary.p50;
      figures[`${tag}P99Ms`] = method.summary.p99;
      if (!method.baseline) figures[`${tag}SpeedupP99`] = speedup;
      rows.push([
        map.name,
        String(map.nodes),
        method.name,
        method.heuristic,
        fmt(method.summary.mean, 3),
        fmt(method.summary.p50, 3),
        fmt(method.summary.p99, 3),
        fmt(method.summary.max, 3),
        method.baseline ? 'baseline' : `${fmt(speedup, 1)}x`,
      ]);
    }
  }

  const tiled = maps[2]!;
  const verdicts = (['euclidean', 'euclidean-manhattan'] as const).map((heuristic) => {
    const p99 = csrOf(tiled, heuristic).summary.p99;
    const p99Met = p99 <= P99_TARGET_MS;
    const speedups = maps.map((m) => baselineOf(m, heuristic).summary.p99 / csrOf(m, heuristic).summary.p99);
    const speedupMet = speedups.every((s) => s >= SPEEDUP_TARGET);
    return {
      heuristic,
      met: p99Met && speedupMet,
      line:
        `- Heuristic \`${heuristic}\`: p99 ${fmt(p99, 3)} ms at ${tiled.nodes} nodes (target <= ${P99_TARGET_MS} ms: ` +
        `${verdict(p99Met)}); speed-up at p99 ${speedups.map((s) => `${fmt(s, 1)}x`).join(' / ')} ` +
        `(target >= ${SPEEDUP_TARGET}x on every map: ${verdict(speedupMet)}).`,
    };
  });
  const targetsMet = verdicts.some((v) => v.met);

  const markdown = [
    `Seed ${settings.seed}; ${settings.pairs} random reachable pairs (from != to) per map, after ${settings.warmup} ` +
      `untimed warm-up queries per method on other pairs. Travel time at 1 m/s; every method found the same ` +
      `cost for every pair (within ${COST_TOLERANCE_S} s), checked.`,
    machineLine(),
    '',
    `Each CSR row is compared with the ngraph.path row of the same heuristic. \`euclidean\` is Router's ` +
      `(straight line scaled by min(1, length / straight) over all edges); \`euclidean-manhattan\` is the ` +
      `larger of that and the Manhattan distance scaled the same way (admissible on any layout, exact on ` +
      `open 4-connected grids). CSR times include mapping ids in and building the \`Route\` out.`,
    '',
    markdownTable(
      ['map', 'nodes', 'method', 'heuristic', 'mean ms', 'p50 ms', 'p99 ms', 'max ms', 'speed-up at p99'],
      rows,
    ),
    '',
    ...verdicts.map((v) => v.line),
    `- Targets met by some configuration: ${
      targetsMet
        ? `yes (${verdicts
            .filter((v) => v.met)
            .map((v) => v.heuristic)
            .join(', ')})`
        : 'no'
    }.`,
  ].join('\n');
  return { id: 'B1', title: 'Shortest-path query (CSR A* vs ngraph.path)', markdown, targetsMet, figures };
}

if (isMain(import.meta.url)) await printSection(run);
