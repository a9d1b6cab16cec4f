import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../orchestrator/services/local-redis.ts';
import { call, type ApiResponse } from '../support/api.ts';
import { startAofRedis, type AofRedis } from '../support/aof-redis.ts';
import { startOrchestratorProcess, type OrchestratorProcess } from '../support/orchestrator-process.ts';
import { KEYS, testEnv } from '../support/plant-harness.ts';
import { waitFor } from '../support/wait-for.ts';

/** Statuses an order reaches once intake is done with it (no simulated fleet here: it rests at planned). */
const PAST_INTAKE = new Set(['planned', 'assigned', 'to-pickup', 'picking', 'to-dropoff', 'delivered']);
/** Long enough for any answer, short enough that a request left hanging fails the test. */
const ANSWER_WITHIN_MS = 5000;

describe('Redis restart mid-flow (issue 16)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetbridge-outage-'));
  let redis: AofRedis;
  let orchestrator: OrchestratorProcess | undefined;
  let seq = 0;

  beforeAll(async () => {
    redis = await startAofRedis(await freePort(), dir);
    orchestrator = await startOrchestratorProcess(
      testEnv('fbtest-outage', { REDIS_URL: redis.url, SIMULATE: '', RATE_LIMIT_PER_S: '0' }),
    );
  });
  afterAll(async () => {
    // kill -9: a graceful stop would wait on a Redis a failed test may have left down; the Redis is ours.
    await orchestrator?.kill();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (url: string): Promise<ApiResponse> => {
    seq += 1;
    return call(url, 'POST', '/v1/transport-requests', {
      key: KEYS.wms,
      headers: { 'idempotency-key': `outage-${seq}` },
      body: {
        type: 'custom',
        from: { location: 'DOCK-1' },
        to: { location: `B-01-${String(1 + (seq % 10)).padStart(2, '0')}` },
        load: { handlingUnitId: `HU-OUTAGE-${seq}`, sku: 'SKU-100', quantity: 1, uom: 'PAL' },
      },
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
  };
  const readyz = async (url: string): Promise<number> =>
    (await call(url, 'GET', '/readyz', { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) })).status;

  it('when Redis stops while orders are posted, then clients get 503s, not hangs, and no order answered 202 is lost', async () => {
    const url = orchestrator!.url;
    const accepted: string[] = [];
    const refused: ApiResponse[] = [];
    const answer = (r: ApiResponse): void => {
      if (r.status === 202) accepted.push(r.body.id as string);
      else refused.push(r);
    };
    for (let i = 0; i < 20; i += 1) answer(await post(url));
    expect(accepted).toHaveLength(20);

    // Requests in flight while Redis goes away: each is answered (202 or 503), none is left hanging.
    const burst: Promise<void>[] = [];
    for (let i = 0; i < 50; i += 1) burst.push(post(url).then(answer));
    await redis.stop();
    for (let i = 0; i < 50; i += 1) burst.push(post(url).then(answer));
    await Promise.all(burst);

    expect(
      await waitFor('/readyz 503', async () => ((await readyz(url)) === 503 ? true : undefined), 5000),
    ).toBe(true);
    const down = await post(url);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(down.body.type).toBe('/problems/not-ready');
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    }

    await redis.start();
    await waitFor('/readyz 200 again', async () => ((await readyz(url)) === 200 ? true : undefined), 20_000);
    const after = await post(url);
    expect(after.status).toBe(202);
    accepted.push(after.body.id as string);

    const statuses = await waitFor(
      `every one of ${accepted.length} accepted orders past intake`,
      async () => {
        const now = await Promise.all(
          accepted.map(async (id) => {
            const r = await call(url, 'GET', `/v1/transport-orders/${id}`, { key: KEYS.supervisor });
            return r.status === 200 ? (r.body.status as string) : `missing (${r.status})`;
          }),
        );
        return now.every((s) => PAST_INTAKE.has(s)) ? now : undefined;
      },
      // A job a worker held when Redis went away is found stalled and run again within ~15 s.
      60_000,
      250,
    );
    expect(statuses).toHaveLength(accepted.length);
  });
});
