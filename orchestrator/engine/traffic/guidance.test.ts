import { describe, expect, it } from 'vitest';
import type { Layout, LayoutEdge } from '../../domain/layout.ts';
import { DistanceTables } from './distance-tables.ts';
import { AGAINST_LANE_FACTOR, laneWeights } from './guidance.ts';

/** A `width` x `height` 4-connected grid of 1 m cells, nodes `x,y`, two-way edges. */
function grid(width: number, height: number): Layout {
  const nodes = [];
  const edges: LayoutEdge[] = [];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      nodes.push({ id: `${x},${y}`, x, y, mapId: 'm' });
      const link = (x2: number, y2: number): void => {
        edges.push({ id: `${x},${y}>${x2},${y2}`, from: `${x},${y}`, to: `${x2},${y2}`, lengthM: 1 });
        edges.push({ id: `${x2},${y2}>${x},${y}`, from: `${x2},${y2}`, to: `${x},${y}`, lengthM: 1 });
      };
      if (x + 1 < width) link(x + 1, y);
      if (y + 1 < height) link(x, y + 1);
    }
  return { id: 'g', name: 'g', version: '1', nodes, edges, stations: [] };
}

const edge = (from: string, to: string): LayoutEdge => ({ id: `${from}>${to}`, from, to, lengthM: 1 });

describe('traffic guidance: crisscross lanes', () => {
  it('when guidance is none, then no edge is weighted', () => {
    expect(laneWeights(grid(3, 3), 'none')).toBeUndefined();
  });

  it('when rows and columns are ranked by coordinate, then their directions alternate: even ranks run towards +x and +y', () => {
    const weight = laneWeights(grid(3, 3), 'crisscross')!;
    expect(weight(edge('0,0', '1,0'))).toBe(1);
    expect(weight(edge('1,0', '0,0'))).toBe(AGAINST_LANE_FACTOR);
    expect(weight(edge('1,1', '0,1'))).toBe(1);
    expect(weight(edge('0,1', '1,1'))).toBe(AGAINST_LANE_FACTOR);
    expect(weight(edge('0,0', '0,1'))).toBe(1);
    expect(weight(edge('0,1', '0,0'))).toBe(AGAINST_LANE_FACTOR);
    expect(weight(edge('1,1', '1,0'))).toBe(1);
    expect(weight(edge('2,0', '2,1'))).toBe(1);
  });

  it('when an edge is diagonal or its ends are unknown, then it has no lane', () => {
    const layout = grid(2, 2);
    const weight = laneWeights(layout, 'crisscross')!;
    expect(weight(edge('0,0', '1,1'))).toBe(1);
    expect(weight(edge('0,0', 'elsewhere'))).toBe(1);
  });

  it('when going against a row with a parallel row beside it, then the travel time follows the detour; with no detour it is the weighted straight way', () => {
    // Row 0 runs towards +x, row 1 towards -x. From 4,0 to 0,0: up column 4 (+y, with), west along row 1
    // (with), down column 0 (-y, against): 1 + 4 + 16 = 21 s, not 4 x 16 = 64 s straight back.
    const layout = grid(5, 2);
    const speeds = new Map([['amr', 1]]);
    const guided = new DistanceTables(layout, speeds, undefined, laneWeights(layout, 'crisscross'));
    expect(guided.seconds('amr', '0,0', '4,0')).toBe(1 + 4 + AGAINST_LANE_FACTOR);
    expect(guided.seconds('amr', '4,0', '0,0')).toBe(4);
    expect(new DistanceTables(layout, speeds).seconds('amr', '0,0', '4,0')).toBe(4);
    // A single row: the only way back is against the lane, and it stays a way.
    const row = grid(5, 1);
    const alone = new DistanceTables(row, speeds, undefined, laneWeights(row, 'crisscross'));
    expect(alone.seconds('amr', '0,0', '4,0')).toBe(4 * AGAINST_LANE_FACTOR);
  });
});
