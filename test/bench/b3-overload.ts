/**
 * B3's overload row (issue 16): POSTs at a rate above what one instance can take, open loop, and counts
 * how each request was answered: `202`, `503` with `Retry-After` (pushed back), or anything else or
 * nothing (a failure). Every accepted order must end planned; the instance's RSS is sampled throughout.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { startOrchestratorProcess, type OrchestratorProcess } from '../support/orchestrator-process.ts';
import { testEnv } from '../support/test-env.ts';
import { deleteRedisKeys, percentile } from './bench-kit.ts';
import { openLoop, postTransportRequest, readBack, type Answer } from './b3-kit.ts';

export interface OverloadResult {
  readonly rate: number;
  readonly sent: number;
  readonly accepted: number;
  /** Answered 503 with a Retry-After header. */
  readonly pushedBack: number;
  /** Any other answer, by status and problem type; `no answer` for network errors and timeouts. */
  readonly failures: ReadonlyMap<string, number>;
  /** Answers (of any kind) later than 1 s after their scheduled time. */
  readonly laterThan1s: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Highest resident set size of the orchestrator process seen, MiB; and after the warm-up. */
  readonly rssMiB: { readonly start: number; readonly max: number };
}

/** The client gives up on a request after this long: counted as `no answer`. */
const CLIENT_TIMEOUT_MS = 10_000;

function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? 0 : Number(kb) / 1024;
  } catch {
    return 0;
  }
}

export async function overloadRun(options: {
  readonly redisUrl: string;
  readonly rate: number;
  readonly seconds: number;
  readonly plannedTimeoutMs: number;
  readonly log: (line: string) => void;
}): Promise<OverloadResult> {
  const { rate, seconds } = options;
  const n = rate * seconds;
  const prefix = `fbbench-b3o-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(options.redisUrl);
  let proc: OrchestratorProcess | undefined;
  try {
    proc = await startOrchestratorProcess(
      testEnv(prefix, options.redisUrl, { SIMULATE: '', RATE_LIMIT_PER_S: '0' }),
    );
    const url = proc.url;
    const pid = proc.child.pid;
    const rss = { start: rssMiB(pid), max: 0 };
    const sampler = setInterval(() => {
      rss.max = Math.max(rss.max, rssMiB(pid));
    }, 250);
    options.log(`B3: overload, ${n} transport requests at ${rate}/s to ${url}`);
    const accepted: string[] = [];
    const failures = new Map<string, number>();
    let pushedBack = 0;
    const fail = (why: string): false => {
      failures.set(why, (failures.get(why) ?? 0) + 1);
      return false;
    };
    // One second of warm-up at a third of the rate (JIT, connections), as the main run has; its orders
    // count for lost.
    const warm = Math.ceil(rate / 3);
    await openLoop(warm, warm, async (i) => {
      const res = await postTransportRequest(url, 'b3o-warm', i, AbortSignal.timeout(CLIENT_TIMEOUT_MS));
      if (res.status === 202 && res.id !== undefined) accepted.push(res.id);
      return true;
    });
    const warmAccepted = accepted.length;
    rss.start = rssMiB(pid);
    const result = await openLoop(n, rate, async (i) => {
      let res: Answer;
      try {
        res = await postTransportRequest(url, 'b3o', i, AbortSignal.timeout(CLIENT_TIMEOUT_MS));
      } catch {
        return fail('no answer');
      }
      if (res.status === 202 && res.id !== undefined) {
        accepted.push(res.id);
        return true;
      }
      if (res.status === 503 && /^\d+$/.test(res.retryAfter ?? '')) {
        pushedBack += 1;
        return true;
      }
      return fail(`${res.status} ${res.type ?? ''}`.trim());
    });
    clearInterval(sampler);
    rss.max = Math.max(rss.max, rssMiB(pid));
    options.log(
      `B3: overload, ${accepted.length - warmAccepted} accepted, ${pushedBack} pushed back; waiting for planned`,
    );
    const back = await readBack(redis, prefix, accepted, new Set(), options.plannedTimeoutMs);
    return {
      rate,
      sent: n,
      accepted: accepted.length - warmAccepted,
      pushedBack,
      failures,
      laterThan1s: result.latencies.filter((ms) => ms > 1000).length,
      p99Ms: percentile(result.latencies, 99),
      maxMs: result.latencies.reduce((a, b) => Math.max(a, b), 0),
      lost: back.lost,
      duplicated: back.duplicated,
      rssMiB: rss,
    };
  } finally {
    await proc?.stop().catch(() => undefined);
    redis.disconnect();
    await deleteRedisKeys(options.redisUrl, prefix);
  }
}
