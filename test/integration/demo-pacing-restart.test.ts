import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../orchestrator/config.ts';
import { runPlant, type RunningPlant } from '../../orchestrator/main.ts';
import { ORDER_STATUSES } from '../../orchestrator/domain/transport-order.ts';
import { call } from '../support/api.ts';
import { KEYS, testEnv } from '../support/plant-harness.ts';
import { testPrefix } from '../support/redis-prefix.ts';
import { waitFor } from '../support/wait-for.ts';

const NOT_DELIVERED = ORDER_STATUSES.filter(
  (s) => !['delivered', 'confirmed', 'failed', 'cancelled'].includes(s),
);

/** The demo plant with its MES simulator, in this process, on the given Redis prefix. */
async function plantOn(prefix: string, extra: Record<string, string>): Promise<RunningPlant> {
  const config = loadConfig(testEnv(prefix, { SIMULATE: 'fleet,wms,mes', ...extra }));
  return runPlant(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
}

async function counts(plant: RunningPlant): Promise<Record<string, number>> {
  return plant.orchestrator.store.countByStatus();
}

/** Issue 14, "A demo that keeps up": the MES paces itself to open orders; a restart resumes the WMS book. */
describe('the demo plant paces its MES and resumes its WMS simulator, on real Redis and HTTP', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('when the MES could post ten times what the fleet carries, then no more than MES_MAX_OPEN_ORDERS of its orders are open at any time', async () => {
    const { prefix, cleanup } = testPrefix('pacing');
    const plant = await plantOn(prefix, { MES_RATE_PER_MIN: '600', MES_MAX_OPEN_ORDERS: '4' });
    cleanups.push(async () => {
      await plant.stop();
      await cleanup();
    });
    let most = 0;
    const until = Date.now() + 12_000;
    while (Date.now() < until) {
      const c = await counts(plant);
      most = Math.max(
        most,
        NOT_DELIVERED.reduce((n, s) => n + (c[s] ?? 0), 0),
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    const stats = plant.simulators.mes()!.stats();
    expect(most).toBeGreaterThanOrEqual(3);
    expect(most).toBeLessThanOrEqual(4);
    expect(stats.held).toBeGreaterThan(10);
    expect(stats.accepted).toBeGreaterThan(4);
    expect(stats.rejected).toBe(0);
    const c = await counts(plant);
    expect(c.failed ?? 0).toBe(0);
  });

  it('when the demo is stopped mid-flow and started again on the same Redis, then the WMS book resumes: every order confirmed, no discrepancy, no failure', async () => {
    const { prefix, cleanup } = testPrefix('restart');
    cleanups.push(cleanup);
    const env = { MES_RATE_PER_MIN: '120', MES_MAX_OPEN_ORDERS: '8' };
    const first = await plantOn(prefix, env);
    try {
      await waitFor(
        'some orders confirmed and some in flight',
        async () => {
          const c = await counts(first);
          const inFlight = NOT_DELIVERED.reduce((n, s) => n + (c[s] ?? 0), 0);
          return (c.confirmed ?? 0) >= 4 && inFlight >= 2 ? c : undefined;
        },
        60_000,
      );
    } finally {
      await first.stop();
    }
    const before = first.simulators.wms!.ledger.snapshot();
    expect(before.moves.length).toBeGreaterThanOrEqual(4);

    const second = await plantOn(prefix, { ...env, SIMULATE: 'fleet,wms' });
    try {
      const resumed = second.simulators.wms!.ledger.snapshot();
      expect(resumed.moves.map((m) => m.webhookId)).toEqual(before.moves.map((m) => m.webhookId));
      await waitFor(
        'every order of the first run ended',
        async () => {
          const c = await counts(second);
          return ORDER_STATUSES.every((s) => ['confirmed', 'failed', 'cancelled'].includes(s) || !c[s])
            ? c
            : undefined;
        },
        90_000,
      );
      const c = await counts(second);
      expect(c.failed ?? 0).toBe(0);
      const ledger = second.simulators.wms!.ledger.snapshot();
      expect(ledger.discrepancies).toEqual([]);
      expect(ledger.moves.length).toBeGreaterThan(before.moves.length);
      const list = await call(
        second.orchestrator.url,
        'GET',
        '/v1/transport-orders?status=confirmed&limit=500',
        {
          key: KEYS.supervisor,
        },
      );
      // Each confirmed putaway or pick is one move in the WMS book (quality holds and empties book no stock move).
      const confirmedMoves = (list.body.items as { type: string }[]).filter(
        (o) => o.type === 'fg-putaway' || o.type === 'line-replenish',
      ).length;
      expect(ledger.moves.filter((m) => m.expectationId !== undefined)).toHaveLength(confirmedMoves);
    } finally {
      await second.stop();
    }
  });
});
