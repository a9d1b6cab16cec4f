import type { EngineOrder, RobotRuntime } from './engine-types.ts';
import type { EngineContext } from './engine-context.ts';
import type { StepContext } from './step-context.ts';
import { endOfRelease, orderIdOf, releasedActionId } from './engine-types.ts';

/** When orders change robots. */
export interface ReassignPolicy {
  /**
   * An order held because its robot faulted or dropped off before picking up goes back to the queue
   * after this long (ms), for another robot. With the load on board it waits for that robot.
   */
  readonly heldOrderAfterMs: number;
  /**
   * A robot still driving to a pickup gives its order up to a robot that has just become free when that
   * one would be there this many seconds sooner (so that near-equal robots do not trade orders back and
   * forth, and a revision is worth the reshuffle of traffic it causes).
   */
  readonly betterBySeconds: number;
}

export const DEFAULT_REASSIGN_POLICY: ReassignPolicy = { heldOrderAfterMs: 30_000, betterBySeconds: 60 };

/**
 * Puts an order back in the queue (`planned`, no robot) and frees the robot that had it (`by`: the
 * supervisor who caused it, if one did). Callers make
 * sure that robot has nothing of the order still to run: it is at rest, or the edge it drives does not
 * carry the order's action (so it just ends that edge and waits for traffic like any free robot).
 */
export function requeue(ctx: StepContext, order: EngineOrder, why: string, by?: string): EngineOrder {
  ctx.emit({
    type: 'order-transition',
    orderId: order.id,
    to: 'planned',
    detail: why,
    ...(by === undefined ? {} : { by }),
  });
  const { robotId, heldFrom: _h, heldAtMs: _a, ...rest } = order;
  const queued: EngineOrder = { ...rest, status: 'planned' };
  ctx.setOrder(queued);
  const robot = robotId === undefined ? undefined : ctx.robot(robotId);
  if (robot && orderIdOf(robot.task) === order.id) {
    const { task: _t, priorityMs: _p, ...free } = robot;
    ctx.setRobot(free);
  }
  return queued;
}

/**
 * Requeues orders held longer than the policy allows whose load is not on board: the robot that faulted
 * or dropped off keeps its place (traffic plans around it), the order goes to another robot.
 */
export function requeueHeldOrders(ctx: StepContext, policy: ReassignPolicy): void {
  // Only those on hold: a walk of every order each tick was a fifth of B3's CPU with 45,000 planned.
  for (const order of ctx.ordersOnHold()) {
    if (order.status !== 'on-hold' || order.heldAtMs === undefined) continue;
    if (ctx.nowMs - order.heldAtMs < policy.heldOrderAfterMs) continue;
    if (order.heldFrom !== 'assigned' && order.heldFrom !== 'to-pickup') continue;
    const robot = order.robotId === undefined ? undefined : ctx.robot(order.robotId);
    // With the load on board, or driving onto the pickup with the pick, the order stays with the robot.
    if (robot?.loads.includes(order.id) === true || releasedActionId(robot?.moving) !== undefined) continue;
    requeue(ctx, order, `${order.robotId ?? 'its robot'} is unavailable; the order is reassigned`);
  }
}

/**
 * Assignment revision: for each robot that is free after dispatch, the order still on its way to pickup
 * that this robot would reach soonest compared with the robot driving there now, if by at least
 * `betterBySeconds`. Returns the orders taken away (requeued, so the next dispatch gives them out).
 */
export function reviseAssignments(
  ctx: StepContext,
  engine: EngineContext,
  free: readonly RobotRuntime[],
  policy: ReassignPolicy,
): number {
  if (free.length === 0) return 0;
  const tables = engine.distances(ctx.blocked());
  // Only robots at rest give orders up: one on an edge is committed to it (and may carry the pick).
  const travelling = ctx.allRobots().filter(
    (r) =>
      r.task?.kind === 'order-leg' &&
      r.task.phase === 'travel' &&
      r.loads.length === 0 &&
      r.moving === undefined &&
      // A supervisor's pause keeps the order with its robot.
      !r.operatorPaused,
  );
  let revised = 0;
  const taken = new Set<string>();
  for (const candidate of free) {
    const at = endOfRelease(candidate);
    if (at === undefined) continue;
    let best: { order: EngineOrder; gainS: number } | undefined;
    for (const busy of travelling) {
      const task = busy.task;
      if (task?.kind !== 'order-leg' || taken.has(task.orderId)) continue;
      const order = ctx.order(task.orderId);
      if (order?.status !== 'to-pickup' || order.intendedRobot !== undefined) continue;
      if (busy.spec.vehicleType !== candidate.spec.vehicleType) continue;
      const from = busy.nodeId;
      if (from === undefined) continue;
      const theirs = tables.seconds(busy.spec.vehicleType, task.goalNodeId, from);
      const mine = tables.seconds(candidate.spec.vehicleType, task.goalNodeId, at);
      const gainS = theirs - mine;
      if (gainS >= policy.betterBySeconds && (!best || gainS > best.gainS)) best = { order, gainS };
    }
    if (!best) continue;
    taken.add(best.order.id);
    requeue(ctx, best.order, `a robot ${Math.round(best.gainS)} s nearer became free`);
    revised += 1;
  }
  return revised;
}
