import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createWmsSimulator, type WmsSimulator } from '../../simulators/wms/wms-simulator.ts';
import { loadConfig } from '../../orchestrator/config.ts';
import { loadPlant } from '../../orchestrator/main.ts';
import { call, materialRequested, productionCompleted } from '../support/api.ts';
import { KEYS, WEBHOOK_SECRET, testEnv } from '../support/plant-harness.ts';
import { startOrchestratorProcess, type OrchestratorProcess } from '../support/orchestrator-process.ts';
import { testPrefix } from '../support/redis-prefix.ts';
import { waitFor } from '../support/wait-for.ts';

/** The load is on the robot, or being put down: a crash now must neither lose nor repeat the move. */
const LOADED = new Set(['picking', 'to-dropoff', 'dropping', 'delivered']);

describe('crash and restart of the orchestrator process', () => {
  const { prefix, cleanup } = testPrefix('crash');
  let wms: WmsSimulator;
  let running: OrchestratorProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    const plant = await loadPlant(loadConfig(testEnv(prefix)), pino({ level: 'silent' }));
    const bins = plant.layout.stations.filter((s) => s.role === 'storage-bin').map((s) => s.id);
    wms = await createWmsSimulator({
      port: 0,
      webhookSecrets: [WEBHOOK_SECRET],
      bins,
      initialStock: bins
        .slice(0, 10)
        .map((bin, i) => ({ bin, sku: 'SKU-100', quantity: 10, handlingUnitId: `HU-STOCK-${i}` })),
    });
    env = testEnv(prefix, { SIMULATE: 'fleet', WMS_URL: wms.url, SIM_SPEEDUP: '4' });
  });
  afterAll(async () => {
    await running?.stop();
    await wms.close();
    await cleanup();
  });

  const statuses = async (url: string, ids: string[]): Promise<string[]> =>
    Promise.all(
      ids.map(
        async (id) =>
          (await call(url, 'GET', `/v1/transport-orders/${id}`, { key: KEYS.supervisor })).body
            .status as string,
      ),
    );

  it('when the process is killed twice mid-flow, then every accepted order still ends confirmed, once', async () => {
    running = await startOrchestratorProcess(env);
    const events = [
      ...['LINE-1-OUT', 'LINE-2-OUT', 'LINE-3-OUT', 'LINE-1-OUT', 'LINE-2-OUT', 'LINE-3-OUT'].map(
        (location) => productionCompleted({ location }),
      ),
      materialRequested({ deliverTo: 'LINE-1-IN' }),
      materialRequested({ deliverTo: 'LINE-3-IN' }),
    ];
    const ids: string[] = [];
    for (const event of events) {
      const r = await call(running.url, 'POST', '/v1/mes/events', { key: KEYS.mes, body: event });
      expect(r.status).toBe(202);
      ids.push(r.body.id as string);
    }

    for (let kill = 1; kill <= 2; kill += 1) {
      const url = running.url;
      // Kill while loads are on robots; the second time also after some orders were already confirmed.
      await waitFor(
        `loads on board (kill ${kill})`,
        async () => {
          const now = await statuses(url, ids);
          const loaded = now.filter((s) => LOADED.has(s)).length;
          const confirmed = now.filter((s) => s === 'confirmed').length;
          return loaded >= 2 && (kill === 1 || confirmed >= 1) ? now : undefined;
        },
        60_000,
        25,
      );
      await running.kill();
      running = await startOrchestratorProcess(env);
    }

    const url = running.url;
    const final = await waitFor(
      'all orders confirmed',
      async () => {
        const now = await statuses(url, ids);
        return now.every((s) => s === 'confirmed' || s === 'failed') ? now : undefined;
      },
      120_000,
      200,
    );
    expect(final).toEqual(ids.map(() => 'confirmed'));

    const ledger = wms.ledger.snapshot();
    expect(ledger.discrepancies).toEqual([]);
    // Exactly one move per order reached the WMS ledger, whatever was redelivered.
    expect(ledger.moves).toHaveLength(ids.length);
    for (const id of ids) {
      const order = (await call(url, 'GET', `/v1/transport-orders/${id}`, { key: KEYS.supervisor })).body;
      expect(order.history.filter((h: { status: string }) => h.status === 'confirmed')).toHaveLength(1);
      expect(order.history.filter((h: { status: string }) => h.status === 'delivered')).toHaveLength(1);
    }
  });

  it('when the process is killed after the WMS booked a delivery but before its answer arrived, then the restart sends it again and the order is confirmed once', async () => {
    running ??= await startOrchestratorProcess(env);
    // The WMS books at once and answers 4 s later: the window between delivery and state change.
    wms.setMode({ kind: 'slow-ack', delayMs: 4000 });
    const event = productionCompleted({ location: 'LINE-2-OUT' });
    const r = await call(running.url, 'POST', '/v1/mes/events', { key: KEYS.mes, body: event });
    expect(r.status).toBe(202);
    const id = r.body.id as string;
    const redeliveriesBefore = wms.ledger.snapshot().redeliveries;
    await waitFor(
      'the delivery booked by the WMS, not yet answered',
      () => Promise.resolve(wms.ledger.snapshot().moves.some((m) => m.orderId === id) ? true : undefined),
      90_000,
      20,
    );
    const url = running.url;
    expect((await statuses(url, [id]))[0]).toBe('delivered');
    await running.kill();
    wms.setMode({ kind: 'normal' });
    running = await startOrchestratorProcess(env);

    const after = running.url;
    await waitFor(
      'the order confirmed after the restart',
      async () => ((await statuses(after, [id]))[0] === 'confirmed' ? true : undefined),
      90_000,
      200,
    );
    const ledger = wms.ledger.snapshot();
    expect(ledger.moves.filter((m) => m.orderId === id)).toHaveLength(1);
    expect(ledger.redeliveries).toBeGreaterThan(redeliveriesBefore);
    expect(ledger.discrepancies).toEqual([]);
    const order = (await call(after, 'GET', `/v1/transport-orders/${id}`, { key: KEYS.supervisor })).body;
    expect(order.history.filter((h: { status: string }) => h.status === 'confirmed')).toHaveLength(1);
  }, 200_000);
});
