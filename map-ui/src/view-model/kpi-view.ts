import type { LiveKpis, LiveOrder } from '../../../orchestrator/http/live-contract.ts';

/** Order states with nothing left for the fleet: the move is done, or the order ended without it. */
const FINISHED: ReadonlySet<string> = new Set(['delivered', 'confirmed', 'failed', 'cancelled']);

/** Open: accepted and not yet delivered, failed or cancelled (the backlog, as `LiveKpis.openOrders`). */
export function isOpenOrder(order: Pick<LiveOrder, 'status'>): boolean {
  return !FINISHED.has(order.status);
}

export type KpiKey = 'openOrders' | 'tasksPerHour' | 'onTimePct' | 'utilisationPct' | 'emptyTravelPct';

/** One KPI tile: its value and the line under it as read, and its recent samples for the sparkline. */
export interface KpiTile {
  readonly key: KpiKey;
  readonly label: string;
  /** `—` when unknown. */
  readonly value: string;
  readonly detail: string;
  /** `bad` draws the value in red (overdue orders, on time below 90 %). */
  readonly tone: 'normal' | 'bad';
  /** Oldest first; samples without the value are left out. */
  readonly series: readonly number[];
}

const round1 = (x: number): string => String(Math.round(x * 10) / 10);
const series = (kpis: readonly LiveKpis[], pick: (k: LiveKpis) => number | undefined): number[] =>
  kpis.flatMap((k) => {
    const v = pick(k);
    return v === undefined ? [] : [v];
  });

/**
 * The KPI tiles, all from the latest of the samples (`LiveKpis`, oldest first), so that they agree with
 * each other (the backlog and on time count the same overdue orders); their sparklines from all.
 */
export function kpiTiles(kpis: readonly LiveKpis[]): KpiTile[] {
  const last = kpis.at(-1);
  const onTime = last?.onTimePct;
  const util = last?.utilisationPct;
  return [
    {
      key: 'openOrders',
      label: 'Open orders',
      value: last === undefined ? '—' : String(last.openOrders),
      detail:
        last === undefined
          ? 'no sample yet'
          : last.overdueOrders > 0
            ? `${last.overdueOrders} overdue`
            : 'none overdue',
      tone: last !== undefined && last.overdueOrders > 0 ? 'bad' : 'normal',
      series: series(kpis, (k) => k.openOrders),
    },
    {
      key: 'tasksPerHour',
      label: 'Delivered',
      value: last === undefined ? '—' : String(last.tasksPerHour),
      detail: 'last hour',
      tone: 'normal',
      series: series(kpis, (k) => k.tasksPerHour),
    },
    {
      key: 'onTimePct',
      label: 'On time',
      value: onTime === undefined ? '—' : `${round1(onTime)}%`,
      detail:
        last === undefined
          ? 'no sample yet'
          : onTime === undefined
            ? 'no due times'
            : `${last.overdueOrders} overdue`,
      tone: onTime !== undefined && onTime < 90 ? 'bad' : 'normal',
      series: series(kpis, (k) => k.onTimePct),
    },
    {
      key: 'utilisationPct',
      label: 'Utilisation',
      value: util === undefined ? '—' : `${round1(util)}%`,
      detail: last === undefined ? 'no sample yet' : `${last.robotsBusy} of ${last.robotsAvailable} busy`,
      tone: 'normal',
      series: series(kpis, (k) => k.utilisationPct),
    },
    {
      key: 'emptyTravelPct',
      label: 'Empty travel',
      value: last === undefined ? '—' : `${round1(last.emptyTravelPct)}%`,
      detail: 'last hour',
      tone: 'normal',
      series: series(kpis, (k) => k.emptyTravelPct),
    },
  ];
}
