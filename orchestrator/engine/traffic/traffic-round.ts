import type { EdgeId, NodeId, VehicleTypeId } from '../../domain/layout.ts';
import { releasesAhead, type RobotId } from '../../domain/robot.ts';
import type { RobotAction, RobotCommand, RouteNode } from '../../domain/robot-messages.ts';
import type { DistanceTables } from './distance-tables.ts';
import { nodesHeldBy, type RobotRuntime, type RobotTask } from '../engine-types.ts';
import type { EngineContext } from '../engine-context.ts';
import type { StepContext } from '../step-context.ts';
import { isMovable, mayBeReleased, planRound, type TrafficAgent, type TrafficGraph } from './pibt.ts';

/** A robot with a goal that has not reached a node for this long is stalled: it is moved to the front. */
export const STALL_MS = 20_000;
/** How far ahead of every unstalled robot a stalled one is put (ms of priority age). */
const STALL_BOOST_MS = 1e12;

/** Where a robot is headed, if anywhere. */
export function goalOf(robot: RobotRuntime): NodeId | undefined {
  const task = robot.task;
  if (task?.kind === 'order-leg' && task.phase === 'travel') return task.goalNodeId;
  if (task?.kind === 'park') return task.goalNodeId;
  if (task?.kind === 'charge' && task.phase === 'travel') return task.goalNodeId;
  return undefined;
}

/** The robot with a new task: its traffic priority and its progress start now. */
export function withTask(robot: RobotRuntime, task: RobotTask, nowMs: number): RobotRuntime {
  const { closest: _c, ...rest } = robot;
  return { ...rest, task, priorityMs: nowMs, progressMs: nowMs };
}

/**
 * The progress fields of a robot that has just reached `nodeId`: progress is coming closer to its goal
 * than ever before on this goal (a robot pushed back and forth in a jam does not progress, and after
 * STALL_MS without progress it goes to the front). A robot without a goal has nothing to progress on.
 */
export function progressAt(
  ctx: StepContext,
  engine: EngineContext,
  robot: RobotRuntime,
  nodeId: NodeId,
): Pick<RobotRuntime, 'progressMs' | 'closest'> {
  const goal = goalOf(robot);
  if (goal === undefined) return { progressMs: ctx.nowMs };
  const seconds = engine.distances(ctx.blocked()).seconds(robot.spec.vehicleType, goal, nodeId);
  const best = robot.closest?.goalNodeId === goal ? robot.closest.seconds : Infinity;
  if (seconds < best) return { progressMs: ctx.nowMs, closest: { goalNodeId: goal, seconds } };
  return {};
}

/**
 * Runs one traffic round over the whole fleet and releases the chosen edges (one edge per robot: the
 * base never reaches beyond the nodes the robot holds). A robot under way with `releaseAhead` takes part
 * as if it stood at the end of its edge (still holding the start): the edge it is given there is
 * released at once, so it drives on instead of stopping at every node. Robots that did not move for
 * STALL_MS although they have a goal get the top priority (waiting chains are resolved by reordering
 * priorities).
 */
