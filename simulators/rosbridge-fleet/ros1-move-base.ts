/**
 * The `ros1-move-base` profile: actionlib over topics for `<ns>/move_base` (move_base_msgs/MoveBaseAction)
 * as the real peer's SimpleActionServer speaks it. Subscribes to `<ns>/move_base/goal`, `/cancel` and
 * `<ns>/move_base_simple/goal`; publishes `/status` (GoalStatusArray, 5 Hz, finished goals kept 5 s),
 * `/feedback` (base_position, 10 Hz) and `/result`; serves `<ns>/move_base/clear_costmaps` (std_srvs/Empty).
 * Status codes are actionlib's: 1 ACTIVE, 2 PREEMPTED, 3 SUCCEEDED, 4 ABORTED, 5 REJECTED.
 */
import { refuse, type NavProfile, type ProfileContext } from './nav-profile.ts';
import { readServiceRequest } from './robot-topics.ts';
import {
  header,
  poseStamped,
  readGoalId,
  readMoveBaseActionGoal,
  readPoseStamped,
  rosTime,
  type GoalPose,
  type GoalId,
} from './ros-messages.ts';

export const ACTIONLIB_STATUS = {
  ACTIVE: 1,
  PREEMPTED: 2,
  SUCCEEDED: 3,
  ABORTED: 4,
  REJECTED: 5,
} as const;

const STATUS_PERIOD_MS = 200;
const FEEDBACK_PERIOD_MS = 100;
/** actionlib's status_list_timeout: finished goals stay in the status list this long. */
const STATUS_RETENTION_MS = 5000;
const ACCEPTED_TEXT = 'This goal has been accepted by the simple action server';

interface Ros1Goal {
  readonly id: string;
  readonly stampMs: number;
  status: number;
  text: string;
  endedAtMs?: number;
}

export class Ros1MoveBase implements NavProfile {
  private readonly goals: Ros1Goal[] = [];
  private current: Ros1Goal | undefined;
  private readonly pubStatus: (msg: unknown) => void;
  private readonly pubFeedback: (msg: unknown) => void;
  private readonly pubResult: (msg: unknown) => void;
  private readonly seq = { status: 0, feedback: 0, result: 0 };
  private nextStatusAt = 0;
  private nextFeedbackAt = 0;
  private generated = 0;

  constructor(private readonly ctx: ProfileContext) {
    const { robot, graph } = ctx;
    const action = robot.ns('move_base');
    this.pubStatus = graph.publisher(`${action}/status`, 'actionlib_msgs/GoalStatusArray', { latch: false });
    this.pubFeedback = graph.publisher(`${action}/feedback`, 'move_base_msgs/MoveBaseActionFeedback', {
      latch: false,
    });
    this.pubResult = graph.publisher(`${action}/result`, 'move_base_msgs/MoveBaseActionResult', {
      latch: false,
    });
    graph.listen(`${action}/goal`, 'move_base_msgs/MoveBaseActionGoal', {
      validate: (msg) => errorOf(readMoveBaseActionGoal(msg)),
      handle: (msg) => {
        const goal = readMoveBaseActionGoal(msg);
        if (goal.ok) this.onGoal(goal.value.goalId, goal.value.target);
      },
    });
    graph.listen(`${action}/cancel`, 'actionlib_msgs/GoalID', {
      validate: (msg) => errorOf(readGoalId(msg)),
      handle: (msg) => {
        const id = readGoalId(msg);
        if (id.ok) this.onCancel(id.value);
      },
    });
    // Like move_base: a bare PoseStamped becomes an action goal with an id of the server's making.
    graph.listen(robot.ns('move_base_simple/goal'), 'geometry_msgs/PoseStamped', {
      validate: (msg) => errorOf(readPoseStamped(msg)),
      handle: (msg) => {
        const pose = readPoseStamped(msg);
        if (pose.ok) this.onGoal({ id: '', stampMs: 0 }, pose.value);
      },
    });
    graph.advertiseService(`${action}/clear_costmaps`, {
      type: 'std_srvs/Empty',
      owner: 'sim',
      call: (args, respond) => {
        const req = readServiceRequest(args, 'std_srvs/EmptyRequest', []);
        respond(req.ok ? { ok: true, values: {} } : req);
      },
    });
  }

  private goalStatus(goal: Ros1Goal): unknown {
    return {
      goal_id: { stamp: rosTime(goal.stampMs, 'ros1'), id: goal.id },
      status: goal.status,
      text: goal.text,
    };
  }

