/**
 * B3 (`specs/performance.md`): intake. `POST /v1/transport-requests` at a fixed open-loop rate for 60 s
 * against one orchestrator process (the demo plant, no simulators: orders stop at `planned`), local
 * Redis. Each request is sent at its scheduled time whether or not earlier ones have been answered, and
 * its latency counts from that time (no coordinated omission). Then every accepted order is read back
 * from Redis: lost = accepted but not stored or not planned; duplicated = stored orders beyond the
 * accepted ids. Baseline, same rate and Redis: a bare BullMQ `add` and a worker that does nothing, in
 * this process. Targets: >= 1,000 req/s sustained, 0 lost, 0 duplicated, p99 202-latency <= 20 ms,
 * p99 to `planned` <= 100 ms. Run alone: `npx tsx test/bench/b3-intake.ts`.
 */
import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { OrderStore } from '../../orchestrator/store/order-store.ts';
import { RedisKeys } from '../../orchestrator/store/redis-keys.ts';
import { startOrchestratorProcess, type OrchestratorProcess } from '../support/orchestrator-process.ts';
import { KEYS, testEnv } from '../support/test-env.ts';
import {
  deleteRedisKeys,
  fmt,
  isMain,
  machineLine,
  markdownTable,
  percentile,
  printSection,
  verdict,
  type BenchOptions,
  type BenchSection,
} from './bench-kit.ts';

