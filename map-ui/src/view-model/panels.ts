import type { LiveAlarm, LiveOrder } from '../../../orchestrator/http/live-contract.ts';

/** Orders as the queue panel lists them: higher priority first, then the earlier due time (none last). */
export function orderQueue(orders: Iterable<LiveOrder>): LiveOrder[] {
  return [...orders].sort((a, b) => {
    if (a.priority !== b.priority) return b.priority - a.priority;
    const da = a.dueBy === undefined ? Infinity : Date.parse(a.dueBy);
    const db = b.dueBy === undefined ? Infinity : Date.parse(b.dueBy);
    if (da !== db) return da < db ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/** A duration in seconds, short: `45s`, `3m 05s`, `2h 07m`. Negative values are shown as their size. */
export function formatDuration(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `on time` for 0 (or less), else `+3m 05s late`. */
export function formatLateness(latenessS: number): string {
  return latenessS <= 0 ? 'on time' : `+${formatDuration(latenessS)} late`;
}

/** An ETA relative to now: `in 2m 10s`, `now` within a second, `2m 10s ago`, `—` when absent or invalid. */
export function formatEta(eta: string | undefined, nowMs: number): string {
  if (eta === undefined) return '—';
  const at = Date.parse(eta);
  if (Number.isNaN(at)) return '—';
  const deltaS = (at - nowMs) / 1000;
  if (Math.abs(deltaS) < 1) return 'now';
  return deltaS > 0 ? `in ${formatDuration(deltaS)}` : `${formatDuration(deltaS)} ago`;
}

/** Unacknowledged first, then newest first; critical before warning before info at the same time. */
export function alarmList(alarms: Iterable<LiveAlarm>): LiveAlarm[] {
  const rank = { critical: 0, warning: 1, info: 2 } as const;
  return [...alarms].sort((a, b) => {
    if (a.acknowledged !== b.acknowledged) return a.acknowledged ? 1 : -1;
    if (a.at !== b.at) return a.at < b.at ? 1 : -1;
    return rank[a.severity] - rank[b.severity];
  });
}

/** The points of a sparkline polyline for `values` in a `width` x `height` box (SVG y-down). */
export function sparklinePoints(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - ((v - min) / span) * height).toFixed(1)}`)
    .join(' ');
}

/** Ids longer than `max` characters shortened to their tail (`…c0d141`): order UUIDs in narrow columns. */
export function shortId(id: string, max = 14): string {
  return id.length <= max ? id : `…${id.slice(-(max - 1))}`;
}