  private finish(goal: Ros1Goal, status: number, text: string): void {
    goal.status = status;
    goal.text = text;
    goal.endedAtMs = this.ctx.now();
    if (this.current === goal) {
      this.current = undefined;
      this.ctx.robot.stop();
    }
    this.pubResult({
      header: header(this.ctx.now(), '', 'ros1', ++this.seq.result),
      status: this.goalStatus(goal),
      result: {},
    });
    this.publishStatus();
  }

  private onGoal(goalId: GoalId, target: GoalPose): void {
    const { robot, now } = this.ctx;
    const nowMs = now();
    if (goalId.id !== '' && this.goals.some((g) => g.id === goalId.id)) return; // actionlib drops repeats
    const id =
      goalId.id !== ''
        ? goalId.id
        : `${robot.ns('move_base')}-${++this.generated}-${(nowMs / 1000).toFixed(3)}`;
    const goal: Ros1Goal = { id, stampMs: goalId.stampMs > 0 ? goalId.stampMs : nowMs, status: 0, text: '' };
    this.goals.push(goal);
    if (robot.rejectNext) {
      robot.rejectNext = false;
      this.finish(goal, ACTIONLIB_STATUS.REJECTED, 'goal rejected (fault injection)');
      return;
    }
    if (this.current) {
      this.finish(this.current, ACTIONLIB_STATUS.PREEMPTED, 'preempted');
      this.ctx.topics.publishAll();
    }
    goal.status = ACTIONLIB_STATUS.ACTIVE;
    goal.text = ACCEPTED_TEXT;
    this.current = goal;
    const refusal = refuse(target, robot);
    if (refusal !== undefined) {
      this.finish(goal, ACTIONLIB_STATUS.ABORTED, refusal);
      return;
    }
    robot.drive([{ x: target.x, y: target.y, thetaRad: target.thetaRad ?? 0 }]);
    this.nextFeedbackAt = nowMs;
  }

  /** actionlib's cancel rules: empty id and zero stamp cancel all; an id cancels that goal; a stamp all before. */
  private onCancel(cancel: GoalId): void {
    const goal = this.current;
    if (!goal) return;
    const all = cancel.id === '' && cancel.stampMs === 0;
    const byStamp = cancel.stampMs > 0 && goal.stampMs <= cancel.stampMs;
    if (!all && !byStamp && cancel.id !== goal.id) return;
    this.finish(goal, ACTIONLIB_STATUS.PREEMPTED, 'preempted');
    this.ctx.topics.publishAll();
  }

  abortGoal(text: string): boolean {
    if (!this.current) return false;
    this.finish(this.current, ACTIONLIB_STATUS.ABORTED, text);
    this.ctx.topics.publishAll();
    return true;
  }

  currentGoalId(): string | undefined {
    return this.current?.id;
  }

  private publishStatus(): void {
    const nowMs = this.ctx.now();
    for (let i = this.goals.length - 1; i >= 0; i--) {
      const ended = this.goals[i]?.endedAtMs;
      if (ended !== undefined && nowMs - ended > STATUS_RETENTION_MS) this.goals.splice(i, 1);
    }
    this.pubStatus({
      header: header(nowMs, '', 'ros1', ++this.seq.status),
      status_list: this.goals.map((g) => this.goalStatus(g)),
    });
  }

  private publishFeedback(goal: Ros1Goal): void {
    const { robot, now } = this.ctx;
    if (!robot.publishingPoses) return;
    this.pubFeedback({
      header: header(now(), '', 'ros1', ++this.seq.feedback),
      status: this.goalStatus(goal),
      feedback: { base_position: poseStamped(now(), robot.mapFrame, robot.pose, 'ros1') },
    });
  }

  tick(nowMs: number, dtMs: number): void {
    const { robot } = this.ctx;
    const outcome = robot.step(dtMs);
    const goal = this.current;
    if (goal) {
      if (outcome === 'reached') {
        this.publishFeedback(goal);
        this.finish(goal, ACTIONLIB_STATUS.SUCCEEDED, 'goal reached');
        this.ctx.topics.publishAll();
      } else if (outcome === 'battery-empty') {
        this.abortGoal('battery empty');
      } else if (nowMs >= this.nextFeedbackAt) {
        this.nextFeedbackAt = nowMs + FEEDBACK_PERIOD_MS / 2;
        this.publishFeedback(goal);
      }
    }
    if (nowMs >= this.nextStatusAt) {
      this.nextStatusAt = Math.max(this.nextStatusAt + STATUS_PERIOD_MS, nowMs + STATUS_PERIOD_MS / 2);
      this.publishStatus();
    }
  }
}

function errorOf(read: { ok: true } | { ok: false; error: string }): string | undefined {
  return read.ok ? undefined : read.error;
}
