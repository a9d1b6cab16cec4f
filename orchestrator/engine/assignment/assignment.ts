/**
 * Shared contract of the assignment solvers (robots to orders, or any rows to columns). Pure: no I/O.
 *
 * Input: `cost` is a `rows x cols` matrix in row-major order, `cost[r * cols + c]`; a finite number is
 * the cost of giving column `c` to row `r` (any sign), `Infinity` forbids the pair.
 * Output: `rowToCol[r]` is the column of row `r`, or -1 when row `r` gets none; no column is given twice
 * and no forbidden pair is used. `total` is the sum of the costs of the chosen pairs, added in row order.
 */
export interface Assignment {
  readonly rowToCol: Int32Array;
  readonly total: number;
}

/**
 * Checks the shape and values of a cost matrix.
 * @throws RangeError when `rows` or `cols` is not a non-negative integer, `cost` is shorter than
 *   `rows * cols`, or an entry is NaN or -Infinity.
 */
export function checkCostMatrix(cost: Float64Array, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new RangeError(`rows and cols must be non-negative integers, got ${rows} x ${cols}`);
  }
  if (cost.length < rows * cols) {
    throw new RangeError(`cost has ${cost.length} entries, ${rows} x ${cols} needs ${rows * cols}`);
  }
  for (let k = 0; k < rows * cols; k++) {
    const c = cost[k]!;
    if (Number.isNaN(c) || c === -Infinity) {
      throw new RangeError(`cost[${k}] (row ${Math.floor(k / cols)}, col ${k % cols}) is ${c}`);
    }
  }
}

/** The `Assignment` for `rowToCol`, with `total` summed in row order. */
export function assignmentOf(cost: Float64Array, cols: number, rowToCol: Int32Array): Assignment {
  let total = 0;
  for (let r = 0; r < rowToCol.length; r++) {
    const c = rowToCol[r]!;
    if (c >= 0) total += cost[r * cols + c]!;
  }
  return { rowToCol, total };
}
