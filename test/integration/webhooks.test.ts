import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, orderReaches } from '../support/api.ts';
import { KEYS, startTestPlant, type TestPlant } from '../support/plant-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { verify } from '../../simulators/wms/standard-webhooks.ts';

const OLD_SECRET = 'whsec_b2xkLXNlY3JldC1mb3Itd2ViaG9vay10ZXN0cw==';
const NEW_SECRET = 'whsec_bmV3LXNlY3JldC1mb3Itd2ViaG9vay10ZXN0cw==';

interface Delivery {
  readonly path: string;
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly traceparent: string | undefined;
  readonly body: string;
  readonly type: string;
  readonly orderId: string;
  readonly answered: number;
}

/**
 * A subscriber as a plant would run one: it verifies every delivery against its secrets (401 when the
 * signature does not match) and answers per path: `/ok` 2xx (but 503 to the first try of each
 * `transport.accepted`, to force a retry), `/fail` 500 until told otherwise, `/gone` 410.
 */
class Receiver {
  readonly deliveries: Delivery[] = [];
  failing = true;
  private server: Server | undefined;
  private readonly triedAccepted = new Set<string>();
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const header = (name: string) => req.headers[name] as string | undefined;
        const checked = verify([OLD_SECRET, NEW_SECRET], {
          id: header('webhook-id'),
          timestamp: header('webhook-timestamp'),
          signature: header('webhook-signature'),
          body,
        });
        let answered = 401;
        let parsed: { type?: string; data?: { orderId?: string } } = {};
        if (checked.ok) {
          parsed = JSON.parse(body) as typeof parsed;
          const path = req.url ?? '';
          if (path === '/gone') answered = 410;
          else if (path === '/fail') answered = this.failing ? 500 : 204;
          else if (parsed.type === 'transport.accepted' && !this.triedAccepted.has(header('webhook-id')!)) {
            this.triedAccepted.add(header('webhook-id')!);
            answered = 503;
          } else answered = 200;
        }
        this.deliveries.push({
          path: req.url ?? '',
          id: header('webhook-id') ?? '',
          timestamp: header('webhook-timestamp') ?? '',
          signature: header('webhook-signature') ?? '',
          traceparent: header('traceparent'),
          body,
          type: parsed.type ?? '',
          orderId: parsed.data?.orderId ?? '',
          answered,
        });
        res.statusCode = answered;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Accepted deliveries to `path` for `orderId`, first arrival per webhook-id. */
  accepted(path: string, orderId?: string): Delivery[] {
    const seen = new Set<string>();
    return this.deliveries.filter((d) => {
      if (d.path !== path || d.answered >= 300 || (orderId && d.orderId !== orderId) || seen.has(d.id))
        return false;
      seen.add(d.id);
      return true;
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.server)
        this.server.close(() => {
          resolve();
        });
      else resolve();
    });
  }
}

