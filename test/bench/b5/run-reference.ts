/**
 * B5 baselines: the reference PIBT and the interference-free bound on the same scenario and task stream,
 * per map and fleet size. Run directly for a table:
 *   npx tsx test/bench/b5/run-reference.ts [--steps 3600] [--robots 50,200,500] [--seed 1] [--action-steps 0]
 * Exits 1 if the reference ever collides or jumps. `runReferenceSuite` returns the figures for the
 * combined B5 report.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runInterferenceFree } from './interference-free.ts';
import type { InterferenceFreeResult } from './interference-free.ts';
import { runReferencePibt } from './reference-pibt.ts';
import type { ReferencePibtResult } from './reference-pibt.ts';

/** The Moving AI maps B5 runs on, from `orchestrator/layout-import/fixtures/mapf/`. */
export const B5_MAPS = ['warehouse-10-20-10-2-1', 'warehouse-20-40-10-2-1'] as const;
const FIXTURES = new URL('../../../orchestrator/layout-import/fixtures/mapf/', import.meta.url);

export interface ReferenceSuiteOptions {
  /** Map names (file name without `.map`) in the fixtures folder; default {@link B5_MAPS}. */
  readonly maps?: readonly string[];
  /** Fleet sizes; default 50, 200, 500. */
  readonly robots?: readonly number[];
  /** Simulated steps of 1 s; default 3,600 (one hour). */
  readonly steps?: number;
  /** Default 1; printed with every figure. */
  readonly seed?: number;
  /** Pick and drop time in steps; default 0. */
  readonly actionSteps?: number;
  /** Called after each map x fleet size, e.g. to print progress. */
  readonly onFigure?: (figure: ReferenceFigure) => void;
}

export interface ReferenceFigure {
  readonly map: string;
  readonly robots: number;
  readonly steps: number;
  readonly seed: number;
  readonly actionSteps: number;
  readonly reference: ReferencePibtResult;
  readonly bound: InterferenceFreeResult;
  /** Wall time of the bound computation, ms. */
  readonly boundWallMs: number;
}

/** Runs every map x fleet size in turn (CPU-bound, one at a time). */
export async function runReferenceSuite(options: ReferenceSuiteOptions = {}): Promise<ReferenceFigure[]> {
  const steps = options.steps ?? 3_600;
  const seed = options.seed ?? 1;
  const actionSteps = options.actionSteps ?? 0;
  const figures: ReferenceFigure[] = [];
  for (const map of options.maps ?? B5_MAPS) {
    const mapText = await readFile(new URL(`${map}.map`, FIXTURES), 'utf8');
    for (const robots of options.robots ?? [50, 200, 500]) {
      const run = { mapText, robots, steps, seed, actionSteps };
      const boundStart = performance.now();
      const bound = runInterferenceFree(run);
      const boundWallMs = performance.now() - boundStart;
      const reference = runReferencePibt(run);
      const figure = { map, robots, steps, seed, actionSteps, reference, bound, boundWallMs };
      figures.push(figure);
      options.onFigure?.(figure);
    }
  }
  return figures;
}

function formatRow(f: ReferenceFigure): string {
  const r = f.reference;
  const cells = [
    f.map,
    f.robots,
    Math.round(r.throughputPerHour),
    Math.round(f.bound.throughputPerHour),
    (r.throughputPerHour / f.bound.throughputPerHour).toFixed(2),
    r.meanTaskSteps.toFixed(0),
    r.stepMsP50.toFixed(2),
    r.stepMsP99.toFixed(2),
    (r.wallMs / 1000).toFixed(1),
    (f.boundWallMs / 1000).toFixed(1),
    r.collisions + r.invalidMoves,
    r.maxStallSteps,
  ];
  return `| ${cells.join(' | ')} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string' },
      robots: { type: 'string' },
      seed: { type: 'string' },
      'action-steps': { type: 'string' },
    },
  });
  const int = (flag: string, text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${flag} needs a non-negative integer`);
    return value;
  };
  const steps = values.steps === undefined ? 3_600 : int('steps', values.steps);
  const seed = values.seed === undefined ? 1 : int('seed', values.seed);
  const actionSteps = values['action-steps'] === undefined ? 0 : int('action-steps', values['action-steps']);
  const robots = values.robots?.split(',').map((text) => int('robots', text)) ?? [50, 200, 500];

  console.log(`B5 baselines: ${steps} steps (1 step = 1 s), seed ${seed}, action ${actionSteps} steps`);
  console.log(
    '| map | robots | PIBT tasks/h | bound tasks/h | PIBT/bound | PIBT mean task steps | PIBT step p50 ms | ' +
      'PIBT step p99 ms | PIBT wall s | bound wall s | collisions | longest stall steps |',
  );
  console.log(`|${' --- |'.repeat(12)}`);
  const started = performance.now();
  const figures = await runReferenceSuite({
    steps,
    seed,
    actionSteps,
    robots,
    onFigure: (figure) => {
      console.log(formatRow(figure));
    },
  });
  console.log(`total wall ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const unsafe = figures.filter((f) => f.reference.collisions + f.reference.invalidMoves > 0);
  if (unsafe.length > 0) {
    console.error(`reference PIBT collided in ${unsafe.length} run(s): the baseline is invalid`);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
