import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isValidSscc } from './gs1.ts';
import { createMesSimulator, type MesSimulator, type MesSimulatorOptions } from './mes-simulator.ts';

/** One request as the fake Fleetbridge saw it. */
interface Recorded {
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly atMs: number;
}

/** A tiny fake Fleetbridge on port 0 that records `POST /v1/mes/events` and answers via `respond`. */
interface Recorder {
  readonly url: string;
  readonly requests: Recorded[];
  /** Resolves once `count` requests arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

type Respond = (index: number) => { status: number; body?: object; headers?: Record<string, string> };

const servers: Server[] = [];
let sim: MesSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function startRecorder(
  respond: Respond = () => ({ status: 202, body: { status: 'received' } }),
): Promise<Recorder> {
  const requests: Recorded[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const app = express();
  app.post('/v1/mes/events', express.json(), (req, res) => {
    requests.push({ headers: req.headers, body: req.body, atMs: performance.now() });
    const answer = respond(requests.length - 1);
    res
      .status(answer.status)
      .set(answer.headers ?? {})
      .json(answer.body ?? {});
    for (const w of waiters.filter((x) => requests.length >= x.count)) w.resolve();
  });
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    waitFor: (count, timeoutMs = 2000) =>
      new Promise<void>((resolve, reject) => {
        if (requests.length >= count) {
          resolve();
          return;
        }
        const timer = setTimeout(() => {
          reject(new Error(`only ${requests.length}/${count} requests`));
        }, timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => {
          r();
        });
      }),
  };
}

function startSim(url: string, options: Partial<MesSimulatorOptions> = {}): MesSimulator {
  sim = createMesSimulator({
    baseUrl: url,
    apiKey: 'mes-key-1',
    ratePerMinute: 60,
    lines: [{ output: 'LINE-3-OUT', lineSide: 'LINE-3-IN' }],
    skus: ['SKU-A'],
    seed: 1,
    retry: { baseDelayMs: 1 },
    ...options,
  });
  return sim;
}

// The contract's event shapes, strict: no extra fields, exact types.
const iso = z.iso.datetime();
const productionCompleted = z.strictObject({
  eventId: z.string().min(1),
  type: z.literal('production.completed'),
  occurredAt: iso,
  data: z.strictObject({
    workOrder: z.string().min(1),
    sku: z.literal('SKU-A'),
    quantity: z.number().positive(),
    uom: z.literal('EA'),
    handlingUnitId: z.string().min(1),
    sscc: z.string().refine(isValidSscc),
    location: z.literal('LINE-3-OUT'),
  }),
});
const materialRequested = z.strictObject({
  eventId: z.string().min(1),
  type: z.literal('material.requested'),
  occurredAt: iso,
  data: z.strictObject({
    workOrder: z.string().min(1),
    sku: z.literal('SKU-A'),
    quantity: z.number().positive(),
    uom: z.literal('EA'),
    deliverTo: z.literal('LINE-3-IN'),
    neededBy: iso,
  }),
});

describe('mes simulator', () => {
  it('when posting each kind, then bodies follow the contract and carry the key and Idempotency-Key', async () => {
    const fleetbridge = await startRecorder();
    const mes = startSim(fleetbridge.url);
    expect(await mes.postOnce('production.completed')).toMatchObject({
      outcome: 'accepted',
      status: 202,
      attempts: 1,
    });
    expect(await mes.postOnce('material.requested')).toMatchObject({ outcome: 'accepted' });

    const [first, second] = fleetbridge.requests;
    const produced = productionCompleted.parse(first?.body);
    const requested = materialRequested.parse(second?.body);
    for (const [req, event] of [
      [first, produced],
      [second, requested],
    ] as const) {
      expect(req?.headers).toMatchObject({
        authorization: 'Bearer mes-key-1',
        'idempotency-key': event.eventId,
        'content-type': 'application/json',
      });
    }
    const leadMs = Date.parse(requested.data.neededBy) - Date.parse(requested.occurredAt);
    expect(leadMs).toBe(10 * 60_000);
    expect(mes.stats()).toEqual({
      sent: 2,
      accepted: 2,
      rejected: 0,
      errors: 0,
      retries: 0,
      held: 0,
      open: 0,
    });
  });

  it('when posting every kind, then each goes out once, under its own type', async () => {
    const fleetbridge = await startRecorder();
    const mes = startSim(fleetbridge.url);
    const kinds = ['production.completed', 'material.requested', 'quality.hold', 'container.empty'] as const;
    for (const kind of kinds) expect(await mes.postOnce(kind)).toMatchObject({ outcome: 'accepted' });
    expect(fleetbridge.requests.map((r) => (r.body as { type: string }).type)).toEqual([...kinds]);
  });

  it('when Fleetbridge answers 503, then the same event is retried with the same eventId and body', async () => {
    const fleetbridge = await startRecorder((i) =>
      i < 2 ? { status: 503, headers: { 'retry-after': '0' } } : { status: 202 },
    );
    const mes = startSim(fleetbridge.url);
    expect(await mes.postOnce('production.completed')).toMatchObject({ outcome: 'accepted', attempts: 3 });
    const keys = fleetbridge.requests.map((r) => r.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(1);
    expect(fleetbridge.requests.map((r) => r.body)).toEqual(Array(3).fill(fleetbridge.requests[0]?.body));
    expect(mes.stats()).toMatchObject({ sent: 1, accepted: 1, retries: 2, errors: 0 });
  });

  it('when Fleetbridge answers 422, then the event is rejected without retry', async () => {
    const fleetbridge = await startRecorder(() => ({ status: 422, body: { type: 'unknown-location' } }));
    const mes = startSim(fleetbridge.url);
    expect(await mes.postOnce('material.requested')).toMatchObject({
      outcome: 'rejected',
      status: 422,
      body: { type: 'unknown-location' },
    });
    expect(fleetbridge.requests).toHaveLength(1);
    expect(mes.stats()).toMatchObject({ sent: 1, rejected: 1, retries: 0 });
  });

  it('when nothing listens, then it retries up to maxAttempts and counts an error', async () => {
    const gone = await startRecorder();
    await gone.close();
    const mes = startSim(gone.url, { retry: { maxAttempts: 3, baseDelayMs: 1 } });
    expect(await mes.postOnce('production.completed')).toMatchObject({ outcome: 'error', attempts: 3 });
    expect(mes.stats()).toMatchObject({ sent: 1, errors: 1, retries: 2 });
  });

  it('when two simulators start without a run id, then their eventIds differ', async () => {
    const fleetbridge = await startRecorder();
    const a = await startSim(fleetbridge.url).postOnce('production.completed');
    const b = await startSim(fleetbridge.url).postOnce('production.completed');
    expect(a.event.eventId).not.toBe(b.event.eventId);
    expect(a.event.data).toMatchObject({
      workOrder: (b.event.data as { workOrder: string }).workOrder,
      sku: 'SKU-A',
    });
  });

  it('when started at 3000 per minute, then posts come no faster than every 20 ms and stop on stop()', async () => {
    const fleetbridge = await startRecorder();
    const mes = startSim(fleetbridge.url, { ratePerMinute: 3000 });
    expect(mes.intervalMs).toBe(20);
    const startedMs = performance.now();
    mes.start();
    await fleetbridge.waitFor(5);
    await mes.stop();
    const elapsedMs = (fleetbridge.requests[4]?.atMs ?? 0) - startedMs;
    expect(elapsedMs).toBeGreaterThanOrEqual(5 * 20 - 5);
    expect(mes.stats().sent).toBe(fleetbridge.requests.length);
    expect(mes.stats().accepted).toBe(mes.stats().sent);
  });

  it('when options are invalid, then creation throws', () => {
    expect(() => startSim('http://127.0.0.1:1', { ratePerMinute: 0 })).toThrow(RangeError);
    expect(() =>
      startSim('http://127.0.0.1:1', { mix: { productionCompleted: 0, materialRequested: 0 } }),
    ).toThrow(RangeError);
  });
});
