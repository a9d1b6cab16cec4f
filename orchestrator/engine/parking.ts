import type { NodeId } from '../domain/layout.ts';
import { withTask } from './traffic/traffic-round.ts';
import type { EngineContext } from './engine-context.ts';
import type { EngineWarning } from './engine-types.ts';
import type { StepContext } from './step-context.ts';
import { isAvailableAtRest } from './availability.ts';
import { type EnergyPolicy, sendToCharge, unclaimed } from './energy.ts';

/**
 * Gives robots that have nothing to do a place to wait, so idle robots never stand in an aisle or on a
 * station's node: a free charger when the battery is below `opportunisticBelowPct` (opportunistic
 * charging), else the nearest free parking spot. Robots already on a charger stay; so do robots on a
 * parking spot that need no charge. When no parking spot is free, a robot standing on a station's node
 * (a bin it has just served, say) goes to the nearest free waiting node (`EngineContext.waitingNodes`);
 * with none free it tries again on the next tick. An idle robot on any other node waits where it is.
 */
export function parkIdleRobots(ctx: StepContext, engine: EngineContext, policy: EnergyPolicy): void {
  const spots = engine.restNodes();
  const chargers = engine.chargerNodes();
  let freeSpots: Set<NodeId> | undefined;
  let freeChargers: Set<NodeId> | undefined;
  let freeWaiting: Set<NodeId> | undefined;
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
    let goal = engine.nearest(robot.spec.vehicleType, at, freeSpots, blocked);
    if (goal !== undefined) freeSpots.delete(goal);
    else if (engine.isStationNode(at)) {
      freeWaiting ??= unclaimed(ctx, new Set(engine.waitingNodes()));
      goal = engine.nearest(robot.spec.vehicleType, at, freeWaiting, blocked);
      if (goal !== undefined) freeWaiting.delete(goal);
    }
    if (goal !== undefined) ctx.setRobot(withTask(robot, { kind: 'park', goalNodeId: goal }, ctx.nowMs));
  }
}

/** Waiting nodes listed in a warning's message; the warning's `waitingNodes` has them all. */
const LISTED_NODES = 8;

/** What an operator should know about where idle robots wait: more robots than parking spots. */
export function parkingWarnings(engine: EngineContext): EngineWarning[] {
  const robots = engine.fleet.length;
  const parkingSpots = engine.restNodes().size;
  if (robots <= parkingSpots) return [];
  const waitingNodes = engine.waitingNodes();
  const needed = robots - parkingSpots;
  const listed = waitingNodes.slice(0, LISTED_NODES).join(', ');
  const more = waitingNodes.length > LISTED_NODES ? ` and ${waitingNodes.length - LISTED_NODES} more` : '';
  const where =
    waitingNodes.length === 0
      ? 'the layout has no node off the stations and out of the way for them to wait on, so they wait where they are'
      : `they wait on nodes no station uses: ${listed}${more}` +
        (waitingNodes.length < needed
          ? ` (only ${waitingNodes.length} such nodes for ${needed} robots; the others wait where they are)`
          : '');
  return [
    {
      code: 'more-robots-than-parking-spots',
      message: `${robots} robots but ${parkingSpots} parking spots: idle robots that find no free spot leave station nodes; ${where}`,
      robots,
      parkingSpots,
      waitingNodes,
    },
  ];
}
