import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveAlarm, LiveServerMessage } from '../../orchestrator/http/live-contract.ts';
import { connectLive } from '../../orchestrator/live/live-test-client.ts';
import { call, materialRequested } from '../support/api.ts';
import { KEYS, startTestPlant, type TestPlant } from '../support/plant-harness.ts';

/** The alarms a live message carries. */
const alarmsOf = (m: LiveServerMessage): readonly LiveAlarm[] =>
  m.type === 'snapshot' ? m.alarms : m.type === 'delta' ? (m.alarms?.upsert ?? []) : [];

/** Issue 14: failures and a growing backlog are seen on the map, not only in the logs. */
describe('order alarms in the live feed, on the demo plant', () => {
  let plant: TestPlant;
  let url: string;

  beforeAll(async () => {
    plant = await startTestPlant('order-alarms', { BACKLOG_ALARM_ORDERS: '2' });
    url = plant.orchestrator.url;
  });
  afterAll(async () => {
    await plant.cleanup();
  });

  /** Waits on the live feed for an alarm that `match` accepts. */
  async function liveAlarm(match: (a: LiveAlarm) => boolean, timeoutMs: number): Promise<LiveAlarm> {
    const client = connectLive(`${url.replace(/^http/, 'ws')}/v1/live`);
    try {
      await client.send(JSON.stringify({ type: 'auth', key: KEYS.supervisor }));
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = alarmsOf(await client.next(Math.max(1, deadline - Date.now()))).find(match);
        if (found) return found;
      }
    } finally {
      client.ws.close();
    }
  }

  it('when an order fails, then an order-failed alarm naming it and its reason shows in the live feed', async () => {
    const event = materialRequested({ sku: 'SKU-NOT-STOCKED', deliverTo: 'LINE-1-IN' });
    const accepted = await call(url, 'POST', '/v1/mes/events', { key: KEYS.mes, body: event });
    expect(accepted.status).toBe(202);
    const orderId = accepted.body.id as string;
    const alarm = await liveAlarm((a) => a.code === 'order-failed' && a.orderId === orderId, 20_000);
    expect(alarm.severity).toBe('warning');
    expect(alarm.message).toContain('no-stock');
    const order = await call(url, 'GET', `/v1/transport-orders/${orderId}`, { key: KEYS.supervisor });
    expect(order.body).toMatchObject({ status: 'failed', failureReason: 'no-stock' });
  });

  it('when more orders wait for a robot than the threshold, then a backlog-high alarm shows in the live feed', async () => {
    // No robot takes new work: every order waits.
    for (const robot of plant.plant.fleet) {
      const r = await call(url, 'POST', `/v1/robots/${robot.id}/out-of-service`, { key: KEYS.supervisor });
      expect(r.status).toBe(200);
    }
    for (let i = 0; i < 3; i += 1) {
      const r = await call(url, 'POST', '/v1/transport-requests', {
        key: KEYS.wms,
        headers: { 'idempotency-key': `backlog-${Date.now()}-${i}` },
        body: { type: 'custom', from: { location: 'DOCK-1' }, to: { location: 'DOCK-2' } },
      });
      expect(r.status).toBe(202);
    }
    const alarm = await liveAlarm((a) => a.code === 'backlog-high', 30_000);
    expect(alarm.message).toMatch(/^3 orders wait for a robot \(alarm above 2\)/);
  });
});
