/**
 * Navigation goals over rosbridge, one client per robot, normalised to `GoalEvent`s keyed by goal id:
 *
 * - `ros1-move-base`: actionlib over topics with roslib's `ActionClient`/`Goal` (we make the goal id,
 *   `goal_<uuid>`); status, feedback and result are subscribed here and checked with zod, since roslib
 *   passes them on unchecked. Codes: 0 PENDING, 1 ACTIVE, 6 PREEMPTING, 7 RECALLING (accepted), 3 SUCCEEDED,
 *   2 PREEMPTED / 8 RECALLED (canceled; a failure when we did not ask), 4 ABORTED, 5 REJECTED, 9 LOST.
 * - `ros2-nav2`: the `send_action_goal` op through roslib's `Action` (the id is the op id); the raw
 *   `action_feedback` / `action_result` frames are read here. Codes (action_msgs/GoalStatus): 4 SUCCEEDED,
 *   5 CANCELED, 6 ABORTED; `result: false` carries an error string. There is no acceptance message: the
 *   first feedback or result accepts. A rejected goal gets no answer at all, so the caller puts a deadline
 *   on acceptance.
 */
import { Action, ActionClient, Goal, Topic, type Ros } from 'roslib';
import type { Pose } from '../../orchestrator/domain/robot-messages.ts';
import { poseStamped } from './frames.ts';
import type { RosProfile } from './ros-names.ts';
import {
  actionFeedbackSchema,
  actionResultSchema,
  goalStatusArraySchema,
  moveBaseFeedbackSchema,
  moveBaseResultSchema,
  ROS1_STATUS,
  ROS2_STATUS,
  zodReason,
  type PoseStampedMsg,
} from './wire.ts';

export type GoalEvent =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'feedback'; readonly pose: PoseStampedMsg }
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'canceled' }
  | { readonly kind: 'failed'; readonly text: string };

export interface NavClientOptions {
  readonly ros: Ros;
  /** Absolute action name (`/amr1/move_base`). */
  readonly action: string;
  readonly actionType: string;
  readonly frameId: string;
  readonly now: () => number;
  readonly onGoal: (goalId: string, event: GoalEvent) => void;
  /** A message that could not be read; `kind` is stable (logged once per robot and kind). */
  readonly onProblem: (kind: string, detail: string) => void;
}

export interface NavClient {
  /** Sends a goal to a map-frame pose; returns its id. */
  send(pose: Pose): string;
  cancel(goalId: string): void;
  dispose(): void;
}

export function navClient(profile: RosProfile, options: NavClientOptions): NavClient {
  return profile === 'ros1-move-base' ? new MoveBaseClient(options) : new Nav2Client(options);
}

interface Tracked {
  readonly goal?: Goal<unknown>;
  accepted: boolean;
  canceling: boolean;
  done: boolean;
}

/** Goals kept after their end so late status echoes are recognised (move_base lists them for 5 s). */
const KEEP_DONE = 64;

class GoalBook {
  private readonly goals = new Map<string, Tracked>();
  constructor(private readonly onGoal: NavClientOptions['onGoal']) {}
  add(id: string, tracked: Tracked): void {
    this.goals.set(id, tracked);
  }
  get(id: string): Tracked | undefined {
    return this.goals.get(id);
  }
  accept(id: string, t: Tracked): void {
    if (t.accepted || t.done) return;
    t.accepted = true;
    this.onGoal(id, { kind: 'accepted' });
  }
  end(id: string, t: Tracked, event: GoalEvent): void {
    if (t.done) return;
    t.done = true;
    if (!t.accepted) t.accepted = true;
    this.onGoal(id, event);
    const done = [...this.goals].filter(([, g]) => g.done);
    for (const [old] of done.slice(0, Math.max(0, done.length - KEEP_DONE))) this.goals.delete(old);
  }
  clear(): void {
    this.goals.clear();
  }
}

class MoveBaseClient implements NavClient {
  private readonly client: ActionClient;
  private readonly topics: Topic[];
  private readonly book: GoalBook;

