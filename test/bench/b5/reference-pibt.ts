/**
 * B5 baseline (b): a reference PIBT (see `pibt.ts`) running the lifelong task protocol of
 * `simulators/fleet-sim/task-stream.ts` in discrete unit time steps (1 step = 1 s, unit edges, unit speed).
 *
 * Lifelong priorities follow the paper: an agent's priority is the number of steps since it last got a
 * new goal (a new task's pickup, or the drop once the pickup is done) plus a distinct, seeded fractional
 * tie-breaker in [0, 1). Each task: reach the pickup, stand still `actionSteps` steps, reach the drop,
 * stand still `actionSteps` steps; then the next task from the one stream, first-free-first (robots freed
 * at the same step in ascending index). Every step is checked for vertex collisions and edge swaps.
 */
import type { Task } from '../../../simulators/fleet-sim/task-stream.ts';
import { mulberry32 } from './mulberry32.ts';
import { checkStep, PibtPlanner } from './pibt.ts';
import { b5Scenario, quantile } from './scenario.ts';

export interface ReferencePibtOptions {
  /** Moving AI `.map` text. */
  readonly mapText: string;
  readonly robots: number;
  /** Simulated steps (seconds). */
  readonly steps: number;
  /** Drives the scenario (starts, task stream) and PIBT's tie-breaks; fixed and printed. */
  readonly seed: number;
  /** Steps a robot stands still to pick and again to drop; default 0. */
  readonly actionSteps?: number;
}

export interface ReferencePibtResult {
  /** Tasks whose drop action ended at or before the last step. */
  readonly tasksDone: number;
  /** `tasksDone` per simulated hour (1 step = 1 s). */
  readonly throughputPerHour: number;
  /** Steps from taking a task to finishing its drop, over finished tasks (NaN when none). */
  readonly meanTaskSteps: number;
  readonly p95TaskSteps: number;
  /** Wall time of one planning step (plan, move, hand out tasks; not the collision check), ms. */
  readonly stepMsP50: number;
  readonly stepMsP99: number;
  /** Vertex collisions plus edge swaps over the whole run; must be 0. */
  readonly collisions: number;
  /** Moves that were neither a stay nor along an edge; must be 0. */
  readonly invalidMoves: number;
  /**
   * Longest time, in steps, any robot went without getting closer to its current goal than it had been
   * since receiving it (action time excluded): a deadlock shows as a value growing with `steps`.
   */
  readonly maxStallSteps: number;
  /**
   * Episodes of a robot with a goal standing on one node for more than 60 steps (60 s), action time
   * excluded: the fleet simulator's `stalls`, for comparison.
   */
  readonly standStills: number;
  /** Whole run including scenario set-up, ms. */
  readonly wallMs: number;
}

/** Steps (seconds) a robot with a goal may stand on one node before it counts as standing still. */
const STAND_STILL_STEPS = 60;

// Task phases, stored per robot in a Uint8Array.
const TO_PICKUP = 0;
const PICKING = 1;
const TO_DROP = 2;
const DROPPING = 3;

