/**
 * The seam between a robot's body and the navigation interface it speaks (`ros1-move-base` actionlib
 * topics or `ros2-nav2` rosbridge action ops). A profile owns the goal state; the fleet ticks it.
 */
import type { RosGraph } from './ros-graph.ts';
import type { GoalPose } from './ros-messages.ts';
import type { RobotTopics } from './robot-topics.ts';
import type { SimRobot } from './sim-robot.ts';

export interface ProfileContext {
  readonly robot: SimRobot;
  readonly graph: RosGraph;
  /** The pose, odometry and battery topics, to publish at once when a goal ends (as the peer does). */
  readonly topics: RobotTopics;
  /** Simulated time, ms since the epoch. */
  readonly now: () => number;
}

export interface NavProfile {
  /** Steps the robot by `dtMs` of simulated time and publishes what is due at `nowMs`. */
  tick(nowMs: number, dtMs: number): void;
  /** Ends the current goal as ABORTED with `text`; false when there is none. */
  abortGoal(text: string): boolean;
  /** The goal being driven: its actionlib goal id (ROS 1) or its goal UUID (ROS 2). */
  currentGoalId(): string | undefined;
}

/** Why the robot refuses a goal at once (ABORTED), as the real peer does; undefined to drive. */
export function refuse(target: GoalPose, robot: SimRobot): string | undefined {
  if (!target.finite) return 'goal has NaN/inf values';
  if (!robot.inBox(target.x, target.y)) {
    const half = robot.boxHalfSizeM;
    return `goal outside the ${2 * half} m box (|x|,|y| <= ${half.toFixed(1)} m)`;
  }
  if (target.thetaRad === null) return 'goal orientation is a zero quaternion';
  if (robot.eStopped) return 'e-stop engaged';
  if (robot.battery <= 0) return 'battery empty';
  return undefined;
}
