/**
 * Layout frame <-> robot map frame. `MapFrame` is the pose of the robot map's origin in the layout frame
 * (metres, radians; both frames x right, y up), as a TF transform `layout -> map` is written: a robot
 * standing at map (0, 0) with yaw 0 stands at layout (x, y) heading `thetaRad`.
 */
import type { Pose } from '../../orchestrator/domain/robot-messages.ts';
import type { RosProfile } from './ros-names.ts';

export interface MapFrame {
  readonly x: number;
  readonly y: number;
  readonly thetaRad: number;
}

export const IDENTITY_FRAME: MapFrame = { x: 0, y: 0, thetaRad: 0 };

/** A layout-frame pose in the robot's map frame. */
export function layoutToMap(frame: MapFrame, pose: Pose): Pose {
  const dx = pose.x - frame.x;
  const dy = pose.y - frame.y;
  const c = Math.cos(frame.thetaRad);
  const s = Math.sin(frame.thetaRad);
  return {
    x: c * dx + s * dy,
    y: -s * dx + c * dy,
    thetaRad: normalizeAngle(pose.thetaRad - frame.thetaRad),
  };
}

/** A map-frame pose in the layout frame (the inverse of `layoutToMap`). */
export function mapToLayout(frame: MapFrame, pose: Pose): Pose {
  const c = Math.cos(frame.thetaRad);
  const s = Math.sin(frame.thetaRad);
  return {
    x: frame.x + c * pose.x - s * pose.y,
    y: frame.y + s * pose.x + c * pose.y,
    thetaRad: normalizeAngle(pose.thetaRad + frame.thetaRad),
  };
}

/** The angle in (-pi, pi]. */
export function normalizeAngle(rad: number): number {
  const a = Math.atan2(Math.sin(rad), Math.cos(rad));
  return a === -Math.PI ? Math.PI : a;
}

export interface Quaternion {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly w: number;
}

/** A rotation about z by `yawRad`. */
export function yawToQuaternion(yawRad: number): Quaternion {
  return { x: 0, y: 0, z: Math.sin(yawRad / 2), w: Math.cos(yawRad / 2) };
}

/** The yaw of `q`, radians; NaN for a zero quaternion. */
export function quaternionToYaw(q: Quaternion): number {
  if (q.x === 0 && q.y === 0 && q.z === 0 && q.w === 0) return NaN;
  return Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
}

/** A ROS time for `ms` since the epoch: `{secs, nsecs}` (ROS 1) or `{sec, nanosec}` (ROS 2). */
export function rosTime(
  profile: RosProfile,
  ms: number,
): { secs: number; nsecs: number } | { sec: number; nanosec: number } {
  const whole = Math.floor(ms / 1000);
  const nanos = Math.round((ms - whole * 1000) * 1e6);
  return profile === 'ros1-move-base' ? { secs: whole, nsecs: nanos } : { sec: whole, nanosec: nanos };
}

/** A geometry_msgs/PoseStamped for a map-frame pose. */
export function poseStamped(profile: RosProfile, frameId: string, pose: Pose, nowMs: number): object {
  return {
    header: { stamp: rosTime(profile, nowMs), frame_id: frameId },
    pose: { position: { x: pose.x, y: pose.y, z: 0 }, orientation: yawToQuaternion(pose.thetaRad) },
  };
}
