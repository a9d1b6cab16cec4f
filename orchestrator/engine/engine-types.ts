import type { EdgeId, NodeId, StationId } from '../domain/layout.ts';
import type { FailureReason, OrderId, OrderStatus } from '../domain/transport-order.ts';
import type { ConnectionState, OperatingMode, RobotError, RobotId, RobotSpec } from '../domain/robot.ts';
import type { Pose, RobotAction, RobotCommand, RobotEvent } from '../domain/robot-messages.ts';

/** The engine's view of an order: only what dispatch and execution need. */
export interface EngineOrder {
  readonly id: OrderId;
  readonly status: OrderStatus;
  readonly fromStation: StationId;
  readonly toStation: StationId;
  /** Higher is more urgent. */
  readonly priority: number;
  /** Milliseconds since epoch. */
  readonly dueByMs?: number;
  readonly createdAtMs: number;
  readonly intendedRobot?: RobotId;
  readonly loadType?: string;
  /** Orders that must be delivered before this one is dispatched; each leaves the list when delivered. */
  readonly dependsOn?: readonly OrderId[];
  readonly robotId?: RobotId;
  /** Status before `on-hold`, to resume from. */
  readonly heldFrom?: OrderStatus;
  /** When (ms) the order went `on-hold`; the reassignment policy counts from here. */
  readonly heldAtMs?: number;
}

/** What a robot is doing for the engine right now. */
export type RobotTask =
  /**
   * Driving to an order's station (`travel`), then running the pick or drop there (`acting`). Traffic
   * releases the drive one edge at a time; the action rides on the release of the goal node.
   */
  | {
      readonly kind: 'order-leg';
      readonly orderId: OrderId;
      readonly taskId: string;
      readonly goalNodeId: NodeId;
      readonly action: RobotAction;
      readonly phase: 'travel' | 'acting';
    }
  /** After a restart or reconnect: waiting for the robot's state report before re-issuing its leg. */
  | { readonly kind: 'resync'; readonly orderId: OrderId }
  /** Idle: going to a parking spot so it never idles in an aisle. */
  | { readonly kind: 'park'; readonly goalNodeId: NodeId }
  /**
   * Going to a charger it has reserved (`travel`, the start-charging action riding on the release of the
   * charger node), then charging there (`charging`) until the energy policy ends or interrupts it.
   */
  | {
      readonly kind: 'charge';
      readonly taskId: string;
      readonly goalNodeId: NodeId;
      readonly action: RobotAction;
      readonly phase: 'travel' | 'charging';
    };

/** The order a robot's task works on, if any. */
export function orderIdOf(task: RobotTask | undefined): OrderId | undefined {
  return task?.kind === 'order-leg' || task?.kind === 'resync' ? task.orderId : undefined;
}

/** An edge released beyond the one a robot drives (release ahead): its end node, held meanwhile too. */
export interface NextMove {
  readonly to: NodeId;
  readonly edgeId: EdgeId;
  /** The leg's action, when it was released with this edge (the edge ends on the goal). */
  readonly actionId?: string;
  /** The robot has reported `to` among the nodes it has yet to reach: it has taken this release in. */
  readonly shown?: true;
}

/**
 * An edge a robot was released onto and has not yet finished; it holds both end nodes meanwhile, and the
 * end of `next` when the edge after it was released too (three nodes at most).
 */
export interface Move {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly edgeId: EdgeId;
  /** The leg's action, when it was released with this edge (the edge ends on the goal). */
  readonly actionId?: string;
  /** The robot was told to drop its task: it may stop before setting off (see the robot-state report). */
  readonly cancelled?: true;
  /** The edge from `to` on, released before the robot reached `to`: it drives on without stopping. */
  readonly next?: NextMove;
  /**
   * The robot has reported `to` among the nodes it has yet to reach (VDA 5050: it accepted the order
   * update). Only then is the next edge released ahead: one release in flight at a time, so a lost one
   * is resent alone and never overtaken by the one stitched on it.
   */
  readonly shown?: true;
}

/** The nodes a move holds: both ends of the edge under way, and the end of the edge released after it. */
export function nodesHeldBy(move: Move): NodeId[] {
  return move.next ? [move.from, move.to, move.next.to] : [move.from, move.to];
}

/** Where a robot stops when it has driven all it was released: where new plans start from. */
export function endOfRelease(robot: RobotRuntime): NodeId | undefined {
  return robot.moving?.next?.to ?? robot.moving?.to ?? robot.nodeId;
}

/** The leg action released with the robot's move (on either edge), if any: the robot will run it. */
export function releasedActionId(move: Move | undefined): string | undefined {
  return move?.next?.actionId ?? move?.actionId;
}

export interface RobotRuntime {
  readonly spec: RobotSpec;
  readonly nodeId?: NodeId;
  readonly pose?: Pose;
  readonly batteryPct: number;
  readonly charging: boolean;
  readonly driving: boolean;
  /**
   * Paused as the robot reports it (its own pause, or one it was sent); between a supervisor's pause or
   * resume and the robot's next report, as it was told.
   */
  readonly paused: boolean;
  /**
   * Paused by a supervisor (`robot-intervention` pause): traffic releases nothing to it and it takes no
   * new task until resumed, whatever its state reports say. Its order stays assigned.
   */
  readonly operatorPaused: boolean;
  /**
   * Taken out of service by a supervisor: no new tasks (no order, no automatic charging or parking); an
   * order it had is handed back unless its load is on board. Supervisors may still send it to charge or
   * park, and traffic still moves it out of the way.
   */
  readonly outOfService: boolean;
  readonly loads: readonly string[];
  readonly mode: OperatingMode;
  readonly errors: readonly RobotError[];
  readonly connection: ConnectionState;
  /** False until the adapter's first state report. */
  readonly reported: boolean;
  readonly task?: RobotTask;
  readonly moving?: Move;
  /**
   * Traffic priority: the time (ms) the robot started for its current goal; lower goes first. Lowered
   * further when the robot must be let through (priority inheritance, stall resolution).
   */
  readonly priorityMs?: number;
  /**
   * Last time (ms) the robot started a goal or came closer to it than ever before on this goal (by travel
   * time): for stall detection. A robot pushed back and forth in a jam makes no progress.
   */
  readonly progressMs?: number;
  /** The least travel time to its goal the robot has reached on this goal, with the goal it was for. */
  readonly closest?: { readonly goalNodeId: NodeId; readonly seconds: number };
}

