/**
 * ROS messages as rosbridge carries them (JSON field names as in the .msg files), for both ROS 1
 * (`{secs,nsecs}` times, headers with `seq`) and ROS 2 (`{sec,nanosec}`, no `seq`). Builders for what
 * the robots publish and lenient readers for what clients send: fields left out take ROS defaults (as
 * rosbridge fills them), fields of the wrong type are an error naming the field.
 */
import { isRecord } from './rosbridge-wire.ts';

export type RosVersion = 'ros1' | 'ros2';

/** A planar pose in the robot's map frame: metres, radians (counter-clockwise from +x). */
export interface Pose2d {
  readonly x: number;
  readonly y: number;
  readonly thetaRad: number;
}

export type RosTime = { secs: number; nsecs: number } | { sec: number; nanosec: number };

/** `timeMs` (ms since the epoch, or a duration in ms) as a ROS time of that version. */
export function rosTime(timeMs: number, version: RosVersion): RosTime {
  const whole = Math.floor(timeMs / 1000);
  const nanos = Math.round((timeMs - whole * 1000) * 1e6);
  return version === 'ros1' ? { secs: whole, nsecs: nanos } : { sec: whole, nanosec: nanos };
}

export interface Header {
  readonly seq?: number;
  readonly stamp: RosTime;
  readonly frame_id: string;
}

export function header(timeMs: number, frameId: string, version: RosVersion, seq = 0): Header {
  const stamp = rosTime(timeMs, version);
  return version === 'ros1' ? { seq, stamp, frame_id: frameId } : { stamp, frame_id: frameId };
}

export function poseMsg(pose: Pose2d): unknown {
  return {
    position: { x: pose.x, y: pose.y, z: 0 },
    orientation: { x: 0, y: 0, z: Math.sin(pose.thetaRad / 2), w: Math.cos(pose.thetaRad / 2) },
  };
}

/** A 6x6 row-major covariance with `xy` on x and y and `yaw` on the yaw diagonal. */
export function covariance(xy: number, yaw: number): number[] {
  const c = new Array<number>(36).fill(0);
  c[0] = xy;
  c[7] = xy;
  c[35] = yaw;
  return c;
}

export function poseStamped(timeMs: number, frameId: string, pose: Pose2d, version: RosVersion): unknown {
  return { header: header(timeMs, frameId, version), pose: poseMsg(pose) };
}

export function yawFromQuaternion(q: { x: number; y: number; z: number; w: number }): number {
  return Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
}

// ------------------------------------------------------------------------------------------- readers

export type Read<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

class MessageError extends Error {}

function field(obj: Record<string, unknown>, name: string, path: string): Record<string, unknown> {
  const value = obj[name];
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new MessageError(`${path}.${name} must be a message (an object)`);
  return value;
}

