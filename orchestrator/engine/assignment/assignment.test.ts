import { describe, expect, it } from 'vitest';
import type { Assignment } from './assignment.ts';
import { bruteForceAssignment } from './brute-force-assignment.ts';
import { greedyAssignment } from './greedy-assignment.ts';
import { solveAssignment } from './solve-assignment.ts';

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface MatrixShape {
  readonly rows: number;
  readonly cols: number;
  /** Share of forbidden (Infinity) entries. */
  readonly forbidden: number;
  /** Integer costs 0 .. levels - 1 (many ties) when given, else reals in [-50, 50). */
  readonly levels?: number;
}

function randomMatrix(random: () => number, shape: MatrixShape): Float64Array {
  const cost = new Float64Array(shape.rows * shape.cols);
  for (let k = 0; k < cost.length; k++) {
    if (random() < shape.forbidden) cost[k] = Infinity;
    else cost[k] = shape.levels === undefined ? random() * 100 - 50 : Math.floor(random() * shape.levels);
  }
  return cost;
}

function pairsOf(a: Assignment): number {
  return a.rowToCol.filter((c) => c >= 0).length;
}

/** A valid assignment: columns in range and distinct, no forbidden pair, total adds up. */
function expectValid(a: Assignment, cost: Float64Array, rows: number, cols: number): void {
  expect(a.rowToCol).toHaveLength(rows);
  const used = new Set<number>();
  let total = 0;
  a.rowToCol.forEach((c, r) => {
    if (c < 0) {
      expect(c).toBe(-1);
      return;
    }
    expect(c).toBeLessThan(cols);
    expect(used.has(c)).toBe(false);
    used.add(c);
    expect(cost[r * cols + c]).toBeLessThan(Infinity);
    total += cost[r * cols + c]!;
  });
  expect(a.total).toBeCloseTo(total, 9);
}

/** Compares `solveAssignment` with brute force on `count` random matrices of `shape`. */
function expectOptimal(seed: number, count: number, shape: (random: () => number) => MatrixShape): void {
  const random = prng(seed);
  for (let i = 0; i < count; i++) {
    const s = shape(random);
    const cost = randomMatrix(random, s);
    const solved = solveAssignment(cost, s.rows, s.cols);
    const reference = bruteForceAssignment(cost, s.rows, s.cols);
    const where = `case ${i}: ${s.rows} x ${s.cols}, ${JSON.stringify(Array.from(cost))}`;
    expectValid(solved, cost, s.rows, s.cols);
    expect(pairsOf(solved), where).toBe(pairsOf(reference));
    expect(Math.abs(solved.total - reference.total), where).toBeLessThanOrEqual(1e-9);
  }
}

const size = (random: () => number): number => 1 + Math.floor(random() * 7);