  constructor(private readonly o: NavClientOptions) {
    this.book = new GoalBook(o.onGoal);
    this.client = new ActionClient({
      ros: o.ros,
      serverName: o.action,
      actionName: o.actionType,
      omitStatus: true,
      omitFeedback: true,
      omitResult: true,
    });
    const topic = (suffix: string, type: string, read: (msg: unknown) => void): Topic => {
      const t = new Topic<unknown>({ ros: o.ros, name: `${o.action}/${suffix}`, messageType: type });
      t.subscribe(read);
      return t;
    };
    const base = o.actionType.replace(/Action$/, '');
    this.topics = [
      topic('status', 'actionlib_msgs/GoalStatusArray', (msg) => {
        const read = goalStatusArraySchema.safeParse(msg);
        if (!read.success) {
          o.onProblem('bad-goal-status', zodReason(read.error));
          return;
        }
        for (const s of read.data.status_list) this.status(s.goal_id.id, s.status, s.text ?? '');
      }),
      topic('result', `${base}ActionResult`, (msg) => {
        const read = moveBaseResultSchema.safeParse(msg);
        if (!read.success) {
          o.onProblem('bad-goal-result', zodReason(read.error));
          return;
        }
        const s = read.data.status;
        this.status(s.goal_id.id, s.status, s.text ?? '');
      }),
      topic('feedback', `${base}ActionFeedback`, (msg) => {
        const read = moveBaseFeedbackSchema.safeParse(msg);
        if (!read.success) {
          o.onProblem('bad-goal-feedback', zodReason(read.error));
          return;
        }
        const id = read.data.status.goal_id.id;
        const t = this.book.get(id);
        if (!t || t.done) return;
        this.book.accept(id, t);
        o.onGoal(id, { kind: 'feedback', pose: read.data.feedback.base_position });
      }),
    ];
  }

  send(pose: Pose): string {
    const goal = new Goal({
      actionClient: this.client,
      goalMessage: { target_pose: poseStamped('ros1-move-base', this.o.frameId, pose, this.o.now()) },
    });
    // roslib keeps every Goal in `goals` forever; our own book replaces it.
    Reflect.deleteProperty(this.client.goals, goal.goalID);
    this.book.add(goal.goalID, { goal, accepted: false, canceling: false, done: false });
    goal.send();
    return goal.goalID;
  }

  cancel(goalId: string): void {
    const t = this.book.get(goalId);
    if (!t || t.done) return;
    t.canceling = true;
    t.goal?.cancel();
  }

  dispose(): void {
    for (const t of this.topics) t.unsubscribe();
    this.client.goalTopic.unadvertise();
    this.client.cancelTopic.unadvertise();
    this.book.clear();
  }

  private status(id: string, status: number, text: string): void {
    const t = this.book.get(id);
    if (!t || t.done) return;
    switch (status) {
      case ROS1_STATUS.PENDING:
      case ROS1_STATUS.ACTIVE:
      case ROS1_STATUS.PREEMPTING:
      case ROS1_STATUS.RECALLING:
        this.book.accept(id, t);
        return;
      case ROS1_STATUS.SUCCEEDED:
        this.book.end(id, t, { kind: 'succeeded' });
        return;
      case ROS1_STATUS.PREEMPTED:
      case ROS1_STATUS.RECALLED:
        this.book.end(
          id,
          t,
          t.canceling
            ? { kind: 'canceled' }
            : { kind: 'failed', text: `preempted by someone else${text ? ` (${text})` : ''}` },
        );
        return;
      case ROS1_STATUS.ABORTED:
      case ROS1_STATUS.REJECTED:
      case ROS1_STATUS.LOST: {
        const what =
          status === ROS1_STATUS.ABORTED ? 'aborted' : status === ROS1_STATUS.REJECTED ? 'rejected' : 'lost';
        this.book.end(id, t, { kind: 'failed', text: `goal ${what}${text ? `: ${text}` : ''}` });
        return;
      }
      default:
        this.o.onProblem('unknown-goal-status', `actionlib status ${status} for goal ${id}`);
    }
  }
}

