import { describe, expect, it } from 'vitest';
import type { Layout, LayoutEdge } from '../domain/layout.ts';
import { EngineContext } from '../engine/engine-context.ts';
import type { LiveBlocks } from '../http/live-contract.ts';
import { engineRoutes } from './live-routes.ts';

/**
 * A - B - C along the bottom (1 m apart), A - D - E - C around the top (a longer way), both directions;
 * station P at C.
 */
function layout(): Layout {
  const nodes = [
    { id: 'A', x: 0, y: 0 },
    { id: 'B', x: 1, y: 0 },
    { id: 'C', x: 2, y: 0 },
    { id: 'D', x: 0, y: 1 },
    { id: 'E', x: 2, y: 1 },
  ].map((n) => ({ ...n, mapId: 'm' }));
  const pairs: [string, string, number][] = [
    ['A', 'B', 1],
    ['B', 'C', 1],
    ['A', 'D', 1],
    ['D', 'E', 2],
    ['E', 'C', 1],
  ];
  const edges: LayoutEdge[] = pairs.flatMap(([a, b, lengthM]) => [
    { id: `${a}-${b}`, from: a, to: b, lengthM },
    { id: `${b}-${a}`, from: b, to: a, lengthM },
  ]);
  return {
    id: 'l',
    name: 'l',
    version: '1',
    nodes,
    edges,
    stations: [{ id: 'P', nodeIds: ['C'], role: 'load-station' }],
  };
}

const fleet = [
  {
    id: 'r1',
    vehicleType: 'amr',
    adapter: 'sim' as const,
    homeNode: 'A',
    maxSpeedMps: 1,
    loadTypes: [],
    maxPayloadKg: 1,
  },
];

describe('engineRoutes', () => {
  const context = new EngineContext(layout(), fleet);

  it('when nothing is blocked, then the planned path is the short way and its time is the table’s', () => {
    const blocks: LiveBlocks = { edges: [], nodes: [] };
    const routes = engineRoutes(context, () => blocks);
    expect(routes.path('amr', 'A', 'C')).toEqual(['B', 'C']);
    expect(routes.seconds('amr', 'A', 'C')).toBe(2);
    expect(routes.stationNode('P')).toBe('C');
  });

  it('when a node on the short way is blocked, then the path goes around it', () => {
    let blocks: LiveBlocks = { edges: [], nodes: [] };
    const routes = engineRoutes(context, () => blocks);
    expect(routes.path('amr', 'A', 'C')).toEqual(['B', 'C']);
    blocks = { edges: [], nodes: ['B'] };
    expect(routes.path('amr', 'A', 'C')).toEqual(['D', 'E', 'C']);
    expect(routes.seconds('amr', 'A', 'C')).toBe(4);
  });

  it('when the goal cannot be reached, then there is no path', () => {
    const blocks: LiveBlocks = { edges: [], nodes: ['C'] };
    const routes = engineRoutes(context, () => blocks);
    expect(routes.path('amr', 'A', 'C')).toBeUndefined();
    expect(routes.seconds('amr', 'A', 'C')).toBe(Infinity);
  });
});
