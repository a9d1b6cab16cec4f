import { afterEach, describe, expect, it } from 'vitest';
import { createWmsSimulator, type WmsSimulator, type WmsSimulatorOptions } from './wms-simulator.ts';
import { getJson, postJson, sendSignedWebhook } from './wms-test-kit.ts';

const secret = `whsec_${Buffer.from('fleetbridge-wms-sim-test-key-0003').toString('base64')}`;

let sim: WmsSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: Partial<WmsSimulatorOptions> = {}): Promise<WmsSimulator> {
  sim = await createWmsSimulator({
    webhookSecrets: [secret],
    bins: ['B-01-01', 'B-01-02', 'B-01-03'],
    initialStock: [
      { bin: 'B-01-01', sku: 'SKU-A', quantity: 40, handlingUnitId: 'HU-A1' },
      { bin: 'B-01-02', sku: 'SKU-A', quantity: 40, handlingUnitId: 'HU-A2' },
    ],
    ...options,
  });
  return sim;
}

const pick = { requestId: 'pick-1', sku: 'SKU-A', quantity: 40, uom: 'EA', deliverTo: 'LINE-1-IN' };

describe('wms simulator: stock picks', () => {
  it('when a SKU is in stock, then the first unreserved bin is picked and its delivery empties the bin', async () => {
    const { url } = await start();
    const first = await postJson(`${url}/stock-picks`, pick);
    const second = await postJson(`${url}/stock-picks`, { ...pick, requestId: 'pick-2' });
    expect(first).toMatchObject({ status: 200, body: { location: 'B-01-01', handlingUnitId: 'HU-A1' } });
    expect(second).toMatchObject({ status: 200, body: { location: 'B-01-02', handlingUnitId: 'HU-A2' } });

    const data = {
      orderId: 'o1',
      handlingUnitId: 'HU-A1',
      from: { location: 'B-01-01' },
      to: { location: 'LINE-1-IN' },
    };
    expect(await sendSignedWebhook(url, [secret], 'transport.delivered', data)).toBe(204);
    expect((await getJson(`${url}/ledger`)).body).toMatchObject({
      discrepancies: [],
      expectationsOpen: 1,
      inventory: { freeBins: 2, occupiedBins: 1, reservedBins: 1 },
    });
  });

  it('when no unreserved HU of the SKU exists, then 409 no-stock', async () => {
    const { url } = await start();
    const none = await postJson(`${url}/stock-picks`, { ...pick, sku: 'SKU-Z' });
    expect(none).toMatchObject({ status: 409, body: { type: expect.stringMatching(/no-stock$/) } });
    await postJson(`${url}/stock-picks`, pick);
    await postJson(`${url}/stock-picks`, { ...pick, requestId: 'pick-2' });
    expect((await postJson(`${url}/stock-picks`, { ...pick, requestId: 'pick-3' })).status).toBe(409);
  });

  it('when a transport fails, then its reservation is released for the next pick', async () => {
    const { url } = await start({
      initialStock: [{ bin: 'B-01-01', sku: 'SKU-A', quantity: 5, handlingUnitId: 'HU-A1' }],
    });
    await postJson(`${url}/stock-picks`, pick);
    expect((await postJson(`${url}/stock-picks`, { ...pick, requestId: 'pick-2' })).status).toBe(409);
    const failed = { orderId: 'o1', handlingUnitId: 'HU-A1', reason: 'robot-fault' };
    expect(await sendSignedWebhook(url, [secret], 'transport.failed', failed)).toBe(204);
    expect(await postJson(`${url}/stock-picks`, { ...pick, requestId: 'pick-2' })).toMatchObject({
      status: 200,
      body: { location: 'B-01-01' },
    });
  });

  it('when the same requestId comes with a different body, then 409 idempotency-key-reused', async () => {
    const { url } = await start();
    await postJson(`${url}/stock-picks`, pick);
    const reused = await postJson(`${url}/stock-picks`, { ...pick, deliverTo: 'LINE-2-IN' });
    expect(reused).toMatchObject({
      status: 409,
      body: { type: expect.stringMatching(/idempotency-key-reused$/) },
    });
  });

  it('when an HU goes to a quarantine location without a request, then it is booked with no discrepancy', async () => {
    const { url } = await start({ quarantine: ['QA-1'] });
    const data = {
      orderId: 'q1',
      handlingUnitId: 'HU-A2',
      from: { location: 'B-01-02' },
      to: { location: 'QA-1' },
    };
    await sendSignedWebhook(url, [secret], 'transport.delivered', data);
    expect((await getJson(`${url}/ledger`)).body).toMatchObject({
      discrepancies: [],
      moves: [{ to: 'QA-1' }],
    });
  });

  it('when a pallet held at its line goes straight to quarantine, then it is booked there with no discrepancy', async () => {
    const { url } = await start({ quarantine: ['QA-1'] });
    const data = {
      orderId: 'q2',
      handlingUnitId: 'HU-NEW-1',
      from: { location: 'LINE-1-OUT' },
      to: { location: 'QA-1' },
    };
    await sendSignedWebhook(url, [secret], 'transport.delivered', data);
    expect((await getJson(`${url}/ledger`)).body).toMatchObject({
      discrepancies: [],
      moves: [{ handlingUnitId: 'HU-NEW-1', to: 'QA-1' }],
    });
  });

  it('when an empty container is returned (no handling unit), then it is acknowledged and nothing is booked as stock', async () => {
    const { url } = await start({ quarantine: ['QA-1'] });
    const data = {
      orderId: 'e1',
      orderType: 'empty-return',
      from: { location: 'LINE-1-IN' },
      to: { location: 'EMPTY-1' },
    };
    const res = await sendSignedWebhook(url, [secret], 'transport.delivered', data);
    expect(res).toBeLessThan(300);
    const ledger = (await getJson(`${url}/ledger`)).body as {
      moves: unknown[];
      discrepancies: unknown[];
      notifications: unknown[];
    };
    expect(ledger.moves).toEqual([]);
    expect(ledger.discrepancies).toEqual([]);
    expect(ledger.notifications).toMatchObject([{ type: 'transport.delivered', orderId: 'e1' }]);
    const withoutHu = await sendSignedWebhook(url, [secret], 'transport.delivered', {
      ...data,
      orderId: 'e2',
      orderType: 'custom',
    });
    expect(withoutHu).toBe(400);
  });
});

