import { describe, expect, it } from 'vitest';
import { createTaskStream, initialPositions } from './task-stream.ts';

const candidates = Array.from({ length: 40 }, (_, i) => `${i},${i % 7}`);
const take = (seed: number, n: number, from: readonly string[] = candidates) => {
  const stream = createTaskStream({ seed, candidates: from });
  return Array.from({ length: n }, () => stream.next());
};

describe('createTaskStream', () => {
  it('when two streams share seed and candidates, then they yield the same sequence', () => {
    expect(take(42, 500)).toEqual(take(42, 500));
  });

  it('when the seed differs, then the sequence differs', () => {
    expect(take(42, 50)).not.toEqual(take(43, 50));
  });

  it('when tasks are drawn, then pickup and drop are distinct candidates and ids count up from T-1', () => {
    const tasks = take(7, 2_000);
    tasks.forEach((task, i) => {
      expect(task.id).toBe(`T-${i + 1}`);
      expect(task.pickup).not.toBe(task.drop);
      expect(candidates).toContain(task.pickup);
      expect(candidates).toContain(task.drop);
    });
    // Every candidate shows up as a pickup in 2,000 draws over 40 candidates (uniform draws).
    expect(new Set(tasks.map((task) => task.pickup)).size).toBe(candidates.length);
  });

  it('when there are only two distinct candidates (plus duplicates), then tasks alternate between them', () => {
    for (const task of take(3, 100, ['a', 'b', 'a', 'b'])) {
      expect([task.pickup, task.drop].sort()).toEqual(['a', 'b']);
    }
  });

  it('when there are fewer than two distinct candidates, then it throws a RangeError', () => {
    expect(() => createTaskStream({ seed: 1, candidates: ['a', 'a'] })).toThrow(RangeError);
    expect(() => createTaskStream({ seed: 1, candidates: [] })).toThrow(RangeError);
  });
});

describe('initialPositions', () => {
  const nodes = Array.from({ length: 300 }, (_, i) => `n${i}`);

  it('when called twice with the same seed, then it returns the same positions', () => {
    expect(initialPositions({ seed: 9, nodes, count: 120 })).toEqual(
      initialPositions({ seed: 9, nodes, count: 120 }),
    );
    expect(initialPositions({ seed: 9, nodes, count: 120 })).not.toEqual(
      initialPositions({ seed: 10, nodes, count: 120 }),
    );
  });

  it('when asked for every node, then it returns distinct nodes covering them all', () => {
    const all = initialPositions({ seed: 5, nodes: [...nodes, 'n0', 'n1'], count: nodes.length });
    expect(new Set(all).size).toBe(nodes.length);
    expect([...all].sort()).toEqual([...nodes].sort());
  });

  it('when asked for a few, then they are distinct members of the pool', () => {
    const some = initialPositions({ seed: 5, nodes, count: 50 });
    expect(some).toHaveLength(50);
    expect(new Set(some).size).toBe(50);
    for (const node of some) expect(nodes).toContain(node);
  });

  it('when more robots than distinct nodes are asked for, then it throws a RangeError', () => {
    expect(() => initialPositions({ seed: 1, nodes: ['a', 'a', 'b'], count: 3 })).toThrow(RangeError);
    expect(() => initialPositions({ seed: 1, nodes, count: -1 })).toThrow(RangeError);
    expect(initialPositions({ seed: 1, nodes, count: 0 })).toEqual([]);
  });
});
