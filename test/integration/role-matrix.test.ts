import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { KEYS, startTestPlant, WEBHOOK_SECRET, type TestPlant } from '../support/plant-harness.ts';
import { ROLES, type Role } from '../../orchestrator/config.ts';

/**
 * Each role against each route (contract, "Roles"), written out here rather than read from the code, so a
 * route that opens to a role by mistake fails. `mes` and `wms` may post their own kind of request and
 * read, cancel and change their own orders; `supervisor` runs the plant; `integrator` reads everything
 * and manages the layout; `admin` manages keys and subscribers and may read; dead-lettered webhooks are
 * for admins and supervisors (who see their alarm); `metrics` (a scraper) reads `/metrics` and nothing else,
 * which admins may read too.
 */
const MATRIX: readonly { route: string; allowed: readonly Role[] }[] = [
  { route: 'POST /v1/mes/events', allowed: ['mes'] },
  { route: 'POST /v1/transport-requests', allowed: ['wms', 'mes', 'supervisor'] },
  { route: 'GET /v1/transport-orders', allowed: ['mes', 'wms', 'supervisor', 'integrator', 'admin'] },
  { route: 'GET /v1/transport-orders/{order}', allowed: ['mes', 'wms', 'supervisor', 'integrator', 'admin'] },
  { route: 'POST /v1/transport-orders/{order}/cancel', allowed: ['mes', 'wms', 'supervisor'] },
  { route: 'PATCH /v1/transport-orders/{order}', allowed: ['mes', 'wms', 'supervisor'] },
  { route: 'GET /v1/robots', allowed: ['supervisor', 'integrator', 'admin'] },
  { route: 'GET /v1/robots/{robot}', allowed: ['supervisor', 'integrator', 'admin'] },
  { route: 'GET /v1/alarms', allowed: ['supervisor', 'integrator', 'admin'] },
  { route: 'GET /v1/layout', allowed: ['supervisor', 'integrator', 'admin'] },
  { route: 'PUT /v1/layout/edges/{edge}/blocked', allowed: ['supervisor', 'integrator'] },
  { route: 'PUT /v1/layout/nodes/{node}/blocked', allowed: ['supervisor', 'integrator'] },
  { route: 'GET /v1/webhooks/subscriptions', allowed: ['admin'] },
  { route: 'POST /v1/webhooks/subscriptions', allowed: ['admin'] },
  { route: 'DELETE /v1/webhooks/subscriptions/{subscription}', allowed: ['admin'] },
  { route: 'GET /v1/webhooks/dead-letters', allowed: ['admin', 'supervisor'] },
  { route: 'POST /v1/webhooks/dead-letters/{letter}/replay', allowed: ['admin', 'supervisor'] },
  { route: 'GET /v1/keys', allowed: ['admin'] },
  { route: 'POST /v1/keys', allowed: ['admin'] },
  { route: 'DELETE /v1/keys/{key}', allowed: ['admin'] },
  { route: 'GET /metrics', allowed: ['metrics', 'admin'] },
];

/** A body each route accepts when the role may call it (harmless: unblocks what is open, cancels nothing). */
const BODIES: Record<string, (role: Role) => unknown> = {
  'POST /v1/mes/events': (role) => ({
    eventId: `matrix-${role}`,
    type: 'container.empty',
    occurredAt: new Date().toISOString(),
    data: { location: 'LINE-1-IN', containerType: 'EURO-PALLET' },
  }),
  'POST /v1/transport-requests': () => ({
    type: 'custom',
    from: { location: 'DOCK-1' },
    to: { location: 'DOCK-2' },
  }),
  'POST /v1/transport-orders/{order}/cancel': () => ({ mode: 'normal' }),
  'PATCH /v1/transport-orders/{order}': () => ({ priority: 4 }),
  'PUT /v1/layout/edges/{edge}/blocked': () => ({ blocked: false }),
  'PUT /v1/layout/nodes/{node}/blocked': () => ({ blocked: false }),
  'POST /v1/keys': (role) => ({ role: 'wms', name: `matrix test by ${role}` }),
  'POST /v1/webhooks/subscriptions': () => ({
    url: 'http://127.0.0.1:9/matrix',
    secrets: [WEBHOOK_SECRET],
    events: ['transport.failed'],
  }),
};

describe('role matrix: every role against every route, on real Redis and HTTP', () => {
  let plant: TestPlant | undefined;
  let url: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    plant = await startTestPlant('role-matrix');
    url = plant.orchestrator.url;
    const layout = (await call(url, 'GET', '/v1/layout', { key: KEYS.supervisor })).body;
    ids.edge = layout.edges[0].id as string;
    ids.node = layout.nodes[0].id as string;
    const order = await call(url, 'POST', '/v1/transport-requests', {
      key: KEYS.supervisor,
      headers: { 'idempotency-key': 'matrix-order' },
      body: { type: 'custom', from: { location: 'DOCK-1' }, to: { location: 'DOCK-2' }, priority: 0 },
    });
    ids.order = order.body.id as string;
    ids.robot = 'AMR-01';
    // Unknown ids: an allowed role gets 404, a refused one 403 before the look-up.
    ids.subscription = 'sub_unknown';
    ids.letter = 'unknown-letter';
    ids.key = 'key_unknown';
  });
  afterAll(() => plant?.cleanup());

  for (const { route, allowed } of MATRIX)
    for (const role of ROLES) {
      const may = allowed.includes(role);
      it(`when ${role} calls ${route}, then it is ${may ? 'let through' : 'refused with 403'}`, async () => {
        const [method, template] = route.split(' ') as [string, string];
        const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => ids[name]!);
        const body = BODIES[route]?.(role);
        const res = await call(url, method, path, {
          key: KEYS[role],
          headers: { 'idempotency-key': `matrix-${role}-${route}` },
          ...(body === undefined ? {} : { body }),
        });
        if (may) {
          expect(res.status, JSON.stringify(res.body)).not.toBe(403);
          expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
          expect(res.status).not.toBe(401);
        } else {
          expect(res.status).toBe(403);
          expect(res.body.type).toBe('/problems/forbidden');
        }
      });
    }

  it('when a request carries no key or an unknown key, then every route answers 401', async () => {
    for (const { route } of MATRIX) {
      const [method, template] = route.split(' ') as [string, string];
      const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => ids[name]!);
      for (const key of [undefined, 'not-a-key-at-all']) {
        const res = await call(url, method, path, key === undefined ? {} : { key });
        expect(`${route} ${res.status}`).toBe(`${route} 401`);
        expect(res.body.type).toBe('/problems/unauthorized');
      }
    }
  });
});