export function runTrafficRound(ctx: StepContext, engine: EngineContext): void {
  const robots = ctx.allRobots();
  const held = new Set<NodeId>();
  const agents: TrafficAgent[] = [];
  const byId = new Map<RobotId, RobotRuntime>();
  for (const robot of robots) {
    if (robot.nodeId === undefined) continue;
    if (robot.moving) {
      const goal = goalOf(robot);
      if (goal !== undefined && mayReleaseAhead(robot, goal)) {
        // Plans as if it stood at the end of its edge already, the start still held. Like a robot at rest
        // there it may stay (nothing released: it stops there), or be pushed on, never back.
        held.add(robot.moving.from);
        agents.push({
          id: robot.spec.id,
          node: robot.moving.to,
          goal,
          priority: robot.priorityMs ?? ctx.nowMs,
        });
        byId.set(robot.spec.id, robot);
      } else for (const n of nodesHeldBy(robot.moving)) held.add(n);
      continue;
    }
    if (!isMovable(robot)) {
      held.add(robot.nodeId);
      continue;
    }
    const goal = goalOf(robot) ?? robot.nodeId;
    let priority = goal === robot.nodeId ? Infinity : (robot.priorityMs ?? ctx.nowMs);
    if (goal !== robot.nodeId && robot.progressMs !== undefined && ctx.nowMs - robot.progressMs > STALL_MS) {
      // Stalled: to the front, and it stays there until it reaches its goal (a boost that ended at the
      // next node would let two stalled robots take turns pushing each other back).
      const boosted = robot.progressMs - STALL_BOOST_MS;
      if (boosted < priority) {
        priority = boosted;
        ctx.setRobot({ ...robot, priorityMs: boosted });
      }
    }
    agents.push({ id: robot.spec.id, node: robot.nodeId, goal, priority });
    byId.set(robot.spec.id, robot);
  }
  if (agents.length === 0) return;

  const blocked = ctx.blocked();
  const distances = engine.distances(blocked);
  const graph: TrafficGraph = {
    neighbours: (agent, node) => engine.nextNodes(node, byId.get(agent.id)!.spec.vehicleType, blocked),
    cost: (agent, node) => {
      if (agent.goal === agent.node) return node === agent.node ? 0 : 1;
      return distances.seconds(byId.get(agent.id)!.spec.vehicleType, agent.goal, node);
    },
  };

  const plan = planRound(agents, held, graph);
  for (const [id, priority] of plan.boosts) {
    const robot = ctx.robot(id);
    if (robot) ctx.setRobot({ ...robot, priorityMs: priority });
  }
  for (const id of plan.evictions) {
    const robot = ctx.robot(id)!;
    const way = wayOut(engine, blocked, robot, new Set([...held, ...agents.map((a) => a.node)]));
    if (way !== undefined) ctx.setRobot(withTask(robot, { kind: 'park', goalNodeId: way }, ctx.nowMs));
  }
  // PIBT may let a robot follow into a node another robot leaves in the same round. With robots that
  // arrive at different times that is not safe: the leaver holds its node until it reports the next one.
  // Such a follower waits for the next round.
  const resting = new Set(agents.map((a) => a.node));
  for (const [id, to] of plan.moves) {
    if (resting.has(to)) continue;
    const robot = ctx.robot(id)!;
    const from = robot.moving?.to ?? robot.nodeId!;
    const edgeId = engine.edgeBetween(from, to, robot.spec.vehicleType, blocked);
    if (edgeId === undefined) continue;
    const goal = goalOf(robot);
    const horizon =
      goal === undefined
        ? undefined
        : horizonOf(engine, distances, blocked, robot.spec.vehicleType, to, goal);
    release(ctx, robot, from, to, edgeId, horizon);
  }
}

/**
 * A robot driving an edge that may have the edge after it released now (VDA 5050 O14): it asks for it,
 * it has reported the edge's end in its route (it has the current release: one in flight at a time),
 * nothing beyond is released yet (three held nodes at most), traffic may release to it at all, and it
 * drives on from the end of the edge: that end is not its goal (where it stops to work), and it was not
 * told to drop its task (it stops there).
 */
function mayReleaseAhead(robot: RobotRuntime, goal: NodeId): boolean {
  const move = robot.moving;
  return (
    move !== undefined &&
    move.shown === true &&
    move.next === undefined &&
    move.cancelled === undefined &&
    move.actionId === undefined &&
    move.to !== goal &&
    releasesAhead(robot.spec) &&
    mayBeReleased(robot)
  );
}

/**
 * The nearest node, by hops, where an idle robot cornered in a dead end can wait out of the way: free,
 * and not itself a dead end (so the robot can be pushed on from there).
 */
