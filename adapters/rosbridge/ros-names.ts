/**
 * The ROS names and message types a robot is driven through, per navigation profile. Defaults are the
 * stacks' own (ROS 1 move_base, ROS 2 Nav2) and what the real peer (`../shared/peers/ros1-rosbridge`) and
 * our simulator (`simulators/rosbridge-fleet`) serve:
 *
 * | name                 | ros1-move-base                            | ros2-nav2                                      |
 * | -------------------- | ----------------------------------------- | ---------------------------------------------- |
 * | navigate             | `move_base` (move_base_msgs/MoveBaseAction) | `navigate_to_pose` (nav2_msgs/action/NavigateToPose) |
 * | navigateThroughPoses | (none)                                    | `navigate_through_poses` (not driven: the graph is released one node at a time) |
 * | pose                 | `amcl_pose` (PoseWithCovarianceStamped, map frame) | `amcl_pose`                           |
 * | odom                 | `odom` (nav_msgs/Odometry: a sign of life, never a position) | `odom`                      |
 * | battery              | `battery_state` (sensor_msgs/BatteryState) | `battery_state`                               |
 * | setCharging          | `robot/set_charging` (std_srvs/SetBool)   | `robot/set_charging` (std_srvs/srv/SetBool)    |
 *
 * A relative name is put under the robot's namespace (`/amr1` + `move_base` = `/amr1/move_base`); an
 * absolute one (`/move_base`) is taken as it is.
 */
export type RosProfile = 'ros1-move-base' | 'ros2-nav2';

export const ROS_PROFILES = ['ros1-move-base', 'ros2-nav2'] as const satisfies readonly RosProfile[];

export interface RosNames {
  readonly navigate: string;
  readonly navigateThroughPoses: string;
  readonly pose: string;
  readonly odom: string;
  readonly battery: string;
  readonly setCharging: string;
}

export const ROS1_MOVE_BASE_NAMES: RosNames = {
  navigate: 'move_base',
  navigateThroughPoses: '',
  pose: 'amcl_pose',
  odom: 'odom',
  battery: 'battery_state',
  setCharging: 'robot/set_charging',
};

export const ROS2_NAV2_NAMES: RosNames = {
  navigate: 'navigate_to_pose',
  navigateThroughPoses: 'navigate_through_poses',
  pose: 'amcl_pose',
  odom: 'odom',
  battery: 'battery_state',
  setCharging: 'robot/set_charging',
};

export const DEFAULT_NAMES: Readonly<Record<RosProfile, RosNames>> = {
  'ros1-move-base': ROS1_MOVE_BASE_NAMES,
  'ros2-nav2': ROS2_NAV2_NAMES,
};

/** Message, action and service types per profile (ROS 2 types carry `/msg/`, `/action/`, `/srv/`). */
export interface RosTypes {
  readonly navigate: string;
  readonly pose: string;
  readonly odom: string;
  readonly battery: string;
  readonly setBool: string;
}

export const ROS_TYPES: Readonly<Record<RosProfile, RosTypes>> = {
  'ros1-move-base': {
    navigate: 'move_base_msgs/MoveBaseAction',
    pose: 'geometry_msgs/PoseWithCovarianceStamped',
    odom: 'nav_msgs/Odometry',
    battery: 'sensor_msgs/BatteryState',
    setBool: 'std_srvs/SetBool',
  },
  'ros2-nav2': {
    navigate: 'nav2_msgs/action/NavigateToPose',
    pose: 'geometry_msgs/msg/PoseWithCovarianceStamped',
    odom: 'nav_msgs/msg/Odometry',
    battery: 'sensor_msgs/msg/BatteryState',
    setBool: 'std_srvs/srv/SetBool',
  },
};

/** `amr1`, `/amr1/`, `/amr1` -> `/amr1`; `''`, `/` or undefined -> `''` (no namespace). */
export function normalizeNamespace(namespace: string | undefined): string {
  const trimmed = (namespace ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}

/** The absolute name of `name` under `namespace` (see the file comment); `''` stays `''`. */
export function resolveName(namespace: string, name: string): string {
  if (name === '') return '';
  if (name.startsWith('/')) return name;
  return `${normalizeNamespace(namespace)}/${name}`;
}

/** Every name of a robot, absolute: the profile's defaults, overridden by `overrides`. */
export function robotNames(
  profile: RosProfile,
  namespace: string | undefined,
  overrides: Partial<RosNames> = {},
): RosNames {
  const merged: RosNames = { ...DEFAULT_NAMES[profile], ...overrides };
  const ns = normalizeNamespace(namespace);
  return {
    navigate: resolveName(ns, merged.navigate),
    navigateThroughPoses: resolveName(ns, merged.navigateThroughPoses),
    pose: resolveName(ns, merged.pose),
    odom: resolveName(ns, merged.odom),
    battery: resolveName(ns, merged.battery),
    setCharging: resolveName(ns, merged.setCharging),
  };
}
