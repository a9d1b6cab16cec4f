/**
 * The fleet KPIs of the live feed (`LiveKpis`), from what the orchestrator holds. Pure: callers give the
 * time (`nowMs`, ms since the epoch, plant time as the orchestrator's clock reads it).
 */
import type { LiveKpis } from '../http/live-contract.ts';
import type { Pose } from '../domain/robot-messages.ts';
import { orderIdOf, type RobotRuntime } from '../engine/engine-types.ts';

export const HOUR_MS = 3_600_000;

/** One delivered order: when it was delivered and, if it had one, when it was due (ms since the epoch). */
export interface Delivery {
  readonly atMs: number;
  readonly dueByMs?: number;
}

/** What `computeKpis` needs of a robot. */
export interface KpiRobot {
  readonly id: string;
  /** Connected, in service and without a fatal error (`LiveKpis.robotsAvailable`). */
  readonly available: boolean;
  /** The robot works on a transport order (an order leg or its resync). */
  readonly hasOrder: boolean;
}

/** What `computeKpis` needs of an open order (accepted, not yet delivered, failed or cancelled). */
export interface OpenOrder {
  /** Ms since the epoch. */
  readonly dueByMs?: number;
}

/** A robot as the KPIs count it. */
export function kpiRobot(robot: RobotRuntime): KpiRobot {
  return {
    id: robot.spec.id,
    available:
      robot.connection === 'online' && !robot.outOfService && !robot.errors.some((e) => e.level === 'fatal'),
    hasOrder: orderIdOf(robot.task) !== undefined,
  };
}

/** Distance driven in the window, metres, with and without a load on board. */
export interface TravelTotals {
  readonly emptyM: number;
  readonly loadedM: number;
}

/** part / whole as a percentage with one decimal; undefined when `whole` is 0. */
function pct(part: number, whole: number): number | undefined {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : undefined;
}

/**
 * The KPIs at `nowMs`, as `LiveKpis` defines them: deliveries of the hour before `nowMs`, the open orders
 * and the robots now, the distance driven in the last hour (`TravelTally`).
 */
export function computeKpis(input: {
  readonly nowMs: number;
  readonly deliveries: readonly Delivery[];
  readonly open: readonly OpenOrder[];
  readonly robots: readonly KpiRobot[];
  readonly travel: TravelTotals;
}): LiveKpis {
  const { nowMs } = input;
  const recent = input.deliveries.filter((d) => d.atMs > nowMs - HOUR_MS && d.atMs <= nowMs);
  const withDue = recent.filter((d) => d.dueByMs !== undefined);
  const onTime = withDue.filter((d) => d.atMs <= (d.dueByMs ?? Infinity)).length;
  const overdue = input.open.filter((o) => o.dueByMs !== undefined && o.dueByMs < nowMs).length;
  const available = input.robots.filter((r) => r.available);
  const busy = available.filter((r) => r.hasOrder).length;
  const onTimePct = pct(onTime, withDue.length + overdue);
  const utilisationPct = pct(busy, available.length);
  const { emptyM, loadedM } = input.travel;
  return {
    at: new Date(nowMs).toISOString(),
    tasksPerHour: recent.length,
    ...(onTimePct === undefined ? {} : { onTimePct }),
    overdueOrders: overdue,
    openOrders: input.open.length,
    robotsAvailable: available.length,
    robotsBusy: busy,
    ...(utilisationPct === undefined ? {} : { utilisationPct }),
    emptyTravelPct: pct(emptyM, emptyM + loadedM) ?? 0,
  };
}

/** What `TravelTally` needs of a robot at one sample. */
export interface TravelSample {
  readonly id: string;
  readonly pose?: Pose;
  readonly loaded: boolean;
}

/**
 * Driven distance per minute bucket over the last hour, loaded and empty, from poses sampled every few
 * hundred ms: the straight line between two samples (so a curve counts a little short). A jump longer
 * than `maxStepM` between two samples (a relocated robot, a gap in reports) is not counted. A step counts
 * as loaded when the robot had a load at either end of it.
 */
export class TravelTally {
  private readonly last = new Map<string, { readonly pose: Pose; readonly loaded: boolean }>();
  private readonly buckets: { minute: number; emptyM: number; loadedM: number }[] = [];

  constructor(private readonly maxStepM = 5) {}

  observe(robots: readonly TravelSample[], nowMs: number): void {
    const minute = Math.floor(nowMs / 60_000);
    let bucket = this.buckets.at(-1);
    if (bucket?.minute !== minute) {
      bucket = { minute, emptyM: 0, loadedM: 0 };
      this.buckets.push(bucket);
      while (this.buckets.length > 0 && this.buckets[0]!.minute <= minute - 60) this.buckets.shift();
    }
    for (const robot of robots) {
      const before = this.last.get(robot.id);
      if (!robot.pose) {
        this.last.delete(robot.id);
        continue;
      }
      this.last.set(robot.id, { pose: robot.pose, loaded: robot.loaded });
      if (!before) continue;
      const step = Math.hypot(robot.pose.x - before.pose.x, robot.pose.y - before.pose.y);
      if (step > this.maxStepM) continue;
      if (robot.loaded || before.loaded) bucket.loadedM += step;
      else bucket.emptyM += step;
    }
  }

  /** Metres driven in the hour before `nowMs` (whole minutes). */
  totals(nowMs: number): TravelTotals {
    const from = Math.floor(nowMs / 60_000) - 59;
    let emptyM = 0;
    let loadedM = 0;
    for (const b of this.buckets) {
      if (b.minute < from) continue;
      emptyM += b.emptyM;
      loadedM += b.loadedM;
    }
    return { emptyM, loadedM };
  }
}

/** KPI samples, oldest first: at most one per `periodMs`, the last `keep` of them. */
export class KpiHistory {
  private readonly list: LiveKpis[] = [];
  private lastMs = -Infinity;

  constructor(
    private readonly periodMs = 60_000,
    private readonly keep = 60,
  ) {}

  /** True when a sample is due at `nowMs` (none taken yet, or `periodMs` since the last). */
  due(nowMs: number): boolean {
    return nowMs - this.lastMs >= this.periodMs;
  }

  add(sample: LiveKpis, nowMs: number): void {
    this.lastMs = nowMs;
    this.list.push(sample);
    if (this.list.length > this.keep) this.list.shift();
  }

  samples(): readonly LiveKpis[] {
    return [...this.list];
  }
}
