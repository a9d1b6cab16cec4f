/**
 * B5 baseline (a): the interference-free bound. Every robot runs its tasks on shortest paths as if it
 * were alone: a task taken at time t by a robot at node s ends at
 * t + d(s, pickup) + actionSteps + d(pickup, drop) + actionSteps. Same scenario, the same one task stream
 * and the same first-free-first protocol as the reference PIBT (`simulators/fleet-sim/task-stream.ts`):
 * the robot free earliest takes the next task, ties in ascending robot index.
 */
import { b5Scenario } from './scenario.ts';

export interface InterferenceFreeOptions {
  /** Moving AI `.map` text. */
  readonly mapText: string;
  readonly robots: number;
  /** Simulated steps (seconds). */
  readonly steps: number;
  readonly seed: number;
  /** Steps a robot stands still to pick and again to drop; default 0. */
  readonly actionSteps?: number;
}

export interface InterferenceFreeResult {
  /** Tasks whose drop action ended at or before the last step. */
  readonly tasksDone: number;
  /** `tasksDone` per simulated hour (1 step = 1 s). */
  readonly throughputPerHour: number;
}

/** Event-driven, exact for unit edges and unit speed; deterministic for a given seed. */
export function runInterferenceFree(options: InterferenceFreeOptions): InterferenceFreeResult {
  const { robots: n, steps, seed } = options;
  const actionSteps = options.actionSteps ?? 0;
  const scenario = b5Scenario(options.mapText, { seed, robots: n });
  const { grid } = scenario;
  const stream = scenario.stream();
  const pos = Int32Array.from(scenario.starts, (id) => grid.indexOf(id));
  const freeAt = new Float64Array(n);
  let tasksDone = 0;
  for (;;) {
    // First free, lowest index on ties (n is at most a few thousand: a scan beats a heap's bookkeeping).
    let r = -1;
    for (let i = 0; i < n; i++) if (r < 0 || freeAt[i]! < freeAt[r]!) r = i;
    if (r < 0 || freeAt[r]! >= steps) break;
    const task = stream.next();
    const pickup = grid.indexOf(task.pickup);
    const drop = grid.indexOf(task.drop);
    // One BFS per task: edges go both ways, so the pickup's table also gives d(pickup, drop).
    const fromPickup = grid.distanceTo(pickup);
    const ends = freeAt[r]! + fromPickup[pos[r]!]! + actionSteps + fromPickup[drop]! + actionSteps;
    if (ends <= steps) tasksDone++;
    freeAt[r] = ends;
    pos[r] = drop;
  }
  return { tasksDone, throughputPerHour: steps > 0 ? (tasksDone * 3600) / steps : 0 };
}