class Nav2Client implements NavClient {
  private readonly action: Action;
  private readonly book: GoalBook;

  constructor(private readonly o: NavClientOptions) {
    this.book = new GoalBook(o.onGoal);
    this.action = new Action({ ros: o.ros, name: o.action, actionType: o.actionType });
  }

  send(pose: Pose): string {
    const goal = { pose: poseStamped('ros2-nav2', this.o.frameId, pose, this.o.now()), behavior_tree: '' };
    const ignore = (): void => undefined;
    const id = this.action.sendGoal(goal, ignore, ignore, ignore);
    if (id === undefined) throw new Error(`roslib refused a goal on ${this.o.action}`);
    const tracked: Tracked = { accepted: false, canceling: false, done: false };
    this.book.add(id, tracked);
    this.o.ros.on(id, (raw: unknown) => {
      this.frame(id, tracked, raw);
    });
    return id;
  }

  cancel(goalId: string): void {
    const t = this.book.get(goalId);
    if (!t || t.done) return;
    t.canceling = true;
    this.action.cancelGoal(goalId);
    if (!t.accepted) {
      // Never answered (a rejected goal gets no frame at all): stop listening for it.
      this.o.ros.removeAllListeners(goalId);
      t.done = true;
    }
  }

  dispose(): void {
    this.book.clear();
  }

  private frame(id: string, t: Tracked, raw: unknown): void {
    const op = (raw as { op?: unknown }).op;
    if (op === 'action_feedback') {
      const read = actionFeedbackSchema.safeParse(raw);
      if (!read.success) {
        this.o.onProblem('bad-goal-feedback', zodReason(read.error));
        return;
      }
      this.book.accept(id, t);
      if (!t.done) this.o.onGoal(id, { kind: 'feedback', pose: read.data.values.current_pose });
      return;
    }
    if (op !== 'action_result') return;
    const read = actionResultSchema.safeParse(raw);
    if (!read.success) {
      this.o.onProblem('bad-goal-result', zodReason(read.error));
      return;
    }
    // roslib's own listener for this id goes too: a goal's frames end with its result.
    this.o.ros.removeAllListeners(id);
    const { status, result, values } = read.data;
    if (!result) {
      this.book.end(id, t, { kind: 'failed', text: `goal failed: ${String(values)}` });
      return;
    }
    switch (status) {
      case ROS2_STATUS.SUCCEEDED: {
        this.book.end(id, t, { kind: 'succeeded' });
        return;
      }
      case ROS2_STATUS.CANCELED: {
        this.book.end(
          id,
          t,
          t.canceling ? { kind: 'canceled' } : { kind: 'failed', text: 'goal canceled by someone else' },
        );
        return;
      }
      case ROS2_STATUS.ABORTED: {
        // After our own cancel a preempting server may answer ABORTED: it is the end we asked for.
        this.book.end(
          id,
          t,
          t.canceling ? { kind: 'canceled' } : { kind: 'failed', text: `goal aborted${errorText(values)}` },
        );
        return;
      }
      default:
        this.o.onProblem('unknown-goal-status', `action_msgs status ${status} for goal ${id}`);
        {
          this.book.end(id, t, { kind: 'failed', text: `goal ended with unknown status ${status}` });
          return;
        }
    }
  }
}

/** Jazzy's NavigateToPose result `{error_code, error_msg}`, as `: msg (code n)`; Humble's is empty. */
function errorText(values: unknown): string {
  if (typeof values !== 'object' || values === null) return '';
  const { error_code: code, error_msg: msg } = values as { error_code?: unknown; error_msg?: unknown };
  const parts = [
    typeof msg === 'string' && msg !== '' ? msg : undefined,
    typeof code === 'number' && code !== 0 ? `code ${code}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? `: ${parts.join(' ')}` : '';
}
