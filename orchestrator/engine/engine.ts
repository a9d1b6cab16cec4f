import type { Layout, NodeId } from '../domain/layout.ts';
import type { RobotSpec } from '../domain/robot.ts';
import type { RobotEvent } from '../domain/robot-messages.ts';
import {
  endOfRelease,
  nodesHeldBy,
  orderIdOf,
  type EngineEvent,
  type Move,
  type EngineOrder,
  type EngineState,
  type EngineWarning,
  type InterventionRefusal,
  type PlannedOrderInput,
  type RobotRuntime,
  type StepResult,
} from './engine-types.ts';
import { EngineContext } from './engine-context.ts';
import { StepContext } from './step-context.ts';
import { checkFeasible, dispatch } from './dispatch.ts';
import {
  advanceOrder,
  failOrder,
  releaseRobotOf,
  resumeOrder,
  runActionHere,
  startLeg,
} from './order-flow.ts';
import { progressAt, runTrafficRound } from './traffic/traffic-round.ts';
import type { TrafficGuidance } from './traffic/guidance.ts';
import { parkIdleRobots, parkingWarnings } from './parking.ts';
import { DEFAULT_ENERGY_POLICY, manageEnergy, type EnergyPolicy } from './energy.ts';
import {
  DEFAULT_REASSIGN_POLICY,
  requeueHeldOrders,
  reviseAssignments,
  type ReassignPolicy,
} from './reassign.ts';
import { canWork } from './availability.ts';
import { settleDependents } from './dependencies.ts';
import { intervene } from './interventions.ts';
import { ACTIVE_STATUSES } from '../domain/order-lifecycle.ts';

/**
 * The deterministic fleet engine: `step(state, event, nowMs) -> { state, commands }`. No I/O, no clock,
 * no randomness; the orchestrator and the virtual-time simulator run this same code.
 */
export interface Engine {
  readonly context: EngineContext;
  /** What an operator should know about the plant as configured (for the start-up log); the engine copes. */
  readonly warnings: readonly EngineWarning[];
  /** A fresh state: every robot of the fleet known but not yet reported. */
  initialState(): EngineState;
  /**
   * A state rebuilt after a restart from the stored open orders and layout blocks. Orders a robot was
   * working on wait for that robot's state report and then resume from what it reports.
   */
  restore(orders: readonly EngineOrder[], blocks?: LayoutBlocks, holds?: RobotHolds): EngineState;
  step(state: EngineState, event: EngineEvent, nowMs: number, options?: StepOptions): StepResult;
}

export interface StepOptions {
  /**
   * `kept` (default): the input state is left as it was; a step that changes an order copies the order
   * book, O(orders held). `consumed`: the caller replaces the input state by the result and never reads it
   * again (the runtime), so the order book is changed in place, O(orders changed): with tens of thousands
   * of orders waiting (B3), a copy per step is what held intake back. Same decisions either way.
   */
  readonly input?: 'kept' | 'consumed';
}

/** Blocked edges and nodes, as stored. */
export interface LayoutBlocks {
  readonly edges: readonly string[];
  readonly nodes: readonly string[];
}

/** Robots an operator paused or took out of service, as stored: they stay so across a restart. */
export interface RobotHolds {
  readonly paused: readonly string[];
  readonly outOfService: readonly string[];
}

export interface EngineOptions {
  /** Charging thresholds; the defaults are DEFAULT_ENERGY_POLICY's. */
  readonly energy?: Partial<EnergyPolicy>;
  /** When orders change robots; the defaults are DEFAULT_REASSIGN_POLICY's. */
  readonly reassign?: Partial<ReassignPolicy>;
  /** Soft lane directions for traffic (`traffic/guidance.ts`); default `none`. */
  readonly guidance?: TrafficGuidance;
}

