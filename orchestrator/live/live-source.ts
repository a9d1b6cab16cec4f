import type { NodeId, VehicleTypeId } from '../domain/layout.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import { orderIdOf } from '../engine/engine-types.ts';
import type { LiveBlocks, LiveKpis } from '../http/live-contract.ts';
import { computeKpis, KpiHistory, TravelTally } from './live-kpis.ts';
import type { LiveOrderFeed } from './live-orders.ts';
import {
  buildLiveView,
  type LiveAlarmSource,
  type LiveRobotSource,
  type LiveRoutes,
  type LiveView,
} from './live-view.ts';

/** Alarms a view holds (the newest); older ones stay with clients that saw them. */
const VIEW_ALARMS = 200;
/** Cached planned routes before the cache starts over. */
const ROUTE_CACHE_MAX = 5000;
/** The longest planned route a robot is shown with, nodes. */
const MAX_PLANNED_NODES = 1000;

export interface LiveSourceOptions {
  readonly robots: () => readonly LiveRobotSource[];
  /** Newest first (`EngineRuntime.recentAlarms`). */
  readonly alarms: () => readonly LiveAlarmSource[];
  readonly blocks: () => LiveBlocks;
  readonly orders: LiveOrderFeed;
  /** The engine's router, travel-time tables and station look-ups. */
  readonly context: EngineContext;
  /** Between KPI samples, ms of plant time; default 60 000. */
  readonly kpiPeriodMs?: number;
}

/**
 * Samples the orchestrator for the live feed: the view (robots, orders, alarms, blocks), the driven
 * distance for the empty-travel KPI, and the KPI samples.
 */
export class LiveSource {
  private readonly tally = new TravelTally();
  private readonly history: KpiHistory;
  private readonly routes: LiveRoutes;

  constructor(private readonly options: LiveSourceOptions) {
    this.history = new KpiHistory(options.kpiPeriodMs ?? 60_000);
    this.routes = engineRoutes(options.context, options.blocks);
  }

  /** Tallies driven distance; call every interval, whether anyone watches or not. */
  observe(nowMs: number): void {
    this.tally.observe(
      this.options.robots().map((r) => ({
        id: r.spec.id,
        ...(r.pose ? { pose: r.pose } : {}),
        loaded: r.loads.length > 0,
      })),
      nowMs,
    );
  }

  /** The view now. */
  view(nowMs: number): LiveView {
    return buildLiveView({
      nowMs,
      robots: this.options.robots(),
      orders: this.options.orders.current(nowMs),
      alarms: this.options.alarms().slice(0, VIEW_ALARMS),
      blocks: this.options.blocks(),
      routes: this.routes,
    });
  }

  /** A new KPI sample when one is due (kept for snapshots), else undefined. */
  sampleKpis(nowMs: number): LiveKpis | undefined {
    if (!this.history.due(nowMs)) return undefined;
    const kpis = computeKpis({
      nowMs,
      deliveries: this.options.orders.deliveries(nowMs),
      robots: this.options
        .robots()
        .map((r) => ({ id: r.spec.id, hasOrder: orderIdOf(r.task) !== undefined })),
      travel: this.tally.totals(nowMs),
    });
    this.history.add(kpis, nowMs);
    return kpis;
  }

  kpis(): readonly LiveKpis[] {
    return this.history.samples();
  }
}

/**
 * `LiveRoutes` over the engine's context with the blocks in force. A planned path descends the engine's
 * travel-time table for the goal (the table traffic ranks steps by, guidance included) one node at a
 * time; it is cached per vehicle type, start, goal and blocks.
 */
export function engineRoutes(context: EngineContext, blocks: () => LiveBlocks): LiveRoutes {
  let cache: { closed: ReadonlySet<string>; paths: Map<string, readonly NodeId[] | undefined> } | undefined;
  const closedNow = (): ReadonlySet<string> => {
    const now = blocks();
    return context.closedEdges(now.edges, now.nodes);
  };
  const descend = (type: VehicleTypeId, from: NodeId, goal: NodeId, closed: ReadonlySet<string>) => {
    const tables = context.distances(closed);
    let left = tables.seconds(type, goal, from);
    if (!Number.isFinite(left)) return undefined;
    const path: NodeId[] = [];
    let at = from;
    while (at !== goal && path.length < MAX_PLANNED_NODES) {
      let best: { node: NodeId; s: number } | undefined;
      for (const node of context.nextNodes(at, type, closed)) {
        const s = tables.seconds(type, goal, node);
        if (s < (best?.s ?? left)) best = { node, s };
      }
      // No strictly closer neighbour (zero-length edges): the rest of the way is drawn as a jump.
      if (!best) break;
      path.push(best.node);
      at = best.node;
      left = best.s;
    }
    if (at !== goal) path.push(goal);
    return path;
  };
  return {
    path(vehicleType, from, goal) {
      const closed = closedNow();
      if (cache?.closed !== closed || cache.paths.size > ROUTE_CACHE_MAX)
        cache = { closed, paths: new Map() };
      const key = `${vehicleType}\u0000${from}\u0000${goal}`;
      if (cache.paths.has(key)) return cache.paths.get(key);
      const path = descend(vehicleType, from, goal, closed);
      cache.paths.set(key, path);
      return path;
    },
    seconds(vehicleType, from, goal) {
      return context.distances(closedNow()).seconds(vehicleType, goal, from);
    },
    stationNode: (station) => context.stationNode(station),
  };
}
