import { describe, expect, it } from 'vitest';
import { ReleasedRoute } from './released-route.ts';

describe('ReleasedRoute', () => {
  it('tells the nodes passed since the last report, in order, once, and never the start node', () => {
    const route = new ReleasedRoute();
    route.release([
      { nodeId: 'A', seq: 0 },
      { nodeId: 'B', seq: 2 },
      { nodeId: 'C', seq: 4 },
    ]);
    route.release([
      { nodeId: 'C', seq: 4 },
      { nodeId: 'D', seq: 6 },
    ]);
    expect(route.ahead.map((n) => n.nodeId)).toEqual(['A', 'B', 'C', 'D']);
    expect(route.reach(4).map((n) => n.nodeId)).toEqual(['B', 'C']);
    expect(route.reach(4)).toEqual([]);
    expect(route.ahead).toEqual([{ nodeId: 'D', seq: 6 }]);
    expect(route.reach(6, 4).map((n) => n.nodeId)).toEqual(['D']);
  });

  it('starts over on reset, sorted, and counts only what lies after `after`', () => {
    const route = new ReleasedRoute();
    route.reset([
      { nodeId: 'F', seq: 12 },
      { nodeId: 'E', seq: 10 },
    ]);
    expect(route.ahead.map((n) => n.nodeId)).toEqual(['E', 'F']);
    expect(route.reach(12, 10).map((n) => n.nodeId)).toEqual(['F']);
    route.reset();
    expect(route.ahead).toEqual([]);
  });
});
