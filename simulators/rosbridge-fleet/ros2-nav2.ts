/**
 * The `ros2-nav2` profile: the Nav2 action servers `<ns>/navigate_to_pose`
 * (nav2_msgs/action/NavigateToPose) and `<ns>/navigate_through_poses` (NavigateThroughPoses) behind the
 * rosbridge ROS 2 action ops, the `<ns>/goal_pose` topic and the `<ns>/navigate_to_pose/_action/cancel_goal`
 * service roslib's `cancelAllGoals` calls. Results use action_msgs/GoalStatus (4 SUCCEEDED, 5 CANCELED,
 * 6 ABORTED) and the Jazzy result fields {error_code, error_msg}. A new goal preempts the running one,
 * which ends ABORTED (Nav2's SimpleActionServer aborts the previous goal when it accepts the next).
 * A rejected goal gets no answer at all, as on the real server.
 */
import { randomUUID } from 'node:crypto';
import { refuse, type NavProfile, type ProfileContext } from './nav-profile.ts';
import type { ActionGoalHandle, ActionGoalSink } from './ros-graph.ts';
import { poseStamped, readNav2Goal, readPoseStamped, rosTime, type GoalPose } from './ros-messages.ts';

export const GOAL_STATUS = { SUCCEEDED: 4, CANCELED: 5, ABORTED: 6 } as const;

/** nav2_msgs NavigateToPose result error codes (Jazzy). */
const ERROR_CODE = { NONE: 0, UNKNOWN: 9000, TF_ERROR: 9002 } as const;

const FEEDBACK_PERIOD_MS = 100;

type GoalKind = 'to-pose' | 'through-poses';

interface Nav2Goal {
  readonly uuid: string;
  readonly kind: GoalKind;
  readonly sink: ActionGoalSink;
  readonly startedAtMs: number;
}

const NO_SINK: ActionGoalSink = { feedback: () => undefined, result: () => undefined, fail: () => undefined };

export class Ros2Nav2 implements NavProfile {
  private current: Nav2Goal | undefined;
  private nextFeedbackAt = 0;

  constructor(private readonly ctx: ProfileContext) {
    const { robot, graph } = ctx;
    graph.advertiseAction(robot.ns('navigate_to_pose'), {
      type: 'nav2_msgs/action/NavigateToPose',
      sendGoal: (args, sink) => this.onGoal('to-pose', args, sink),
    });
    graph.advertiseAction(robot.ns('navigate_through_poses'), {
      type: 'nav2_msgs/action/NavigateThroughPoses',
      sendGoal: (args, sink) => this.onGoal('through-poses', args, sink),
    });
    // bt_navigator's fire-and-forget goal: no client hears its result.
    graph.listen(robot.ns('goal_pose'), 'geometry_msgs/msg/PoseStamped', {
      validate: (msg) => {
        const read = readPoseStamped(msg);
        return read.ok ? undefined : read.error;
      },
      handle: (msg) => {
        this.onGoal('to-pose', { pose: msg }, NO_SINK);
      },
    });
    graph.advertiseService(robot.ns('navigate_to_pose/_action/cancel_goal'), {
      type: 'action_msgs/srv/CancelGoal',
      owner: 'sim',
      call: (_args, respond) => {
        const goal = this.current;
        if (goal) this.finish(goal, GOAL_STATUS.CANCELED, ERROR_CODE.NONE, '');
        const canceling = goal
          ? [{ goal_id: { uuid: uuidBytes(goal.uuid) }, stamp: rosTime(goal.startedAtMs, 'ros2') }]
          : [];
        // action_msgs/srv/CancelGoal: 0 ERROR_NONE, 1 ERROR_REJECTED (nothing to cancel).
        respond({ ok: true, values: { return_code: goal ? 0 : 1, goals_canceling: canceling } });
      },
    });
  }

