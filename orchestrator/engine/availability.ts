import type { RobotRuntime } from './engine-types.ts';
import type { EngineContext } from './engine-context.ts';
import type { EnergyPolicy } from './energy.ts';

/**
 * True when nothing keeps the robot from a new task: reported, online, automatic, not paused (by itself or
 * a supervisor), in service, not faulted, on a known node, and idle, parking or charging (not working an
 * order). Battery aside.
 */
export function isAvailable(robot: RobotRuntime): boolean {
  return (
    robot.reported &&
    robot.connection === 'online' &&
    robot.mode === 'automatic' &&
    !robot.paused &&
    !robot.operatorPaused &&
    !robot.outOfService &&
    (robot.task === undefined || robot.task.kind === 'park' || robot.task.kind === 'charge') &&
    robot.nodeId !== undefined &&
    !robot.errors.some((e) => e.level === 'fatal')
  );
}

/** Available and standing on a node (not on an edge): a new task can start from here now. */
export function isAvailableAtRest(robot: RobotRuntime): boolean {
  return isAvailable(robot) && robot.moving === undefined;
}

/**
 * True when the robot may take an order now: available, and its battery allows it under the policy
 * (always, on a plant without chargers). A charging robot may be taken off its charger above
 * `mayLeaveAbovePct`; any other robot needs `goChargeBelowPct`.
 */
export function canWork(robot: RobotRuntime, policy: EnergyPolicy, engine: EngineContext): boolean {
  if (!isAvailable(robot)) return false;
  if (engine.chargerNodes().size === 0) return true;
  if (robot.task?.kind === 'charge')
    return robot.task.phase === 'charging' && robot.batteryPct >= policy.mayLeaveAbovePct;
  return robot.batteryPct >= policy.goChargeBelowPct;
}
