/**
 * Greedy assignment baselines: fast, not optimal. Pure: no I/O.
 */
import type { Assignment } from './assignment.ts';
import { assignmentOf, checkCostMatrix } from './assignment.ts';

export interface GreedyAssignmentOptions {
  /**
   * `row-order` (default): rows in index order each take their cheapest free allowed column (ties: the
   * lowest column). With rows = orders in arrival order and columns = robots this is "nearest free
   * robot per order", how openTCS's default dispatcher assigns. `cheapest-pair`: repeatedly the cheapest
   * remaining allowed pair of a free row and a free column (ties: lowest row, then lowest column).
   */
  readonly strategy?: 'row-order' | 'cheapest-pair';
}

/**
 * A greedy assignment under the contract of `Assignment`, except that it neither maximises the number
 * of pairs nor minimises `total`. Deterministic.
 * @throws RangeError on a malformed matrix (see `checkCostMatrix`).
 */
export function greedyAssignment(
  cost: Float64Array,
  rows: number,
  cols: number,
  options: GreedyAssignmentOptions = {},
): Assignment {
  checkCostMatrix(cost, rows, cols);
  const strategy = options.strategy ?? 'row-order';
  switch (strategy) {
    case 'row-order':
      return assignmentOf(cost, cols, rowOrder(cost, rows, cols));
    case 'cheapest-pair':
      return assignmentOf(cost, cols, cheapestPair(cost, rows, cols));
  }
}

function rowOrder(cost: Float64Array, rows: number, cols: number): Int32Array {
  const rowToCol = new Int32Array(rows).fill(-1);
  const taken = new Uint8Array(cols);
  for (let r = 0; r < rows; r++) {
    let best = -1;
    let bestCost = Infinity;
    for (let c = 0; c < cols; c++) {
      const x = cost[r * cols + c]!;
      if (taken[c] === 0 && x < bestCost) {
        best = c;
        bestCost = x;
      }
    }
    if (best >= 0) {
      rowToCol[r] = best;
      taken[best] = 1;
    }
  }
  return rowToCol;
}

function cheapestPair(cost: Float64Array, rows: number, cols: number): Int32Array {
  const rowToCol = new Int32Array(rows).fill(-1);
  const pairs: number[] = [];
  for (let k = 0; k < rows * cols; k++) if (cost[k]! < Infinity) pairs.push(k);
  // Row-major index order breaks ties: lowest row, then lowest column.
  const order = Int32Array.from(pairs).sort((a, b) => cost[a]! - cost[b]! || a - b);
  const taken = new Uint8Array(cols);
  let left = Math.min(rows, cols);
  for (let p = 0; p < order.length && left > 0; p++) {
    const k = order[p]!;
    const r = Math.floor(k / cols);
    const c = k - r * cols;
    if (rowToCol[r] !== -1 || taken[c] === 1) continue;
    rowToCol[r] = c;
    taken[c] = 1;
    left--;
  }
  return rowToCol;
}