describe('wms simulator: validation and faults', () => {
  it('when a webhook timestamp is 6 minutes old, then 401', async () => {
    const { url } = await start();
    const timestampS = Math.floor(Date.now() / 1000) - 360;
    expect(
      await sendSignedWebhook(url, [secret], 'transport.accepted', { orderId: 'o' }, { timestampS }),
    ).toBe(401);
  });

  it('when a look-up body has wrong types or is not JSON, then 400 or 415 problem+json', async () => {
    const { url } = await start();
    const bad = await postJson(`${url}/putaway-decisions`, { requestId: 'r', quantity: 'many' });
    expect(bad).toMatchObject({ status: 400, contentType: expect.stringContaining('problem+json') });
    expect(bad.body).toMatchObject({
      errors: expect.arrayContaining([{ pointer: '/quantity', detail: expect.any(String) }]),
    });
    const text = await fetch(`${url}/stock-picks`, { method: 'POST', body: 'sku=A' });
    expect(text.status).toBe(415);
  });

  it('when the mode is down, then look-ups and webhooks get 503 while ledger and health still answer', async () => {
    const { url } = await start();
    expect(await postJson(`${url}/admin/mode`, { kind: 'down' })).toMatchObject({
      status: 200,
      body: { kind: 'down' },
    });
    const refused = await postJson(`${url}/stock-picks`, pick);
    expect(refused.status).toBe(503);
    expect(await sendSignedWebhook(url, [secret], 'transport.accepted', { orderId: 'o' })).toBe(503);
    expect((await getJson(`${url}/ledger`)).status).toBe(200);
    expect(await getJson(`${url}/healthz`)).toMatchObject({ status: 200, body: { mode: { kind: 'down' } } });
    sim?.setMode({ kind: 'normal' });
    expect((await postJson(`${url}/stock-picks`, pick)).status).toBe(200);
  });

  it('when the mode is flaky, then the seed fixes which requests fail', async () => {
    const { url } = await start();
    const run = async (): Promise<number[]> => {
      sim?.setMode({ kind: 'flaky', failRate: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i += 1) statuses.push((await getJson(`${url}/unknown-${i}`)).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(404);
  });

  it('when the WMS is down for a given time, then it answers 503 until then and serves again after', async () => {
    const { url } = await start();
    sim?.setMode({ kind: 'down', forMs: 200 });
    expect((await postJson(`${url}/stock-picks`, pick)).status).toBe(503);
    await new Promise((r) => setTimeout(r, 250));
    expect(sim?.mode()).toEqual({ kind: 'normal' });
    expect((await postJson(`${url}/stock-picks`, pick)).status).toBe(200);
  });

  it('when the mode is slow, then answers take at least the delay', async () => {
    const { url } = await start();
    sim?.setMode({ kind: 'slow', delayMs: 60 });
    const started = performance.now();
    expect((await postJson(`${url}/stock-picks`, pick)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('when the mode is slow-ack, then the work is done at once and only the answer waits', async () => {
    const { url } = await start();
    sim?.setMode({ kind: 'slow-ack', delayMs: 300 });
    const started = performance.now();
    const answer = postJson(`${url}/stock-picks`, pick);
    await new Promise((r) => setTimeout(r, 100));
    expect(sim?.ledger.snapshot().expectations).toHaveLength(1);
    expect((await answer).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('when an invalid mode is posted, then 400 and the mode is unchanged', async () => {
    const { url } = await start();
    expect((await postJson(`${url}/admin/mode`, { kind: 'flaky', failRate: 2, seed: 1 })).status).toBe(400);
    expect(sim?.mode()).toEqual({ kind: 'normal' });
    expect(() => sim?.setMode({ kind: 'slow', delayMs: -1 })).toThrow();
  });
});