/** Runs the reference PIBT; synchronous and deterministic for a given seed (except the timings). */
export function runReferencePibt(options: ReferencePibtOptions): ReferencePibtResult {
  const started = performance.now();
  const { robots: n, steps, seed } = options;
  const actionSteps = options.actionSteps ?? 0;
  const scenario = b5Scenario(options.mapText, { seed, robots: n });
  const { grid } = scenario;
  const stream = scenario.stream();

  const pos = Int32Array.from(scenario.starts, (id) => grid.indexOf(id));
  const next = new Int32Array(n);
  const phase = new Uint8Array(n);
  const actionLeft = new Int32Array(n);
  const fixed = new Uint8Array(n);
  const pickup = new Int32Array(n);
  const drop = new Int32Array(n);
  const takenAt = new Int32Array(n);
  const goalSince = new Int32Array(n);
  const bestDist = new Int32Array(n);
  const lastProgress = new Int32Array(n);
  const lastMoved = new Int32Array(n);
  const standingCounted = new Uint8Array(n);
  const dist: Int32Array[] = Array.from({ length: n }, () => new Int32Array(0));
  const priority = new Float64Array(n);
  const tieBreaker = distinctTieBreakers(n, seed);
  const taskSteps: number[] = [];
  const stepMs = new Float64Array(steps);
  const scratch = new Int32Array(grid.nodeCount).fill(-1);
  const planner = new PibtPlanner(grid, n, seed);
  let collisions = 0;
  let invalidMoves = 0;
  let maxStallSteps = 0;
  let standStills = 0;

  const setGoal = (i: number, goal: number, t: number): void => {
    dist[i] = grid.distanceTo(goal);
    goalSince[i] = t;
    bestDist[i] = dist[i][pos[i]!]!;
    lastProgress[i] = t;
  };
  const takeTask = (i: number, t: number): void => {
    const task: Task = stream.next();
    pickup[i] = grid.indexOf(task.pickup);
    drop[i] = grid.indexOf(task.drop);
    takenAt[i] = t;
    phase[i] = TO_PICKUP;
    setGoal(i, pickup[i], t);
  };
  const finishTask = (i: number, t: number): void => {
    taskSteps.push(t - takenAt[i]!);
    takeTask(i, t);
  };
  // Advances robot i through every phase change due at time t; called for robots in ascending index, so
  // robots freed at the same step take tasks first-free-first.
  const settle = (i: number, t: number): void => {
    for (;;) {
      const p = phase[i];
      if (p === TO_PICKUP || p === TO_DROP) {
        if (pos[i] !== (p === TO_PICKUP ? pickup[i] : drop[i])) return;
        if (actionSteps > 0) {
          phase[i] = p === TO_PICKUP ? PICKING : DROPPING;
          actionLeft[i] = actionSteps;
          return;
        }
      } else if (actionLeft[i]! > 0) return;
      if (p === TO_PICKUP || p === PICKING) {
        phase[i] = TO_DROP;
        setGoal(i, drop[i]!, t);
      } else finishTask(i, t);
    }
  };

  for (let i = 0; i < n; i++) takeTask(i, 0);
  for (let i = 0; i < n; i++) settle(i, 0);

  for (let t = 1; t <= steps; t++) {
    const stepStart = performance.now();
    for (let i = 0; i < n; i++) {
      const acting = phase[i] === PICKING || phase[i] === DROPPING;
      fixed[i] = acting ? 1 : 0;
      priority[i] = t - 1 - goalSince[i]! + tieBreaker[i]!;
    }
    planner.plan(pos, dist, priority, fixed, next);
    const planned = performance.now();
    const violations = checkStep(grid, pos, next, scratch);
    collisions += violations.vertex + violations.swap;
    invalidMoves += violations.invalidMove;
    const resumed = performance.now();
    for (let i = 0; i < n; i++) {
      if (fixed[i] === 1 || next[i] !== pos[i]) {
        lastMoved[i] = t;
        standingCounted[i] = 0;
      } else if (t - lastMoved[i]! > STAND_STILL_STEPS && standingCounted[i] === 0) {
        standingCounted[i] = 1;
        standStills++;
      }
    }
    pos.set(next);
    for (let i = 0; i < n; i++) {
      if (fixed[i] === 1) {
        actionLeft[i]!--;
        lastProgress[i] = t;
      } else {
        const d = dist[i]![pos[i]!]!;
        if (d < bestDist[i]!) {
          bestDist[i] = d;
          lastProgress[i] = t;
        } else if (t - lastProgress[i]! > maxStallSteps) maxStallSteps = t - lastProgress[i]!;
      }
      settle(i, t);
    }
    stepMs[t - 1] = planned - stepStart + (performance.now() - resumed);
  }

  const done = taskSteps.length;
  return {
    tasksDone: done,
    throughputPerHour: steps > 0 ? (done * 3600) / steps : 0,
    meanTaskSteps: done > 0 ? taskSteps.reduce((a, b) => a + b, 0) / done : Number.NaN,
    p95TaskSteps: quantile(taskSteps, 0.95),
    stepMsP50: quantile(stepMs, 0.5),
    stepMsP99: quantile(stepMs, 0.99),
    collisions,
    invalidMoves,
    maxStallSteps,
    standStills,
    wallMs: performance.now() - started,
  };
}

/** Distinct fractional tie-breakers in [0, 1): a seeded permutation of i / n. */
function distinctTieBreakers(n: number, seed: number): Float64Array {
  const random = mulberry32((seed ^ 0x85ebca6b) >>> 0);
  const values = Float64Array.from({ length: n }, (_, i) => i / Math.max(1, n));
  for (let k = n - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    const t = values[k]!;
    values[k] = values[j]!;
    values[j] = t;
  }
  return values;
}
