/**
 * Self-check of the B5 reference PIBT: `npx tsx test/bench/b5/reference-pibt.check.ts`; exits 1 on failure.
 * (B5 files are not unit tests: `test/**\/*.test.ts` belongs to the integration project.)
 *
 * Safety (no vertex collision, no swap, no jump) is asserted everywhere. Progress is asserted where the
 * paper guarantees it: PIBT's reachability theorem (AIJ 2022) needs every pair of adjacent nodes on a
 * simple cycle, i.e. a graph without bridges. The B5 warehouse maps have none (asserted below). On the
 * tree-shaped traps (a corridor with a side pocket, a bare plus) PIBT is known to get stuck: there we
 * assert safety only and print the outcome.
 */
import { readFileSync } from 'node:fs';
import { Grid } from './grid.ts';
import { runInterferenceFree } from './interference-free.ts';
import { checkStep, PibtPlanner } from './pibt.ts';
import { runReferencePibt } from './reference-pibt.ts';

type Cell = readonly [x: number, y: number];

const failures: string[] = [];
function expect(name: string, ok: boolean, detail: string): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
  if (!ok) failures.push(name);
}

const mapText = (rows: readonly string[]): string =>
  `type octile\nheight ${rows.length}\nwidth ${rows[0]?.length ?? 0}\nmap\n${rows.join('\n')}\n`;

interface OneShotOutcome {
  /** Step at which every agent stood on its goal at once; -1 if never within the limit. */
  readonly solvedAt: number;
  readonly violations: number;
}

/** One-shot MAPF with PIBT: priority = steps since the agent was last on its goal + a tie-breaker. */
function oneShot(rows: readonly string[], starts: readonly Cell[], goals: readonly Cell[], seed: number) {
  const grid = new Grid(mapText(rows));
  const n = starts.length;
  const cell = ([x, y]: Cell): number => grid.cellIndex(x, y);
  const pos = Int32Array.from(starts, cell);
  const goal = Int32Array.from(goals, cell);
  const dist = Array.from(goal, (v) => grid.distanceTo(v));
  const planner = new PibtPlanner(grid, n, seed);
  const next = new Int32Array(n);
  const priority = new Float64Array(n);
  const elapsed = new Int32Array(n);
  const scratch = new Int32Array(grid.nodeCount).fill(-1);
  let violations = 0;
  for (let t = 1; t <= 200; t++) {
    for (let i = 0; i < n; i++) priority[i] = elapsed[i]! + (i + 1) / (n + 1);
    planner.plan(pos, dist, priority, new Uint8Array(n), next);
    const v = checkStep(grid, pos, next, scratch);
    violations += v.vertex + v.swap + v.invalidMove;
    pos.set(next);
    let all = true;
    for (let i = 0; i < n; i++) {
      elapsed[i] = pos[i] === goal[i] ? 0 : elapsed[i]! + 1;
      all &&= pos[i] === goal[i];
    }
    if (all) return { solvedAt: t, violations } satisfies OneShotOutcome;
  }
  return { solvedAt: -1, violations } satisfies OneShotOutcome;
}

function trap(name: string, rows: readonly string[], starts: readonly Cell[], goals: readonly Cell[]) {
  const outcomes = Array.from({ length: 20 }, (_, s) => oneShot(rows, starts, goals, s + 1));
  const violations = outcomes.reduce((sum, o) => sum + o.violations, 0);
  const solved = outcomes.filter((o) => o.solvedAt > 0).length;
  return { name, violations, solved, seeds: outcomes.length };
}

/** Bridges of the grid graph (iterative Tarjan): edges on no cycle. */
function countBridges(grid: Grid): number {
  const n = grid.nodeCount;
  const disc = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const parent = new Int32Array(n).fill(-1);
  const cursor = new Int32Array(n);
  let time = 0;
  let bridges = 0;
  for (let s = 0; s < n; s++) {
    if (disc[s] !== -1) continue;
    const stack = [s];
    disc[s] = low[s] = time++;
    cursor[s] = grid.offsets[s]!;
    while (stack.length > 0) {
      const v = stack.at(-1)!;
      const k = cursor[v]!;
      if (k < grid.offsets[v + 1]!) {
        cursor[v] = k + 1;
        const u = grid.neighbours[k]!;
        if (disc[u] === -1) {
          parent[u] = v;
          disc[u] = low[u] = time++;
          cursor[u] = grid.offsets[u]!;
          stack.push(u);
        } else if (u !== parent[v]) low[v] = Math.min(low[v]!, disc[u]!);
      } else {
        stack.pop();
        const p = parent[v]!;
        if (p >= 0) {
          low[p] = Math.min(low[p]!, low[v]!);
          if (low[v]! > disc[p]!) bridges++;
        }
      }
    }
  }
  return bridges;
}

// --- The step check itself catches each kind of violation (else "0 collisions" would prove nothing).
{
  const grid = new Grid(mapText(['...', '...']));
  const scratch = new Int32Array(grid.nodeCount).fill(-1);
  const at = (...cells: Cell[]) => Int32Array.from(cells, ([x, y]) => grid.cellIndex(x, y));
  const vertex = checkStep(grid, at([0, 0], [2, 0]), at([1, 0], [1, 0]), scratch);
  const swap = checkStep(grid, at([0, 0], [1, 0]), at([1, 0], [0, 0]), scratch);
  const jump = checkStep(grid, at([0, 0]), at([2, 1]), scratch);
  const follow = checkStep(grid, at([0, 0], [1, 0], [2, 0]), at([1, 0], [2, 0], [2, 1]), scratch);
  expect(
    'checkStep detects vertex, swap and jump, accepts a moving chain',
    vertex.vertex === 1 &&
      swap.swap === 1 &&
      jump.invalidMove === 1 &&
      follow.vertex + follow.swap + follow.invalidMove === 0,
    JSON.stringify({ vertex, swap, jump, follow }),
  );
}

