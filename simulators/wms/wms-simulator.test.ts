import { afterEach, describe, expect, it } from 'vitest';
import { signWebhook } from './standard-webhooks.ts';
import { getJson, postJson, sendSignedWebhook, type SignedWebhookOptions } from './wms-test-kit.ts';
import { createWmsSimulator, type WmsSimulator, type WmsSimulatorOptions } from './wms-simulator.ts';

const secret = `whsec_${Buffer.from('fleetbridge-wms-sim-test-key-0001').toString('base64')}`;
const nextSecret = `whsec_${Buffer.from('fleetbridge-wms-sim-test-key-0002').toString('base64')}`;

let sim: WmsSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: Partial<WmsSimulatorOptions> = {}): Promise<WmsSimulator> {
  sim = await createWmsSimulator({ webhookSecrets: [secret], bins: ['B-01-01', 'B-01-02'], ...options });
  return sim;
}

interface WebhookOptions extends SignedWebhookOptions {
  secrets?: string[];
}

async function sendWebhook(
  url: string,
  type: string,
  data: object,
  options: WebhookOptions = {},
): Promise<number> {
  return sendSignedWebhook(url, options.secrets ?? [secret], type, data, options);
}

async function ledger(url: string): Promise<unknown> {
  return (await getJson(`${url}/ledger`)).body;
}

const putaway = {
  requestId: 'req-1',
  handlingUnitId: 'HU-1',
  sku: 'SKU-A',
  quantity: 40,
  uom: 'EA',
  from: 'LINE-1-OUT',
};
const delivered = (to: string) => ({
  orderId: 'ord-1',
  handlingUnitId: 'HU-1',
  from: { location: 'LINE-1-OUT' },
  to: { location: to },
  quantity: 40,
});

