/**
 * Exhaustive assignment, the reference for tests. Pure: no I/O.
 */
import type { Assignment } from './assignment.ts';
import { assignmentOf, checkCostMatrix } from './assignment.ts';

/** Largest `rows` and `cols` `bruteForceAssignment` accepts. */
export const BRUTE_FORCE_MAX_SIZE = 7;

/**
 * An optimal assignment (most pairs, then least total, as `solveAssignment`) by trying every one.
 * Among equal ones the first found wins, rows trying columns in index order and "none" last.
 * @throws RangeError when `rows` or `cols` exceeds `BRUTE_FORCE_MAX_SIZE`, or on a malformed matrix.
 */
export function bruteForceAssignment(cost: Float64Array, rows: number, cols: number): Assignment {
  checkCostMatrix(cost, rows, cols);
  if (rows > BRUTE_FORCE_MAX_SIZE || cols > BRUTE_FORCE_MAX_SIZE) {
    throw new RangeError(`brute force takes at most ${BRUTE_FORCE_MAX_SIZE} x ${BRUTE_FORCE_MAX_SIZE}`);
  }
  const current = new Int32Array(rows).fill(-1);
  let best = new Int32Array(rows).fill(-1);
  let bestPairs = 0;
  let bestTotal = 0;
  const taken = new Uint8Array(cols);

  const visit = (r: number, pairs: number, total: number): void => {
    if (r === rows) {
      if (pairs > bestPairs || (pairs === bestPairs && total < bestTotal)) {
        best = current.slice();
        bestPairs = pairs;
        bestTotal = total;
      }
      return;
    }
    for (let c = 0; c < cols; c++) {
      const x = cost[r * cols + c]!;
      if (taken[c] === 1 || x === Infinity) continue;
      taken[c] = 1;
      current[r] = c;
      visit(r + 1, pairs + 1, total + x);
      taken[c] = 0;
    }
    current[r] = -1;
    visit(r + 1, pairs, total);
  };
  visit(0, 0, 0);
  return assignmentOf(cost, cols, best);
}
