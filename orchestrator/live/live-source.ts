import type { EngineContext } from '../engine/engine-context.ts';
import { isDone } from '../domain/order-lifecycle.ts';
import type { LiveBlocks, LiveKpis } from '../http/live-contract.ts';
import { computeKpis, KpiHistory, kpiRobot, TravelTally } from './live-kpis.ts';
import type { LiveOrderFeed } from './live-orders.ts';
import { engineRoutes, type LiveRoutes } from './live-routes.ts';
import { buildLiveView, type LiveAlarmSource, type LiveRobotSource, type LiveView } from './live-view.ts';

/**
 * Between KPI samples, ms: often enough that the tiles follow the plant within seconds (a tile saying
 * 0 delivered beside 20 just delivered reads as a lie), not a minute behind.
 */
export const KPI_PERIOD_MS = 5000;
/** KPI samples kept for snapshots: the last 20 minutes. */
const KPI_SAMPLES = 240;

/** Alarms a view holds (the newest); older ones stay with clients that saw them. */
const VIEW_ALARMS = 200;

export interface LiveSourceOptions {
  readonly robots: () => readonly LiveRobotSource[];
  /** Newest first (`EngineRuntime.recentAlarms`). */
  readonly alarms: () => readonly LiveAlarmSource[];
  readonly blocks: () => LiveBlocks;
  readonly orders: LiveOrderFeed;
  /** The engine's router, travel-time tables and station look-ups. */
  readonly context: EngineContext;
  /** Between KPI samples, ms of plant time; default `KPI_PERIOD_MS`. */
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
    this.history = new KpiHistory(options.kpiPeriodMs ?? KPI_PERIOD_MS, KPI_SAMPLES);
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
      open: this.options.orders
        .current(nowMs)
        .filter((o) => !isDone(o.status))
        .map((o) => (o.dueBy === undefined ? {} : { dueByMs: Date.parse(o.dueBy) })),
      robots: this.options.robots().map(kpiRobot),
      travel: this.tally.totals(nowMs),
    });
    this.history.add(kpis, nowMs);
    return kpis;
  }

  kpis(): readonly LiveKpis[] {
    return this.history.samples();
  }
}