function wayOut(
  engine: EngineContext,
  blocked: ReadonlySet<EdgeId>,
  robot: RobotRuntime,
  held: ReadonlySet<NodeId>,
): NodeId | undefined {
  const type = robot.spec.vehicleType;
  const seen = new Set<NodeId>([robot.nodeId!]);
  for (let frontier = [robot.nodeId!]; frontier.length > 0;) {
    const next: NodeId[] = [];
    for (const node of frontier)
      for (const n of engine.nextNodes(node, type, blocked)) {
        if (seen.has(n)) continue;
        seen.add(n);
        if (!held.has(n) && engine.nextNodes(n, type, blocked).length >= 2) return n;
        next.push(n);
      }
    frontier = next;
  }
  return undefined;
}

/** How many nodes past the released edge a release shows as its horizon (planned, not reserved). */
export const HORIZON_NODES = 5;

type Horizon = NonNullable<Extract<RobotCommand, { type: 'release-segment' }>['horizon']>;

/**
 * The next HORIZON_NODES nodes of a fastest way from `at` to `goal` (down the travel-time table), with
 * their edges. What traffic will release later may differ: robots are in the way.
 */
function horizonOf(
  engine: EngineContext,
  tables: DistanceTables,
  blocked: ReadonlySet<EdgeId>,
  type: VehicleTypeId,
  at: NodeId,
  goal: NodeId,
): Horizon {
  const nodeIds: NodeId[] = [];
  const edgeIds: EdgeId[] = [];
  let here = at;
  while (nodeIds.length < HORIZON_NODES && here !== goal) {
    let next: NodeId | undefined;
    let best = tables.seconds(type, goal, here);
    for (const e of engine.router.outEdges(here)) {
      const s = tables.seconds(type, goal, e.to);
      const allowed = !blocked.has(e.id) && (e.vehicleTypes === undefined || e.vehicleTypes.includes(type));
      if (s < best && allowed) [next, best] = [e.to, s];
    }
    const edge = next === undefined ? undefined : engine.edgeBetween(here, next, type, blocked);
    if (next === undefined || edge === undefined) break;
    nodeIds.push(next);
    edgeIds.push(edge);
    here = next;
  }
  return { nodeIds, edgeIds };
}

/**
 * Releases one edge to a robot, with the leg's action (pick, drop, start charging) on the goal node when
 * this edge ends there. A robot that is charging stops charging first, on the node it leaves. A robot
 * under way gets the edge from the end of its current one (`from` is that end): the adapter appends it
 * to what the robot drives (a VDA 5050 order update on the decision point).
 */
function release(
  ctx: StepContext,
  robot: RobotRuntime,
  from: NodeId,
  to: NodeId,
  edgeId: EdgeId,
  horizon: Horizon | undefined,
): void {
  const task = robot.task;
  const travels =
    (task?.kind === 'order-leg' || task?.kind === 'charge') && task.phase === 'travel' ? task : undefined;
  const carries = travels?.goalNodeId === to ? travels.action : undefined;
  const taskId = travels?.taskId ?? `${robot.spec.id}/move`;
  const leaving: RobotAction[] =
    robot.charging && !robot.moving
      ? [{ actionId: `${robot.spec.id}/stop-charging/${ctx.nextSeq()}`, type: 'stop-charging' }]
      : [];
  const nodes: RouteNode[] = [
    { nodeId: from, actions: leaving },
    { nodeId: to, actions: carries ? [carries] : [] },
  ];
  ctx.emit({
    type: 'robot',
    command: {
      type: 'release-segment',
      robotId: robot.spec.id,
      taskId,
      nodes,
      edgeIds: [edgeId],
      ...(horizon && horizon.nodeIds.length > 0 ? { horizon } : {}),
    },
  });
  const action = carries ? { actionId: carries.actionId } : {};
  ctx.setRobot({
    ...robot,
    charging: false,
    moving: robot.moving
      ? { ...robot.moving, next: { to, edgeId, ...action } }
      : { from, to, edgeId, ...action },
  });
}