  private onGoal(kind: GoalKind, args: unknown, sink: ActionGoalSink): ActionGoalHandle | undefined {
    const { robot, now } = this.ctx;
    const read = readNav2Goal(args, kind);
    if (!read.ok) {
      sink.fail(read.error);
      return undefined;
    }
    if (robot.rejectNext) {
      robot.rejectNext = false;
      return undefined;
    }
    if (this.current) this.finish(this.current, GOAL_STATUS.ABORTED, ERROR_CODE.NONE, '');
    const goal: Nav2Goal = { uuid: randomUUID(), kind, sink, startedAtMs: now() };
    this.current = goal;
    const handle: ActionGoalHandle = {
      cancel: () => {
        if (this.current === goal) {
          this.finish(goal, GOAL_STATUS.CANCELED, ERROR_CODE.NONE, '');
          this.ctx.topics.publishAll();
        }
      },
    };
    const targets = read.value;
    const last = targets[targets.length - 1];
    if (!last) {
      this.finish(goal, GOAL_STATUS.ABORTED, ERROR_CODE.UNKNOWN, 'no poses to navigate through');
      return handle;
    }
    for (const target of targets) {
      const refusal = refuse(target, robot);
      const tfError = frameError(target, robot.mapFrame);
      if (refusal !== undefined || tfError !== undefined) {
        const code = refusal !== undefined ? ERROR_CODE.UNKNOWN : ERROR_CODE.TF_ERROR;
        this.finish(goal, GOAL_STATUS.ABORTED, code, refusal ?? tfError ?? '');
        return handle;
      }
    }
    robot.drive(targets.map((t) => ({ x: t.x, y: t.y, thetaRad: t.thetaRad ?? 0 })));
    this.nextFeedbackAt = now();
    return handle;
  }

  private finish(goal: Nav2Goal, status: number, errorCode: number, errorMsg: string): void {
    if (this.current === goal) {
      this.current = undefined;
      this.ctx.robot.stop();
    }
    goal.sink.result(status, { error_code: errorCode, error_msg: errorMsg });
  }

  abortGoal(text: string): boolean {
    if (!this.current) return false;
    this.finish(this.current, GOAL_STATUS.ABORTED, ERROR_CODE.UNKNOWN, text);
    this.ctx.topics.publishAll();
    return true;
  }

  currentGoalId(): string | undefined {
    return this.current?.uuid;
  }

  private feedback(goal: Nav2Goal, nowMs: number): void {
    const { robot } = this.ctx;
    if (!robot.publishingPoses) return;
    const remainingM = robot.remainingM();
    const values: Record<string, unknown> = {
      current_pose: poseStamped(nowMs, robot.mapFrame, robot.pose, 'ros2'),
      navigation_time: rosTime(nowMs - goal.startedAtMs, 'ros2'),
      estimated_time_remaining: rosTime((remainingM / robot.speedMps) * 1000, 'ros2'),
      number_of_recoveries: 0,
      distance_remaining: remainingM,
    };
    if (goal.kind === 'through-poses') values.number_of_poses_remaining = robot.waypointsLeft;
    goal.sink.feedback(values);
  }

  tick(nowMs: number, dtMs: number): void {
    const outcome = this.ctx.robot.step(dtMs);
    const goal = this.current;
    if (!goal) return;
    if (outcome === 'reached') {
      this.feedback(goal, nowMs);
      this.finish(goal, GOAL_STATUS.SUCCEEDED, ERROR_CODE.NONE, '');
      this.ctx.topics.publishAll();
    } else if (outcome === 'battery-empty') {
      this.abortGoal('battery empty');
    } else if (nowMs >= this.nextFeedbackAt) {
      this.nextFeedbackAt = nowMs + FEEDBACK_PERIOD_MS / 2;
      this.feedback(goal, nowMs);
    }
  }
}

/** Nav2 transforms goals into its global frame; a frame it has no transform for fails (TF_ERROR). */
function frameError(target: GoalPose, mapFrame: string): string | undefined {
  if (target.frameId === '' || target.frameId === mapFrame) return undefined;
  return `no transform from ${target.frameId} to ${mapFrame}`;
}

/** unique_identifier_msgs/UUID: the 16 bytes of a UUID string. */
function uuidBytes(uuid: string): number[] {
  const hex = uuid.replace(/-/g, '');
  return Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}
