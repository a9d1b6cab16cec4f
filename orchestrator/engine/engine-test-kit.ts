/**
 * Helpers for the engine's unit tests: robot specs and state reports with test defaults, a two-way line
 * of edges, and `run`, which steps a list of events through the engine and collects the commands.
 */
import type { LayoutEdge } from '../domain/layout.ts';
import type { RobotSpec } from '../domain/robot.ts';
import type { RobotStateReport } from '../domain/robot-messages.ts';
import type { createEngine } from './engine.ts';
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

/** Runs events through the engine one millisecond apart, collecting every command. */
export function run(
  engine: ReturnType<typeof createEngine>,
  state: EngineState,
  events: EngineEvent[],
): { state: EngineState; commands: EngineCommand[] } {
  const commands: EngineCommand[] = [];
  let s = state;
  events.forEach((event, i) => {
    const r = engine.step(s, event, 1_000 + i);
    s = r.state;
    commands.push(...r.commands);
  });
  return { state: s, commands };
}