describe('outbound webhooks to a verifying subscriber, on real Redis and HTTP', () => {
  let plant: TestPlant | undefined;
  let url: string;
  const receiver = new Receiver();
  const subscribe = (path: string, extra: Record<string, unknown> = {}) =>
    call(url, 'POST', '/v1/webhooks/subscriptions', {
      key: KEYS.admin,
      body: {
        url: `${receiver.url}${path}`,
        secrets: [OLD_SECRET, NEW_SECRET],
        events: ['transport.*'],
        ...extra,
      },
    });
  let seq = 0;
  const request = async (traceparent?: string): Promise<string> => {
    seq += 1;
    const res = await call(url, 'POST', '/v1/transport-requests', {
      key: KEYS.wms,
      headers: { 'idempotency-key': `webhooks-${seq}`, ...(traceparent ? { traceparent } : {}) },
      body: {
        type: 'custom',
        from: { location: 'DOCK-1' },
        to: { location: 'DOCK-2' },
        load: { handlingUnitId: `HU-WH-${seq}`, sku: 'SKU-100', quantity: 1, uom: 'PAL' },
      },
    });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };

  beforeAll(async () => {
    await receiver.start();
    plant = await startTestPlant('webhooks', { WEBHOOK_RETRIES_MS: '200,200' });
    url = plant.orchestrator.url;
  });
  afterAll(async () => {
    await plant?.cleanup();
    await receiver.stop();
  });

  it('when orders run to confirmed, then the subscriber gets each lifecycle webhook, in order per order, signed with both secrets, carrying the trace', async () => {
    const added = await subscribe('/ok', { sourceSystems: ['WMS'] });
    expect(added.status).toBe(201);
    expect(JSON.stringify(added.body)).not.toContain(OLD_SECRET.slice(6, 20));
    const trace = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const ids = [await request(trace), await request(), await request()];
    for (const id of ids) await orderReaches(url, id, ['confirmed']);
    await waitFor(
      'every delivered webhook',
      () => Promise.resolve(receiver.accepted('/ok').length >= 12 ? true : undefined),
      30_000,
    );
    for (const id of ids) {
      const got = receiver.accepted('/ok', id);
      expect(got.map((d) => d.type)).toEqual([
        'transport.accepted',
        'transport.assigned',
        'transport.picked',
        'transport.delivered',
      ]);
      for (const d of got) {
        for (const secret of [OLD_SECRET, NEW_SECRET]) {
          const one = verify([secret], {
            id: d.id,
            timestamp: d.timestamp,
            signature: d.signature,
            body: d.body,
          });
          expect(one.ok).toBe(true);
        }
      }
    }
    // The first try of each accepted webhook was refused: it was retried, and nothing overtook it.
    expect(receiver.deliveries.filter((d) => d.path === '/ok' && d.answered === 503).length).toBe(3);
    // Same trace as the request that made the order, sent from a span of ours.
    for (const d of receiver.accepted('/ok', ids[0])) {
      expect(d.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[\da-f]{16}-01$/);
      expect(d.traceparent).not.toBe(trace);
    }
    for (const d of receiver.accepted('/ok', ids[1]))
      expect(d.traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
    expect(receiver.deliveries.every((d) => d.answered !== 401)).toBe(true);
  }, 120_000);

  it('when a delivery is tampered with on its way, then the subscriber refuses it with 401', async () => {
    const original = receiver.accepted('/ok')[0]!;
    const tampered = original.body.replace('"status":"', '"status":"x');
    expect(tampered).not.toBe(original.body);
    const res = await fetch(`${receiver.url}/ok`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': original.id,
        'webhook-timestamp': original.timestamp,
        'webhook-signature': original.signature,
      },
      body: tampered,
    });
    expect(res.status).toBe(401);
  });

  it('when a subscriber keeps failing, then the webhook is dead-lettered with an alarm, and a replay delivers it under the same webhook-id', async () => {
    receiver.failing = true;
    const added = await subscribe('/fail', { events: ['transport.accepted'] });
    expect(added.status).toBe(201);
    const id = await request();
    const letters = await waitFor(
      'the dead letter',
      async () => {
        const res = await call(url, 'GET', '/v1/webhooks/dead-letters', { key: KEYS.supervisor });
        const mine = (res.body.items as { orderId: string; id: string; attempts: number }[]).filter(
          (l) => l.orderId === id,
        );
        return mine.length > 0 ? mine : undefined;
      },
      30_000,
    );
    expect(letters).toHaveLength(1);
    expect(letters[0]!.attempts).toBe(3);
    expect(receiver.deliveries.filter((d) => d.path === '/fail' && d.orderId === id)).toHaveLength(3);
    const alarms = await call(url, 'GET', '/v1/alarms', { key: KEYS.supervisor });
    expect(
      (alarms.body.items as { code: string; orderId?: string }[]).some(
        (a) => a.code === 'webhook-dead-lettered' && a.orderId === id,
      ),
    ).toBe(true);

    receiver.failing = false;
    const replay = await call(url, 'POST', `/v1/webhooks/dead-letters/${letters[0]!.id}/replay`, {
      key: KEYS.admin,
    });
    expect(replay.status).toBe(202);
    const delivered = await waitFor(
      'the replayed webhook',
      () => Promise.resolve(receiver.accepted('/fail', id)[0]),
      30_000,
    );
    expect(delivered.id).toBe(`msg_${id}_accepted`);
    expect(
      new Set(receiver.deliveries.filter((d) => d.orderId === id && d.path === '/fail').map((d) => d.id))
        .size,
    ).toBe(1);
    const after = await call(url, 'GET', '/v1/webhooks/dead-letters', { key: KEYS.admin });
    expect((after.body.items as { orderId: string }[]).some((l) => l.orderId === id)).toBe(false);
    const again = await call(url, 'POST', `/v1/webhooks/dead-letters/${letters[0]!.id}/replay`, {
      key: KEYS.admin,
    });
    expect(again.status).toBe(404);
  }, 60_000);

  it('when a subscriber answers 410 Gone, then it is disabled and sent nothing more', async () => {
    const added = await subscribe('/gone', { events: ['transport.accepted'] });
    const subId = added.body.id as string;
    await request();
    await waitFor(
      'the subscriber disabled',
      async () => {
        const res = await call(url, 'GET', '/v1/webhooks/subscriptions', { key: KEYS.admin });
        const sub = (res.body.items as { id: string; disabled?: unknown }[]).find((s) => s.id === subId);
        return sub?.disabled ? sub : undefined;
      },
      15_000,
    );
    const before = receiver.deliveries.filter((d) => d.path === '/gone').length;
    const later = await request();
    await orderReaches(url, later, ['confirmed']);
    expect(receiver.deliveries.filter((d) => d.path === '/gone').length).toBe(before);
    const alarms = await call(url, 'GET', '/v1/alarms', { key: KEYS.supervisor });
    expect((alarms.body.items as { code: string }[]).some((a) => a.code === 'webhook-subscriber-gone')).toBe(
      true,
    );
  }, 120_000);

  it('when subscriptions are managed, then bad input names the field, config subscribers stay, and secrets are never shown', async () => {
    const bad = await call(url, 'POST', '/v1/webhooks/subscriptions', {
      key: KEYS.admin,
      body: { url: 'ftp://x', secrets: ['not-a-secret'], events: ['transport.eaten'] },
    });
    expect(bad.status).toBe(400);
    const pointers = (bad.body.errors as { pointer: string }[]).map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/url', '/secrets/0', '/events/0']));
    const wms = await call(url, 'DELETE', '/v1/webhooks/subscriptions/wms', { key: KEYS.admin });
    expect(wms.status).toBe(409);
    expect(
      (await call(url, 'DELETE', '/v1/webhooks/subscriptions/sub_none', { key: KEYS.admin })).status,
    ).toBe(404);
    const added = await subscribe('/ok', { events: ['transport.failed'] });
    const removed = await call(url, 'DELETE', `/v1/webhooks/subscriptions/${added.body.id}`, {
      key: KEYS.admin,
    });
    expect(removed.status).toBe(204);
    const list = await call(url, 'GET', '/v1/webhooks/subscriptions', { key: KEYS.admin });
    const listed = list.body.items as { id: string; secretHints: string[] }[];
    expect(listed.some((s) => s.id === added.body.id)).toBe(false);
    expect(listed.find((s) => s.id === 'wms')?.secretHints).toEqual([
      expect.stringMatching(/^whsec_\.\.\..{4}$/),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(OLD_SECRET.slice(6, 20));
  });
});
