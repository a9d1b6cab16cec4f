/**
 * Shapes of what a rosbridge server sends the adapter, checked with zod at the edge: everything from the
 * wire is `unknown` until one of these accepts it. Fields the adapter does not read are let through.
 * rosbridge writes NaN as `null` (a BatteryState `percentage` may be either).
 */
import { z } from 'zod';

const finite = z.number(); // zod 4 numbers are finite
const time = z.union([
  z.object({ secs: z.number(), nsecs: z.number() }),
  z.object({ sec: z.number(), nanosec: z.number() }),
]);
const header = z.object({ stamp: time.optional(), frame_id: z.string() });

export const poseSchema = z.object({
  position: z.object({ x: finite, y: finite, z: z.number().optional() }),
  orientation: z.object({ x: finite, y: finite, z: finite, w: finite }),
});

export const poseStampedSchema = z.object({ header, pose: poseSchema });
export type PoseStampedMsg = z.infer<typeof poseStampedSchema>;

/** geometry_msgs/PoseWithCovarianceStamped (amcl_pose). */
export const poseWithCovarianceSchema = z.object({ header, pose: z.object({ pose: poseSchema }) });

/** nav_msgs/Odometry: only the header is read (a sign of life). */
export const odometrySchema = z.object({ header });

/** sensor_msgs/BatteryState: percentage 0..1 (NaN -> null), power_supply_status 1 = charging. */
export const batteryStateSchema = z.object({
  percentage: z.number().nullable(),
  power_supply_status: z.number().int(),
});

/** actionlib_msgs/GoalStatus; `status` is checked against the ROS 1 codes by the reader. */
export const goalStatusSchema = z.object({
  goal_id: z.object({ id: z.string() }),
  status: z.number().int(),
  text: z.string().optional(),
});

export const goalStatusArraySchema = z.object({ status_list: z.array(goalStatusSchema) });

/** move_base_msgs/MoveBaseActionResult. */
export const moveBaseResultSchema = z.object({ status: goalStatusSchema });

/** move_base_msgs/MoveBaseActionFeedback. */
export const moveBaseFeedbackSchema = z.object({
  status: goalStatusSchema,
  feedback: z.object({ base_position: poseStampedSchema }),
});

/** The rosbridge ROS 2 op `action_result` (`values`: the result, or an error string when result is false). */
export const actionResultSchema = z.object({
  op: z.literal('action_result'),
  id: z.string(),
  status: z.number().int(),
  result: z.boolean(),
  values: z.unknown(),
});

/** The rosbridge ROS 2 op `action_feedback` for NavigateToPose. */
export const actionFeedbackSchema = z.object({
  op: z.literal('action_feedback'),
  id: z.string(),
  values: z.object({ current_pose: poseStampedSchema }),
});

/** A std_srvs/SetBool response (or any response with `success`/`message`). */
export const serviceValuesSchema = z
  .object({ success: z.boolean().optional(), message: z.string().optional() })
  .loose();

/** Every op a rosbridge v2 server may send a client (ROSBRIDGE_PROTOCOL.md, both branches). */
export const SERVER_OPS: ReadonlySet<string> = new Set([
  'publish',
  'service_response',
  'call_service',
  'status',
  'fragment',
  'png',
  'send_action_goal',
  'cancel_action_goal',
  'action_feedback',
  'action_result',
]);

/** A zod failure in one line: `pose.position.x: expected number, received string`. */
export function zodReason(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** ROS 1 actionlib status codes (actionlib_msgs/GoalStatus). */
export const ROS1_STATUS = {
  PENDING: 0,
  ACTIVE: 1,
  PREEMPTED: 2,
  SUCCEEDED: 3,
  ABORTED: 4,
  REJECTED: 5,
  PREEMPTING: 6,
  RECALLING: 7,
  RECALLED: 8,
  LOST: 9,
} as const;

/** ROS 2 action_msgs/GoalStatus codes. */
export const ROS2_STATUS = {
  UNKNOWN: 0,
  ACCEPTED: 1,
  EXECUTING: 2,
  CANCELING: 3,
  SUCCEEDED: 4,
  CANCELED: 5,
  ABORTED: 6,
} as const;
