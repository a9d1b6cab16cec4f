import { describe, expect, it } from 'vitest';
import { IndexedMinHeap } from './csr-heap.ts';

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

describe('IndexedMinHeap', () => {
  it('when nodes are pushed and keys decreased at random, then they pop in (key, tie) order', () => {
    const random = prng(1);
    const heap = new IndexedMinHeap(200);
    for (let round = 0; round < 20; round++) {
      heap.clear();
      const key = new Map<number, [number, number]>();
      for (let i = 0; i < 500; i++) {
        const node = Math.floor(random() * 200);
        const next: [number, number] = [Math.floor(random() * 50), Math.floor(random() * 3)];
        const current = key.get(node);
        if (
          current !== undefined &&
          (next[0] > current[0] || (next[0] === current[0] && next[1] > current[1]))
        ) {
          continue; // decrease-key only
        }
        heap.push(node, next[0], next[1]);
        key.set(node, next);
      }
      expect(heap.size).toBe(key.size);
      const expected = [...key.entries()].sort((a, b) => a[1][0] - b[1][0] || a[1][1] - b[1][1]);
      const popped: [number, number][] = [];
      while (heap.size > 0) {
        const node = heap.pop();
        expect(heap.has(node)).toBe(false);
        popped.push(key.get(node)!);
      }
      expect(popped).toEqual(expected.map((e) => e[1]));
      expect(heap.pop()).toBe(-1);
    }
  });

  it('when cleared, then it holds nothing, even though the slot arrays keep old entries', () => {
    const heap = new IndexedMinHeap(4);
    heap.push(2, 1, 0);
    heap.push(3, 0, 0);
    expect(heap.peekKey()).toBe(0);
    heap.clear();
    expect(heap.size).toBe(0);
    expect(heap.has(2)).toBe(false);
    expect(heap.has(3)).toBe(false);
    expect(heap.peekKey()).toBe(Infinity);
    heap.push(2, 5, 0);
    expect(heap.pop()).toBe(2);
  });
});
