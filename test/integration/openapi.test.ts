import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { KEYS, startTestPlant, WEBHOOK_SECRET, type TestPlant } from '../support/plant-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import type { Role } from '../../orchestrator/config.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a parsed OpenAPI document

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The published description (`/openapi.json`): valid OpenAPI 3.1, and every operation in it answers. */
describe('OpenAPI description, on real Redis and HTTP', () => {
  let plant: TestPlant | undefined;
  let url: string;
  let doc: Json;
  beforeAll(async () => {
    // A subscriber nobody listens for, with one quick retry: its webhooks end in the dead-letter list.
    plant = await startTestPlant('openapi', {
      WEBHOOK_RETRIES_MS: '50',
      WEBHOOK_SUBSCRIBERS: JSON.stringify([
        {
          id: 'nowhere',
          url: 'http://127.0.0.1:9/hooks',
          secrets: [WEBHOOK_SECRET],
          events: ['transport.accepted'],
        },
      ]),
    });
    url = plant.orchestrator.url;
    const res = await fetch(`${url}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Json;
  });
  afterAll(() => plant?.cleanup());

  const operations = (): { id: string; method: string; path: string; op: Json }[] =>
    Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      METHODS.filter((m) => (item as Json)[m]).map((method) => ({
        id: (item as Json)[method].operationId as string,
        method,
        path,
        op: (item as Json)[method] as Json,
      })),
    );

  it('when /openapi.json is fetched without a key, then it validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('when the document is read, then every problem type the API can answer with is documented', () => {
    const types = doc.components.schemas.Problem.properties.type.enum as string[];
    for (const code of ['validation-error', 'unauthorized', 'forbidden', 'rate-limited', 'unprocessable'])
      expect(types).toContain(`/problems/${code}`);
    for (const type of types) expect(doc.info.description).toContain(`\`${type}\``);
  });

  it('when every documented operation is called with a valid request and a key of a role it names, then it answers its documented success with a body of the documented shape', async () => {
    const layout = (await call(url, 'GET', '/v1/layout', { key: KEYS.supervisor })).body;
    const edgeId = layout.edges[0].id as string;
    const nodeId = layout.nodes[0].id as string;
    const newOrder = async (n: string): Promise<string> => {
      const res = await call(url, 'POST', '/v1/transport-requests', {
        key: KEYS.wms,
        headers: { 'idempotency-key': `openapi-order-${n}` },
        body: { type: 'custom', from: { location: 'DOCK-1' }, to: { location: 'DOCK-2' } },
      });
      expect(res.status).toBe(202);
      return res.body.id as string;
    };
    const now = new Date().toISOString();
    // One valid call per operation id; an operation added to the API without one here fails this test.
    type Example = { params?: Json; query?: string; body?: unknown };
    const examples: Record<string, () => Example | Promise<Example>> = {
      postMesEvent: () => ({
        body: {
          eventId: 'openapi-evt-1',
          type: 'container.empty',
          occurredAt: now,
          data: { location: 'LINE-1-IN', containerType: 'EURO-PALLET' },
        },
      }),
      postTransportRequest: () => ({
        body: {
          requestId: 'openapi-req-1',
          type: 'custom',
          from: { location: 'DOCK-1' },
          to: { location: 'DOCK-2' },
        },
      }),
      listTransportOrders: () => ({ query: 'limit=5' }),
      getTransportOrder: async () => ({ params: { id: await newOrder('get') } }),
      cancelTransportOrder: async () => ({
        params: { id: await newOrder('cancel') },
        body: { mode: 'force' },
      }),
      amendTransportOrder: async () => ({ params: { id: await newOrder('amend') }, body: { priority: 7 } }),
      listRobots: () => ({}),
      getRobot: () => ({ params: { id: 'AMR-02' } }),
      listAlarms: () => ({}),
      interveneOnRobot: () => ({ params: { id: 'AMR-01', action: 'into-service' } }),
      acknowledgeAlarm: async () => {
        // No robot carries drums: the order fails at planning, with an alarm.
        const res = await call(url, 'POST', '/v1/transport-requests', {
          key: KEYS.wms,
          headers: { 'idempotency-key': 'openapi-order-alarm' },
          body: {
            type: 'custom',
            from: { location: 'DOCK-1' },
            to: { location: 'DOCK-2' },
            load: { loadType: 'chemical-drum' },
          },
        });
        const alarm = await waitFor(
          'an alarm',
          async () => {
            const list = await call(url, 'GET', '/v1/alarms', { key: KEYS.supervisor });
            return (list.body.items as { id: number; orderId?: string }[]).find(
              (a) => a.orderId === res.body.id,
            );
          },
          30_000,
        );
        return { params: { id: String(alarm.id) } };
      },
      getLayout: () => ({}),
      blockEdge: () => ({ params: { id: edgeId }, body: { blocked: false } }),
      blockNode: () => ({ params: { id: nodeId }, body: { blocked: false } }),
      listSubscriptions: () => ({}),
      addSubscription: () => ({
        body: { url: 'http://127.0.0.1:9/other', secrets: [WEBHOOK_SECRET], events: ['transport.*'] },
      }),
      removeSubscription: async () => {
        const added = await call(url, 'POST', '/v1/webhooks/subscriptions', {
          key: KEYS.admin,
          body: { url: 'http://127.0.0.1:9/gone', secrets: [WEBHOOK_SECRET], events: ['transport.failed'] },
        });
        return { params: { id: added.body.id } };
      },
      listDeadLetters: () => ({}),
      getMetrics: () => ({}),
      listKeys: () => ({}),
      addKey: () => ({ body: { role: 'wms', name: 'openapi test' } }),
      removeKey: async () => {
        const added = await call(url, 'POST', '/v1/keys', {
          key: KEYS.admin,
          body: { role: 'mes', name: 'to be revoked' },
        });
        return { params: { id: added.body.id } };
      },
      replayDeadLetter: async () => {
        await newOrder('dead-letter');
        const letter = await waitFor(
          'a dead letter',
          async () => {
            const res = await call(url, 'GET', '/v1/webhooks/dead-letters', { key: KEYS.admin });
            return (res.body.items as { id: string }[])[0];
          },
          30_000,
        );
        return { params: { id: letter.id } };
      },
    };
    const ajv = new Ajv2020({ strict: false });
    const ops = operations();
    expect(ops.map((o) => o.id).sort()).toEqual(Object.keys(examples).sort());
    for (const { id, method, path, op } of ops) {
      const example = await examples[id]!();
      // A supervisor sees every order; the intake operations name their own callers.
      const roles = op['x-roles'] as Role[];
      const role = roles.includes('supervisor') ? 'supervisor' : roles[0]!;
      const target = path.replace(/\{(\w+)\}/g, (_m, name: string) =>
        encodeURIComponent(example.params?.[name]),
      );
      const res = await call(
        url,
        method.toUpperCase(),
        `${target}${example.query ? `?${example.query}` : ''}`,
        {
          key: KEYS[role],
          ...(example.body === undefined ? {} : { body: example.body }),
          ...(op.parameters?.some((p: Json) => p.$ref)
            ? { headers: { 'idempotency-key': `openapi-${id}` } }
            : {}),
        },
      );
      const success = Object.keys(op.responses as Json).find((s) => s.startsWith('2'))!;
      expect(`${id}: ${res.status}`, JSON.stringify(res.body)).toBe(`${id}: ${success}`);
      const [mediaType, media] = Object.entries((op.responses[success].content ?? {}) as Json)[0] ?? [];
      if (mediaType) expect(res.headers.get('content-type'), id).toContain(mediaType.split(';')[0]);
      const schema = (media as Json | undefined)?.schema as Json | undefined;
      if (schema) expect(ajv.validate(schema, res.body), `${id}: ${ajv.errorsText()}`).toBe(true);
      else expect(res.body).toBeUndefined();
    }
  });

  it('when a documented request body is sent with a wrong type, then the problem names the field', async () => {
    const res = await call(url, 'PATCH', '/v1/transport-orders/nope', {
      key: KEYS.supervisor,
      body: { priority: 'high' },
    });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('/problems/validation-error');
    expect(res.body.errors[0].pointer).toBe('/priority');
  });

  it('when /docs and a problem type are opened, then the page lists every operation and the type leads to its entry', async () => {
    const page = await fetch(`${url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    for (const { method, path } of operations()) {
      expect(html).toContain(`${method.toUpperCase()}</span> <code>${path}</code>`);
    }
    const types = doc.components.schemas.Problem.properties.type.enum as string[];
    for (const type of types) expect(html).toContain(`id="problem-${type.replace('/problems/', '')}"`);
    const problem = await fetch(`${url}/problems/rate-limited`, { redirect: 'manual' });
    expect(problem.status).toBe(302);
    expect(problem.headers.get('location')).toBe('/docs#problem-rate-limited');
  });
});
