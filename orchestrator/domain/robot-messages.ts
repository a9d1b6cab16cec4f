import type { EdgeId, NodeId, StationId } from './layout.ts';
import type { ConnectionState, OperatingMode, RobotError, RobotId } from './robot.ts';

/**
 * The normalized language between the engine and robot adapters. No protocol field names here:
 * adapters translate these to VDA 5050 orders, ROS goals or simulator moves.
 */

export type RobotActionType = 'pick' | 'drop' | 'start-charging' | 'stop-charging';

export interface RobotAction {
  /** Unique per robot; events refer to it. */
  readonly actionId: string;
  readonly type: RobotActionType;
  readonly stationId?: StationId;
  /** What is picked or dropped (the engine uses the order id). */
  readonly loadId?: string;
}

export interface RouteNode {
  readonly nodeId: NodeId;
  /** Actions to run when the robot stands on this node, in order. */
  readonly actions: readonly RobotAction[];
}

export interface Pose {
  /** Metres, map frame (y up). */
  readonly x: number;
  readonly y: number;
  readonly thetaRad: number;
}

export type RobotCommand =
  /**
   * Drive along `nodes` (the first is where the robot stands or the end of what it was released before,
   * when `taskId` continues a task) over `edgeIds` (one fewer than nodes). Never more than the traffic plan
   * has reserved.
   */
  | {
      readonly type: 'release-segment';
      readonly robotId: RobotId;
      readonly taskId: string;
      readonly nodes: readonly RouteNode[];
      readonly edgeIds: readonly EdgeId[];
      /**
       * The route planned beyond the released nodes (VDA 5050's horizon): not reserved, it may change and
       * must not be driven. Nodes after the last released one, with the edges that lead to them.
       */
      readonly horizon?: { readonly nodeIds: readonly NodeId[]; readonly edgeIds: readonly EdgeId[] };
    }
  /** Drop the current task: stop at the next node, abort actions not started. */
  | { readonly type: 'cancel-task'; readonly robotId: RobotId }
  | { readonly type: 'pause'; readonly robotId: RobotId }
  | { readonly type: 'resume'; readonly robotId: RobotId };

export type RobotEvent =
  | { readonly type: 'node-reached'; readonly robotId: RobotId; readonly nodeId: NodeId }
  | { readonly type: 'action-finished'; readonly robotId: RobotId; readonly actionId: string }
  | {
      readonly type: 'action-failed';
      readonly robotId: RobotId;
      readonly actionId: string;
      readonly reason: string;
    }
  | { readonly type: 'robot-state'; readonly robotId: RobotId; readonly state: RobotStateReport }
  | { readonly type: 'connection'; readonly robotId: RobotId; readonly state: ConnectionState };

/** A full state report; adapters send one on connect and whenever something material changes. */
export interface RobotStateReport {
  /** Last node reached; undefined when the robot does not know (lost localisation). */
  readonly nodeId?: NodeId;
  readonly pose?: Pose;
  /** 0..100. */
  readonly batteryPct: number;
  readonly charging: boolean;
  readonly driving: boolean;
  readonly paused: boolean;
  /**
   * Ids of loads on board; undefined when the robot cannot tell (VDA 5050 S2: no `loads` field), and
   * then the engine keeps what it knows from the picks and drops it ran.
   */
  readonly loads?: readonly string[];
  readonly mode: OperatingMode;
  readonly errors: readonly RobotError[];
  /**
   * The released nodes the robot still has to reach, in order (VDA 5050: the state's nodeStates); empty
   * when it has nothing left to drive. Undefined when the robot does not say.
   */
  readonly routeNodeIds?: readonly NodeId[];
  /**
   * The robot asks for more route before it reaches the end of what it was given (VDA 5050
   * `newBaseRequest`, O15): traffic is run at once rather than at the next tick.
   */
  readonly baseRequested?: boolean;
}
