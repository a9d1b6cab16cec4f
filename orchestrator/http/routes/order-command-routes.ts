import { Router, type Request } from 'express';
import type { TransportOrder } from '../../domain/transport-order.ts';
import { isDone } from '../../domain/order-lifecycle.ts';
import type { OrderService } from '../../services/order-service.ts';
import { OrderNotFoundError } from '../../store/order-store.ts';
import { principalOf, requireRole } from '../auth.ts';
import { ProblemError, zodFieldErrors } from '../problem.ts';
import { amendBody, cancelBody } from '../schemas.ts';
import { rolesOf } from '../operations.ts';
import { visibleTo } from './query-routes.ts';

export interface OrderCommandRouteDeps {
  readonly orders: OrderService;
  /** Cancels through the engine's queue (see EngineRuntime.cancel); resolves once stored. */
  readonly cancelOrder: (id: string, mode: 'normal' | 'force', by: string) => Promise<void>;
  /** Hands a new priority or due time to the engine. */
  readonly reprioritize: (order: TransportOrder) => Promise<void>;
}

/**
 * `POST /v1/transport-orders/{id}/cancel` and `PATCH /v1/transport-orders/{id}` (priority, dueBy): the
 * MES and WMS for their own orders, supervisors for all. Each change lands in the order's history with
 * the key's name.
 */
export function orderCommandRoutes(deps: OrderCommandRouteDeps): Router {
  const router = Router();

  /** The order, if the caller may see it; 404 otherwise (a MES key does not learn of WMS orders). */
  const visibleOrder = async (req: Request): Promise<TransportOrder> => {
    const id = String(req.params.id);
    const order = await deps.orders.get(id);
    if (!order || !visibleTo(principalOf(req).role, order))
      throw new ProblemError('not-found', `no transport order ${id}`);
    return order;
  };

  router.post(
    '/transport-orders/:id/cancel',
    requireRole(...rolesOf('cancelTransportOrder')),
    async (req, res) => {
      const body = cancelBody.safeParse(req.body ?? {});
      if (!body.success)
        throw new ProblemError('validation-error', 'invalid cancel request', zodFieldErrors(body.error));
      const order = await visibleOrder(req);
      const { mode } = body.data;
      refuseCancel(order, mode);
      await deps.cancelOrder(order.id, mode, principalOf(req).name);
      const after = (await deps.orders.get(order.id))!;
      // The order moved on while we asked (picked up, started its drop, finished): say where it is now.
      if (after.status !== 'cancelled') refuseCancel(after, mode, true);
      res.json(after);
    },
  );

  router.patch('/transport-orders/:id', requireRole(...rolesOf('amendTransportOrder')), async (req, res) => {
    const body = amendBody.safeParse(req.body);
    if (!body.success)
      throw new ProblemError('validation-error', 'invalid order change', zodFieldErrors(body.error));
    const order = await visibleOrder(req);
    const change = {
      ...(body.data.priority === undefined ? {} : { priority: body.data.priority }),
      ...(body.data.dueBy === undefined ? {} : { dueBy: body.data.dueBy }),
    };
    let amended: TransportOrder | undefined;
    try {
      amended = await deps.orders.amend(order.id, change, principalOf(req).name);
    } catch (err) {
      if (err instanceof OrderNotFoundError)
        throw new ProblemError('not-found', `no transport order ${order.id}`);
      throw err;
    }
    if (!amended)
      throw new ProblemError(
        'conflicting-state',
        `order ${order.id} is ${order.status}: nothing left to change`,
      );
    await deps.reprioritize(amended);
    res.json(amended);
  });

  return router;
}

/** 409 for an order that cannot be cancelled (now), naming why; `late` when it changed under the request. */
function refuseCancel(order: TransportOrder, mode: 'normal' | 'force', late = false): void {
  const state = `order ${order.id} is ${order.status}${late ? ' now' : ''}`;
  if (isDone(order.status)) throw new ProblemError('conflicting-state', `${state}: it has ended`);
  if (order.status === 'dropping')
    throw new ProblemError('conflicting-state', `${state}: the drop under way runs to its end`);
  if (mode === 'normal' && (order.status === 'picking' || order.status === 'to-dropoff'))
    throw new ProblemError(
      'conflicting-state',
      `${state}: the load is on the robot; cancel with mode force`,
      [{ pointer: '/mode', detail: 'force is needed once the load is on board' }],
    );
  if (late) throw new ProblemError('conflicting-state', `${state}: not cancelled`);
}
