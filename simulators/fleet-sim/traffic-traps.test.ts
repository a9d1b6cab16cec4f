import { describe, expect, it } from 'vitest';
import type { Layout } from '../../orchestrator/domain/layout.ts';
import { layoutOf, orderFor, robot } from './test-layouts.ts';
import { VirtualFleet } from './virtual-fleet.ts';

/**
 * Runs each robot's order (pickup where it stands, drop at its target) to the end, with `idle` robots that
 * have no order standing where they are put; returns the fleet.
 */
async function runMoves(
  layout: Layout,
  moves: [robotId: string, from: string, to: string][],
  limitMs = 600_000,
  idle: [robotId: string, at: string][] = [],
): Promise<VirtualFleet> {
  const fleet = new VirtualFleet({
    layout,
    fleet: [...moves, ...idle].map(([id, from]) => robot(id, from)),
    stepMs: 250,
    actionDurationMs: 1000,
  });
  await fleet.start();
  moves.forEach(([id, from, to], i) => {
    orderFor(fleet, id, from, to, i);
  });
  const done = (): boolean => moves.every(([id]) => fleet.statusOf(`o-${id}`) !== 'open');
  for (let t = 0; t < limitMs && !done(); t += 5000) fleet.run(5000);
  return fleet;
}

function expectClean(fleet: VirtualFleet, ids: string[]): void {
  expect(fleet.collisions).toEqual([]);
  expect(fleet.deadlocks, fleet.alarms.join('\n')).toBe(0);
  expect(fleet.stalls, 'no robot stands still for 60 s').toBe(0);
  expect(fleet.livelocks, fleet.alarms.join('\n')).toBe(0);
  for (const id of ids) expect(fleet.statusOf(`o-${id}`), fleet.alarms.join('\n')).toBe('delivered');
}

describe('traffic: hand-made deadlock traps', () => {
  it('when robots enter a single-lane corridor from both ends, then all get through without collision or deadlock', async () => {
    // Two 2x2 rooms joined by a 5-node corridor c1..c5.
    const coords: Record<string, [number, number]> = {
      l1: [0, 0],
      l2: [0, 1],
      l3: [1, 0],
      l4: [1, 1],
      r1: [7, 0],
      r2: [7, 1],
      r3: [8, 0],
      r4: [8, 1],
    };
    for (let i = 1; i <= 5; i += 1) coords[`c${i}`] = [1 + i, 0];
    const links: [string, string][] = [
      ['l1', 'l2'],
      ['l1', 'l3'],
      ['l2', 'l4'],
      ['l3', 'l4'],
      ['r1', 'r2'],
      ['r1', 'r3'],
      ['r2', 'r4'],
      ['r3', 'r4'],
      ['l3', 'c1'],
      ['c1', 'c2'],
      ['c2', 'c3'],
      ['c3', 'c4'],
      ['c4', 'c5'],
      ['c5', 'r1'],
    ];
    const fleet = await runMoves(layoutOf(coords, links), [
      ['A', 'l3', 'r4'],
      ['B', 'l1', 'r3'],
      ['C', 'r1', 'l4'],
      ['D', 'r2', 'l2'],
    ]);
    expectClean(fleet, ['A', 'B', 'C', 'D']);
  });

  it('when four robots cross a 4-way intersection at once, then all get through', async () => {
    const coords: Record<string, [number, number]> = { x: [0, 0] };
    const links: [string, string][] = [];
    for (const [dir, dx, dy] of [
      ['n', 0, 1],
      ['s', 0, -1],
      ['e', 1, 0],
      ['w', -1, 0],
    ] as const) {
      let prev = 'x';
      for (let i = 1; i <= 3; i += 1) {
        coords[`${dir}${i}`] = [dx * i, dy * i];
        links.push([prev, `${dir}${i}`]);
        prev = `${dir}${i}`;
      }
    }
    const fleet = await runMoves(layoutOf(coords, links), [
      ['N', 'n1', 's3'],
      ['S', 's1', 'n3'],
      ['E', 'e1', 'w3'],
      ['W', 'w1', 'e3'],
    ]);
    expectClean(fleet, ['N', 'S', 'E', 'W']);
  });

  it('when a ring has one free node and every robot must move two places on, then all arrive', async () => {
    const n = 6;
    const coords: Record<string, [number, number]> = {};
    const links: [string, string][] = [];
    for (let i = 0; i < n; i += 1) {
      coords[`k${i}`] = [
        Math.round(10 * Math.cos((2 * Math.PI * i) / n)),
        Math.round(10 * Math.sin((2 * Math.PI * i) / n)),
      ];
      links.push([`k${i}`, `k${(i + 1) % n}`]);
    }
    const moves: [string, string, string][] = [];
    for (let i = 0; i < n - 1; i += 1) moves.push([`R${i}`, `k${i}`, `k${(i + 2) % n}`]);
    const fleet = await runMoves(layoutOf(coords, links), moves);
    expectClean(
      fleet,
      moves.map(([id]) => id),
    );
  });

  it("when two robots' goals are each other's positions on a lane with one side pocket, then they swap", async () => {
    const coords: Record<string, [number, number]> = {
      a: [0, 0],
      b: [1, 0],
      c: [2, 0],
      d: [3, 0],
      e: [4, 0],
      p: [2, 1],
    };
    const links: [string, string][] = [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['c', 'p'],
    ];
    const fleet = await runMoves(layoutOf(coords, links), [
      ['A', 'a', 'e'],
      ['B', 'e', 'a'],
    ]);
    expectClean(fleet, ['A', 'B']);
  });

  it('when a robot must enter a dead-end station another robot is leaving, then they pass (swap at a spur)', async () => {
    // A spur s off the aisle node m; B stands in s and must go to the far end, A must go into s.
    const coords: Record<string, [number, number]> = {
      w1: [0, 0],
      w2: [1, 0],
      m: [2, 0],
      e1: [3, 0],
      e2: [4, 0],
      s: [2, 1],
      q: [1, -1],
    };
    const links: [string, string][] = [
      ['w1', 'w2'],
      ['w2', 'm'],
      ['m', 'e1'],
      ['e1', 'e2'],
      ['m', 's'],
      ['w2', 'q'],
    ];
    const fleet = await runMoves(layoutOf(coords, links), [
      ['A', 'w1', 's'],
      ['B', 's', 'w1'],
    ]);
    expectClean(fleet, ['A', 'B']);
  });
  it('when two robots in facing bins off one aisle node must trade bins, then they pass (no shuttling)', async () => {
    // Bins w and e face each other across the aisle node m, nearer to m than the aisle nodes n and s are:
    // a robot pushed out of m must step into the aisle, not back into the other's bin.
    const coords: Record<string, [number, number]> = {
      n: [0, 2],
      m: [0, 0],
      s: [0, -2],
      w: [-1.5, 0],
      e: [1.5, 0],
    };
    const links: [string, string][] = [
      ['n', 'm'],
      ['m', 's'],
      ['m', 'w'],
      ['m', 'e'],
    ];
    const fleet = await runMoves(layoutOf(coords, links), [
      ['A', 'w', 'e'],
      ['B', 'e', 'w'],
    ]);
    expectClean(fleet, ['A', 'B']);
  });

  it('when a robot is bound for a dead-end bin where an idle robot stands, then the idle robot makes way', async () => {
    // Aisle x0..x4; bin d off x2. B stands idle in d; A brings a load from x0 to d.
    const coords: Record<string, [number, number]> = { d: [2, 1] };
    const links: [string, string][] = [['x2', 'd']];
    for (let i = 0; i <= 4; i += 1) coords[`x${i}`] = [i, 0];
    for (let i = 0; i < 4; i += 1) links.push([`x${i}`, `x${i + 1}`]);
    const fleet = await runMoves(layoutOf(coords, links), [['A', 'x0', 'd']], 600_000, [['B', 'd']]);
    expectClean(fleet, ['A']);
  });
});