describe('solveAssignment', () => {
  it('when square matrices are random, then the total equals the brute-force optimum', () => {
    expectOptimal(1, 300, (random) => {
      const n = size(random);
      return { rows: n, cols: n, forbidden: 0 };
    });
  });

  it('when there are more columns than rows, or more rows than columns, then every row or column is used optimally', () => {
    expectOptimal(2, 300, (random) => {
      const rows = size(random);
      return { rows, cols: Math.min(7, rows + 1 + Math.floor(random() * 3)), forbidden: 0 };
    });
    expectOptimal(3, 300, (random) => {
      const cols = size(random);
      return { rows: Math.min(7, cols + 1 + Math.floor(random() * 3)), cols, forbidden: 0 };
    });
  });

  it('when pairs are forbidden, then the most pairs are made first and the least total among them', () => {
    expectOptimal(4, 600, (random) => ({
      rows: size(random),
      cols: size(random),
      forbidden: random() * 0.8,
    }));
  });

  it('when costs tie a lot (small integers), then the total is still optimal', () => {
    expectOptimal(5, 400, (random) => ({
      rows: size(random),
      cols: size(random),
      forbidden: 0.2,
      levels: 3,
    }));
  });

  it('when every assignment costs the same in floating point (cost = a[i] + b[j]), then it ends and is optimal', () => {
    // Seen in the demo plant: travel time plus order urgency. The augmenting row reduction once chased
    // rounding-sized improvements here for ever.
    const seen = Float64Array.from([
      -31.009340591430664, -32.95934059143066, -35.38934059143067, -29.134340591430664, -31.084340591430664,
      -33.51434059143067, -20.634340591430664, -22.584340591430664, -25.014340591430667,
    ]);
    const solved = solveAssignment(seen, 3, 3);
    expectValid(solved, seen, 3, 3);
    expect(solved.total).toBeCloseTo(bruteForceAssignment(seen, 3, 3).total, 9);
    const random = prng(11);
    for (let t = 0; t < 300; t++) {
      const n = 2 + Math.floor(random() * 6);
      const a = Array.from({ length: n }, () => random() * 80 - 40);
      const b = Array.from({ length: n }, () => random() * 80 - 40);
      const cost = Float64Array.from({ length: n * n }, (_, k) => a[Math.floor(k / n)]! + b[k % n]!);
      const result = solveAssignment(cost, n, n);
      expectValid(result, cost, n, n);
      expect(Math.abs(result.total - bruteForceAssignment(cost, n, n).total)).toBeLessThanOrEqual(1e-9);
    }
  });

  it('when a cheap pair would block the only pair of another row, then cardinality wins over cost', () => {
    // Row 0 may only take column 0 (cost 100); row 1 prefers column 0 (1) but may take column 1 (50).
    const cost = Float64Array.from([100, Infinity, 1, 50]);
    expect(Array.from(solveAssignment(cost, 2, 2).rowToCol)).toEqual([0, 1]);
    // One column, two rows that both want it: the cheaper row gets it.
    const one = solveAssignment(Float64Array.from([100, 1]), 2, 1);
    expect(Array.from(one.rowToCol)).toEqual([-1, 0]);
    expect(one.total).toBe(1);
  });

  it('when a row has only forbidden pairs, then it gets -1 and the others are assigned', () => {
    const cost = Float64Array.from([Infinity, Infinity, Infinity, 3, 1, 2, 1, 5, 9]);
    const a = solveAssignment(cost, 3, 3);
    expect(Array.from(a.rowToCol)).toEqual([-1, 1, 0]);
    expect(a.total).toBe(2);
    const none = solveAssignment(new Float64Array(6).fill(Infinity), 2, 3);
    expect(Array.from(none.rowToCol)).toEqual([-1, -1]);
    expect(none.total).toBe(0);
  });

  it('when the matrix is empty, then nothing is assigned', () => {
    expect(Array.from(solveAssignment(new Float64Array(0), 3, 0).rowToCol)).toEqual([-1, -1, -1]);
    expect(solveAssignment(new Float64Array(0), 0, 4).rowToCol).toHaveLength(0);
  });

  it('when every pair costs the same, then a full assignment of that total comes back, the same each time', () => {
    const cost = new Float64Array(36).fill(2);
    const a = solveAssignment(cost, 6, 6);
    expect(a.total).toBe(12);
    expect(new Set(a.rowToCol).size).toBe(6);
    expect(Array.from(solveAssignment(cost.slice(), 6, 6).rowToCol)).toEqual(Array.from(a.rowToCol));
  });

  it('when the same input is solved twice, then the output is identical', () => {
    const random = prng(6);
    for (let i = 0; i < 20; i++) {
      const shape = {
        rows: 20 + Math.floor(random() * 30),
        cols: 20 + Math.floor(random() * 30),
        forbidden: 0.3,
        levels: 5,
      };
      const cost = randomMatrix(random, shape);
      const a = solveAssignment(cost, shape.rows, shape.cols);
      const b = solveAssignment(cost.slice(), shape.rows, shape.cols);
      expect(Array.from(b.rowToCol)).toEqual(Array.from(a.rowToCol));
      expect(b.total).toBe(a.total);
    }
  });

  it('when a larger matrix is solved, then it is solved the same as its transpose', () => {
    const random = prng(7);
    const rows = 60;
    const cols = 45;
    const cost = randomMatrix(random, { rows, cols, forbidden: 0.1 });
    const t = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = cost[r * cols + c]!;
    const a = solveAssignment(cost, rows, cols);
    const b = solveAssignment(t, cols, rows);
    expectValid(a, cost, rows, cols);
    expect(pairsOf(a)).toBe(pairsOf(b));
    expect(Math.abs(a.total - b.total)).toBeLessThanOrEqual(1e-9);
  });

  it('when the matrix is malformed, then it throws RangeError', () => {
    expect(() => solveAssignment(new Float64Array(3), 2, 2)).toThrow(RangeError);
    expect(() => solveAssignment(Float64Array.from([1, NaN]), 1, 2)).toThrow(RangeError);
    expect(() => solveAssignment(Float64Array.from([1, -Infinity]), 1, 2)).toThrow(RangeError);
    expect(() => solveAssignment(new Float64Array(2), 1.5, 2)).toThrow(RangeError);
    expect(() => bruteForceAssignment(new Float64Array(64), 8, 8)).toThrow(RangeError);
  });
});

describe('greedyAssignment', () => {
  // Rows are orders, columns robots: order 0 grabs robot 0, leaving order 1 the far robot 1.
  const cost = Float64Array.from([1, 2, 1.5, 100]);

  it('when rows go in order, then each takes its cheapest free column', () => {
    const a = greedyAssignment(cost, 2, 2);
    expect(Array.from(a.rowToCol)).toEqual([0, 1]);
    expect(a.total).toBe(101);
    expect(solveAssignment(cost, 2, 2).total).toBe(3.5);
  });

  it('when the cheapest pair goes first, then the globally cheapest pairs are taken', () => {
    const a = greedyAssignment(Float64Array.from([3, 2, 1, 100]), 2, 2, { strategy: 'cheapest-pair' });
    expect(Array.from(a.rowToCol)).toEqual([1, 0]);
    expect(a.total).toBe(3);
  });

  it('when pairs are forbidden or rows outnumber columns, then the result is valid and never beats the optimum', () => {
    const random = prng(8);
    for (let i = 0; i < 200; i++) {
      const shape = { rows: size(random), cols: size(random), forbidden: 0.3 };
      const m = randomMatrix(random, shape);
      const optimum = bruteForceAssignment(m, shape.rows, shape.cols);
      for (const strategy of ['row-order', 'cheapest-pair'] as const) {
        const a = greedyAssignment(m, shape.rows, shape.cols, { strategy });
        expectValid(a, m, shape.rows, shape.cols);
        const fewer = pairsOf(a) < pairsOf(optimum);
        expect(fewer || a.total >= optimum.total - 1e-9).toBe(true);
      }
    }
  });
});