describe('wms simulator: putaway and webhooks', () => {
  it('when a putaway is answered and its delivery confirmed, then the HU is in the bin and nothing is off', async () => {
    const { url } = await start();
    const decision = await postJson(`${url}/putaway-decisions`, putaway);
    expect(decision).toMatchObject({ status: 200, body: { location: 'B-01-01' } });

    expect(await sendWebhook(url, 'transport.delivered', delivered('B-01-01'))).toBe(204);
    expect(await ledger(url)).toMatchObject({
      discrepancies: [],
      expectationsOpen: 0,
      moves: [
        {
          orderId: 'ord-1',
          handlingUnitId: 'HU-1',
          from: 'LINE-1-OUT',
          to: 'B-01-01',
          expectationId: 'req-1',
        },
      ],
      inventory: {
        stock: [{ handlingUnitId: 'HU-1', sku: 'SKU-A', quantity: 40, location: 'B-01-01' }],
        freeBins: 1,
      },
    });
  });

  it('when the same requestId is asked again, then the answer is the same and no second bin is reserved', async () => {
    const { url } = await start();
    const first = await postJson(`${url}/putaway-decisions`, putaway);
    const again = await postJson(`${url}/putaway-decisions`, putaway);
    const other = await postJson(`${url}/putaway-decisions`, {
      ...putaway,
      requestId: 'req-2',
      handlingUnitId: 'HU-2',
    });
    expect(again.body).toEqual(first.body);
    expect(other.body).toEqual({ location: 'B-01-02' });
    const full = await postJson(`${url}/putaway-decisions`, {
      ...putaway,
      requestId: 'req-3',
      handlingUnitId: 'HU-3',
    });
    expect(full).toMatchObject({
      status: 409,
      contentType: expect.stringContaining('application/problem+json'),
      body: { type: expect.stringMatching(/no-space$/), status: 409 },
    });
  });

  it('when the body is tampered with after signing, then 401 and nothing is booked', async () => {
    const { url } = await start();
    await postJson(`${url}/putaway-decisions`, putaway);
    const status = await sendWebhook(url, 'transport.delivered', delivered('B-01-01'), {
      tamper: (raw) => raw.replace('B-01-01', 'B-01-02'),
    });
    expect(status).toBe(401);
    expect(await ledger(url)).toMatchObject({ moves: [], webhooksRejected: { unauthorized: 1 } });
  });

  it('when the same webhook-id arrives twice, then it counts as a redelivery, not a discrepancy', async () => {
    const { url } = await start();
    await postJson(`${url}/putaway-decisions`, putaway);
    expect(await sendWebhook(url, 'transport.delivered', delivered('B-01-01'), { id: 'msg_a' })).toBe(204);
    expect(await sendWebhook(url, 'transport.delivered', delivered('B-01-01'), { id: 'msg_a' })).toBe(204);
    expect(await ledger(url)).toMatchObject({
      redeliveries: 1,
      discrepancies: [],
      moves: [{ webhookId: 'msg_a' }],
    });
  });

  it('when the same move is confirmed again under a new webhook-id, then a duplicate discrepancy is kept', async () => {
    const { url } = await start();
    await postJson(`${url}/putaway-decisions`, putaway);
    await sendWebhook(url, 'transport.delivered', delivered('B-01-01'), { id: 'msg_a' });
    expect(await sendWebhook(url, 'transport.delivered', delivered('B-01-01'), { id: 'msg_b' })).toBe(204);
    expect(await ledger(url)).toMatchObject({
      discrepancies: [{ reason: 'duplicate', webhookId: 'msg_b', handlingUnitId: 'HU-1' }],
      moves: [{ webhookId: 'msg_a' }],
    });
  });

  it('when a delivered move matches no expectation, then an unexpected discrepancy is kept', async () => {
    const { url } = await start();
    expect(await sendWebhook(url, 'transport.delivered', delivered('B-01-02'))).toBe(204);
    expect(await ledger(url)).toMatchObject({
      discrepancies: [{ reason: 'unexpected', orderId: 'ord-1', to: 'B-01-02' }],
      inventory: { stock: [{ handlingUnitId: 'HU-1', location: 'B-01-02' }] },
    });
  });

  it('when the delivery lands in another bin, then a destination mismatch is kept and the HU is where it landed', async () => {
    const { url } = await start();
    await postJson(`${url}/putaway-decisions`, putaway);
    await sendWebhook(url, 'transport.delivered', delivered('B-01-02'));
    expect(await ledger(url)).toMatchObject({
      discrepancies: [{ reason: 'destination-mismatch' }],
      inventory: { stock: [{ handlingUnitId: 'HU-1', location: 'B-01-02' }] },
    });
  });

  it('when two secrets are active (rotation), then webhooks signed by either are accepted', async () => {
    const { url } = await start({ webhookSecrets: [secret, nextSecret] });
    expect(await sendWebhook(url, 'transport.accepted', { orderId: 'o1' }, { secrets: [secret] })).toBe(204);
    expect(await sendWebhook(url, 'transport.accepted', { orderId: 'o2' }, { secrets: [nextSecret] })).toBe(
      204,
    );
    expect(
      await sendWebhook(url, 'transport.accepted', { orderId: 'o3' }, { secrets: [nextSecret, secret] }),
    ).toBe(204);
    const unknown = `whsec_${Buffer.from('not-configured').toString('base64')}`;
    expect(await sendWebhook(url, 'transport.accepted', { orderId: 'o4' }, { secrets: [unknown] })).toBe(401);
    expect(await ledger(url)).toMatchObject({
      notifications: [{ orderId: 'o1' }, { orderId: 'o2' }, { orderId: 'o3' }],
      webhooksRejected: { unauthorized: 1 },
    });
  });

  it('when a delivered webhook lacks data.to, then 400 names the field', async () => {
    const { url } = await start();
    const id = 'msg_bad';
    const raw = JSON.stringify({
      type: 'transport.delivered',
      data: { orderId: 'o', handlingUnitId: 'h', from: { location: 'A' } },
    });
    const res = await fetch(`${url}/webhooks`, {
      method: 'POST',
      headers: signWebhook(secret, id, Math.floor(Date.now() / 1000), raw),
      body: raw,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ pointer: '/data/to' }] });
  });
});
