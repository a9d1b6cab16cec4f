import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { KEYS, startTestPlant, type TestPlant } from '../support/plant-harness.ts';

/** The per-key request limit on real Redis and HTTP (contract, "Errors": 429 with Retry-After). */
describe('rate limit per API key', () => {
  let plant: TestPlant | undefined;
  let url: string;
  beforeAll(async () => {
    plant = await startTestPlant('rate-limit', { RATE_LIMIT_PER_S: '5' });
    url = plant.orchestrator.url;
  });
  afterAll(() => plant?.cleanup());

  it('when one key sends more than its limit, then the excess gets 429 with Retry-After and other keys are still served', async () => {
    const burst = await Promise.all(
      Array.from({ length: 15 }, () => call(url, 'GET', '/v1/robots', { key: KEYS.supervisor })),
    );
    const limited = burst.filter((r) => r.status === 429);
    const served = burst.filter((r) => r.status === 200);
    // A burst may straddle two one-second windows: at most twice the limit gets through.
    expect(served.length).toBeGreaterThanOrEqual(5);
    expect(served.length).toBeLessThanOrEqual(10);
    expect(limited.length).toBe(15 - served.length);
    const first = limited[0]!;
    expect(first.headers.get('content-type')).toContain('application/problem+json');
    expect(first.body.type).toBe('/problems/rate-limited');
    expect(first.body.errors[0].header).toBe('Authorization');
    const retryAfter = Number(first.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(1);

    const other = await call(url, 'GET', '/v1/robots', { key: KEYS.admin });
    expect(other.status).toBe(200);

    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 50));
    const again = await call(url, 'GET', '/v1/robots', { key: KEYS.supervisor });
    expect(again.status).toBe(200);
    expect(Number(again.headers.get('ratelimit-remaining'))).toBe(4);
  });

  it('when a transport request is refused with 429, then no order was created for it', async () => {
    const body = {
      type: 'custom',
      from: { location: 'DOCK-1' },
      to: { location: 'DOCK-2' },
      load: { handlingUnitId: 'HU-RL-1', sku: 'SKU-100', quantity: 1, uom: 'PAL' },
    };
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call(url, 'POST', '/v1/transport-requests', {
          key: KEYS.wms,
          headers: { 'idempotency-key': `rl-${i}` },
          body: { ...body, load: { ...body.load, handlingUnitId: `HU-RL-${i}` } },
        }),
      ),
    );
    const accepted = answers.filter((r) => r.status === 202).map((r) => r.body.id as string);
    expect(answers.some((r) => r.status === 429)).toBe(true);
    await new Promise((r) => setTimeout(r, 1100));
    const listed = await call(url, 'GET', '/v1/transport-orders?limit=100', { key: KEYS.supervisor });
    expect(listed.status).toBe(200);
    const ids = (listed.body.items as { id: string }[]).map((o) => o.id).sort();
    expect(ids).toEqual([...accepted].sort());
  });
});
