/**
 * D1: the demo plant's bar (issue 2): `npm start` on defaults, then within 2 minutes of simulated MES
 * traffic at least 20 transport orders reach `confirmed`, with no discrepancy in the WMS simulator's
 * ledger. Real time, real processes: `npm start` as a newcomer runs it (MES, WMS, 8 simulated robots, the
 * orchestrator), on a free port and a private Redis prefix (`fbbench-d1-<random>`, deleted at the end).
 * The clock starts when the banner appears (the MES simulator starts posting then). No baseline: the bar
 * is absolute. Then the one-hour row (`d1-hour.ts`). Run alone: `npx tsx test/bench/d1-demo-plant.ts`.
 */
import { randomUUID } from 'node:crypto';
import { startDemo } from '../support/demo-process.ts';
import { runHour, type SegmentResult } from './d1-hour.ts';
import type { BenchOptions, BenchSection } from './bench-kit.ts';
import {
  deleteRedisKeys,
  fmt,
  isMain,
  markdownTable,
  percentile,
  printSection,
  summarize,
  verdict,
} from './bench-kit.ts';

export interface D1Options extends BenchOptions {
  /** How many fresh `npm start` runs; default 3. */
  readonly runs?: number;
  /** Minutes of the long run (then 10 more after a restart on the same Redis); default 60, 0 skips it. */
  readonly hourMinutes?: number;
}

const BAR_S = 120;
const BAR_ORDERS = 20;
const KEY = 'demo-supervisor-key';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

interface OrderView {
  readonly status: string;
  readonly failureReason?: string;
  readonly robotId?: string;
  readonly timestamps: Partial<Record<string, string>>;
}

export interface RunResult {
  /** Seconds from the banner to the 20th confirmation; NaN when it did not happen within the bar. */
  readonly to20S: number;
  readonly confirmedAtBar: number;
  readonly receivedAtBar: number;
  /** Received-to-confirmed seconds of the orders confirmed within the bar. */
  readonly cycleS: readonly number[];
  readonly discrepancies: number;
  readonly failures: Record<string, number>;
  /** From `GET /v1/robots` every 250 ms: the closest two robots came (m), and samples closer than `CLOSE_M`. */
  readonly closestM: number;
  readonly closeCalls: number;
  /** Orders confirmed per adapter of the robot that carried them. */
  readonly confirmedByAdapter: Record<string, number>;
}

/**
 * Two robots closer than this are counted as a collision: half the demo plant's shortest edge (1.5 m),
 * less than any two reserved nodes can be apart.
 */
export const CLOSE_M = 0.75;

export interface RobotView {
  readonly id: string;
  readonly adapter: string;
  readonly pose?: { readonly x: number; readonly y: number } | null;
}

/** The closest pair of robots with a pose, metres (Infinity with fewer than two). */
export function closestPair(robots: readonly RobotView[]): number {
  let best = Infinity;
  for (let i = 0; i < robots.length; i += 1)
    for (let j = i + 1; j < robots.length; j += 1) {
      const a = robots[i]!.pose;
      const b = robots[j]!.pose;
      if (a && b) best = Math.min(best, Math.hypot(a.x - b.x, a.y - b.y));
    }
  return best;
}