export interface B3Options extends BenchOptions {
  /** Requests per second; default 1,000. */
  readonly rate?: number;
  /** Seconds of load; default 60. */
  readonly seconds?: number;
}

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const PLANNED_TIMEOUT_MS = 120_000;
/** A positive number from the environment (`B3_RATE=3000 B3_SECONDS=15`), or undefined when unset. */
function envNumber(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, not ${text}`);
  return value;
}
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface OpenLoopResult {
  /** Latency of each answered call from its scheduled time, ms. */
  readonly latencies: number[];
  readonly failures: number;
  readonly wallS: number;
}

/** Calls `send(i)` for i = 0 .. n-1 at `rate` per second from now, open loop; waits for all answers. */
async function openLoop(
  n: number,
  rate: number,
  send: (i: number) => Promise<boolean>,
): Promise<OpenLoopResult> {
  const latencies: number[] = [];
  let failures = 0;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < n;) {
    const due = Math.floor(((performance.now() - start) * rate) / 1000) + 1;
    for (; i < Math.min(n, due); i += 1) {
      const scheduled = start + (i * 1000) / rate;
      pending.push(
        send(i).then(
          (ok) => {
            if (ok) latencies.push(performance.now() - scheduled);
            else failures += 1;
          },
          () => {
            failures += 1;
          },
        ),
      );
    }
    await sleep(2);
  }
  await Promise.all(pending);
  return { latencies, failures, wallS: (performance.now() - start) / 1000 };
}

export async function run(options: B3Options = {}): Promise<BenchSection> {
  const rate = options.rate ?? envNumber('B3_RATE') ?? 1000;
  const seconds = options.seconds ?? envNumber('B3_SECONDS') ?? 60;
  const n = rate * seconds;
  const log = options.log ?? ((): void => undefined);
  const prefix = `fbbench-b3-${randomUUID().slice(0, 8)}`;
  const bins = Array.from(
    { length: 60 },
    (_, i) => `B-0${1 + Math.floor(i / 10)}-${String(1 + (i % 10)).padStart(2, '0')}`,
  );

  let proc: OrchestratorProcess | undefined;
  const redis = new Redis(REDIS_URL);
  try {
    // Ours: the orchestrator as its own process; no simulators, so orders rest at `planned`.
    proc = await startOrchestratorProcess(
      testEnv(prefix, REDIS_URL, { SIMULATE: '', RATE_LIMIT_PER_S: '0' }),
    );
    const url = proc.url;
    log(`B3: ${n} transport requests at ${rate}/s to ${url}`);
    const ids: (string | undefined)[] = new Array<string | undefined>(n);
    const warmIds: string[] = [];
    /** Answers other than 202, by status and problem type. */
    const refusals = new Map<string, number>();
    const post = async (i: number, into: (id: string) => void): Promise<boolean> => {
      const res = await fetch(`${url}/v1/transport-requests`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${KEYS.wms}`,
          'content-type': 'application/json',
          'idempotency-key': `b3-${i}`,
        },
        body: JSON.stringify({
          type: 'custom',
          from: { location: 'DOCK-1' },
          to: { location: bins[i % bins.length] },
          load: { handlingUnitId: `HU-B3-${i}`, sku: 'SKU-100', quantity: 1, uom: 'PAL' },
        }),
      });
      const body = (await res.json()) as { id?: string; type?: string };
      if (res.status !== 202 || !body.id) {
        const why = `${res.status} ${body.type ?? ''}`.trim();
        refusals.set(why, (refusals.get(why) ?? 0) + 1);
        return false;
      }
      into(body.id);
      return true;
    };
    // One second of warm-up (JIT, connections), not measured; its orders count for lost and duplicated.
    await openLoop(rate, rate, (i) => post(n + i, (id) => warmIds.push(id)));
    const ours = await openLoop(n, rate, (i) =>
      post(i, (id) => {
        ids[i] = id;
      }),
    );
    const measured = ids.filter((id): id is string => id !== undefined);
    const accepted = [...measured, ...warmIds];
    log(`B3: ${measured.length} accepted in ${fmt(ours.wallS, 1)} s; waiting for planned`);

    const keys = new RedisKeys(prefix);
    const store = new OrderStore(redis, keys);
    const deadline = Date.now() + PLANNED_TIMEOUT_MS;
    let planned = 0;
    while (Date.now() < deadline) {
      planned = await redis.scard(keys.ordersInStatus('planned'));
      if (planned >= accepted.length) break;
      await sleep(500);
    }
    const toPlanned: number[] = [];
    const inMeasure = new Set(measured);
    let plannedCount = 0;
    let missing = 0;
    for (let i = 0; i < accepted.length; i += 1000) {
      const orders = await store.getMany(accepted.slice(i, i + 1000));
      missing += Math.min(1000, accepted.length - i) - orders.length;
      for (const o of orders) {
        const from = o.timestamps.received;
        const to = o.timestamps.planned;
        if (!from || !to) continue;
        plannedCount += 1;
        if (inMeasure.has(o.id)) toPlanned.push(Date.parse(to) - Date.parse(from));
      }
    }
    const stored = await redis.zcard(keys.ordersByTime);
    const lost = missing + (accepted.length - missing - plannedCount);
    const duplicated = Math.max(0, stored - new Set(accepted).size);
    await proc.stop();
    proc = undefined;

    // Baseline: bare BullMQ add + a worker that does nothing, same Redis, in this process.
    log('B3: baseline, bare BullMQ add + process');
    const qPrefix = `${prefix}:baseline`;
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue('b3', { connection, prefix: qPrefix });
    const added = new Map<string, number>();
    const processedLatency: number[] = [];
    const workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const worker = new Worker(
      'b3',
      (job) => {
        const at = added.get(job.id!);
        if (at !== undefined) processedLatency.push(performance.now() - at);
        return Promise.resolve();
      },
      { connection: workerConnection, prefix: qPrefix, concurrency: 8 },
    );
    const base = await openLoop(n, rate, async (i) => {
      added.set(`j${i}`, performance.now());
      await queue.add('job', { i }, { jobId: `j${i}`, removeOnComplete: true });
      return true;
    });
    const baseDeadline = Date.now() + 60_000;
    while (processedLatency.length < n && Date.now() < baseDeadline) await sleep(200);
    await Promise.all([worker.close(), queue.close()]);
    // Connections given to BullMQ stay open after close(); left open, they keep this process alive.
    connection.disconnect();
    workerConnection.disconnect();

    const p = (xs: number[], q: number): number => percentile(xs, q);
    const sustained = measured.length / ours.wallS;
    const table = markdownTable(
      [
        'run',
        'sent',
        'accepted',
        'req/s sustained',
        'p50 ms',
        'p99 ms',
        'max ms',
        'p99 to planned ms',
        'lost',
        'duplicated',
      ],
      [
        [
          'ours: HTTP intake',
          String(n),
          String(measured.length),
          fmt(sustained, 0),
          fmt(p(ours.latencies, 50)),
          fmt(p(ours.latencies, 99)),
          fmt(ours.latencies.reduce((a, b) => Math.max(a, b), 0)),
          fmt(p(toPlanned, 99)),
          String(lost),
          String(duplicated),
        ],
        [
          'baseline: bare BullMQ add + process',
          String(n),
          String(n - base.failures),
          fmt((n - base.failures) / base.wallS, 0),
          fmt(p(base.latencies, 50)),
          fmt(p(base.latencies, 99)),
          fmt(base.latencies.reduce((a, b) => Math.max(a, b), 0)),
          `${fmt(p(processedLatency, 99))} (to processed)`,
          String(n - processedLatency.length),
          '-',
        ],
      ],
    );
    const rateMet = measured.length === n && sustained >= 0.98 * rate && rate >= 1000;
    const markdown = [
      `${seconds} s at ${rate} requests/s after 1 s of warm-up, open loop (latency from each request's scheduled time), one orchestrator process (demo plant, no simulators, request log at info), local Redis; the load generator on the same machine; ${machineLine()}`,
      '',
      table,
      '',
      `- >= 1,000 req/s sustained, every request accepted: ${verdict(rateMet)}${refusals.size > 0 ? ` (not accepted: ${[...refusals].map(([why, count]) => `${count} x ${why}`).join(', ')}${ours.failures > [...refusals.values()].reduce((a, b) => a + b, 0) ? `, ${ours.failures - [...refusals.values()].reduce((a, b) => a + b, 0)} network errors` : ''})` : ''}`,
      `- 0 lost, 0 duplicated: ${verdict(lost === 0 && duplicated === 0)}`,
      `- p99 202-latency <= 20 ms: ${verdict(p(ours.latencies, 99) <= 20)}`,
      `- p99 to planned <= 100 ms: ${verdict(p(toPlanned, 99) <= 100)} (server-side: from the order's received to its planned timestamp)`,
    ].join('\n');
    return {
      id: 'B3',
      title: 'Intake: POST /v1/transport-requests at a fixed rate',
      markdown,
      targetsMet:
        rateMet && lost === 0 && duplicated === 0 && p(ours.latencies, 99) <= 20 && p(toPlanned, 99) <= 100,
      figures: {
        sustainedPerS: sustained,
        p99Ms: p(ours.latencies, 99),
        p99ToPlannedMs: p(toPlanned, 99),
        lost,
        duplicated,
        baselineP99Ms: p(base.latencies, 99),
      },
    };
  } finally {
    await proc?.stop().catch(() => undefined);
    redis.disconnect();
    await deleteRedisKeys(REDIS_URL, prefix);
  }
}

if (isMain(import.meta.url)) await printSection(run);
