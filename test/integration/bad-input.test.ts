import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, productionCompleted } from '../support/api.ts';
import { KEYS, startTestPlant } from '../support/plant-harness.ts';

type Plant = Awaited<ReturnType<typeof startTestPlant>>;

interface BadCase {
  readonly name: string;
  /** Default POST. */
  readonly method?: 'POST' | 'PATCH';
  readonly path: string;
  readonly key?: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly type: string;
  /** The field the problem must name: a JSON pointer into the body, or a header. */
  readonly pointer?: string;
  readonly header?: string;
}

const event = (
  data: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => {
  const base = productionCompleted();
  return { ...base, ...extra, data: { ...(base.data as object), ...data } };
};
const request = (extra: Record<string, unknown>): Record<string, unknown> => ({
  type: 'custom',
  from: { location: 'DOCK-1' },
  to: { location: 'B-01-01' },
  requestId: `bad-${Math.random()}`,
  ...extra,
});

const MES = '/v1/mes/events';
const TR = '/v1/transport-requests';
const CANCEL = '/v1/transport-orders/TO-nope/cancel';
const ORDER = '/v1/transport-orders/TO-nope';

const CASES: BadCase[] = [
  {
    name: 'malformed JSON',
    path: MES,
    key: KEYS.mes,
    rawBody: '{"eventId": "x",',
    headers: { 'content-type': 'application/json' },
    status: 400,
    type: 'malformed-json',
    pointer: '/',
  },
  {
    name: 'body is not an object',
    path: MES,
    key: KEYS.mes,
    body: [1, 2],
    status: 400,
    type: 'validation-error',
    pointer: '/',
  },
  {
    name: 'quantity is a string',
    path: MES,
    key: KEYS.mes,
    body: event({ quantity: '10' }),
    status: 400,
    type: 'validation-error',
    pointer: '/data/quantity',
  },
  {
    name: 'missing sku',
    path: MES,
    key: KEYS.mes,
    body: event({ sku: undefined }),
    status: 400,
    type: 'validation-error',
    pointer: '/data/sku',
  },
  {
    name: 'occurredAt not a timestamp',
    path: MES,
    key: KEYS.mes,
    body: event({}, { occurredAt: 'yesterday' }),
    status: 400,
    type: 'validation-error',
    pointer: '/occurredAt',
  },
  {
    name: 'unknown location',
    path: MES,
    key: KEYS.mes,
    body: event({ location: 'LINE-9-OUT' }),
    status: 422,
    type: 'unprocessable',
    pointer: '/data/location',
  },
  {
    name: 'zero quantity',
    path: MES,
    key: KEYS.mes,
    body: event({ quantity: 0 }),
    status: 422,
    type: 'unprocessable',
    pointer: '/data/quantity',
  },
  {
    name: 'negative quantity',
    path: MES,
    key: KEYS.mes,
    body: event({ quantity: -3 }),
    status: 422,
    type: 'unprocessable',
    pointer: '/data/quantity',
  },
  {
    name: 'bad SSCC check digit',
    path: MES,
    key: KEYS.mes,
    body: event({ sscc: '106141411234567890' }),
    status: 422,
    type: 'unprocessable',
    pointer: '/data/sscc',
  },
  {
    name: 'unknown event type',
    path: MES,
    key: KEYS.mes,
    body: event({}, { type: 'production.exploded' }),
    status: 422,
    type: 'unprocessable',
    pointer: '/type',
  },
  {
    name: 'oversized body',
    path: MES,
    key: KEYS.mes,
    body: event({ workOrder: 'W'.repeat(70_000) }),
    status: 413,
    type: 'payload-too-large',
    pointer: '/',
  },
  {
    name: 'not JSON',
    path: MES,
    key: KEYS.mes,
    rawBody: 'eventId=1',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    type: 'unsupported-media-type',
    header: 'Content-Type',
  },
  {
    name: 'no API key',
    path: MES,
    body: event({}),
    status: 401,
    type: 'unauthorized',
    header: 'Authorization',
  },
  {
    name: 'unknown API key',
    path: MES,
    key: 'not-a-key-at-all',
    body: event({}),
    status: 401,
    type: 'unauthorized',
    header: 'Authorization',
  },
  {
    name: 'wrong role for MES events',
    path: MES,
    key: KEYS.wms,
    body: event({}),
    status: 403,
    type: 'forbidden',
  },
  {
    name: 'transport request: unknown enum type',
    path: TR,
    key: KEYS.wms,
    body: request({ type: 'teleport' }),
    status: 400,
    type: 'validation-error',
    pointer: '/type',
  },
  {
    name: 'transport request: unknown destination',
    path: TR,
    key: KEYS.wms,
    body: request({ to: { location: 'B-99-99' } }),
    status: 422,
    type: 'unprocessable',
    pointer: '/to/location',
  },
  {
    name: 'transport request: unknown zone',
    path: TR,
    key: KEYS.wms,
    body: request({ to: { zone: 'MOON' } }),
    status: 422,
    type: 'unprocessable',
    pointer: '/to/zone',
  },
  {
    name: 'transport request: negative quantity',
    path: TR,
    key: KEYS.wms,
    body: request({ load: { quantity: -1 } }),
    status: 422,
    type: 'unprocessable',
    pointer: '/load/quantity',
  },
  {
    name: 'transport request: priority out of range',
    path: TR,
    key: KEYS.wms,
    body: request({ priority: 11 }),
    status: 400,
    type: 'validation-error',
    pointer: '/priority',
  },
  {
    name: 'transport request: no idempotency key at all',
    path: TR,
    key: KEYS.wms,
    body: request({ requestId: undefined }),
    status: 400,
    type: 'missing-idempotency-key',
    header: 'Idempotency-Key',
  },
  {
    name: 'transport request: dependsOn names an unknown order',
    path: TR,
    key: KEYS.wms,
    body: request({ dependsOn: ['TO-nope'] }),
    status: 422,
    type: 'unprocessable',
    pointer: '/dependsOn/0',
  },
  {
    name: 'transport request: dependsOn is not a list',
    path: TR,
    key: KEYS.wms,
    body: request({ dependsOn: 'TO-nope' }),
    status: 400,
    type: 'validation-error',
    pointer: '/dependsOn',
  },
  {
    name: 'transport request: dependsOn repeats an order',
    path: TR,
    key: KEYS.wms,
    body: request({ dependsOn: ['TO-a', 'TO-a'] }),
    status: 400,
    type: 'validation-error',
    pointer: '/dependsOn',
  },
  {
    name: 'cancel: unknown mode',
    path: CANCEL,
    key: KEYS.supervisor,
    body: { mode: 'gently' },
    status: 400,
    type: 'validation-error',
    pointer: '/mode',
  },
  {
    name: 'cancel: unknown order',
    path: CANCEL,
    key: KEYS.supervisor,
    body: {},
    status: 404,
    type: 'not-found',
  },
  {
    name: 'cancel: no key',
    path: CANCEL,
    body: {},
    status: 401,
    type: 'unauthorized',
  },
  {
    name: 'cancel: integrator role',
    path: CANCEL,
    key: KEYS.integrator,
    body: {},
    status: 403,
    type: 'forbidden',
  },
  {
    name: 'change: neither priority nor dueBy',
    method: 'PATCH',
    path: ORDER,
    key: KEYS.supervisor,
    body: {},
    status: 400,
    type: 'validation-error',
    pointer: '/',
  },
  {
    name: 'change: priority is a word',
    method: 'PATCH',
    path: ORDER,
    key: KEYS.supervisor,
    body: { priority: 'high' },
    status: 400,
    type: 'validation-error',
    pointer: '/priority',
  },
  {
    name: 'change: dueBy is not a date-time',
    method: 'PATCH',
    path: ORDER,
    key: KEYS.supervisor,
    body: { dueBy: 'tomorrow' },
    status: 400,
    type: 'validation-error',
    pointer: '/dueBy',
  },
  {
    name: 'change: a field that cannot be changed',
    method: 'PATCH',
    path: ORDER,
    key: KEYS.supervisor,
    body: { priority: 5, to: { location: 'DOCK-2' } },
    status: 400,
    type: 'validation-error',
    pointer: '/',
  },
  {
    name: 'change: unknown order',
    method: 'PATCH',
    path: ORDER,
    key: KEYS.supervisor,
    body: { priority: 5 },
    status: 404,
    type: 'not-found',
  },
];

describe('bad input is refused with problem+json naming the field', () => {
  let plant: Plant;
  let url: string;

  beforeAll(async () => {
    plant = await startTestPlant('bad-input');
    url = plant.orchestrator.url;
  });
  afterAll(async () => {
    await plant.cleanup();
  });

  it.each(CASES)('when $name, then $status $type', async (c) => {
    const r = await call(url, c.method ?? 'POST', c.path, {
      ...(c.key ? { key: c.key } : {}),
      ...(c.rawBody === undefined ? { body: c.body } : { rawBody: c.rawBody }),
      ...(c.headers ? { headers: c.headers } : {}),
    });
    expect(r.status).toBe(c.status);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body).toMatchObject({ type: `/problems/${c.type}`, status: c.status });
    if (c.pointer) expect(r.body.errors).toContainEqual(expect.objectContaining({ pointer: c.pointer }));
    if (c.header) expect(r.body.errors).toContainEqual(expect.objectContaining({ header: c.header }));
  });

  it('when an order id is unknown, then 404 problem', async () => {
    const r = await call(url, 'GET', '/v1/transport-orders/TO-nope', { key: KEYS.supervisor });
    expect(r.status).toBe(404);
    expect(r.body.type).toBe('/problems/not-found');
  });

  it('when bad requests came first, then good ones are still served and nothing refused was stored', async () => {
    const before = await call(url, 'GET', '/v1/transport-orders?limit=500', { key: KEYS.supervisor });
    expect(before.body.items).toEqual([]);
    const good = await call(url, 'POST', MES, { key: KEYS.mes, body: productionCompleted() });
    expect(good.status).toBe(202);
    const after = await call(url, 'GET', '/v1/transport-orders?limit=500', { key: KEYS.supervisor });
    expect(after.body.items.map((o: { id: string }) => o.id)).toEqual([good.body.id]);
  });
});