async function getJson<T>(url: string, key?: string): Promise<T> {
  const res = await fetch(url, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return (await res.json()) as T;
}

/** One fresh `npm start` (with `env` on top of the defaults), watched for BAR_S seconds. */
export async function oneRun(
  log: (line: string) => void,
  index: number,
  env: Record<string, string> = {},
): Promise<RunResult> {
  const prefix = `fbbench-d1-${randomUUID().slice(0, 8)}`;
  const demo = await startDemo({ PORT: '0', REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', ...env });
  try {
    let to20S = NaN;
    let closestM = Infinity;
    let closeCalls = 0;
    let adapterOf = new Map<string, string>();
    const barAt = demo.startedAtMs + BAR_S * 1000;
    while (Date.now() < barAt) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const robots = await getJson<{ items: RobotView[] }>(`${demo.api}/v1/robots`, KEY);
      adapterOf = new Map(robots.items.map((r) => [r.id, r.adapter]));
      const closest = closestPair(robots.items);
      closestM = Math.min(closestM, closest);
      if (closest < CLOSE_M) closeCalls += 1;
      if (!Number.isNaN(to20S)) continue;
      const page = await getJson<{ items: unknown[] }>(
        `${demo.api}/v1/transport-orders?status=confirmed&limit=${BAR_ORDERS}`,
        KEY,
      );
      if (page.items.length >= BAR_ORDERS) to20S = (Date.now() - demo.startedAtMs) / 1000;
    }
    const all = await getJson<{ items: OrderView[] }>(`${demo.api}/v1/transport-orders?limit=500`, KEY);
    const ledger = await getJson<{ discrepancies: unknown[] }>(`${demo.wms}/ledger`);
    const confirmed = all.items.filter((o) => o.status === 'confirmed');
    const confirmedByAdapter: Record<string, number> = {};
    for (const o of confirmed) {
      const adapter = adapterOf.get(o.robotId ?? '') ?? '?';
      confirmedByAdapter[adapter] = (confirmedByAdapter[adapter] ?? 0) + 1;
    }
    const failures: Record<string, number> = {};
    for (const o of all.items)
      if (o.status === 'failed')
        failures[o.failureReason ?? '?'] = (failures[o.failureReason ?? '?'] ?? 0) + 1;
    const result: RunResult = {
      to20S,
      confirmedAtBar: confirmed.length,
      receivedAtBar: all.items.length,
      cycleS: confirmed.map(
        (o) => (Date.parse(o.timestamps.confirmed ?? '') - Date.parse(o.timestamps.received ?? '')) / 1000,
      ),
      discrepancies: ledger.discrepancies.length,
      failures,
      closestM,
      closeCalls,
      confirmedByAdapter,
    };
    log(
      `D1 run ${index + 1}: 20th confirmation after ${fmt(to20S, 1)} s; ${result.confirmedAtBar} confirmed at ${BAR_S} s`,
    );
    return result;
  } finally {
    await demo.stop();
    await deleteRedisKeys(REDIS_URL, prefix).catch(() => 0);
  }
}

export async function run(options: D1Options = {}): Promise<BenchSection> {
  const log = options.log ?? (() => {});
  const runs: RunResult[] = [];
  for (let i = 0; i < (options.runs ?? 3); i += 1) runs.push(await oneRun(log, i));
  const met = runs.every((r) => r.to20S <= BAR_S && r.discrepancies === 0);
  const rows = runs.map((r, i) => {
    const cycle = summarize(r.cycleS);
    return [
      String(i + 1),
      fmt(r.to20S, 1),
      String(r.confirmedAtBar),
      String(r.receivedAtBar),
      `${fmt(cycle.mean, 1)} / ${fmt(percentile(r.cycleS, 95), 1)}`,
      String(r.discrepancies),
      Object.entries(r.failures)
        .map(([reason, n]) => `${reason} ${n}`)
        .join(', ') || 'none',
    ];
  });
  const worst = Math.max(...runs.map((r) => (Number.isNaN(r.to20S) ? Infinity : r.to20S)));
  const hourMinutes = options.hourMinutes ?? 60;
  const segments = hourMinutes > 0 ? await runHour({ minutes: hourMinutes, log }) : [];
  const hourMet = segments.every(
    (s) => Object.keys(s.failed).length === 0 && s.discrepancies === 0 && s.backlogAlarms === 0,
  );
  const markdown = `\`npm start\` on defaults (8 simulated robots at 2 m/s, pick and drop 3 s, MES simulator at its
default 30 events/min, WMS simulator choosing the nearest bin), ${runs.length} fresh runs, real time. The clock
starts at the banner.

${markdownTable(
  [
    'run',
    `20th confirmed after (s)`,
    `confirmed at ${BAR_S} s`,
    `orders received by ${BAR_S} s`,
    'received to confirmed, mean / p95 (s)',
    'ledger discrepancies',
    'failed (WMS answers)',
  ],
  rows,
)}

- ${BAR_ORDERS} orders confirmed within ${BAR_S} s with 0 discrepancies, every run (slowest ${fmt(worst, 1)} s): ${verdict(met)}
${segments.length === 0 ? '' : hourSection(segments, hourMet)}`;
  return {
    id: 'D1',
    title: 'demo plant, 20 orders confirmed within 2 minutes (issue 2)',
    markdown,
    targetsMet: met && hourMet,
    figures: { worstTo20S: worst, meanConfirmedAtBar: summarize(runs.map((r) => r.confirmedAtBar)).mean },
  };
}

/** The one-hour row (issue 14): the backlog stays bounded, nothing fails, also after a restart. */
function hourSection(segments: readonly SegmentResult[], met: boolean): string {
  const rows = segments.map((s) => [
    s.name,
    String(s.minutes),
    String(s.confirmed),
    String(s.maxOpen),
    String(s.maxWaiting),
    Object.entries(s.failed)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ') || '0',
    String(s.discrepancies),
    `${s.backlogAlarms} / ${s.failedAlarms}`,
  ]);
  return `
One hour on defaults (MES simulator at 30 events/min pacing itself to its open orders, at most twice the
robots), then Ctrl-C and \`npm start\` again on the same Redis; the backlog counted every 10 s:

${markdownTable(
  [
    'segment',
    'minutes',
    'confirmed',
    'most open (not delivered)',
    'most waiting for a robot',
    'failed (so far)',
    'ledger discrepancies',
    'alarms backlog / failed',
  ],
  rows,
)}

- The open orders stay bounded, 0 business failures, 0 discrepancies, also after the restart: ${verdict(met)}
`;
}

if (isMain(import.meta.url)) await printSection(run);
