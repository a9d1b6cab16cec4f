import type { RobotRuntime, EngineOrder } from './engine-types.ts';
import type { EngineContext } from './engine-context.ts';
import type { StepContext } from './step-context.ts';
import { advanceOrder, failOrder, startLeg } from './order-flow.ts';

/** True when the robot can take a new order now. */
export function isAvailable(robot: RobotRuntime): boolean {
  return (
    robot.reported &&
    robot.connection === 'online' &&
    robot.mode === 'automatic' &&
    !robot.paused &&
    robot.task === undefined &&
    robot.nodeId !== undefined &&
    !robot.errors.some((e) => e.level === 'fatal')
  );
}

/** True when the robot's kind can carry this order at all (vehicle type aside, checked by routing). */
export function canCarry(robot: RobotRuntime, order: EngineOrder): boolean {
  if (order.intendedRobot !== undefined && order.intendedRobot !== robot.spec.id) return false;
  return order.loadType === undefined || robot.spec.loadTypes.includes(order.loadType);
}

/** Waiting orders, most urgent first: priority, then due time, then age; ties broken by id. */
export function waitingOrders(ctx: StepContext): EngineOrder[] {
  return ctx
    .allOrders()
    .filter((o) => o.status === 'planned')
    .sort(
      (a, b) =>
        b.priority - a.priority ||
        (a.dueByMs ?? Infinity) - (b.dueByMs ?? Infinity) ||
        a.createdAtMs - b.createdAtMs ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}

/**
 * Assigns waiting orders to available robots: each order in urgency order takes the robot with the
 * shortest travel time to its pickup (nearest idle robot). Issue 3 replaces this with an optimal batch
 * assignment; the seam is this function.
 */
export function dispatch(ctx: StepContext, engine: EngineContext): void {
  const free = ctx.allRobots().filter(isAvailable);
  if (free.length === 0) return;
  const blockedEdges = ctx.blocked();
  for (const order of waitingOrders(ctx)) {
    if (free.length === 0) return;
    const pickupNode = engine.stationNode(order.fromStation);
    if (pickupNode === undefined) continue;
    let best: { index: number; durationS: number } | undefined;
    free.forEach((robot, index) => {
      if (!canCarry(robot, order) || robot.nodeId === undefined) return;
      const route = engine.router.route({
        from: robot.nodeId,
        to: pickupNode,
        vehicleType: robot.spec.vehicleType,
        speedMps: robot.spec.maxSpeedMps,
        blockedEdges,
      });
      if (route && (best === undefined || route.durationS < best.durationS))
        best = { index, durationS: route.durationS };
    });
    if (best === undefined) continue;
    const [robot] = free.splice(best.index, 1);
    if (robot === undefined) continue;
    const assigned = advanceOrder(ctx, { ...order, robotId: robot.spec.id }, 'to-pickup');
    if (!startLeg(ctx, engine, robot, assigned, 'pickup')) continue;
  }
}

/**
 * Checks at planning time that some robot of the fleet could ever do the order; fails it at once with
 * `no-capable-robot` or `unreachable` instead of letting it wait forever.
 */
export function checkFeasible(ctx: StepContext, engine: EngineContext, order: EngineOrder): boolean {
  const capable = ctx.allRobots().filter((r) => canCarry(r, order));
  if (capable.length === 0) {
    failOrder(ctx, order, 'no-capable-robot', `no robot can carry order ${order.id}`);
    return false;
  }
  const from = engine.stationNode(order.fromStation);
  const to = engine.stationNode(order.toStation);
  const types = new Set(capable.map((r) => r.spec.vehicleType));
  const reachable =
    from !== undefined &&
    to !== undefined &&
    [...types].some((vehicleType) => engine.router.route({ from, to, vehicleType }) !== undefined);
  if (!reachable) {
    failOrder(ctx, order, 'unreachable', `${order.toStation} cannot be reached from ${order.fromStation}`);
    return false;
  }
  return true;
}
