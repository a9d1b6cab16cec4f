import { canEverReach } from './reachability.ts';
import { withTask } from './traffic/traffic-round.ts';
import type { FailureReason, OrderStatus } from '../domain/transport-order.ts';
import type { RobotAction } from '../domain/robot-messages.ts';
import { endOfRelease, orderIdOf, type EngineOrder, type RobotRuntime } from './engine-types.ts';
import type { EngineContext } from './engine-context.ts';
import type { StepContext } from './step-context.ts';

/** The forward path of an order once a robot has it; on-hold may jump back into any of these. */
const PROGRESSION: readonly OrderStatus[] = [
  'assigned',
  'to-pickup',
  'picking',
  'to-dropoff',
  'dropping',
  'delivered',
];

/**
 * Moves an order forward to `target`, emitting every intermediate transition so that each lifecycle
 * event (and its webhook) happens exactly once and in order. From `on-hold` it jumps straight to `target`.
 */
export function advanceOrder(ctx: StepContext, order: EngineOrder, target: OrderStatus): EngineOrder {
  if (order.status === target) return order;
  let current = order;
  const setStatus = (to: OrderStatus): void => {
    ctx.emit({
      type: 'order-transition',
      orderId: order.id,
      to,
      ...(order.robotId ? { robotId: order.robotId } : {}),
    });
    const { heldFrom: _h, heldAtMs: _a, ...rest } = current;
    current = { ...rest, status: to };
  };
  if (order.status === 'on-hold' || order.status === 'planned') {
    if (order.status === 'planned' && target !== 'assigned') setStatus('assigned');
    setStatus(target);
  } else {
    const from = PROGRESSION.indexOf(order.status);
    const to = PROGRESSION.indexOf(target);
    for (let i = from + 1; i <= to; i += 1) setStatus(PROGRESSION[i]!);
  }
  ctx.setOrder(current);
  return current;
}

export type Leg = 'pickup' | 'dropoff';

/**
 * Gives `robot` the leg to the station of `leg`, with the pick or drop to run there. Traffic releases the
 * drive edge by edge; a robot already standing on the goal gets the action at once. Returns false (and
 * fails the order as `unreachable`) when the goal cannot be reached even with every block lifted.
 */
export function startLeg(
  ctx: StepContext,
  engine: EngineContext,
  robot: RobotRuntime,
  order: EngineOrder,
  leg: Leg,
): boolean {
  const stationId = leg === 'pickup' ? order.fromStation : order.toStation;
  const goalNodeId = engine.stationNode(stationId);
  const start = endOfRelease(robot);
  // A goal closed by a block only makes the robot wait (traffic finds no way yet), loaded or not.
  const reachable =
    start !== undefined &&
    goalNodeId !== undefined &&
    canEverReach(ctx, engine, [robot.spec.vehicleType], start, goalNodeId);
  if (!reachable) {
    failOrder(ctx, order, 'unreachable', `no route for ${robot.spec.id} to ${stationId}`);
    return false;
  }
  const seq = ctx.nextSeq();
  const type = leg === 'pickup' ? 'pick' : 'drop';
  const action = { actionId: `${order.id}/${type}/${seq}`, type, stationId, loadId: order.id } as const;
  const taskId = `${order.id}/${leg}/${seq}`;
  const atGoal = robot.moving === undefined && robot.nodeId === goalNodeId;
  ctx.setRobot(
    withTask(
      robot,
      {
        kind: 'order-leg',
        orderId: order.id,
        taskId,
        goalNodeId,
        action,
        phase: atGoal ? 'acting' : 'travel',
      },
      ctx.nowMs,
    ),
  );
  if (atGoal) {
    advanceOrder(ctx, ctx.order(order.id) ?? order, leg === 'pickup' ? 'picking' : 'dropping');
    runActionHere(ctx, robot.spec.id, taskId, goalNodeId, action);
  }
  return true;
}

/** Sends the action to a robot standing on its node (a one-node segment). */
export function runActionHere(
  ctx: StepContext,
  robotId: string,
  taskId: string,
  nodeId: string,
  action: RobotAction,
): void {
  ctx.emit({
    type: 'robot',
    command: {
      type: 'release-segment',
      robotId,
      taskId,
      nodes: [{ nodeId, actions: [action] }],
      edgeIds: [],
    },
  });
}

/** Fails an order and frees its robot (if any). */
export function failOrder(ctx: StepContext, order: EngineOrder, reason: FailureReason, detail: string): void {
  ctx.emit({ type: 'order-transition', orderId: order.id, to: 'failed', reason, detail });
  ctx.emit({
    type: 'alarm',
    code: `order-${reason}`,
    severity: 'warning',
    message: `order ${order.id} failed: ${detail}`,
    orderId: order.id,
  });
  releaseRobotOf(ctx, order);
  ctx.removeOrder(order.id);
}

/** Clears the task of the robot working on `order`, if it is still that order's. */
export function releaseRobotOf(ctx: StepContext, order: EngineOrder): void {
  if (order.robotId === undefined) return;
  const robot = ctx.robot(order.robotId);
  if (!robot || orderIdOf(robot.task) !== order.id) return;
  const { task: _t, priorityMs: _p, ...rest } = robot;
  ctx.setRobot(rest);
}

/**
 * Re-issues the current leg of the order a robot holds, from what the robot reports: used after a
 * restart of the orchestrator and when a robot comes back from a fault or a lost connection.
 */
export function resumeOrder(
  ctx: StepContext,
  engine: EngineContext,
  robot: RobotRuntime,
  order: EngineOrder,
): void {
  const phase = order.status === 'on-hold' ? (order.heldFrom ?? 'to-pickup') : order.status;
  const loaded = robot.loads.includes(order.id);
  const pastPick = phase === 'to-dropoff' || phase === 'dropping';
  if (pastPick && !loaded) {
    if (phase === 'dropping') {
      const done = advanceOrder(ctx, order, 'delivered');
      releaseRobotOf(ctx, done);
      ctx.removeOrder(done.id);
    } else {
      failOrder(ctx, order, 'action-failed', `load of ${order.id} is no longer on ${robot.spec.id}`);
    }
    return;
  }
  const leg: Leg = loaded ? 'dropoff' : 'pickup';
  const goal = engine.stationNode(leg === 'pickup' ? order.fromStation : order.toStation);
  const atGoal = robot.nodeId !== undefined && robot.nodeId === goal;
  const target: OrderStatus = loaded
    ? atGoal
      ? 'dropping'
      : 'to-dropoff'
    : atGoal
      ? 'picking'
      : 'to-pickup';
  const current = advanceOrder(ctx, order, target);
  startLeg(ctx, engine, robot, current, leg);
}
