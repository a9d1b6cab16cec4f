import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, productionCompleted } from '../support/api.ts';
import { KEYS, startTestPlant, WEBHOOK_SECRET } from '../support/plant-harness.ts';

type Plant = Awaited<ReturnType<typeof startTestPlant>>;

interface BadCase {
  readonly name: string;
  /** Default POST. */
  readonly method?: 'POST' | 'PATCH' | 'PUT' | 'DELETE';
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

/** A MES event of another type, with its data. */
const typed = (type: string, data: Record<string, unknown>): Record<string, unknown> => ({
  eventId: `bad-${type}-${Math.random()}`,
  type,
  occurredAt: new Date().toISOString(),
  data,
});
const requested = (data: Record<string, unknown>) =>
  typed('material.requested', {
    sku: 'SKU-100',
    quantity: 4,
    uom: 'PAL',
    deliverTo: 'LINE-1-IN',
    neededBy: new Date(Date.now() + 600_000).toISOString(),
    ...data,
  });
const hold = (data: Record<string, unknown>) =>
  typed('quality.hold', { handlingUnitId: 'HU-Q-1', location: 'LINE-1-OUT', reason: 'scratch', ...data });
const empty = (data: Record<string, unknown>) =>
  typed('container.empty', { location: 'LINE-1-IN', containerType: 'EURO-PALLET', ...data });

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
    name: 'event without eventId or Idempotency-Key',
    path: MES,
    key: KEYS.mes,
    body: { ...event({}), eventId: undefined },
    status: 400,
    type: 'validation-error',
    pointer: '/eventId',
  },
  {
    name: 'event without type',
    path: MES,
    key: KEYS.mes,
    body: { ...event({}), type: undefined },
    status: 400,
    type: 'validation-error',
    pointer: '/type',
  },
  {
    name: 'event without data',
    path: MES,
    key: KEYS.mes,
    body: { ...event({}), data: undefined },
    status: 400,
    type: 'validation-error',
    pointer: '/data',
  },
  {
    name: 'event data is a string',
    path: MES,
    key: KEYS.mes,
    body: { ...event({}), data: 'pallet' },
    status: 400,
    type: 'validation-error',
    pointer: '/data',
  },
  {
    name: 'eventId longer than 200 characters',
    path: MES,
    key: KEYS.mes,
    body: event({}, { eventId: 'e'.repeat(201) }),
    status: 400,
    type: 'validation-error',
    pointer: '/eventId',
  },
  {
    name: 'material.requested without deliverTo',
    path: MES,
    key: KEYS.mes,
    body: requested({ deliverTo: undefined }),
    status: 400,
    type: 'validation-error',
    pointer: '/data/deliverTo',
  },
  {
    name: 'material.requested neededBy not a timestamp',
    path: MES,
    key: KEYS.mes,
    body: requested({ neededBy: 'soon' }),
    status: 400,
    type: 'validation-error',
    pointer: '/data/neededBy',
  },
  {
    name: 'material.requested to an unknown line',
    path: MES,
    key: KEYS.mes,
    body: requested({ deliverTo: 'LINE-99-IN' }),
    status: 422,
    type: 'unprocessable',
    pointer: '/data/deliverTo',
  },
  {
    name: 'material.requested for zero',
    path: MES,
    key: KEYS.mes,
    body: requested({ quantity: 0 }),
    status: 422,
    type: 'unprocessable',
    pointer: '/data/quantity',
  },
  {
    name: 'quality.hold without handlingUnitId',
    path: MES,
    key: KEYS.mes,
    body: hold({ handlingUnitId: undefined }),
    status: 400,
    type: 'validation-error',
    pointer: '/data/handlingUnitId',
  },
  {
    name: 'quality.hold without a location',
    path: MES,
    key: KEYS.mes,
    body: hold({ location: undefined }),
    status: 422,
    type: 'unprocessable',
    pointer: '/data/location',
  },
  {
    name: 'quality.hold reason over 500 characters',
    path: MES,
    key: KEYS.mes,
    body: hold({ reason: 'r'.repeat(501) }),
    status: 400,
    type: 'validation-error',
    pointer: '/data/reason',
  },
  {
    name: 'container.empty without containerType',
    path: MES,
    key: KEYS.mes,
    body: empty({ containerType: undefined }),
    status: 400,
    type: 'validation-error',
    pointer: '/data/containerType',
  },
  {
    name: 'container.empty at an unknown location',
    path: MES,
    key: KEYS.mes,
    body: empty({ location: 'NOWHERE-1' }),
    status: 422,
    type: 'unprocessable',
    pointer: '/data/location',
  },
  {
    name: 'unit of measure over 20 characters',
    path: MES,
    key: KEYS.mes,
    body: event({ uom: 'U'.repeat(21) }),
    status: 400,
    type: 'validation-error',
    pointer: '/data/uom',
  },
  {
    name: 'SSCC with letters',
    path: MES,
    key: KEYS.mes,
    body: event({ sscc: '00A123456789012345' }),
    status: 422,
    type: 'unprocessable',
    pointer: '/data/sscc',
  },
  {
    name: 'quantity is null',
    path: MES,
    key: KEYS.mes,
    body: event({ quantity: null }),
    status: 400,
    type: 'validation-error',
    pointer: '/data/quantity',
  },
  {
    name: 'transport request: no source',
    path: TR,
    key: KEYS.wms,
    body: request({ from: undefined }),
    status: 400,
    type: 'validation-error',
    pointer: '/from',
  },
  {
    name: 'transport request: source names location and zone',
    path: TR,
    key: KEYS.wms,
    body: request({ from: { location: 'DOCK-1', zone: 'STORAGE' } }),
    status: 400,
    type: 'validation-error',
    pointer: '/from',
  },
  {
    name: 'transport request: empty location code',
    path: TR,
    key: KEYS.wms,
    body: request({ to: { location: '' } }),
    status: 400,
    type: 'validation-error',
    pointer: '/to/location',
  },
  {
    name: 'transport request: dueBy not a timestamp',
    path: TR,
    key: KEYS.wms,
    body: request({ dueBy: 'friday' }),
    status: 400,
    type: 'validation-error',
    pointer: '/dueBy',
  },
  {
    name: 'transport request: external ref is a number',
    path: TR,
    key: KEYS.wms,
    body: request({ externalRefs: { warehouseTask: 778 } }),
    status: 400,
    type: 'validation-error',
    pointer: '/externalRefs/warehouseTask',
  },
  {
    name: 'transport request: fractional priority',
    path: TR,
    key: KEYS.wms,
    body: request({ priority: 2.5 }),
    status: 400,
    type: 'validation-error',
    pointer: '/priority',
  },
  {
    name: 'transport request: load type over 50 characters',
    path: TR,
    key: KEYS.wms,
    body: request({ load: { loadType: 'L'.repeat(51) } }),
    status: 400,
    type: 'validation-error',
    pointer: '/load/loadType',
  },
  {
    name: 'transport request: integrator role',
    path: TR,
    key: KEYS.integrator,
    body: request({}),
    status: 403,
    type: 'forbidden',
  },
  {
    name: 'transport request: Idempotency-Key over 200 characters',
    path: TR,
    key: KEYS.wms,
    body: request({ requestId: undefined }),
    headers: { 'idempotency-key': 'k'.repeat(201) },
    status: 400,
    type: 'missing-idempotency-key',
    header: 'Idempotency-Key',
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
  {
    name: 'key: a role that does not exist',
    path: '/v1/keys',
    key: KEYS.admin,
    body: { role: 'root', name: 'x' },
    status: 400,
    type: 'validation-error',
    pointer: '/role',
  },
  {
    name: 'key: no name',
    path: '/v1/keys',
    key: KEYS.admin,
    body: { role: 'wms' },
    status: 400,
    type: 'validation-error',
    pointer: '/name',
  },
  {
    name: 'key: asked for by a supervisor',
    path: '/v1/keys',
    key: KEYS.supervisor,
    body: { role: 'admin', name: 'escalation' },
    status: 403,
    type: 'forbidden',
  },
  {
    name: 'key: revoking a configured key',
    method: 'DELETE',
    path: '/v1/keys/config:00000000',
    key: KEYS.admin,
    status: 409,
    type: 'conflicting-state',
  },
  {
    name: 'subscription: url is not http',
    path: '/v1/webhooks/subscriptions',
    key: KEYS.admin,
    body: { url: 'ftp://wms.example/hooks', secrets: [WEBHOOK_SECRET], events: ['transport.*'] },
    status: 400,
    type: 'validation-error',
    pointer: '/url',
  },
  {
    name: 'subscription: three secrets',
    path: '/v1/webhooks/subscriptions',
    key: KEYS.admin,
    body: {
      url: 'http://127.0.0.1:9/hooks',
      secrets: [WEBHOOK_SECRET, WEBHOOK_SECRET, WEBHOOK_SECRET],
      events: ['transport.*'],
    },
    status: 400,
    type: 'validation-error',
    pointer: '/secrets',
  },
  {
    name: 'subscription: unknown event',
    path: '/v1/webhooks/subscriptions',
    key: KEYS.admin,
    body: { url: 'http://127.0.0.1:9/hooks', secrets: [WEBHOOK_SECRET], events: ['transport.lost'] },
    status: 400,
    type: 'validation-error',
    pointer: '/events/0',
  },
  {
    name: 'dead letter: replay of one that does not exist',
    path: '/v1/webhooks/dead-letters/nope/replay',
    key: KEYS.admin,
    status: 404,
    type: 'not-found',
  },
  {
    name: 'block: blocked is not a boolean',
    method: 'PUT',
    path: '/v1/layout/nodes/R-03-03/blocked',
    key: KEYS.supervisor,
    body: { blocked: 'yes' },
    status: 400,
    type: 'validation-error',
    pointer: '/blocked',
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
