import type { Layout, NodeId } from '../../orchestrator/domain/layout.ts';
import type { RobotSpec } from '../../orchestrator/domain/robot.ts';
import { createTaskStream, initialPositions } from './task-stream.ts';
import { VirtualFleet } from './virtual-fleet.ts';
import type { TrafficGuidance } from '../../orchestrator/engine/traffic/guidance.ts';

export interface LifelongOptions {
  readonly layout: Layout;
  /** How many robots; they start on distinct nodes chosen by the seed (or at `starts`). */
  readonly robots: number;
  /** Orders kept open at once (each delivery opens the next); default one per robot. Fewer leave robots idle. */
  readonly openOrders?: number;
  /** Template for every robot (vehicle type, speed, load types). */
  readonly robotTemplate: Omit<RobotSpec, 'id' | 'homeNode'>;
  readonly hours: number;
  readonly seed: number;
  /** Start nodes, to share a scenario with another system (B5); default: seeded over all nodes. */
  readonly starts?: readonly NodeId[];
  /** Plant milliseconds per pick or drop. */
  readonly actionMs: number;
  /** An order counts as on time when delivered within this many minutes of its creation. */
  readonly dueMinutes: number;
  /** Plant milliseconds per simulation step. */
  readonly stepMs: number;
  /** Soft lane directions for traffic (`crisscross` on grid maps); default `none`. */
  readonly guidance?: TrafficGuidance;
  /** Called about every simulated 10 minutes with progress. */
  readonly onProgress?: (simulatedS: number, tasksDone: number) => void;
}

export interface LifelongKpis {
  readonly layout: string;
  readonly robots: number;
  readonly seed: number;
  readonly hours: number;
  readonly guidance: TrafficGuidance;
  readonly tasksDone: number;
  readonly tasksPerHour: number;
  readonly meanTaskS: number;
  readonly p95TaskS: number;
  readonly onTimePct: number;
  readonly utilisationPct: number;
  readonly emptyTravelPct: number;
  /** Plant seconds connected to a charger, summed over the fleet. */
  readonly chargingS: number;
  /** The lowest battery any robot reached, percent (0 on a plant without chargers, eventually). */
  readonly minBatteryPct: number;
  /**
   * Plant seconds robots stood idle (no task, not driving) on a station's node other than a parking spot
   * or charger, a bin say, summed over the fleet (issue 14: idle robots wait off the stations).
   */
  readonly idleOnStationS: number;
  readonly collisions: number;
  /** Robots in a set that waited on each other for 60 s with no progress (each episode once). */
  readonly deadlocks: number;
  /** Robots that had somewhere to go and did not move for 60 s, whatever they waited for (each episode once). */
  readonly stalls: number;
  /** Robots that came no closer to their goal for 300 s (each episode once). */
  readonly livelocks: number;
  /** The longest time any robot went without coming closer to its goal, s. */
  readonly longestStallS: number;
  readonly stepP50Ms: number;
  readonly stepP99Ms: number;
  readonly wallS: number;
  /** Simulated seconds per wall-clock second. */
  readonly speedFactor: number;
}

/**
 * Lifelong random pick-and-drop on a layout (B5's protocol, `task-stream.ts`): as many orders are open as
 * there are robots (or `openOrders`), and each delivery opens the next task of the seeded stream. Candidate stations are
 * the layout's storage bins (on Moving AI maps, the cells next to racks).
 */