describe('traffic: crisscross lane guidance', () => {
  it('when two robots swap ends of a two-row aisle, then each drives the row that runs its way and neither waits', async () => {
    // Row y=0 runs towards +x, row y=1 towards -x (guidance.ts). R1 goes 0,0 -> 6,0 along row 0; R2 goes
    // 6,0 -> 0,0 up to row 1 and back down, so the two never meet head-on. (Without lanes R2 sets off
    // along row 0 and is pushed aside when they meet.)
    const coords: Record<string, [number, number]> = {};
    const links: [string, string][] = [];
    for (let x = 0; x <= 6; x++)
      for (let y = 0; y <= 1; y++) {
        coords[`${x},${y}`] = [x, y];
        if (x > 0) links.push([`${x - 1},${y}`, `${x},${y}`]);
        if (y > 0) links.push([`${x},0`, `${x},1`]);
      }
    const fleet = new VirtualFleet({
      layout: layoutOf(coords, links),
      fleet: [robot('R1', '0,0'), robot('R2', '6,0')],
      stepMs: 250,
      actionDurationMs: 1000,
      guidance: 'crisscross',
    });
    await fleet.start();
    orderFor(fleet, 'R1', '0,0', '6,0');
    orderFor(fleet, 'R2', '6,0', '0,0');
    const trail = new Set<string>();
    for (let t = 0; t < 120_000 && fleet.statusOf('o-R2') === 'open'; t += 250) {
      fleet.run(250);
      const r2 = fleet.state.robots.R2!;
      trail.add(r2.moving?.to ?? r2.nodeId!);
    }
    expectClean(fleet, ['R1', 'R2']);
    const inRowZero = [...trail].filter((n) => n.endsWith(',0') && n !== '0,0' && n !== '6,0');
    expect(inRowZero, [...trail].join(' ')).toEqual([]);
    expect(fleet.longestStallMs).toBeLessThan(5000);
  });
});