export function createEngine(
  layout: Layout,
  fleet: readonly RobotSpec[],
  options: EngineOptions = {},
): Engine {
  const context = new EngineContext(layout, fleet, options.guidance);
  const energy: EnergyPolicy = { ...DEFAULT_ENERGY_POLICY, ...options.energy };
  const reassign: ReassignPolicy = { ...DEFAULT_REASSIGN_POLICY, ...options.reassign };

  const initialState = (): EngineState => ({
    robots: Object.fromEntries(fleet.map((spec) => [spec.id, newRobot(spec)])),
    orders: {},
    blockedEdges: [],
    blockedNodes: [],
    seq: 0,
  });

  const restore = (
    orders: readonly EngineOrder[],
    blocks?: LayoutBlocks,
    holds?: RobotHolds,
  ): EngineState => {
    const state = {
      ...initialState(),
      blockedEdges: [...(blocks?.edges ?? [])].sort(),
      blockedNodes: [...(blocks?.nodes ?? [])].sort(),
    };
    const robots: Record<string, RobotRuntime> = { ...state.robots };
    for (const [id, robot] of Object.entries(robots))
      robots[id] = {
        ...robot,
        operatorPaused: holds?.paused.includes(id) === true,
        outOfService: holds?.outOfService.includes(id) === true,
      };
    for (const order of orders) {
      const working =
        ACTIVE_STATUSES.has(order.status) || (order.status === 'on-hold' && order.robotId !== undefined);
      const robot = order.robotId === undefined ? undefined : robots[order.robotId];
      if (working && robot) robots[robot.spec.id] = { ...robot, task: { kind: 'resync', orderId: order.id } };
    }
    return { ...state, robots, orders: Object.fromEntries(orders.map((o) => [o.id, o])) };
  };

  const step = (state: EngineState, event: EngineEvent, nowMs: number, options?: StepOptions): StepResult => {
    const ctx = new StepContext(state, nowMs, (edges, nodes) => context.closedEdges(edges, nodes), {
      orders: options?.input === 'consumed' ? 'in-place' : 'copy-on-write',
    });
    let refusal: InterventionRefusal | undefined;
    switch (event.type) {
      case 'order-planned':
        planOrder(ctx, context, event.order);
        break;
      case 'orders-planned':
        for (const order of event.orders) planOrder(ctx, context, order);
        break;
      case 'order-closed':
        break; // settled below
      case 'order-cancel-requested':
        cancelOrder(ctx, event.orderId, event.mode, event.by);
        break;
      case 'order-reprioritized': {
        const order = ctx.order(event.orderId);
        if (order) {
          const { dueByMs: _d, ...rest } = order;
          ctx.setOrder({
            ...rest,
            priority: event.priority,
            ...(event.dueByMs === undefined ? {} : { dueByMs: event.dueByMs }),
          });
        }
        break;
      }
      case 'block-changed':
        changeBlock(ctx, context, event.target, event.id, event.blocked);
        break;
      case 'robot':
        onRobotEvent(ctx, context, event.event);
        break;
      case 'robots':
        for (const e of event.events) onRobotEvent(ctx, context, e);
        break;
      case 'robot-intervention':
        refusal = intervene(ctx, context, event.robotId, event.action, event.by);
        break;
      case 'tick':
        // Decisions are taken once per tick, over everything the events since the last tick changed.
        manageEnergy(ctx, context, energy);
        requeueHeldOrders(ctx, reassign);
        dispatch(ctx, context, energy);
        {
          // Robots still free may take over orders others are still driving to, when much nearer.
          const free = ctx
            .allRobots()
            .filter(
              (r) => r.moving === undefined && orderIdOf(r.task) === undefined && canWork(r, energy, context),
            );
          if (reviseAssignments(ctx, context, free, reassign) > 0) dispatch(ctx, context, energy);
        }
        parkIdleRobots(ctx, context, energy);
        runTrafficRound(ctx, context);
        break;
    }
    settleDependents(ctx, event.type === 'order-closed' ? [[event.orderId, event.outcome]] : []);
    return { state: ctx.finish(), commands: ctx.commands, ...(refusal ? { refusal } : {}) };
  };

  return { context, warnings: parkingWarnings(context), initialState, restore, step };
}

