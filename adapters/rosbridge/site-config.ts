/**
 * A rosbridge robot in the site file (`fleet[i].rosbridge`), checked with zod, and the adapter
 * configuration the composition root builds from it (`rosRobotConfig`). Defaults: no namespace, identity
 * `mapFrame`, `frameId` `map`, the profile's names (`ros-names.ts`), actions as `robot-actions.ts` says,
 * the adapter's node tolerance (0.25 m).
 */
import { z } from 'zod';
import type { RobotSpec } from '../../orchestrator/domain/robot.ts';
import type { RosRobotConfig } from './rosbridge-robot-adapter.ts';
import { ROS_PROFILES } from './ros-names.ts';

const rosName = z
  .string()
  .regex(/^[/~]?[A-Za-z_][A-Za-z0-9_/]*$|^$/, 'a ROS name (letters, digits, _ and /)')
  .describe('a ROS name, relative to the namespace unless it starts with / (e.g. move_base)');

const actionCallSchema = z.union([
  z.literal('none').describe('none: the action finishes on arrival'),
  z.strictObject({
    service: rosName.describe('a ROS service name (e.g. lift/raise)'),
    type: z.string().min(1).describe('a ROS service type (e.g. std_srvs/Trigger)'),
    args: z.record(z.string(), z.unknown()).describe('the request fields by name').exactOptional(),
  }),
]);

export const rosbridgeSiteSchema = z.strictObject({
  url: z
    .string()
    .regex(/^wss?:\/\/[^/\s]+/, 'a ws:// or wss:// URL')
    .describe('the rosbridge WebSocket URL (e.g. ws://10.0.0.5:9090)'),
  profile: z.enum(ROS_PROFILES).describe('the navigation stack: ros1-move-base or ros2-nav2'),
  namespace: z
    .string()
    .regex(/^\/?([A-Za-z_][A-Za-z0-9_]*\/?)*$/, 'a ROS namespace (e.g. /amr1)')
    .describe('the robot ROS namespace (e.g. /amr1); none by default')
    .exactOptional(),
  mapFrame: z
    .strictObject({
      x: z.number().describe('metres'),
      y: z.number().describe('metres'),
      thetaRad: z.number().describe('radians'),
    })
    .describe('where the robot map origin lies in the layout: {x, y, thetaRad}, metres and radians')
    .exactOptional(),
  frameId: z.string().min(1).describe('the frame of goals and map poses (default map)').exactOptional(),
  names: z
    .strictObject({
      navigate: rosName.exactOptional(),
      navigateThroughPoses: rosName.exactOptional(),
      pose: rosName.exactOptional(),
      odom: rosName.exactOptional(),
      battery: rosName.exactOptional(),
      setCharging: rosName.exactOptional(),
    })
    .describe('topic, action and service names over the profile defaults')
    .exactOptional(),
  actions: z
    .strictObject({
      pick: actionCallSchema.exactOptional(),
      drop: actionCallSchema.exactOptional(),
      'start-charging': actionCallSchema.exactOptional(),
      'stop-charging': actionCallSchema.exactOptional(),
    })
    .describe('how pick, drop, start-charging and stop-charging run: none or {service, type, args}')
    .exactOptional(),
  nodeToleranceM: z
    .number()
    .positive()
    .describe('metres within which the robot stands on a node (default 0.25)')
    .exactOptional(),
});

export type RosbridgeSite = z.infer<typeof rosbridgeSiteSchema>;

/**
 * The adapter's configuration of a site-file robot.
 * @throws RangeError when `spec` has no (valid) `rosbridge` block: the site file check prevents this.
 */
export function rosRobotConfig(spec: RobotSpec): RosRobotConfig {
  const parsed = rosbridgeSiteSchema.safeParse(spec.rosbridge);
  if (!parsed.success)
    throw new RangeError(
      `robot ${spec.id}: no valid rosbridge block (${parsed.error.issues[0]?.message ?? ''})`,
    );
  return { robotId: spec.id, ...parsed.data };
}
