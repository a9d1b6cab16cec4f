import type { EdgeId, Layout, NodeId } from '../../orchestrator/domain/layout.ts';
import type { RobotSpec } from '../../orchestrator/domain/robot.ts';
import type { RobotAdapter } from '../../orchestrator/ports/robot-adapter.ts';
import { Router } from '../../orchestrator/routing/router.ts';

/** Node ids from where the robot stands to the goal, both included; `edgeIds[i]` joins `nodes[i]` and `nodes[i + 1]`. */
export interface SegmentRoute {
  readonly nodes: readonly NodeId[];
  readonly edgeIds: readonly EdgeId[];
}

/**
 * A `routeFor` for contract harnesses of any adapter: follows the adapter's events to know where each
 * robot last stood (robot-state `nodeId`, node-reached) and plans with the real Router on `layout`.
 * Subscribe it before `start()` so it sees the first state reports. Returns undefined when the robot's
 * node is not known yet or the goal is unreachable.
 */
export function layoutRouteFinder(
  adapter: RobotAdapter,
  layout: Layout,
  fleet: readonly Pick<RobotSpec, 'id' | 'vehicleType' | 'maxSpeedMps'>[],
): (robotId: string, toNodeId: NodeId) => SegmentRoute | undefined {
  const router = new Router(layout);
  const at = new Map<string, NodeId>();
  adapter.onEvent((event) => {
    if (event.type === 'node-reached') at.set(event.robotId, event.nodeId);
    else if (event.type === 'robot-state' && event.state.nodeId !== undefined && !event.state.driving) {
      // A report while driving may lag a node-reached already seen; only a standing robot's node is certain.
      at.set(event.robotId, event.state.nodeId);
    }
  });
  return (robotId, toNodeId) => {
    const from = at.get(robotId);
    const spec = fleet.find((r) => r.id === robotId);
    if (from === undefined || spec === undefined) return undefined;
    const route = router.route({
      from,
      to: toNodeId,
      vehicleType: spec.vehicleType,
      speedMps: spec.maxSpeedMps,
    });
    return route && { nodes: route.nodeIds, edgeIds: route.edgeIds };
  };
}
