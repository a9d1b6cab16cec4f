/**
 * Helpers for the engine's unit tests: robot specs and state reports with test defaults, a two-way line
 * of edges, and `run`, which steps a list of events through the engine and collects the commands.
 */
import type { Layout, LayoutEdge } from '../domain/layout.ts';
import type { RobotSpec } from '../domain/robot.ts';
import type { RobotStateReport } from '../domain/robot-messages.ts';
import type { createEngine, StepOptions } from './engine.ts';
import type { EngineCommand, EngineEvent, EngineState } from './engine-types.ts';

/** A robot of type `amr` at 1 m/s carrying pallets; `releaseAhead` only when given. */
export const spec = (id: string, homeNode: string, releaseAhead?: boolean): RobotSpec => ({
  id,
  vehicleType: 'amr',
  adapter: 'sim',
  homeNode,
  maxSpeedMps: 1,
  loadTypes: ['pallet'],
  maxPayloadKg: 1000,
  ...(releaseAhead === undefined ? {} : { releaseAhead }),
});

/** A healthy, idle, automatic robot at `nodeId`, with `extra` on top. */
export const report = (nodeId: string, extra: Partial<RobotStateReport> = {}): RobotStateReport => ({
  nodeId,
  batteryPct: 90,
  charging: false,
  driving: false,
  paused: false,
  loads: [],
  mode: 'automatic',
  errors: [],
  ...extra,
});

/** Two-way edges 1 m long between consecutive `ids` (`AB` and `BA`, ...). */
export function lineEdges(ids: readonly string[]): LayoutEdge[] {
  const edges: LayoutEdge[] = [];
  for (let i = 0; i + 1 < ids.length; i += 1) {
    edges.push({ id: `${ids[i]!}${ids[i + 1]!}`, from: ids[i]!, to: ids[i + 1]!, lengthM: 1 });
    edges.push({ id: `${ids[i + 1]!}${ids[i]!}`, from: ids[i + 1]!, to: ids[i]!, lengthM: 1 });
  }
  return edges;
}

/**
 * A plant with four parking spots (issue 14): a two-way ring R0..R7 (1 m edges; R0-R3 along y = 0, R4-R7
 * back along y = 1), parking spots P1..P4 on spurs below R0..R3, bins B1 and B2 on spurs above R5 and R6,
 * and a side aisle no station uses, R7 - X1 - X2 (X2 a dead end).
 */
export function fourSpotPlant(): Layout {
  const at: Record<string, [number, number]> = {
    R0: [0, 0],
    R1: [1, 0],
    R2: [2, 0],
    R3: [3, 0],
    R4: [3, 1],
    R5: [2, 1],
    R6: [1, 1],
    R7: [0, 1],
    P1: [0, -1],
    P2: [1, -1],
    P3: [2, -1],
    P4: [3, -1],
    B1: [2, 2],
    B2: [1, 2],
    X1: [-1, 1],
    X2: [-2, 1],
  };
  const ring = ['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R0'];
  const spurs = [
    ['R0', 'P1'],
    ['R1', 'P2'],
    ['R2', 'P3'],
    ['R3', 'P4'],
    ['R5', 'B1'],
    ['R6', 'B2'],
    ['R7', 'X1', 'X2'],
  ];
  return {
    id: 'four-spots',
    name: 'four spots',
    version: '1',
    nodes: Object.entries(at).map(([id, [x, y]]) => ({ id, x, y, mapId: 'm' })),
    edges: [ring, ...spurs].flatMap(lineEdges),
    stations: [
      ...[1, 2, 3, 4].map((i) => ({ id: `PARK-${i}`, nodeIds: [`P${i}`], role: 'park' as const })),
      { id: 'BIN-1', nodeIds: ['B1'], role: 'storage-bin' },
      { id: 'BIN-2', nodeIds: ['B2'], role: 'storage-bin' },
    ],
  };
}

/** Runs events through the engine one millisecond apart, collecting every command. */
export function run(
  engine: ReturnType<typeof createEngine>,
  state: EngineState,
  events: EngineEvent[],
  options?: StepOptions,
): { state: EngineState; commands: EngineCommand[] } {
  const commands: EngineCommand[] = [];
  let s = state;
  events.forEach((event, i) => {
    const r = engine.step(s, event, 1_000 + i, options);
    s = r.state;
    commands.push(...r.commands);
  });
  return { state: s, commands };
}