/** Takes a planned order in (once: a repeat is ignored), failing it at once when it can never be done. */
function planOrder(ctx: StepContext, engine: EngineContext, planned: PlannedOrderInput): void {
  if (ctx.order(planned.id)) return;
  const { failedDependency, dependsOn, ...input } = planned;
  const order: EngineOrder = {
    ...input,
    ...(dependsOn && dependsOn.length > 0 ? { dependsOn } : {}),
    status: 'planned',
  };
  ctx.setOrder(order);
  if (failedDependency !== undefined)
    failOrder(
      ctx,
      order,
      'dependency-failed',
      `order ${failedDependency} it depends on has ended unfinished`,
    );
  else checkFeasible(ctx, engine, order);
}

function newRobot(spec: RobotSpec): RobotRuntime {
  return {
    spec,
    batteryPct: 100,
    charging: false,
    driving: false,
    paused: false,
    operatorPaused: false,
    outOfService: false,
    loads: [],
    mode: 'automatic',
    errors: [],
    connection: 'offline',
    reported: false,
  };
}

function onRobotEvent(ctx: StepContext, engine: EngineContext, event: RobotEvent): void {
  const robot = ctx.robot(event.robotId);
  if (!robot) {
    ctx.emit({
      type: 'alarm',
      code: 'unknown-robot',
      severity: 'warning',
      message: `event from unknown robot ${event.robotId}`,
    });
    return;
  }
  const task = robot.task;
  const orderId = orderIdOf(task);
  const order = orderId === undefined ? undefined : ctx.order(orderId);
  switch (event.type) {
    case 'node-reached': {
      const { moving: _m, ...rest } = robot;
      const moving = movingAfter(robot.moving, event.nodeId);
      const arrived: RobotRuntime = {
        ...rest,
        ...(moving ? { moving } : {}),
        nodeId: event.nodeId,
        ...progressAt(ctx, engine, robot, event.nodeId),
      };
      ctx.setRobot(arrived);
      // Passing a node on the way to the edge released after it is no arrival: a goal given since the
      // release (a new order at that node) is reached when the robot comes back to stop there.
      if (moving?.from !== event.nodeId) stopAt(ctx, arrived, arrivedWith(robot.moving, event.nodeId));
      return;
    }
    case 'action-finished': {
      if (task?.kind !== 'order-leg' || task.action.actionId !== event.actionId || !order) return;
      if (order.status === 'picking') {
        const loaded = { ...robot, loads: [...robot.loads.filter((l) => l !== order.id), order.id] };
        ctx.setRobot(loaded);
        const next = advanceOrder(ctx, order, 'to-dropoff');
        startLeg(ctx, engine, loaded, next, 'dropoff');
      } else if (order.status === 'dropping') {
        ctx.setRobot({ ...robot, loads: robot.loads.filter((l) => l !== order.id) });
        const done = advanceOrder(ctx, order, 'delivered');
        releaseRobotOf(ctx, done);
        ctx.removeOrder(done.id);
      }
      return;
    }
    case 'action-failed': {
      if (task?.kind === 'charge' && task.action.actionId === event.actionId) {
        ctx.emit({
          type: 'alarm',
          code: 'charging-failed',
          severity: 'warning',
          message: `${robot.spec.id} could not start charging at ${task.goalNodeId}: ${event.reason}`,
          robotId: robot.spec.id,
        });
        const { task: _t, priorityMs: _p, ...idle } = robot;
        ctx.setRobot(idle);
        return;
      }
      if (task?.kind !== 'order-leg' || task.action.actionId !== event.actionId || !order) return;
      failOrder(ctx, order, 'action-failed', `${robot.spec.id}: ${event.reason}`);
      return;
    }
    case 'connection': {
      ctx.setRobot({ ...robot, connection: event.state });
      if (event.state !== 'online')
        holdOrderOf(ctx, ctx.robot(robot.spec.id)!, `${robot.spec.id} is ${event.state}`);
      return;
    }
    case 'robot-state': {
      const s = event.state;
      // A robot told to drop its task that reports it still stands where it was, with nothing left to
      // drive towards the node it was released to, has dropped that edge before setting off: it holds only
      // its own node again. (Only after a cancel: an earlier report may predate the release.)
      const { moving, ...rest } = robot;
      const route = s.routeNodeIds;
      const dropped =
        moving?.cancelled === true &&
        route !== undefined &&
        !nodesHeldBy(moving)
          .slice(1)
          .some((n) => route.includes(n)) &&
        s.nodeId === moving.from;
      const updated: RobotRuntime = {
        ...rest,
        ...(moving && !dropped ? { moving: route ? shownIn(moving, route) : moving } : {}),
        ...(s.nodeId === undefined ? {} : { nodeId: s.nodeId }),
        ...(s.pose === undefined ? {} : { pose: s.pose }),
        batteryPct: s.batteryPct,
        charging: s.charging,
        driving: s.driving,
        paused: s.paused,
        loads: s.loads ?? robot.loads,
        mode: s.mode,
        errors: s.errors,
        reported: true,
      };
      ctx.setRobot(updated);
      const fatal = s.errors.find((e) => e.level === 'fatal');
      if (fatal) {
        if (!robot.errors.some((e) => e.level === 'fatal')) {
          ctx.emit({
            type: 'alarm',
            code: 'robot-fault',
            severity: 'critical',
            message: `${robot.spec.id}: ${fatal.message}`,
            robotId: robot.spec.id,
          });
        }
        holdOrderOf(ctx, updated, `${robot.spec.id} fault ${fatal.code}`);
        return;
      }
      // Stopped short of a move it was cancelled on, maybe on the goal of a task given since.
      if (dropped) stopAt(ctx, updated, undefined);
      const current = ctx.robot(robot.spec.id)!;
      const resync = current.task?.kind === 'resync' ? ctx.order(current.task.orderId) : undefined;
      if (resync && current.connection === 'online' && current.mode === 'automatic')
        resumeOrder(ctx, engine, current, resync);
      return;
    }
  }
}

