/**
 * A robot's subscriptions, read at the edge: map pose (`amcl_pose`, PoseWithCovarianceStamped), odometry
 * (`odom`, only as a sign of life: its frame drifts) and battery (`battery_state`, BatteryState). What does
 * not parse goes to `problem` (logged once per robot and kind) and is dropped.
 */
import { Topic, type Ros } from 'roslib';
import type { Pose } from '../../orchestrator/domain/robot-messages.ts';
import { mapToLayout, quaternionToYaw, type MapFrame } from './frames.ts';
import { ROS_TYPES, type RosNames, type RosProfile } from './ros-names.ts';
import {
  batteryStateSchema,
  odometrySchema,
  poseWithCovarianceSchema,
  zodReason,
  type PoseStampedMsg,
} from './wire.ts';

export interface RobotTopicHandlers {
  mapPose(msg: PoseStampedMsg): void;
  odometry(): void;
  /** `pct` 0..100, undefined when the robot does not know (NaN) or says nonsense. */
  battery(pct: number | undefined, charging: boolean): void;
  problem(kind: string, detail: string): void;
}

export function subscribeRobotTopics(
  ros: Ros,
  profile: RosProfile,
  names: RosNames,
  on: RobotTopicHandlers,
): { unsubscribe(): void } {
  const types = ROS_TYPES[profile];
  const topics: Topic[] = [];
  const subscribe = (name: string, type: string, throttleMs: number, read: (msg: unknown) => void): void => {
    const topic = new Topic({ ros, name, messageType: type, throttle_rate: throttleMs });
    topic.subscribe(read);
    topics.push(topic);
  };
  subscribe(names.pose, types.pose, 0, (msg) => {
    const read = poseWithCovarianceSchema.safeParse(msg);
    if (!read.success) on.problem('bad-pose', `${names.pose}: ${zodReason(read.error)}`);
    else on.mapPose({ header: read.data.header, pose: read.data.pose.pose });
  });
  subscribe(names.odom, types.odom, 500, (msg) => {
    if (odometrySchema.safeParse(msg).success) on.odometry();
    else on.problem('bad-odom', `${names.odom}: not a nav_msgs/Odometry`);
  });
  subscribe(names.battery, types.battery, 0, (msg) => {
    const read = batteryStateSchema.safeParse(msg);
    if (!read.success) {
      on.problem('bad-battery', `${names.battery}: ${zodReason(read.error)}`);
      return;
    }
    const p = read.data.percentage;
    const known = p !== null && p >= 0 && p <= 1;
    if (!known) on.problem('battery-unknown', `percentage ${String(p)} is not in 0..1`);
    on.battery(known ? Math.round(p * 1000) / 10 : undefined, read.data.power_supply_status === 1);
  });
  return {
    unsubscribe: () => {
      for (const t of topics) t.unsubscribe();
    },
  };
}

/**
 * A map pose in the layout frame, or why it cannot be used: another frame than `frameId` (a leading `/`
 * is ignored, as tf does) or a zero quaternion.
 */
export function readMapPose(
  msg: PoseStampedMsg,
  frameId: string,
  mapFrame: MapFrame,
): { ok: true; pose: Pose } | { ok: false; kind: string; detail: string } {
  const frame = msg.header.frame_id.replace(/^\//, '');
  if (frame !== frameId)
    return {
      ok: false,
      kind: 'pose-frame',
      detail: `pose in frame ${JSON.stringify(frame)}, expected ${frameId}`,
    };
  const yaw = quaternionToYaw(msg.pose.orientation);
  if (Number.isNaN(yaw)) return { ok: false, kind: 'bad-pose', detail: 'pose with a zero quaternion' };
  const { x, y } = msg.pose.position;
  return { ok: true, pose: mapToLayout(mapFrame, { x, y, thetaRad: yaw }) };
}
