/**
 * The B5 scenario every compared system shares: the map, the candidate stations of the task stream and
 * the robots' start nodes, all derived from the map text and one seed (`specs/performance.md`, B5).
 * Tasks come from `createTaskStream({ seed, candidates })`; the protocol is in `task-stream.ts`.
 */
import { importMovingAiMap } from '../../../orchestrator/layout-import/movingai.ts';
import { createTaskStream, initialPositions } from '../../../simulators/fleet-sim/task-stream.ts';
import type { TaskStream } from '../../../simulators/fleet-sim/task-stream.ts';
import { Grid } from './grid.ts';

export interface B5ScenarioOptions {
  /** Fixed and printed with every figure. */
  readonly seed: number;
  readonly robots: number;
}

export interface B5Scenario {
  readonly grid: Grid;
  /**
   * Node ids of the `storage-bin` stations `importMovingAiMap` finds (free cells next to racks), in its
   * order, restricted to the largest connected component (all of them on the warehouse maps).
   */
  readonly candidates: readonly string[];
  /** Start node of robot `i`: distinct free cells of the largest component. */
  readonly starts: readonly string[];
  /** A fresh stream at its first task; call again for an independent consumer of the same tasks. */
  readonly stream: () => TaskStream;
}

/** @throws {RangeError} when the map has more robots than free cells or fewer than 2 stations. */
export function b5Scenario(mapText: string, options: B5ScenarioOptions): B5Scenario {
  const grid = new Grid(mapText);
  const component = grid.largestComponent();
  const inComponent = new Uint8Array(grid.nodeCount);
  for (const v of component) inComponent[v] = 1;
  const candidates = importMovingAiMap(mapText)
    .value.stations.filter((station) => station.role === 'storage-bin')
    .flatMap((station) => station.nodeIds)
    .filter((id) => inComponent[grid.indexOf(id)] === 1);
  const starts = initialPositions({
    seed: options.seed,
    nodes: component.map((v) => grid.nodeIds[v]!),
    count: options.robots,
  });
  return {
    grid,
    candidates,
    starts,
    stream: () => createTaskStream({ seed: options.seed, candidates }),
  };
}

/** The `q`-quantile (0..1) of `values` by nearest rank; NaN when empty. Sorts a copy. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