function num(obj: Record<string, unknown>, name: string, path: string, fallback = 0): number {
  const value = obj[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number')
    throw new MessageError(`${path}.${name} must be a number, got ${typeof value}`);
  return value;
}

function text(obj: Record<string, unknown>, name: string, path: string): string {
  const value = obj[name];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string')
    throw new MessageError(`${path}.${name} must be a string, got ${typeof value}`);
  return value;
}

function guarded<T>(read: () => T): Read<T> {
  try {
    return { ok: true, value: read() };
  } catch (err) {
    if (err instanceof MessageError) return { ok: false, error: err.message };
    throw err;
  }
}

function root(msg: unknown, type: string): Record<string, unknown> {
  if (msg === undefined || msg === null) return {};
  if (!isRecord(msg)) throw new MessageError(`${type} must be a message (an object)`);
  return msg;
}

/** A stamp in ms since the epoch, either version's field names; 0 for a zero or missing stamp. */
function stampMs(obj: Record<string, unknown>, path: string): number {
  const secs = num(obj, 'secs', path, num(obj, 'sec', path));
  const nanos = num(obj, 'nsecs', path, num(obj, 'nanosec', path));
  return secs * 1000 + nanos / 1e6;
}

/** A goal pose as read from a `geometry_msgs/PoseStamped`; `thetaRad` is null for a zero quaternion. */
export interface GoalPose {
  readonly frameId: string;
  readonly x: number;
  readonly y: number;
  readonly thetaRad: number | null;
  /** False when any coordinate is NaN or infinite (JSON `1e999` parses as Infinity). */
  readonly finite: boolean;
}

function readPose(ps: Record<string, unknown>, path: string): GoalPose {
  const frameId = text(field(ps, 'header', path), 'frame_id', `${path}.header`);
  const pose = field(ps, 'pose', path);
  const p = field(pose, 'position', `${path}.pose`);
  const o = field(pose, 'orientation', `${path}.pose`);
  const q = {
    x: num(o, 'x', `${path}.pose.orientation`),
    y: num(o, 'y', `${path}.pose.orientation`),
    z: num(o, 'z', `${path}.pose.orientation`),
    w: num(o, 'w', `${path}.pose.orientation`),
  };
  const x = num(p, 'x', `${path}.pose.position`);
  const y = num(p, 'y', `${path}.pose.position`);
  const finite = [x, y, q.x, q.y, q.z, q.w].every(Number.isFinite);
  const norm = Math.hypot(q.x, q.y, q.z, q.w);
  return { frameId, x, y, thetaRad: finite && norm > 1e-9 ? yawFromQuaternion(q) : null, finite };
}

export function readPoseStamped(msg: unknown): Read<GoalPose> {
  return guarded(() => readPose(root(msg, 'PoseStamped'), 'PoseStamped'));
}

/** actionlib_msgs/GoalID: `stampMs` 0 for a zero stamp, `id` '' when left out. */
export interface GoalId {
  readonly stampMs: number;
  readonly id: string;
}

function readGoalIdFields(obj: Record<string, unknown>, path: string): GoalId {
  return { stampMs: stampMs(field(obj, 'stamp', path), `${path}.stamp`), id: text(obj, 'id', path) };
}

export function readGoalId(msg: unknown): Read<GoalId> {
  return guarded(() => readGoalIdFields(root(msg, 'GoalID'), 'GoalID'));
}

export interface MoveBaseGoal {
  readonly goalId: GoalId;
  readonly target: GoalPose;
}

/** move_base_msgs/MoveBaseActionGoal {header, goal_id, goal: {target_pose}}. */
export function readMoveBaseActionGoal(msg: unknown): Read<MoveBaseGoal> {
  return guarded(() => {
    const m = root(msg, 'MoveBaseActionGoal');
    const goal = field(m, 'goal', 'MoveBaseActionGoal');
    return {
      goalId: readGoalIdFields(field(m, 'goal_id', 'MoveBaseActionGoal'), 'MoveBaseActionGoal.goal_id'),
      target: readPose(
        field(goal, 'target_pose', 'MoveBaseActionGoal.goal'),
        'MoveBaseActionGoal.goal.target_pose',
      ),
    };
  });
}

/**
 * The goal of `nav2_msgs/action/NavigateToPose` ({pose, behavior_tree}) or `NavigateThroughPoses`
 * ({poses, behavior_tree}) as rosbridge passes `args`: an object by field name or a list in field order.
 */
export function readNav2Goal(args: unknown, kind: 'to-pose' | 'through-poses'): Read<readonly GoalPose[]> {
  return guarded(() => {
    const fieldName = kind === 'to-pose' ? 'pose' : 'poses';
    let goal: Record<string, unknown>;
    if (Array.isArray(args)) {
      const list: readonly unknown[] = args;
      goal = { [fieldName]: list[0], behavior_tree: list[1] };
    } else goal = root(args, 'goal');
    text(goal, 'behavior_tree', 'goal');
    if (kind === 'to-pose') return [readPose(field(goal, 'pose', 'goal'), 'goal.pose')];
    const poses = goal.poses ?? [];
    if (!Array.isArray(poses)) throw new MessageError('goal.poses must be a list of PoseStamped');
    return poses.map((p: unknown, i) => readPose(root(p, `goal.poses[${i}]`), `goal.poses[${i}]`));
  });
}
