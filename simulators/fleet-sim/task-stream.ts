/**
 * The seeded task stream of benchmark B5 (`specs/performance.md`): lifelong random pick-and-drop tasks
 * over a list of candidate station nodes. Node ids are plain strings (`x,y` on Moving AI maps), so this
 * module needs no layout import; on a warehouse map the candidates are the nodes of the `storage-bin`
 * stations (the free cells next to racks), in the order the importer lists them.
 *
 * Lifelong protocol (every system compared in B5 follows it, so they all see the same tasks):
 * - There is ONE global stream per run. Task `k` is the same for every consumer with the same seed and
 *   candidates, whoever takes it.
 * - Whenever a robot becomes free it takes the next task from the stream. At time 0 every robot is free.
 * - A task runs: travel to `pickup`, stand still for the pick action, travel to `drop`, stand still for
 *   the drop action; the robot is free again the moment the drop action ends (and takes its next task at
 *   that same time step). Action time is a run parameter (default 0 steps).
 * - Reference systems (the reference PIBT and the interference-free bound) assign first-free-first:
 *   the robot that became free earlier takes the next task; robots freed at the same time step take tasks
 *   in ascending robot index. The engine under test may let its dispatcher reorder, but it draws from the
 *   same stream and must not skip tasks.
 */

/** One pick-and-drop task; `pickup !== drop`. */
export interface Task {
  /** `T-1`, `T-2`, ...: the 1-based position in the stream. */
  readonly id: string;
  /** Node id of the pick station. */
  readonly pickup: string;
  /** Node id of the drop station. */
  readonly drop: string;
}

export interface TaskStream {
  /** The next task of the stream; never ends. */
  next(): Task;
}

export interface TaskStreamOptions {
  /** Any integer; taken modulo 2^32. */
  readonly seed: number;
  /** Candidate station node ids; duplicates are ignored; at least 2 distinct ids. */
  readonly candidates: readonly string[];
}

export interface InitialPositionsOptions {
  /** Any integer; taken modulo 2^32. */
  readonly seed: number;
  /** The nodes robots may start on; duplicates are ignored. */
  readonly nodes: readonly string[];
  /** How many robots; at most the number of distinct nodes. */
  readonly count: number;
}

/**
 * Creates the stream: pickup uniform over the distinct candidates, drop uniform over the others.
 * Same seed and candidates, same sequence.
 * @throws {RangeError} when there are fewer than 2 distinct candidates.
 */
export function createTaskStream(options: TaskStreamOptions): TaskStream {
  const candidates = distinct(options.candidates);
  const n = candidates.length;
  if (n < 2) throw new RangeError(`a task stream needs at least 2 distinct candidates, got ${n}`);
  const random = mulberry32(options.seed);
  let count = 0;
  return {
    next: () => {
      const p = Math.floor(random() * n);
      let d = Math.floor(random() * (n - 1));
      if (d >= p) d += 1;
      count += 1;
      return { id: `T-${count}`, pickup: at(candidates, p), drop: at(candidates, d) };
    },
  };
}

/**
 * Chooses `count` distinct start nodes (a seeded partial Fisher-Yates shuffle), robot `i` on element `i`.
 * Its random sequence is salted so that it is not the task stream's sequence for the same seed.
 * @throws {RangeError} when `count` is negative, not an integer, or more than the distinct nodes.
 */
export function initialPositions(options: InitialPositionsOptions): string[] {
  const pool = distinct(options.nodes);
  const { count } = options;
  if (!Number.isInteger(count) || count < 0 || count > pool.length) {
    throw new RangeError(`cannot place ${count} robots on ${pool.length} distinct nodes`);
  }
  const random = mulberry32((options.seed ^ INITIAL_POSITIONS_SALT) >>> 0);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    const chosen = at(pool, j);
    pool[j] = at(pool, i);
    pool[i] = chosen;
  }
  return pool.slice(0, count);
}

const INITIAL_POSITIONS_SALT = 0x9e3779b9;

function distinct(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

function at(items: readonly string[], index: number): string {
  const item = items[index];
  if (item === undefined) throw new RangeError(`index ${index} out of range 0..${items.length - 1}`);
  return item;
}

/** mulberry32: floats in [0, 1); `seed` is taken modulo 2^32. Kept here so the stream has no dependency. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