// --- Traps with cycles: PIBT must solve them, every seed.
const blocks = ['.......', '.@@.@@.', '.@@.@@.', '.......', '.@@.@@.', '.@@.@@.', '.......'];
const crossing = trap(
  '4 agents crossing a plus-shaped intersection (aisles on a cycle)',
  blocks,
  [
    [3, 0],
    [6, 3],
    [3, 6],
    [0, 3],
  ],
  [
    [3, 6],
    [0, 3],
    [3, 0],
    [6, 3],
  ],
);
const ringRows = ['....', '.@@.', '.@@.', '....'];
const ring: Cell[] = [
  [0, 0],
  [1, 0],
  [2, 0],
  [3, 0],
  [3, 1],
  [3, 2],
  [3, 3],
  [2, 3],
  [1, 3],
  [0, 3],
  [0, 2],
  [0, 1],
];
const onRing = ring.slice(0, 11);
const ringCw = trap(
  'ring of 12 with one free node, 11 agents shift 3 clockwise',
  ringRows,
  onRing,
  onRing.map((_, i) => ring[(i + 3) % 12]!),
);
const ringCcw = trap(
  'ring of 12 with one free node, 11 agents shift 3 counter-clockwise',
  ringRows,
  onRing,
  onRing.map((_, i) => ring[(i + 9) % 12]!),
);
for (const r of [crossing, ringCw, ringCcw]) {
  expect(
    r.name,
    r.violations === 0 && r.solved === r.seeds,
    `${r.solved}/${r.seeds} seeds solved, ${r.violations} violations`,
  );
}

// --- Tree-shaped traps: safety asserted; PIBT is incomplete here (no cycle to dodge around).
const corridor = ['@@@@.@@@@', '.........', '@@@@@@@@@'];
const plus = ['@@.@@', '@@.@@', '.....', '@@.@@', '@@.@@'];
for (const r of [
  trap(
    'corridor with a side pocket, 1 agent from each end',
    corridor,
    [
      [0, 1],
      [8, 1],
    ],
    [
      [8, 1],
      [0, 1],
    ],
  ),
  trap(
    'corridor with a side pocket, 2 agents from each end',
    corridor,
    [
      [0, 1],
      [1, 1],
      [8, 1],
      [7, 1],
    ],
    [
      [8, 1],
      [7, 1],
      [0, 1],
      [1, 1],
    ],
  ),
  trap(
    '4 agents crossing a bare plus (a tree)',
    plus,
    [
      [2, 0],
      [4, 2],
      [2, 4],
      [0, 2],
    ],
    [
      [2, 4],
      [0, 2],
      [2, 0],
      [4, 2],
    ],
  ),
]) {
  expect(
    r.name,
    r.violations === 0,
    `${r.violations} violations; solved ${r.solved}/${r.seeds} (safety only: a tree)`,
  );
}

// --- Lifelong on a small dense warehouse: safety, progress, no deadlock, below the bound.
const small = [
  '@@@@@@@@@@@@@@@@@@@@@@',
  '@....................@',
  '@..@@@@@.@@@@@.@@@@@.@',
  '@....................@',
  '@..@@@@@.@@@@@.@@@@@.@',
  '@....................@',
  '@..@@@@@.@@@@@.@@@@@.@',
  '@....................@',
  '@@@@@@@@@@@@@@@@@@@@@@',
];
for (const robots of [10, 40]) {
  for (const actionSteps of [0, 3]) {
    const options = { mapText: mapText(small), robots, steps: 2_000, seed: 7, actionSteps };
    const r = runReferencePibt(options);
    const bound = runInterferenceFree(options);
    expect(
      `small warehouse, ${robots} robots, action ${actionSteps} steps`,
      r.collisions === 0 &&
        r.invalidMoves === 0 &&
        r.tasksDone > robots &&
        r.maxStallSteps < 200 &&
        r.tasksDone <= bound.tasksDone * 1.1,
      `${r.tasksDone} tasks (bound ${bound.tasksDone}), ${r.collisions} collisions, ${r.invalidMoves} invalid moves, longest stall ${r.maxStallSteps} steps`,
    );
  }
}

// --- The B5 maps: PIBT's precondition holds; a short run is safe and deterministic.
const fixtures = new URL('../../../orchestrator/layout-import/fixtures/mapf/', import.meta.url);
for (const name of ['warehouse-10-20-10-2-1', 'warehouse-10-20-10-2-2', 'warehouse-20-40-10-2-1']) {
  const bridges = countBridges(new Grid(readFileSync(new URL(`${name}.map`, fixtures), 'utf8')));
  expect(`${name} has no bridges`, bridges === 0, `${bridges} bridges`);
}
const b5 = {
  mapText: readFileSync(new URL('warehouse-10-20-10-2-1.map', fixtures), 'utf8'),
  robots: 200,
  steps: 300,
  seed: 1,
};
const first = runReferencePibt(b5);
const again = runReferencePibt(b5);
expect(
  'warehouse-10-20-10-2-1, 200 robots x 300 steps',
  first.collisions === 0 && first.invalidMoves === 0 && first.tasksDone > 0,
  `${first.tasksDone} tasks, ${first.collisions} collisions, longest stall ${first.maxStallSteps}`,
);
expect(
  'same seed, same run',
  first.tasksDone === again.tasksDone && first.meanTaskSteps === again.meanTaskSteps,
  `${first.tasksDone}/${again.tasksDone} tasks, mean ${first.meanTaskSteps}/${again.meanTaskSteps} steps`,
);

if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all checks passed');
