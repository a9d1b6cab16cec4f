/**
 * What the B3 runs share: the open-loop sender, the transport request they post, and the read-back of
 * accepted orders from Redis (lost and time to planned).
 */
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

/** POSTs transport request `i` (idempotency key `<tag>-<i>`, its own handling unit) to `url`. */
export function postTransportRequest(
  url: string,
  tag: string,
  i: number,
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${url}/v1/transport-requests`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${KEYS.wms}`,
      'content-type': 'application/json',
      'idempotency-key': `${tag}-${i}`,
    },
    body: JSON.stringify({
      type: 'custom',
      from: { location: 'DOCK-1' },
      to: { location: BINS[i % BINS.length] },
      load: { handlingUnitId: `HU-${tag}-${i}`, sku: 'SKU-100', quantity: 1, uom: 'PAL' },
    }),
    ...(signal ? { signal } : {}),
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
