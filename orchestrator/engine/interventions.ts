import type { RobotId } from '../domain/robot.ts';
import {
  endOfRelease,
  orderIdOf,
  releasedActionId,
  type InterventionRefusal,
  type RobotIntervention,
  type RobotRuntime,
} from './engine-types.ts';
import type { EngineContext } from './engine-context.ts';
import type { StepContext } from './step-context.ts';
import { withTask } from './traffic/traffic-round.ts';
import { nearestFreeCharger, sendToCharge } from './energy.ts';
import { canEverReach } from './reachability.ts';
import { requeue } from './reassign.ts';

/**
 * A supervisor's intervention on one robot (`POST /v1/robots/{id}/{action}`). Returns why it was refused,
 * in which case nothing changed (the checks come before any change); undefined when it was applied.
 *
 * - `pause` / `resume`: sends the robot `pause` / `resume` and sets / clears its operator pause, which
 *   keeps traffic from releasing anything to it and dispatch from giving it a task (its own `paused`
 *   comes from its reports and would be undone by the next one). Its order stays with it. Its `paused`
 *   becomes what it was told (as a release sets `moving` before the robot reports it), so the robot reads
 *   as paused, or not, from the command on; its next report says what it really is.
 * - `charge`: to the nearest free charger (the energy policy's charge task); refused while it has an order.
 * - `park`: to its home node; refused while it has an order.
 * - `out-of-service`: no new tasks; an order it has goes back to the queue for another robot (the robot is
 *   told to drop its task), unless the load is on board or being picked: then it finishes that order.
 *   `into-service` undoes it.
 */
export function intervene(
  ctx: StepContext,
  engine: EngineContext,
  robotId: RobotId,
  action: RobotIntervention,
  by?: string,
): InterventionRefusal | undefined {
  const robot = ctx.robot(robotId);
  if (!robot) return { reason: 'unknown-robot', detail: `no robot ${robotId} in the fleet` };
  switch (action) {
    case 'pause':
      ctx.setRobot({ ...robot, operatorPaused: true, paused: true });
      ctx.emit({ type: 'robot', command: { type: 'pause', robotId } });
      return undefined;
    case 'resume':
      // Waiting paused is no stall: its progress clock restarts, so it does not claim the front at once.
      ctx.setRobot({
        ...robot,
        operatorPaused: false,
        paused: false,
        ...(robot.progressMs === undefined ? {} : { progressMs: ctx.nowMs }),
      });
      ctx.emit({ type: 'robot', command: { type: 'resume', robotId } });
      return undefined;
    case 'charge':
      return charge(ctx, engine, robot);
    case 'park':
      return park(ctx, engine, robot);
    case 'out-of-service': {
      if (robot.outOfService) return undefined;
      const out: RobotRuntime = { ...robot, outOfService: true };
      ctx.setRobot(out);
      handBackOrder(ctx, out, by);
      return undefined;
    }
    case 'into-service':
      ctx.setRobot({ ...robot, outOfService: false });
      return undefined;
  }
}

/** Why the robot cannot be given a charge or park task now, if it cannot. */
function refuseTask(robot: RobotRuntime, what: string): InterventionRefusal | undefined {
  const id = robot.spec.id;
  const orderId = orderIdOf(robot.task);
  if (orderId !== undefined)
    return { reason: 'not-allowed', detail: `${id} works on order ${orderId}; it cannot ${what} now` };
  if (robot.connection !== 'online' || !robot.reported)
    return { reason: 'not-allowed', detail: `${id} is ${robot.connection}; it cannot ${what} now` };
  if (endOfRelease(robot) === undefined)
    return { reason: 'not-allowed', detail: `${id} does not know where it is; it cannot ${what} now` };
  return undefined;
}

function charge(
  ctx: StepContext,
  engine: EngineContext,
  robot: RobotRuntime,
): InterventionRefusal | undefined {
  const refused = refuseTask(robot, 'go to charge');
  if (refused) return refused;
  if (robot.task?.kind === 'charge') return undefined; // on its way or charging already
  const chargers = engine.chargerNodes();
  const standing = robot.moving === undefined ? robot.nodeId : undefined;
  const here = standing !== undefined && chargers.has(standing) ? standing : undefined;
  const charger = here ?? nearestFreeCharger(ctx, engine, robot);
  if (charger === undefined)
    return {
      reason: 'not-allowed',
      detail:
        chargers.size === 0
          ? 'the plant has no charger'
          : `no free charger ${robot.spec.id} can reach now; every charger is taken or blocked`,
    };
  sendToCharge(ctx, robot, charger);
  return undefined;
}

function park(ctx: StepContext, engine: EngineContext, robot: RobotRuntime): InterventionRefusal | undefined {
  const refused = refuseTask(robot, 'park');
  if (refused) return refused;
  const home = robot.spec.homeNode;
  const at = endOfRelease(robot)!;
  if (!canEverReach(ctx, engine, [robot.spec.vehicleType], at, home))
    return { reason: 'not-allowed', detail: `${robot.spec.id} cannot reach its home node ${home}` };
  if (robot.moving === undefined && robot.nodeId === home) {
    // Home already: whatever it was bound for (a parking spot, a charger) is given up; it stays.
    const { task: _t, priorityMs: _p, ...idle } = robot;
    ctx.setRobot(idle);
    return undefined;
  }
  // A charging robot stops charging with the release that takes it away (see traffic's `release`).
  ctx.setRobot(withTask(robot, { kind: 'park', goalNodeId: home }, ctx.nowMs));
  return undefined;
}

/**
 * The order of a robot taken out of service goes back to the queue, the robot told to drop its task: only
 * before the pick (order `assigned` / `to-pickup`, or on hold from there), with nothing on board, and not
 * while it drives onto the pickup with the pick released (it may be picking by the time the cancel comes:
 * the load would leave with it). Otherwise it keeps the order and finishes it.
 */
function handBackOrder(ctx: StepContext, robot: RobotRuntime, by: string | undefined): void {
  const orderId = orderIdOf(robot.task);
  const order = orderId === undefined ? undefined : ctx.order(orderId);
  if (!order) return;
  const phase = order.status === 'on-hold' ? order.heldFrom : order.status;
  if (phase !== 'assigned' && phase !== 'to-pickup') return;
  if (robot.loads.includes(order.id) || releasedActionId(robot.moving) !== undefined) return;
  ctx.emit({ type: 'robot', command: { type: 'cancel-task', robotId: robot.spec.id } });
  // On an edge it ends that edge and stops (its release carries no action of the order).
  if (robot.moving) ctx.setRobot({ ...robot, moving: { ...robot.moving, cancelled: true } });
  requeue(
    ctx,
    order,
    `${robot.spec.id} was taken out of service${by === undefined ? '' : ` by ${by}`}; the order is reassigned`,
    by,
  );
}
