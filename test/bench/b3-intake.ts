/**
 * B3 (`specs/performance.md`): intake. `POST /v1/transport-requests` at a fixed open-loop rate for 60 s
 * against one orchestrator process (the demo plant, no simulators: orders stop at `planned`), local
 * Redis. Each request is sent at its scheduled time whether or not earlier ones have been answered, and
 * its latency counts from that time (no coordinated omission). Then every accepted order is read back
 * from Redis: lost = accepted but not stored or not planned; duplicated = stored orders beyond the
 * accepted ids. Baseline, same rate and Redis: a bare BullMQ `add` and a worker that does nothing, in
 * this process. Targets: >= 1,000 req/s sustained, 0 lost, 0 duplicated, p99 202-latency <= 20 ms,
 * p99 to `planned` <= 100 ms. Then the overload row (issue 16, `b3-overload.ts`): three times the rate
 * against a fresh instance; every request answered `202` or `503` with `Retry-After` within 1 s, none
 * lost, RSS reported. Run alone: `npx tsx test/bench/b3-intake.ts` (`B3_RATE`, `B3_SECONDS`,
 * `B3_OVERLOAD_RATE` change the rate, the seconds of each run and the overload row's rate).
 */
import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { startOrchestratorProcess, type OrchestratorProcess } from '../support/orchestrator-process.ts';
import { testEnv } from '../support/test-env.ts';
import { closeConnections, openLoop, postTransportRequest, readBack, sleep } from './b3-kit.ts';
import { overloadRun } from './b3-overload.ts';
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
  /** Requests per second of the overload row; default three times `rate`. */
  readonly overloadRate?: number;
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
export async function run(options: B3Options = {}): Promise<BenchSection> {
  const rate = options.rate ?? envNumber('B3_RATE') ?? 1000;
  const seconds = options.seconds ?? envNumber('B3_SECONDS') ?? 60;
  const overloadRate = options.overloadRate ?? envNumber('B3_OVERLOAD_RATE') ?? 3 * rate;
  const n = rate * seconds;
  const log = options.log ?? ((): void => undefined);
  const prefix = `fbbench-b3-${randomUUID().slice(0, 8)}`;
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
      const res = await postTransportRequest(url, 'b3', i);
      if (res.status !== 202 || res.id === undefined) {
        const why = `${res.status} ${res.type ?? ''}`.trim();
        refusals.set(why, (refusals.get(why) ?? 0) + 1);
        return false;
      }
      into(res.id);
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

    const {
      lost,
      duplicated,
      toPlannedMs: toPlanned,
    } = await readBack(redis, prefix, accepted, new Set(measured), PLANNED_TIMEOUT_MS);
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

    // The overload row: a fresh instance, three times the rate (B3_OVERLOAD_RATE), pushed back with 503s.
    const over = await overloadRun({
      redisUrl: REDIS_URL,
      rate: overloadRate,
      seconds,
      plannedTimeoutMs: PLANNED_TIMEOUT_MS,
      log,
    });
    const overFailures = [...over.failures.values()].reduce((a, b) => a + b, 0);
    const overMet = overFailures === 0 && over.laterThan1s === 0 && over.lost === 0 && over.duplicated === 0;

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
      `${seconds} s at ${rate} requests/s after 1 s of warm-up, open loop (latency from each request's scheduled time), one orchestrator process (demo plant, no simulators, request log at info), local Redis; the load generator (node:http, keep-alive) on the same machine; ${machineLine()}`,
      '',
      table,
      '',
      `- >= 1,000 req/s sustained, every request accepted: ${verdict(rateMet)}${refusals.size > 0 ? ` (not accepted: ${[...refusals].map(([why, count]) => `${count} x ${why}`).join(', ')}${ours.failures > [...refusals.values()].reduce((a, b) => a + b, 0) ? `, ${ours.failures - [...refusals.values()].reduce((a, b) => a + b, 0)} network errors` : ''})` : ''}`,
      `- 0 lost, 0 duplicated: ${verdict(lost === 0 && duplicated === 0)}`,
      `- p99 202-latency <= 20 ms: ${verdict(p(ours.latencies, 99) <= 20)}`,
      `- p99 to planned <= 100 ms: ${verdict(p(toPlanned, 99) <= 100)} (server-side: from the order's received to its planned timestamp)`,
      '',
      `Overload: ${seconds} s at ${over.rate} requests/s offered to a fresh instance (MAX_IN_FLIGHT 256), open loop, client timeout 10 s.`,
      '',
      markdownTable(
        [
          'offered req/s',
          'sent',
          '202',
          '503 + Retry-After',
          'other or no answer',
          'answered > 1 s',
          'p99 ms',
          'max ms',
          'lost',
          'duplicated',
          'RSS MiB start / max',
        ],
        [
          [
            String(over.rate),
            String(over.sent),
            String(over.accepted),
            String(over.pushedBack),
            overFailures === 0
              ? '0'
              : [...over.failures].map(([why, count]) => `${count} x ${why}`).join(', '),
            String(over.laterThan1s),
            fmt(over.p99Ms),
            fmt(over.maxMs),
            String(over.lost),
            String(over.duplicated),
            `${fmt(over.rssMiB.start, 0)} / ${fmt(over.rssMiB.max, 0)}`,
          ],
        ],
      ),
      '',
      `- every request answered 202 or 503 with Retry-After within 1 s, none lost: ${verdict(overMet)}`,
    ].join('\n');
    return {
      id: 'B3',
      title: 'Intake: POST /v1/transport-requests at a fixed rate',
      markdown,
      targetsMet:
        rateMet &&
        lost === 0 &&
        duplicated === 0 &&
        p(ours.latencies, 99) <= 20 &&
        p(toPlanned, 99) <= 100 &&
        overMet,
      figures: {
        sustainedPerS: sustained,
        p99Ms: p(ours.latencies, 99),
        p99ToPlannedMs: p(toPlanned, 99),
        lost,
        duplicated,
        baselineP99Ms: p(base.latencies, 99),
        overloadAccepted: over.accepted,
        overloadPushedBack: over.pushedBack,
        overloadFailures: overFailures,
        overloadLaterThan1s: over.laterThan1s,
        overloadLost: over.lost,
        overloadMaxRssMiB: over.rssMiB.max,
      },
    };
  } finally {
    closeConnections();
    await proc?.stop().catch(() => undefined);
    redis.disconnect();
    await deleteRedisKeys(REDIS_URL, prefix);
  }
}

if (isMain(import.meta.url)) await printSection(run);
