/**
 * D1, the one-hour row (issue 14): `npm start` on defaults for an hour of real time, then stopped (Ctrl-C)
 * and started again on the same Redis for a while longer. Every 10 s it counts the orders by status
 * (Redis, the plant's own prefix) for the largest backlog; at the end of each segment it reads the failed
 * orders, the WMS simulator's discrepancies and the alarms. Run alone: `npx tsx test/bench/d1-hour.ts`.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { ORDER_STATUSES, type OrderStatus } from '../../orchestrator/domain/transport-order.ts';
import { RedisKeys } from '../../orchestrator/store/redis-keys.ts';
import { startDemo } from '../support/demo-process.ts';
import { deleteRedisKeys, fmt, isMain } from './bench-kit.ts';

const KEY = 'demo-supervisor-key';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const SAMPLE_MS = 10_000;
const NOT_DELIVERED: readonly OrderStatus[] = ORDER_STATUSES.filter(
  (s) => !['delivered', 'confirmed', 'failed', 'cancelled'].includes(s),
);
const WAITING: readonly OrderStatus[] = ['received', 'planned'];

export interface HourOptions {
  /** Minutes of the first run; default 60. */
  readonly minutes?: number;
  /** Minutes after the restart on the same Redis; default 10. */
  readonly afterRestartMinutes?: number;
  readonly log?: (line: string) => void;
}

export interface SegmentResult {
  readonly name: string;
  readonly minutes: number;
  /** Orders confirmed during the segment. */
  readonly confirmed: number;
  /** The most orders not yet delivered at one sample. */
  readonly maxOpen: number;
  /** The most orders waiting for a robot (received, planned) at one sample. */
  readonly maxWaiting: number;
  readonly failed: Readonly<Record<string, number>>;
  readonly discrepancies: number;
  readonly backlogAlarms: number;
  readonly failedAlarms: number;
}

async function getJson<T>(url: string, key?: string): Promise<T> {
  const res = await fetch(url, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return (await res.json()) as T;
}

async function countByStatus(redis: Redis, keys: RedisKeys): Promise<Record<OrderStatus, number>> {
  const pipeline = redis.pipeline();
  for (const s of ORDER_STATUSES) pipeline.scard(keys.ordersInStatus(s));
  const results = (await pipeline.exec()) ?? [];
  return Object.fromEntries(ORDER_STATUSES.map((s, i) => [s, Number(results[i]?.[1] ?? 0)])) as Record<
    OrderStatus,
    number
  >;
}

async function failureReasons(redis: Redis, keys: RedisKeys): Promise<Record<string, number>> {
  const ids = await redis.smembers(keys.ordersInStatus('failed'));
  const reasons: Record<string, number> = {};
  for (const raw of ids.length ? await redis.mget(...ids.map((id) => keys.order(id))) : []) {
    const reason = raw === null ? '?' : String((JSON.parse(raw) as { failureReason?: string }).failureReason);
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  return reasons;
}

async function segment(
  name: string,
  minutes: number,
  prefix: string,
  redis: Redis,
  log: (line: string) => void,
): Promise<SegmentResult> {
  const keys = new RedisKeys(prefix);
  const demo = await startDemo({ PORT: '0', REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn' });
  try {
    const confirmedBefore = (await countByStatus(redis, keys)).confirmed;
    let maxOpen = 0;
    let maxWaiting = 0;
    const endAt = demo.startedAtMs + minutes * 60_000;
    let nextLog = Date.now() + 5 * 60_000;
    while (Date.now() < endAt) {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(SAMPLE_MS, Math.max(0, endAt - Date.now()))),
      );
      const c = await countByStatus(redis, keys);
      maxOpen = Math.max(
        maxOpen,
        NOT_DELIVERED.reduce((n, s) => n + c[s], 0),
      );
      maxWaiting = Math.max(
        maxWaiting,
        WAITING.reduce((n, s) => n + c[s], 0),
      );
      if (Date.now() >= nextLog) {
        nextLog += 5 * 60_000;
        log(
          `D1 ${name}: ${fmt((Date.now() - demo.startedAtMs) / 60_000, 0)} min, confirmed ${c.confirmed - confirmedBefore}, max open ${maxOpen}, failed ${c.failed}`,
        );
      }
    }
    const ledger = await getJson<{ discrepancies: unknown[] }>(`${demo.wms}/ledger`);
    const alarms = await getJson<{ items: { code: string }[] }>(`${demo.api}/v1/alarms`, KEY);
    const c = await countByStatus(redis, keys);
    return {
      name,
      minutes,
      confirmed: c.confirmed - confirmedBefore,
      maxOpen,
      maxWaiting,
      failed: await failureReasons(redis, keys),
      discrepancies: ledger.discrepancies.length,
      backlogAlarms: alarms.items.filter((a) => a.code === 'backlog-high').length,
      failedAlarms: alarms.items.filter((a) => a.code === 'order-failed').length,
    };
  } finally {
    await demo.stop();
  }
}

/** The hour, then the restart on the same Redis; the private prefix is deleted at the end. */
export async function runHour(options: HourOptions = {}): Promise<SegmentResult[]> {
  const log = options.log ?? (() => {});
  const prefix = `fbbench-d1h-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(REDIS_URL);
  try {
    const first = await segment('first hour', options.minutes ?? 60, prefix, redis, log);
    log(`D1 first run: ${first.confirmed} confirmed, max open ${first.maxOpen}`);
    const second = await segment('after a restart', options.afterRestartMinutes ?? 10, prefix, redis, log);
    return [first, second];
  } finally {
    redis.disconnect();
    await deleteRedisKeys(REDIS_URL, prefix).catch(() => 0);
  }
}

if (isMain(import.meta.url)) {
  const rows = await runHour({
    minutes: Number(process.env.D1_MINUTES ?? 60),
    afterRestartMinutes: Number(process.env.D1_RESTART_MINUTES ?? 10),
    log: (line) => process.stderr.write(`  ${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
}
