/**
 * A small seeded PRNG (mulberry32): the same seed always yields the same sequence, so simulator runs
 * are reproducible. Not for cryptography.
 */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /**
   * One element of a non-empty array.
   * @throws {RangeError} when the array is empty.
   */
  pick<T>(items: readonly T[]): T;
}

/** Returns a raw mulberry32 generator of floats in [0, 1); `seed` is taken modulo 2^32. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Wraps {@link mulberry32} with the helpers simulators need. */
export function createPrng(seed: number): Prng {
  const next = mulberry32(seed);
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError('cannot pick from an empty array');
      return item;
    },
  };
}