/** What a supervisor may tell a robot to do (`POST /v1/robots/{id}/{action}`). */
export const ROBOT_INTERVENTIONS = [
  'pause',
  'resume',
  'charge',
  'park',
  'out-of-service',
  'into-service',
] as const;
export type RobotIntervention = (typeof ROBOT_INTERVENTIONS)[number];

/**
 * Why the engine refused an intervention: the robot is not part of the fleet, or its state does not
 * allow it now (it works an order, it has no known position, no charger is free...). `detail` says which.
 */
export interface InterventionRefusal {
  readonly reason: 'unknown-robot' | 'not-allowed';
  readonly detail: string;
}

export interface EngineState {
  readonly robots: Readonly<Record<RobotId, RobotRuntime>>;
  readonly orders: Readonly<Record<OrderId, EngineOrder>>;
  /** Edges no robot may be released onto (set at run time by supervisors). */
  readonly blockedEdges: readonly EdgeId[];
  /** Nodes no robot may enter (every edge into them counts as blocked); a robot on one may leave. */
  readonly blockedNodes: readonly NodeId[];
  /** Monotonic counter for deterministic task and action ids. */
  readonly seq: number;
}

/** An order ready for the engine: locations resolved to stations. */
export interface PlannedOrderInput {
  readonly id: OrderId;
  readonly fromStation: StationId;
  readonly toStation: StationId;
  readonly priority: number;
  readonly dueByMs?: number;
  readonly createdAtMs: number;
  readonly intendedRobot?: RobotId;
  readonly loadType?: string;
  /**
   * Orders still open that must be delivered first. If one fails or is cancelled, so is this one
   * (`dependency-failed`). `failedDependency` names one that already has: the order fails at once.
   */
  readonly dependsOn?: readonly OrderId[];
  readonly failedDependency?: OrderId;
}

export type EngineEvent =
  | { readonly type: 'order-planned'; readonly order: PlannedOrderInput }
  /** Several planned orders in arrival order, taken in by one step (intake under load). */
  | { readonly type: 'orders-planned'; readonly orders: readonly PlannedOrderInput[] }
  /** `by`: who asked (an API key name), for the order's history. */
  | {
      readonly type: 'order-cancel-requested';
      readonly orderId: OrderId;
      readonly mode: 'normal' | 'force';
      readonly by?: string;
    }
  /**
   * An order the engine never had (or no longer has) ended outside it, e.g. refused by the WMS before
   * planning: orders waiting for it go on (delivered) or fail with it.
   */
  | {
      readonly type: 'order-closed';
      readonly orderId: OrderId;
      readonly outcome: 'delivered' | 'failed' | 'cancelled';
    }
  | {
      readonly type: 'order-reprioritized';
      readonly orderId: OrderId;
      readonly priority: number;
      readonly dueByMs?: number;
    }
  | { readonly type: 'robot'; readonly event: RobotEvent }
  /** A supervisor blocked or unblocked an edge or a node; traffic and dispatch replan around it. */
  | {
      readonly type: 'block-changed';
      readonly target: 'edge' | 'node';
      readonly id: string;
      readonly blocked: boolean;
    }
  /** Several robot events in arrival order, applied in one step (one copy of the fleet, not one per event). */
  | { readonly type: 'robots'; readonly events: readonly RobotEvent[] }
  /**
   * A supervisor's intervention on one robot; `by` names who (an API key name). A refused one changes
   * nothing and comes back as the step's `refusal`.
   */
  | {
      readonly type: 'robot-intervention';
      readonly robotId: RobotId;
      readonly action: RobotIntervention;
      readonly by?: string;
    }
  | { readonly type: 'tick' };

export type EngineCommand =
  | { readonly type: 'robot'; readonly command: RobotCommand }
  | {
      readonly type: 'order-transition';
      readonly orderId: OrderId;
      readonly to: OrderStatus;
      readonly robotId?: RobotId;
      readonly reason?: FailureReason;
      readonly detail?: string;
      /** Who caused it, when not the engine itself (a supervisor's cancel). */
      readonly by?: string;
    }
  | {
      readonly type: 'alarm';
      readonly code: string;
      readonly severity: 'info' | 'warning' | 'critical';
      readonly message: string;
      readonly robotId?: RobotId;
      readonly orderId?: OrderId;
    };

export interface StepResult {
  readonly state: EngineState;
  readonly commands: readonly EngineCommand[];
  /** Set only when a `robot-intervention` was refused; the state is then unchanged and no command is emitted. */
  readonly refusal?: InterventionRefusal;
}

/**
 * Something about the plant an operator should know, found when the engine is created (the engine works
 * around it; the orchestrator logs it at start-up). Tagged by `code`.
 */
export interface EngineWarning {
  /** The fleet has more robots than the layout has parking spots (`park` stations). */
  readonly code: 'more-robots-than-parking-spots';
  readonly message: string;
  readonly robots: number;
  readonly parkingSpots: number;
  /** Where idle robots wait that find no free parking spot (nodes no station uses). */
  readonly waitingNodes: readonly NodeId[];
}
