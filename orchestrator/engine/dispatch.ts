import { endOfRelease, type RobotRuntime, type EngineOrder } from './engine-types.ts';
import type { EngineContext } from './engine-context.ts';
import type { StepContext } from './step-context.ts';
import { advanceOrder, failOrder, startLeg } from './order-flow.ts';
import { solveAssignment } from './assignment/solve-assignment.ts';
import { canWork } from './availability.ts';
import { waitsForDependencies } from './dependencies.ts';
import { canEverReach } from './reachability.ts';
import type { EnergyPolicy } from './energy.ts';

/** True when the robot's kind can carry this order at all (vehicle type aside, checked by routing). */
export function canCarry(robot: RobotRuntime, order: EngineOrder): boolean {
  if (order.intendedRobot !== undefined && order.intendedRobot !== robot.spec.id) return false;
  return order.loadType === undefined || robot.spec.loadTypes.includes(order.loadType);
}

/** Waiting orders, most urgent first: priority and time waited, then due time, then age; ties broken by id. */
export function waitingOrders(ctx: StepContext): EngineOrder[] {
  return ctx
    .allOrders()
    .filter((o) => o.status === 'planned' && !waitsForDependencies(o))
    .sort(
      (a, b) =>
        urgencyS(b, ctx.nowMs) - urgencyS(a, ctx.nowMs) ||
        (a.dueByMs ?? Infinity) - (b.dueByMs ?? Infinity) ||
        a.createdAtMs - b.createdAtMs ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}

/** Seconds of travel one priority step is worth: a priority-9 order beats a priority-1 order 8 minutes nearer. */
const PRIORITY_WEIGHT_S = 60;
/** Each second an order would be late costs this many seconds of travel. */
const LATENESS_WEIGHT = 2;
/** Each second an order has waited takes this many seconds off its cost, so no order waits forever behind more urgent ones. */
const WAITING_WEIGHT = 0.5;
/** A robot at 0 % battery costs this many extra seconds (linear): fuller robots are preferred. */
const BATTERY_WEIGHT_S = 30;
/** At most this many of the most urgent waiting orders enter one assignment round. */
const MAX_ORDERS_PER_ROUND = 500;

/** How urgent an order is, in seconds of travel: its priority plus the time it has waited. */
function urgencyS(order: EngineOrder, nowMs: number): number {
  return (
    order.priority * PRIORITY_WEIGHT_S + (Math.max(0, nowMs - order.createdAtMs) / 1000) * WAITING_WEIGHT
  );
}

/**
 * The cost of `robot` doing `order`: travel time to the pickup, minus the order's priority and the time it
 * has waited, plus its lateness against `dueBy` and a battery penalty; Infinity when the robot cannot do it.
 */
export function assignmentCost(
  ctx: StepContext,
  engine: EngineContext,
  robot: RobotRuntime,
  order: EngineOrder,
): number {
  if (!canCarry(robot, order)) return Infinity;
  const pickup = engine.stationNode(order.fromStation);
  const start = endOfRelease(robot);
  if (pickup === undefined || start === undefined) return Infinity;
  const travelS = engine.distances(ctx.blocked()).seconds(robot.spec.vehicleType, pickup, start);
  if (!Number.isFinite(travelS)) return Infinity;
  const lateS =
    order.dueByMs === undefined ? 0 : Math.max(0, ctx.nowMs + travelS * 1000 - order.dueByMs) / 1000;
  return (
    travelS -
    urgencyS(order, ctx.nowMs) +
    lateS * LATENESS_WEIGHT +
    ((100 - robot.batteryPct) / 100) * BATTERY_WEIGHT_S
  );
}

/**
 * Assigns waiting orders to available robots in one batch, minimising the summed cost (optimal
 * assignment, not first-come nearest robot). Orders beyond the fleet's size wait for the next round.
 */
export function dispatch(ctx: StepContext, engine: EngineContext, policy: EnergyPolicy): void {
  const robots = ctx.allRobots().filter((r) => canWork(r, policy, engine));
  if (robots.length === 0) return;
  // A station takes one robot at a time: an order whose pickup a robot is already driving to, or whose
  // drop another order will deliver to, waits, instead of sending a second robot to queue on the road at
  // the station's entrance (blocking everyone). A drop is claimed from assignment until the robot bound
  // for it arrives; once that robot stands at the station and works, the next may set off.
  const driving = new Set<string>();
  const standing = new Map<string, string>();
  for (const r of ctx.allRobots()) {
    if (r.task?.kind === 'order-leg' && r.task.phase === 'travel') driving.add(r.task.goalNodeId);
    // Nor does another robot go to a station a robot stands on: two robots in neighbouring dead-end
    // stations, each sent to the other's, can only swap through the one aisle node they share.
    if (r.nodeId !== undefined && r.moving === undefined && engine.isStationNode(r.nodeId))
      standing.set(r.nodeId, r.spec.id);
  }
  const drops = new Set<string>();
  for (const o of ctx.allOrders()) {
    if (o.status !== 'to-pickup' && o.status !== 'picking' && o.status !== 'to-dropoff') continue;
    const node = engine.stationNode(o.toStation);
    if (node !== undefined) drops.add(node);
  }
  const pickups = new Set<string>();
  const orders = waitingOrders(ctx)
    .filter((o) => {
      const pickup = engine.stationNode(o.fromStation);
      const drop = engine.stationNode(o.toStation);
      if (pickup === undefined || drop === undefined) return false;
      if (driving.has(pickup) || pickups.has(pickup) || drops.has(drop)) return false;
      // Only the most urgent waiting order per pickup and per drop enters this round.
      pickups.add(pickup);
      drops.add(drop);
      return true;
    })
    .slice(0, MAX_ORDERS_PER_ROUND);
  if (orders.length === 0) return;
  const cost = new Float64Array(orders.length * robots.length);
  orders.forEach((order, r) => {
    const there = standing.get(engine.stationNode(order.fromStation) ?? '');
    robots.forEach((robot, c) => {
      cost[r * robots.length + c] =
        there !== undefined && there !== robot.spec.id ? Infinity : assignmentCost(ctx, engine, robot, order);
    });
  });
  const { rowToCol } = solveAssignment(cost, orders.length, robots.length);
  orders.forEach((order, r) => {
    const c = rowToCol[r] ?? -1;
    const robot = c >= 0 ? robots[c] : undefined;
    if (!robot) return;
    const assigned = advanceOrder(ctx, { ...order, robotId: robot.spec.id }, 'to-pickup');
    startLeg(ctx, engine, ctx.robot(robot.spec.id) ?? robot, assigned, 'pickup');
  });
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
  const types = [...new Set(capable.map((r) => r.spec.vehicleType))];
  const reachable = from !== undefined && to !== undefined && canEverReach(ctx, engine, types, from, to);
  if (!reachable) {
    failOrder(ctx, order, 'unreachable', `${order.toStation} cannot be reached from ${order.fromStation}`);
    return false;
  }
  return true;
}