export async function runLifelong(options: LifelongOptions): Promise<LifelongKpis> {
  const { layout } = options;
  const stationOfNode = new Map<NodeId, string>();
  for (const s of layout.stations)
    if (s.role === 'storage-bin' && s.nodeIds[0]) stationOfNode.set(s.nodeIds[0], s.id);
  const candidates = [...stationOfNode.keys()];
  const workNodes = new Set(
    layout.stations.filter((s) => s.role !== 'park' && s.role !== 'charger').flatMap((s) => s.nodeIds),
  );
  const starts =
    options.starts ??
    initialPositions({ seed: options.seed, nodes: layout.nodes.map((n) => n.id), count: options.robots });
  const fleetSpecs: RobotSpec[] = starts.map((homeNode, i) => ({
    ...options.robotTemplate,
    id: `R${String(i + 1).padStart(4, '0')}`,
    homeNode,
  }));
  const fleet = new VirtualFleet({
    layout,
    fleet: fleetSpecs,
    stepMs: options.stepMs,
    actionDurationMs: options.actionMs,
    ...(options.guidance ? { guidance: options.guidance } : {}),
  });
  await fleet.start();
  const stream = createTaskStream({ seed: options.seed, candidates });
  const submitNext = (): void => {
    const task = stream.next();
    fleet.submit({
      type: 'order-planned',
      order: {
        id: task.id,
        fromStation: stationOfNode.get(task.pickup)!,
        toStation: stationOfNode.get(task.drop)!,
        priority: 1,
        createdAtMs: fleet.nowMs,
        dueByMs: fleet.nowMs + options.dueMinutes * 60_000,
      },
    });
  };
  for (let i = 0; i < (options.openOrders ?? options.robots); i += 1) submitNext();

  let delivered = 0;
  let busySamples = 0;
  let idleOnStationSamples = 0;
  let samples = 0;
  const totalMs = options.hours * 3_600_000;
  const started = performance.now();
  const chunkMs = 600_000;
  for (let t = 0; t < totalMs; t += chunkMs) {
    fleet.run(Math.min(chunkMs, totalMs - t), (f) => {
      samples += 1;
      for (const r of Object.values(f.state.robots)) {
        if (r.task?.kind === 'order-leg') busySamples += 1;
        else if (r.task === undefined && !r.moving && workNodes.has(r.nodeId!)) idleOnStationSamples += 1;
      }
      // Keep the open orders topped up: every delivery (or failure) opens the next task.
      const done = f.finished;
      while (delivered < done) {
        delivered += 1;
        submitNext();
      }
    });
    options.onProgress?.(Math.min(t + chunkMs, totalMs) / 1000, delivered);
  }
  const wallS = (performance.now() - started) / 1000;

  const times: number[] = [];
  let onTime = 0;
  for (const r of fleet.orders.values()) {
    if (r.deliveredAtMs === undefined) continue;
    times.push((r.deliveredAtMs - r.createdAtMs) / 1000);
    if (r.dueByMs === undefined || r.deliveredAtMs <= r.dueByMs) onTime += 1;
  }
  const tasksDone = times.length;
  const travelled = fleet.distanceM.loaded + fleet.distanceM.empty;
  return {
    layout: layout.name,
    robots: options.robots,
    seed: options.seed,
    hours: options.hours,
    guidance: options.guidance ?? 'none',
    tasksDone,
    tasksPerHour: round(tasksDone / options.hours),
    meanTaskS: round(times.reduce((a, b) => a + b, 0) / Math.max(1, tasksDone)),
    p95TaskS: round(quantile(times, 0.95)),
    onTimePct: round((100 * onTime) / Math.max(1, tasksDone)),
    utilisationPct: round((100 * busySamples) / Math.max(1, samples * options.robots)),
    emptyTravelPct: round((100 * fleet.distanceM.empty) / Math.max(1e-9, travelled)),
    chargingS: round(fleet.chargingS),
    minBatteryPct: round(fleet.minBatteryPct),
    idleOnStationS: round((idleOnStationSamples * options.stepMs) / 1000),
    collisions: fleet.collisions.length,
    deadlocks: fleet.deadlocks,
    stalls: fleet.stalls,
    livelocks: fleet.livelocks,
    longestStallS: round(fleet.longestStallMs / 1000),
    stepP50Ms: round(quantile(fleet.tickWallMs, 0.5), 3),
    stepP99Ms: round(quantile(fleet.tickWallMs, 0.99), 3),
    wallS: round(wallS),
    speedFactor: round((options.hours * 3600) / Math.max(1e-9, wallS)),
  };
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
