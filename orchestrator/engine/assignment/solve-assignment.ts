/**
 * Optimal rectangular assignment by shortest augmenting paths (Jonker-Volgenant, in the rectangular form
 * of Crouse, "On implementing 2D rectangular assignment algorithms", IEEE TAES 2016; the method of
 * SciPy's `linear_sum_assignment`). O(rows^2 * cols) time for rows <= cols. Pure: no I/O.
 */
import type { Assignment } from './assignment.ts';
import { assignmentOf, checkCostMatrix } from './assignment.ts';

/**
 * An optimal assignment for the contract of `Assignment`: first as many pairs as possible (maximum
 * cardinality over the allowed pairs), then, among those, the least `total`. When several assignments
 * are optimal, which one is returned is unspecified but the same for the same input.
 *
 * Forbidden pairs are handled exactly by giving each row a private "unassigned" column that costs more
 * than any set of real pairs (2 * min(rows, cols) * max|cost| + 1); this only widens the problem when
 * some pair is forbidden. Costs above ~1e12 in magnitude may lose precision in that case.
 * @throws RangeError on a malformed matrix (see `checkCostMatrix`).
 */
export function solveAssignment(cost: Float64Array, rows: number, cols: number): Assignment {
  checkCostMatrix(cost, rows, cols);
  const rowToCol = new Int32Array(rows).fill(-1);
  if (rows === 0 || cols === 0) return { rowToCol, total: 0 };

  // The solver wants at most as many rows as columns: solve the transpose otherwise.
  const transpose = rows > cols;
  const n = transpose ? cols : rows;
  const m = transpose ? rows : cols;
  let work = transpose ? transposed(cost, rows, cols) : cost;
  let width = m;
  let maxAbs = 0;
  let forbidden = false;
  for (let k = 0; k < n * m; k++) {
    const c = work[k]!;
    if (c === Infinity) forbidden = true;
    else if (Math.abs(c) > maxAbs) maxAbs = Math.abs(c);
  }
  if (forbidden) {
    width = m + n;
    work = withUnassignedColumns(work, n, m, 2 * n * maxAbs + 1);
  }

  // The Jonker-Volgenant initialisation needs a square matrix of finite costs.
  const col4row = shortestAugmentingPaths(work, n, width, n === width && !forbidden && n > 1);
  for (let i = 0; i < n; i++) {
    const j = col4row[i]!;
    if (j < 0 || j >= m) continue; // j >= m: the row's own "unassigned" column
    if (transpose) rowToCol[j] = i;
    else rowToCol[i] = j;
  }
  return assignmentOf(cost, cols, rowToCol);
}

function transposed(cost: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) t[c * rows + r] = cost[r * cols + c]!;
  }
  return t;
}

/** `n x (m + n)`: column `m + i` is row `i`'s alone, at `unassignedCost`. */
function withUnassignedColumns(
  cost: Float64Array,
  n: number,
  m: number,
  unassignedCost: number,
): Float64Array {
  const width = m + n;
  const wide = new Float64Array(n * width).fill(Infinity);
  for (let i = 0; i < n; i++) {
    wide.set(cost.subarray(i * m, i * m + m), i * width);
    wide[i * width + m + i] = unassignedCost;
  }
  return wide;
}

/**
 * Min-cost assignment of all `n` rows to distinct columns of an `n x m` matrix, n <= m, that has one.
 * Returns the column of each row; -1 for rows the solver could not place (only when no full assignment
 * exists, which the callers rule out). With `initialise` (square, finite), the Jonker-Volgenant column
 * reduction, reduction transfer and augmenting row reduction first assign most rows cheaply.
 */
function shortestAugmentingPaths(cost: Float64Array, n: number, m: number, initialise: boolean): Int32Array {
  const u = new Float64Array(n); // row potentials
  const v = new Float64Array(m); // column potentials
  const shortest = new Float64Array(m);
  const path = new Int32Array(m);
  const col4row = new Int32Array(n).fill(-1);
  const row4col = new Int32Array(m).fill(-1);
  const colSeen = new Uint8Array(m);
  const remaining = new Int32Array(m);
  const seenRows = new Int32Array(n);

  let freeRows: Int32Array;
  if (initialise) {
    freeRows = jonkerVolgenantInit(cost, n, v, col4row, row4col);
    // Dual feasibility: each assigned row's reduced costs are >= 0 and 0 on its own column.
    for (let i = 0; i < n; i++) {
      const j = col4row[i]!;
      if (j >= 0) u[i] = cost[i * m + j]! - v[j]!;
    }
  } else {
    freeRows = new Int32Array(n);
    for (let i = 0; i < n; i++) freeRows[i] = i;
  }

  for (const current of freeRows) {
    // Dijkstra over columns on reduced costs, from row `current` to the nearest free column.
    for (let it = 0; it < m; it++) remaining[it] = m - 1 - it;
    let numRemaining = m;
    colSeen.fill(0);
    shortest.fill(Infinity);
    let seenCount = 0;
    let minVal = 0;
    let i = current;
    let sink = -1;
    while (sink < 0) {
      seenRows[seenCount++] = i;
      const base = i * m;
      const ui = u[i]!;
      let index = -1;
      let lowest = Infinity;
      for (let it = 0; it < numRemaining; it++) {
        const j = remaining[it]!;
        const r = minVal + cost[base + j]! - ui - v[j]!;
        let sj = shortest[j]!;
        if (r < sj) {
          path[j] = i;
          shortest[j] = r;
          sj = r;
        }
        // Ties go to a free column: the path ends sooner.
        if (sj < lowest || (sj === lowest && row4col[j] === -1)) {
          lowest = sj;
          index = it;
        }
      }
      minVal = lowest;
      if (minVal === Infinity || index < 0) return col4row; // infeasible: no full assignment
      const j = remaining[index]!;
      if (row4col[j] === -1) sink = j;
      else i = row4col[j]!;
      colSeen[j] = 1;
      remaining[index] = remaining[--numRemaining]!;
    }

    // Update the potentials, then flip the augmenting path.
    u[current] = u[current]! + minVal;
    for (let k = 0; k < seenCount; k++) {
      const r = seenRows[k]!;
      if (r !== current) u[r] = u[r]! + minVal - shortest[col4row[r]!]!;
    }
    for (let j = 0; j < m; j++) {
      if (colSeen[j] === 1) v[j] = v[j]! - (minVal - shortest[j]!);
    }
    let j = sink;
    for (;;) {
      const r = path[j]!;
      row4col[j] = r;
      const previous = col4row[r]!;
      col4row[r] = j;
      j = previous;
      if (r === current) break;
    }
  }
  return col4row;
}