/**
 * A robot at rest on `robot.nodeId`, or bound to stop there: on its goal it parks, starts charging or
 * starts the leg's pick or drop (sent now unless it was released with the edge, `releasedActionId`).
 */
function stopAt(ctx: StepContext, robot: RobotRuntime, releasedActionId: string | undefined): void {
  const task = robot.task;
  const nodeId = robot.nodeId;
  if (task === undefined || task.kind === 'resync' || nodeId !== task.goalNodeId) return;
  if (task.kind === 'park') {
    const { task: _t, priorityMs: _p, ...idle } = robot;
    ctx.setRobot(idle);
    return;
  }
  if (task.phase !== 'travel') return;
  ctx.setRobot({
    ...robot,
    task: task.kind === 'charge' ? { ...task, phase: 'charging' } : { ...task, phase: 'acting' },
  });
  if (releasedActionId !== task.action.actionId)
    runActionHere(ctx, robot.spec.id, task.taskId, nodeId, task.action);
  const order = task.kind === 'order-leg' ? ctx.order(task.orderId) : undefined;
  if (order?.status === 'to-pickup') advanceOrder(ctx, order, 'picking');
  else if (order?.status === 'to-dropoff') advanceOrder(ctx, order, 'dropping');
}

/**
 * The move left after the robot reports `nodeId`: none at the end of what it was released; the edge
 * released after the current one when it reaches the current one's end; unchanged for any other node.
 */
function movingAfter(move: Move | undefined, nodeId: NodeId): Move | undefined {
  if (!move) return undefined;
  if (move.next?.to === nodeId) return undefined; // the report of the node between got lost: both done
  if (move.to !== nodeId) return move;
  if (!move.next) return undefined;
  const { to, edgeId, actionId, shown } = move.next;
  return {
    from: move.to,
    to,
    edgeId,
    ...(actionId === undefined ? {} : { actionId }),
    ...(move.cancelled ? { cancelled: true as const } : {}),
    ...(shown ? { shown } : {}),
  };
}

/** The move, marked with what the robot's reported route shows it has taken in (sticky). */
function shownIn(move: Move, route: readonly NodeId[]): Move {
  const next = move.next;
  const nextShown = next !== undefined && next.shown === undefined && route.includes(next.to);
  if (move.shown === undefined && route.includes(move.to))
    return { ...move, shown: true, ...(nextShown ? { next: { ...next, shown: true } } : {}) };
  return nextShown ? { ...move, next: { ...next, shown: true } } : move;
}

