import { Router } from 'express';
import type { TransportOrder } from '../../domain/transport-order.ts';
import type { RobotRuntime } from '../../engine/engine-types.ts';
import type { OrderStore } from '../../store/order-store.ts';
import type { Alarm } from '../../services/engine-runtime.ts';
import { principalOf, requireRole } from '../auth.ts';
import type { Role } from '../../config.ts';
import { ProblemError, zodFieldErrors } from '../problem.ts';
import { orderListQuery } from '../schemas.ts';
import { rolesOf } from '../operations.ts';
import { publicRobot } from '../public-robot.ts';

export interface QueryRouteDeps {
  readonly store: OrderStore;
  readonly robots: () => readonly RobotRuntime[];
  readonly alarms: () => readonly Alarm[];
}

/** `mes` and `wms` see the orders their own system created; the other roles see all. */
export function visibleTo(role: Role, order: TransportOrder): boolean {
  if (role === 'mes') return order.sourceSystem === 'MES';
  if (role === 'wms') return order.sourceSystem === 'WMS';
  return true;
}

export function queryRoutes(deps: QueryRouteDeps): Router {
  const router = Router();

  router.get('/transport-orders', requireRole(...rolesOf('listTransportOrders')), async (req, res) => {
    const q = orderListQuery.safeParse(req.query);
    if (!q.success)
      throw new ProblemError(
        'validation-error',
        'invalid query',
        zodFieldErrors(q.error).map((e) => ('pointer' in e ? { ...e, pointer: `/query${e.pointer}` } : e)),
      );
    const role = principalOf(req).role;
    const page = await deps.store.list({
      limit: q.data.limit,
      ...(q.data.status ? { status: q.data.status } : {}),
      ...(q.data.since ? { sinceMs: Date.parse(q.data.since) } : {}),
      ...(q.data.cursor ? { cursor: q.data.cursor } : {}),
    });
    const items = page.orders.filter((o) => visibleTo(role, o));
    const next = page.nextCursor
      ? `/v1/transport-orders?${new URLSearchParams({ ...stringQuery(req.query), cursor: page.nextCursor }).toString()}`
      : undefined;
    res.json({ items, ...(next ? { links: { next } } : {}) });
  });

  router.get('/transport-orders/:id', requireRole(...rolesOf('getTransportOrder')), async (req, res) => {
    const order = await deps.store.get(req.params.id as string);
    if (!order || !visibleTo(principalOf(req).role, order))
      throw new ProblemError('not-found', `no transport order ${String(req.params.id)}`);
    res.json(order);
  });

  router.get('/robots', requireRole(...rolesOf('listRobots')), (_req, res) => {
    res.json({ items: deps.robots().map(publicRobot) });
  });

  router.get('/alarms', requireRole(...rolesOf('listAlarms')), (_req, res) => {
    res.json({ items: deps.alarms() });
  });

  return router;
}

function stringQuery(query: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}
