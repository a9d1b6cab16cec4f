import type { NodeId } from '../domain/layout.ts';
import type { EngineContext } from './engine-context.ts';
import type { StepContext } from './step-context.ts';
import { isAvailable } from './dispatch.ts';

/**
 * Sends robots that have nothing to do to the nearest parking spot no other robot stands on or heads
 * for, so idle robots never stand in an aisle. Robots already on a park or charger node stay.
 */
export function parkIdleRobots(ctx: StepContext, engine: EngineContext): void {
  const spots = engine.restNodes();
  if (spots.size === 0) return;
  const claimed = new Set<NodeId>();
  for (const r of ctx.allRobots()) {
    if (r.nodeId !== undefined && spots.has(r.nodeId)) claimed.add(r.nodeId);
    if (r.task?.kind === 'park') claimed.add(r.task.goalNodeId);
  }
  const blocked = ctx.blocked();
  for (const robot of ctx.allRobots()) {
    if (!isAvailable(robot) || robot.task !== undefined || robot.moving !== undefined) continue;
    const at = robot.nodeId!;
    if (spots.has(at)) continue;
    const tables = engine.distances(blocked);
    let best: { node: NodeId; s: number } | undefined;
    for (const node of spots) {
      if (claimed.has(node)) continue;
      const s = tables.seconds(robot.spec.vehicleType, node, at);
      if (Number.isFinite(s) && (!best || s < best.s || (s === best.s && node < best.node)))
        best = { node, s };
    }
    if (!best) continue;
    claimed.add(best.node);
    ctx.setRobot({
      ...robot,
      task: { kind: 'park', goalNodeId: best.node },
      priorityMs: ctx.nowMs,
      progressMs: ctx.nowMs,
    });
  }
}