/** The leg action the robot was released with on the edge that ends at `nodeId`, if any. */
function arrivedWith(move: Move | undefined, nodeId: NodeId): string | undefined {
  if (move?.next?.to === nodeId) return move.next.actionId;
  return move?.actionId;
}

/**
 * Blocks or unblocks an edge or node. Traffic replans around it at the next tick (robots already on a
 * now-blocked edge finish it; a robot on a blocked node may leave). A robot whose goal can no longer be
 * reached waits where it is, with an alarm, until the block is lifted.
 */
function changeBlock(
  ctx: StepContext,
  engine: EngineContext,
  target: 'edge' | 'node',
  id: string,
  blocked: boolean,
): void {
  const known = target === 'edge' ? engine.router.edge(id) : engine.router.node(id);
  if (known === undefined) {
    ctx.emit({
      type: 'alarm',
      code: 'unknown-layout-element',
      severity: 'warning',
      message: `cannot ${blocked ? 'block' : 'unblock'} unknown ${target} ${id}`,
    });
    return;
  }
  if (!ctx.setBlocked(target, id, blocked) || !blocked) return;
  const tables = engine.distances(ctx.blocked());
  for (const robot of ctx.allRobots()) {
    const task = robot.task;
    const at = endOfRelease(robot);
    if (task === undefined || task.kind === 'resync' || at === undefined) continue;
    if (Number.isFinite(tables.seconds(robot.spec.vehicleType, task.goalNodeId, at))) continue;
    ctx.emit({
      type: 'alarm',
      code: 'route-blocked',
      severity: 'warning',
      message: `${robot.spec.id} cannot reach ${task.goalNodeId} while ${target} ${id} is blocked; it waits`,
      robotId: robot.spec.id,
      ...(orderIdOf(task) === undefined ? {} : { orderId: orderIdOf(task)! }),
    });
  }
}

/** A robot that faults or drops off keeps its order `on-hold` until it is back; its reservations stay. */
function holdOrderOf(ctx: StepContext, robot: RobotRuntime, why: string): void {
  const task = robot.task;
  if (!task) return;
  if (task.kind === 'park' || task.kind === 'charge') {
    const { task: _t, ...rest } = robot;
    ctx.setRobot(rest);
    return;
  }
  const order = ctx.order(task.orderId);
  if (!order) return;
  if (order.status !== 'on-hold') {
    ctx.emit({
      type: 'order-transition',
      orderId: order.id,
      to: 'on-hold',
      detail: why,
      ...(order.robotId ? { robotId: order.robotId } : {}),
    });
    ctx.setOrder({ ...order, status: 'on-hold', heldFrom: order.status, heldAtMs: ctx.nowMs });
  }
  ctx.setRobot({ ...robot, task: { kind: 'resync', orderId: order.id } });
}

/**
 * Cancels an order. Before the load is on board the robot is stopped and freed; with the load on board a
 * normal cancel is refused (the caller must force it: the robot then keeps the load where it stands).
 */
function cancelOrder(ctx: StepContext, orderId: string, mode: 'normal' | 'force', by?: string): void {
  const order = ctx.order(orderId);
  // A drop under way is finished, never cut off: the load would be left half-placed.
  if (!order || order.status === 'dropping') return;
  const loaded = order.status === 'to-dropoff' || order.status === 'picking';
  if (loaded && mode === 'normal') return;
  if (order.robotId !== undefined) {
    ctx.emit({ type: 'robot', command: { type: 'cancel-task', robotId: order.robotId } });
    const robot = ctx.robot(order.robotId);
    if (robot?.moving && orderIdOf(robot.task) === order.id)
      ctx.setRobot({ ...robot, moving: { ...robot.moving, cancelled: true } });
  }
  ctx.emit({
    type: 'order-transition',
    orderId,
    to: 'cancelled',
    detail: `cancelled (${mode})`,
    ...(order.robotId ? { robotId: order.robotId } : {}),
    ...(by === undefined ? {} : { by }),
  });
  releaseRobotOf(ctx, order);
  ctx.removeOrder(orderId);
}
