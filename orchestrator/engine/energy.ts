import { withTask } from './traffic/traffic-round.ts';
import type { NodeId } from '../domain/layout.ts';
import { endOfRelease, nodesHeldBy, type RobotRuntime } from './engine-types.ts';
import type { EngineContext } from './engine-context.ts';
import type { StepContext } from './step-context.ts';
import { runActionHere } from './order-flow.ts';
import { isAvailableAtRest } from './availability.ts';

/**
 * When robots charge (battery in percent). Between `goChargeBelowPct` and `mayLeaveAbovePct` a robot on
 * a charger stays there; above it the dispatcher may take it off for an order.
 */
export interface EnergyPolicy {
  /** A robot below this takes no new order and goes to charge (an order under way is finished first). */
  readonly goChargeBelowPct: number;
  /** A charging robot above this may be interrupted for an order (or to free the charger). */
  readonly mayLeaveAbovePct: number;
  /** Charging ends here; the robot stays on the charger, idle, until it is needed. */
  readonly fullPct: number;
  /** An idle robot below this charges at a free charger instead of parking (opportunistic charging). */
  readonly opportunisticBelowPct: number;
}

export const DEFAULT_ENERGY_POLICY: EnergyPolicy = {
  goChargeBelowPct: 30,
  mayLeaveAbovePct: 60,
  fullPct: 95,
  opportunisticBelowPct: 80,
};

/**
 * Runs the energy policy once per tick, before dispatch: ends charging at `fullPct`; sends robots below
 * `goChargeBelowPct` (idle or parking) to the nearest free charger, reserving it; when every charger is
 * taken, frees the one whose robot is fullest (above `mayLeaveAbovePct`, not needed elsewhere) by sending
 * that robot to park.
 */
export function manageEnergy(ctx: StepContext, engine: EngineContext, policy: EnergyPolicy): void {
  const chargers = engine.chargerNodes();
  if (chargers.size === 0) return;
  for (const robot of ctx.allRobots()) {
    if (
      robot.task?.kind === 'charge' &&
      robot.task.phase === 'charging' &&
      robot.batteryPct >= policy.fullPct
    ) {
      const { task: _t, priorityMs: _p, ...idle } = robot;
      ctx.setRobot(idle);
    }
  }
  const needy = ctx
    .allRobots()
    .filter(
      (r) =>
        isAvailableAtRest(r) &&
        (r.task === undefined || r.task.kind === 'park') &&
        r.batteryPct < policy.goChargeBelowPct &&
        !r.charging,
    )
    .sort((a, b) => a.batteryPct - b.batteryPct || (a.spec.id < b.spec.id ? -1 : 1));
  for (const robot of needy) {
    // Already on a charger (parked there idle): charge where it stands.
    const here = chargers.has(robot.nodeId!) ? robot.nodeId : undefined;
    const charger = here ?? nearestFreeCharger(ctx, engine, robot) ?? freeFullestCharger(ctx, engine, policy);
    if (charger !== undefined) sendToCharge(ctx, robot, charger);
  }
}

/** Gives `robot` a charge task at `charger` (reserved by the task); starts charging at once when it stands there. */
export function sendToCharge(ctx: StepContext, robot: RobotRuntime, charger: NodeId): void {
  const seq = ctx.nextSeq();
  const taskId = `${robot.spec.id}/charge/${seq}`;
  const action = { actionId: `${taskId}/start`, type: 'start-charging' } as const;
  const here = robot.moving === undefined && robot.nodeId === charger;
  ctx.setRobot(
    withTask(
      robot,
      { kind: 'charge', taskId, goalNodeId: charger, action, phase: here ? 'charging' : 'travel' },
      ctx.nowMs,
    ),
  );
  if (here) runActionHere(ctx, robot.spec.id, taskId, charger, action);
}

/** Of `nodes`, those no robot stands on, drives to, or is bound for (park or charge goal). */
export function unclaimed(ctx: StepContext, nodes: ReadonlySet<NodeId>): Set<NodeId> {
  const free = new Set(nodes);
  for (const r of ctx.allRobots()) {
    if (r.nodeId !== undefined) free.delete(r.nodeId);
    if (r.moving) for (const n of nodesHeldBy(r.moving)) free.delete(n);
    if (r.task?.kind === 'park' || r.task?.kind === 'charge') free.delete(r.task.goalNodeId);
  }
  return free;
}

/** The free charger nearest to `robot` by travel time, if one is reachable. */
export function nearestFreeCharger(
  ctx: StepContext,
  engine: EngineContext,
  robot: RobotRuntime,
): NodeId | undefined {
  const at = endOfRelease(robot);
  if (at === undefined) return undefined;
  return engine.nearest(robot.spec.vehicleType, at, unclaimed(ctx, engine.chargerNodes()), ctx.blocked());
}

/**
 * Frees the charger of the fullest idle robot above `mayLeaveAbovePct` by sending it to park (the
 * release that moves it stops charging first); returns that charger, reserved for the caller.
 */
function freeFullestCharger(
  ctx: StepContext,
  engine: EngineContext,
  policy: EnergyPolicy,
): NodeId | undefined {
  const chargers = engine.chargerNodes();
  const occupant = ctx
    .allRobots()
    .filter(
      (r) =>
        isAvailableAtRest(r) &&
        chargers.has(r.nodeId!) &&
        (r.task === undefined || (r.task.kind === 'charge' && r.task.phase === 'charging')) &&
        r.batteryPct >= policy.mayLeaveAbovePct,
    )
    .sort((a, b) => b.batteryPct - a.batteryPct || (a.spec.id < b.spec.id ? -1 : 1))[0];
  if (!occupant) return undefined;
  const spot = engine.nearest(
    occupant.spec.vehicleType,
    occupant.nodeId!,
    unclaimed(ctx, engine.restNodes()),
    ctx.blocked(),
  );
  if (spot === undefined) return undefined;
  ctx.setRobot(withTask(occupant, { kind: 'park', goalNodeId: spot }, ctx.nowMs));
  return occupant.nodeId!;
}
