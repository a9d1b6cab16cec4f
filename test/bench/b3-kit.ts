/**
 * What the B3 runs share: the open-loop sender, the transport request they post, and the read-back of
 * accepted orders from Redis (lost and time to planned).
 */
import { Agent, request } from 'node:http';
import type { Redis } from 'ioredis';
import { OrderStore } from '../../orchestrator/store/order-store.ts';
import { RedisKeys } from '../../orchestrator/store/redis-keys.ts';
import { KEYS } from '../support/test-env.ts';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface OpenLoopResult {
  /** Latency of each answered call from its scheduled time, ms. */
  readonly latencies: number[];
  readonly failures: number;
  readonly wallS: number;
}

/** Calls `send(i)` for i = 0 .. n-1 at `rate` per second from now, open loop; waits for all answers. */
export async function openLoop(
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

const BINS = Array.from(
  { length: 60 },
  (_, i) => `B-0${1 + Math.floor(i / 10)}-${String(1 + (i % 10)).padStart(2, '0')}`,
);

/** What a POST was answered. */
export interface Answer {
  readonly status: number;
  readonly retryAfter: string | undefined;
  /** The JSON body's `id` (202) or `type` (problem). */
  readonly id?: string;
  readonly type?: string;
}

/**
 * One keep-alive agent for every request: node:http, not fetch. On this 2-core machine fetch (undici's
 * WHATWG layer) cannot itself offer 3,000 req/s: against a server that answers 503 at once it measured
 * p50 742 ms and p99 2.3 s, where node:http measured p50 1.8 ms and p99 6.6 ms (15,000 requests).
 */
const agent = new Agent({ keepAlive: true, maxSockets: 512 });

/** Closes the idle keep-alive connections (so the process can exit). */
export function closeConnections(): void {
  agent.destroy();
}

/** POSTs transport request `i` (idempotency key `<tag>-<i>`, its own handling unit) to `url`. */
export function postTransportRequest(
  url: string,
  tag: string,
  i: number,
  signal?: AbortSignal,
): Promise<Answer> {
  const body = JSON.stringify({
    type: 'custom',
    from: { location: 'DOCK-1' },
    to: { location: BINS[i % BINS.length] },
    load: { handlingUnitId: `HU-${tag}-${i}`, sku: 'SKU-100', quantity: 1, uom: 'PAL' },
  });
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/transport-requests`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${KEYS.wms}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'idempotency-key': `${tag}-${i}`,
        },
        ...(signal ? { signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            parsed = undefined;
          }
          const fields =
            typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
            ...(typeof fields.id === 'string' ? { id: fields.id } : {}),
            ...(typeof fields.type === 'string' ? { type: fields.type } : {}),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface ReadBack {
  /** Accepted but not stored, or stored and never planned. */
  readonly lost: number;
  /** Stored orders beyond the accepted ids. */
  readonly duplicated: number;
  /** Received to planned of the orders in `measured`, ms (the orders' own timestamps). */
  readonly toPlannedMs: number[];
}

/** Waits (up to `timeoutMs`) until every accepted order is planned, then reads them all back. */
export async function readBack(
  redis: Redis,
  prefix: string,
  accepted: readonly string[],
  measured: ReadonlySet<string>,
  timeoutMs: number,
): Promise<ReadBack> {
  const keys = new RedisKeys(prefix);
  const store = new OrderStore(redis, keys);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await redis.scard(keys.ordersInStatus('planned'))) >= accepted.length) break;
    await sleep(500);
  }
  const toPlannedMs: number[] = [];
  let planned = 0;
  for (let i = 0; i < accepted.length; i += 1000) {
    for (const o of await store.getMany(accepted.slice(i, i + 1000))) {
      const from = o.timestamps.received;
      const to = o.timestamps.planned;
      if (!from || !to) continue;
      planned += 1;
      if (measured.has(o.id)) toPlannedMs.push(Date.parse(to) - Date.parse(from));
    }
  }
  const stored = await redis.zcard(keys.ordersByTime);
  return {
    lost: accepted.length - planned,
    duplicated: Math.max(0, stored - new Set(accepted).size),
    toPlannedMs,
  };
}
