import { withTask } from './traffic/traffic-round.ts';
import type { EngineContext } from './engine-context.ts';
import type { StepContext } from './step-context.ts';
import { isAvailableAtRest } from './availability.ts';
import { type EnergyPolicy, sendToCharge, unclaimed } from './energy.ts';

/**
 * Gives robots that have nothing to do a place to wait, so idle robots never stand in an aisle: a free
 * charger when the battery is below `opportunisticBelowPct` (opportunistic charging), else the nearest
 * free parking spot. Robots already on a charger stay; so do robots on a parking spot that need no charge.
 */
export function parkIdleRobots(ctx: StepContext, engine: EngineContext, policy: EnergyPolicy): void {
  const spots = engine.restNodes();
  const chargers = engine.chargerNodes();
  if (spots.size === 0 && chargers.size === 0) return;
  let freeSpots: Set<string> | undefined;
  let freeChargers: Set<string> | undefined;
  const blocked = ctx.blocked();
  for (const robot of ctx.allRobots()) {
    if (!isAvailableAtRest(robot) || robot.task !== undefined) continue;
    const at = robot.nodeId!;
    if (chargers.has(at)) continue;
    if (robot.batteryPct < policy.opportunisticBelowPct && chargers.size > 0) {
      freeChargers ??= unclaimed(ctx, chargers);
      const charger = engine.nearest(robot.spec.vehicleType, at, freeChargers, blocked);
      if (charger !== undefined) {
        freeChargers.delete(charger);
        sendToCharge(ctx, robot, charger);
        continue;
      }
    }
    if (spots.has(at)) continue;
    freeSpots ??= unclaimed(ctx, spots);
    const spot = engine.nearest(robot.spec.vehicleType, at, freeSpots, blocked);
    if (spot === undefined) continue;
    freeSpots.delete(spot);
    ctx.setRobot(withTask(robot, { kind: 'park', goalNodeId: spot }, ctx.nowMs));
  }
}
