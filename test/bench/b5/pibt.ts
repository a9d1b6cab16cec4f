/**
 * One step of PIBT (Okumura, Machida, Défago, Tamura, "Priority Inheritance with Backtracking for
 * Iterative Multi-agent Path Finding", AIJ 2022, Algorithm 1), on a {@link Grid}, plus the per-step
 * collision check that B5 applies to every system.
 *
 * Faithful to the paper and to the authors' reference code (Kei18/pibt2, `funcPIBT`): agents are planned in
 * decreasing priority; an agent's candidates are its neighbours and its own node, shuffled with a seeded
 * PRNG and then stably sorted by distance to its goal, ties preferring nodes nobody occupies now; a
 * candidate is skipped when already reserved for the next step, or when it is the current node of the
 * agent that pushed this one (no swaps); moving into a node whose occupant is still undecided passes the
 * priority on (inheritance), and if that occupant cannot move away the next candidate is tried
 * (backtracking); an agent with no valid candidate stays and reports failure to its pusher.
 * One addition: agents marked `fixed` (doing a pick or drop action) are decided first and stay.
 */
import type { Grid } from './grid.ts';
import { mulberry32 } from './mulberry32.ts';

const NONE = -1;
const MAX_CANDIDATES = 5;

export class PibtPlanner {
  readonly #grid: Grid;
  readonly #agents: number;
  readonly #random: () => number;
  readonly #occupiedNow: Int32Array;
  readonly #occupiedNext: Int32Array;
  readonly #candidates: Int32Array;
  readonly #order: number[];
  // Per-call inputs, kept in fields so the recursion takes only (agent, pusher).
  #pos: Int32Array = new Int32Array(0);
  #next: Int32Array = new Int32Array(0);
  #dist: readonly Int32Array[] = [];

  /** `seed` drives the candidate tie-breaks only. */
  constructor(grid: Grid, agents: number, seed: number) {
    this.#grid = grid;
    this.#agents = agents;
    this.#random = mulberry32(seed);
    this.#occupiedNow = new Int32Array(grid.nodeCount).fill(NONE);
    this.#occupiedNext = new Int32Array(grid.nodeCount).fill(NONE);
    this.#candidates = new Int32Array(agents * MAX_CANDIDATES);
    this.#order = Array.from({ length: agents }, (_, i) => i);
  }

  /**
   * Plans one step. `pos[i]` is agent i's node, `dist[i]` its goal distance table, `priority[i]` its
   * priority (all distinct; higher goes first), `fixed[i] !== 0` keeps it in place. Writes each agent's
   * next node to `next`. Guarantees no two agents share a next node and no two agents swap, provided the
   * current positions are distinct.
   */
  plan(
    pos: Int32Array,
    dist: readonly Int32Array[],
    priority: Float64Array,
    fixed: Uint8Array,
    next: Int32Array,
  ): void {
    this.#pos = pos;
    this.#next = next;
    this.#dist = dist;
    const occupiedNow = this.#occupiedNow;
    const occupiedNext = this.#occupiedNext;
    next.fill(NONE);
    for (let i = 0; i < this.#agents; i++) occupiedNow[pos[i]!] = i;
    for (let i = 0; i < this.#agents; i++) {
      if (fixed[i] !== 0) {
        next[i] = pos[i]!;
        occupiedNext[pos[i]!] = i;
      }
    }
    const order = this.#order;
    order.sort((a, b) => priority[b]! - priority[a]!);
    for (const i of order) if (next[i] === NONE) this.#pibt(i, NONE);
    // Every reservation left in occupiedNext is some agent's final next node (a failed child overwrites
    // its pusher's reservation of the child's node), so clearing by agent clears the table.
    for (let i = 0; i < this.#agents; i++) {
      occupiedNow[pos[i]!] = NONE;
      occupiedNext[next[i]!] = NONE;
    }
  }

  #pibt(i: number, pusher: number): boolean {
    const grid = this.#grid;
    const pos = this.#pos;
    const next = this.#next;
    const occupiedNow = this.#occupiedNow;
    const occupiedNext = this.#occupiedNext;
    const dist = this.#dist[i]!;
    const here = pos[i]!;
    const c = this.#candidates;
    const base = i * MAX_CANDIDATES;

    // Candidates: neighbours and stay, shuffled (random tie-break), then insertion-sorted (stable) by
    // distance to goal, ties preferring a node with no agent on it now.
    let count = 0;
    for (let k = grid.offsets[here]!; k < grid.offsets[here + 1]!; k++)
      c[base + count++] = grid.neighbours[k]!;
    c[base + count++] = here;
    for (let k = count - 1; k > 0; k--) {
      const j = Math.floor(this.#random() * (k + 1));
      const t = c[base + k]!;
      c[base + k] = c[base + j]!;
      c[base + j] = t;
    }
    const key = (v: number): number => dist[v]! * 2 + (occupiedNow[v] === NONE ? 0 : 1);
    for (let k = 1; k < count; k++) {
      const v = c[base + k]!;
      const kv = key(v);
      let j = k - 1;
      while (j >= 0 && key(c[base + j]!) > kv) {
        c[base + j + 1] = c[base + j]!;
        j--;
      }
      c[base + j + 1] = v;
    }

    const pusherAt = pusher === NONE ? NONE : pos[pusher]!;
    for (let k = 0; k < count; k++) {
      const u = c[base + k]!;
      if (occupiedNext[u] !== NONE) continue; // vertex conflict
      if (u === pusherAt) continue; // swap conflict with the pusher
      occupiedNext[u] = i;
      next[i] = u;
      const occupant = occupiedNow[u]!;
      if (occupant !== NONE && occupant !== i && next[occupant] === NONE && !this.#pibt(occupant, i)) {
        continue; // inheritance failed: backtrack to the next candidate
      }
      return true;
    }
    occupiedNext[here] = i;
    next[i] = here;
    return false;
  }
}

export interface StepViolations {
  /** Nodes held by more than one agent after the step (one per extra agent). */
  readonly vertex: number;
  /** Pairs of agents that swapped along one edge. */
  readonly swap: number;
  /** Moves that were neither a stay nor along an edge (a planner bug, not a collision). */
  readonly invalidMove: number;
}

/**
 * Checks one step `from -> to` (node per agent) independently of the planner: vertex collisions,
 * edge swaps, moves along non-edges. `scratch` is a per-node Int32Array filled with -1; left so on return.
 */
export function checkStep(grid: Grid, from: Int32Array, to: Int32Array, scratch: Int32Array): StepViolations {
  let vertex = 0;
  let swap = 0;
  let invalidMove = 0;
  const n = from.length;
  for (let i = 0; i < n; i++) {
    const a = from[i]!;
    const b = to[i]!;
    if (a !== b && !grid.adjacent(a, b)) invalidMove++;
  }
  // Swaps: agent i moves a -> b while the agent that was at b moves b -> a.
  for (let i = 0; i < n; i++) scratch[from[i]!] = i;
  for (let i = 0; i < n; i++) {
    const a = from[i]!;
    const b = to[i]!;
    const j = scratch[b]!;
    if (a !== b && j > i && to[j] === a) swap++;
  }
  for (let i = 0; i < n; i++) scratch[from[i]!] = NONE;
  for (let i = 0; i < n; i++) {
    const b = to[i]!;
    if (scratch[b] !== NONE) vertex++;
    else scratch[b] = i;
  }
  for (let i = 0; i < n; i++) scratch[to[i]!] = NONE;
  return { vertex, swap, invalidMove };
}