/**
 * Jonker & Volgenant (1987), "A shortest augmenting path algorithm for dense and sparse linear
 * assignment problems", initialisation of a square `n x n` finite matrix: sets the column potentials
 * `v`, assigns rows, and returns the rows left free. Afterwards every assigned row `i` has
 * `cost[i][col4row[i]] - v[col4row[i]] <= cost[i][j] - v[j]` for all `j`.
 */
/** Relative difference under which two reduced costs count as equal in the augmenting row reduction. */
const TIE_EPSILON = 1e-12;

function jonkerVolgenantInit(
  cost: Float64Array,
  n: number,
  v: Float64Array,
  col4row: Int32Array,
  row4col: Int32Array,
): Int32Array {
  const matches = new Int32Array(n);
  // Column reduction, last column first: each column to its cheapest row, one column per row.
  for (let j = n - 1; j >= 0; j--) {
    let min = cost[j]!;
    let imin = 0;
    for (let i = 1; i < n; i++) {
      const c = cost[i * n + j]!;
      if (c < min) {
        min = c;
        imin = i;
      }
    }
    v[j] = min;
    if (++matches[imin]! === 1) {
      col4row[imin] = j;
      row4col[j] = imin;
    } else if (min < v[col4row[imin]!]!) {
      const j1 = col4row[imin]!;
      col4row[imin] = j;
      row4col[j] = imin;
      row4col[j1] = -1;
    } else {
      row4col[j] = -1;
    }
  }
  // Reduction transfer from rows assigned once; collect the free rows.
  const free = new Int32Array(n);
  let numFree = 0;
  for (let i = 0; i < n; i++) {
    if (matches[i] === 0) {
      free[numFree++] = i;
    } else if (matches[i] === 1) {
      const j1 = col4row[i]!;
      let min = Infinity;
      for (let j = 0; j < n; j++) {
        if (j !== j1 && cost[i * n + j]! - v[j]! < min) min = cost[i * n + j]! - v[j]!;
      }
      v[j1] = v[j1]! - min;
    }
  }
  // Augmenting row reduction, two passes. A row displaced by a strict improvement is retried at once;
  // in floating point a run of ties (costs of the form a[i] + b[j], say) can make the improvements
  // vanishingly small and the retries endless, so improvements within rounding count as ties and each
  // pass is capped: rows it leaves free go to the shortest augmenting paths, which finish the job exactly.
  for (let pass = 0; pass < 2; pass++) {
    let k = 0;
    const previousFree = numFree;
    numFree = 0;
    let retries = n * n;
    while (k < previousFree) {
      const i = free[k++]!;
      let umin = cost[i * n]! - v[0]!;
      let j1 = 0;
      let j2 = -1;
      let usubmin = Infinity;
      for (let j = 1; j < n; j++) {
        const h = cost[i * n + j]! - v[j]!;
        if (h < usubmin) {
          if (h >= umin) {
            usubmin = h;
            j2 = j;
          } else {
            usubmin = umin;
            umin = h;
            j2 = j1;
            j1 = j;
          }
        }
      }
      let i0 = row4col[j1]!;
      const strict = usubmin - umin > TIE_EPSILON * Math.max(1, Math.abs(umin)) && retries-- > 0;
      if (strict) v[j1] = v[j1]! - (usubmin - umin);
      else if (i0 >= 0 && j2 >= 0) {
        j1 = j2;
        i0 = row4col[j2]!;
      }
      if (i0 >= 0) col4row[i0] = -1;
      col4row[i] = j1;
      row4col[j1] = i;
      if (i0 >= 0) {
        if (strict) free[--k] = i0;
        else free[numFree++] = i0;
      }
    }
  }
  return free.slice(0, numFree);
}
