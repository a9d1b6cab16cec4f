/**
 * What every simulated robot publishes and serves whatever its navigation profile, with the real peer's
 * names, rates and field values: `<ns>/amcl_pose` (PoseWithCovarianceStamped, map frame, latched, 2 Hz),
 * `<ns>/odom` (Odometry, odom -> base_link, 10 Hz, equal to the map pose), `<ns>/battery_state`
 * (BatteryState, latched, 1 Hz) and the service `<ns>/robot/set_charging` (SetBool). ROS 2 robots use
 * the `/msg/` and `/srv/` type names and `{sec,nanosec}` times.
 */
import type { RosGraph, ServiceOutcome } from './ros-graph.ts';
import { covariance, header, poseMsg, type RosVersion } from './ros-messages.ts';
import { isRecord } from './rosbridge-wire.ts';
import type { SimRobot } from './sim-robot.ts';

const ODOM_PERIOD_MS = 100;
const AMCL_PERIOD_MS = 500;
const BATTERY_PERIOD_MS = 1000;

/** sensor_msgs/BatteryState constants. */
const POWER_SUPPLY_STATUS = { charging: 1, discharging: 2, full: 4 } as const;

type Stream = 'odom' | 'amcl' | 'battery';

export function rosTypeName(pkgAndName: string, kind: 'msg' | 'srv' | 'action', version: RosVersion): string {
  if (version === 'ros1') return pkgAndName;
  const [pkg, name] = pkgAndName.split('/');
  return `${pkg ?? ''}/${kind}/${name ?? ''}`;
}

type FieldKind = 'bool';

/**
 * A service request from `args` (an object by field name or a list in field order); missing fields take
 * their defaults. Errors read like rosbridge's message conversion errors.
 */
export function readServiceRequest(
  args: unknown,
  requestType: string,
  fields: readonly { readonly name: string; readonly kind: FieldKind }[],
): { ok: true; values: Record<string, boolean> } | { ok: false; error: string } {
  const given: Record<string, unknown> = {};
  if (Array.isArray(args)) {
    const list: readonly unknown[] = args;
    fields.forEach((f, i) => (given[f.name] = list[i]));
  } else if (isRecord(args)) Object.assign(given, args);
  const values: Record<string, boolean> = {};
  for (const key of Object.keys(given)) {
    if (!fields.some((f) => f.name === key))
      return { ok: false, error: `Message type ${requestType} does not have a field ${key}` };
  }
  for (const f of fields) {
    const v = given[f.name];
    if (v === undefined) values[f.name] = false;
    else if (typeof v === 'boolean') values[f.name] = v;
    else
      return {
        ok: false,
        error: `${requestType} message requires a bool for field ${f.name}, but got a ${typeof v}`,
      };
  }
  return { ok: true, values };
}

export class RobotTopics {
  private readonly pubAmcl: (msg: unknown) => void;
  private readonly pubOdom: (msg: unknown) => void;
  private readonly pubBattery: (msg: unknown) => void;
  private readonly seq = { amcl: 0, odom: 0, battery: 0 };
  private readonly nextAt: Record<Stream, number> = { odom: 0, amcl: 0, battery: 0 };

  constructor(
    private readonly robot: SimRobot,
    graph: RosGraph,
    private readonly version: RosVersion,
    /** Simulated time, ms since the epoch. */
    private readonly now: () => number,
  ) {
    const t = (name: string): string => rosTypeName(name, 'msg', version);
    this.pubAmcl = graph.publisher(robot.ns('amcl_pose'), t('geometry_msgs/PoseWithCovarianceStamped'), {
      latch: true,
    });
    this.pubOdom = graph.publisher(robot.ns('odom'), t('nav_msgs/Odometry'), { latch: false });
    this.pubBattery = graph.publisher(robot.ns('battery_state'), t('sensor_msgs/BatteryState'), {
      latch: true,
    });
    const srvType = rosTypeName('std_srvs/SetBool', 'srv', version);
    graph.advertiseService(robot.ns('robot/set_charging'), {
      type: srvType,
      owner: 'sim',
      call: (args, respond) => {
        respond(this.setCharging(args, `${srvType}Request`));
      },
    });
  }

  private setCharging(args: unknown, requestType: string): ServiceOutcome {
    const req = readServiceRequest(args, requestType, [{ name: 'data', kind: 'bool' }]);
    if (!req.ok) return req;
    const on = req.values.data === true;
    this.robot.charging = on;
    this.publishBattery();
    return { ok: true, values: { success: true, message: on ? 'charging' : 'not charging' } };
  }

  private header(frameId: string, seq: number): unknown {
    return header(this.now(), frameId, this.version, seq);
  }

  publishAmcl(): void {
    if (!this.robot.publishingPoses) return;
    this.pubAmcl({
      header: this.header(this.robot.mapFrame, ++this.seq.amcl),
      pose: { pose: poseMsg(this.robot.pose), covariance: covariance(0.05, 0.02) },
    });
  }

  publishOdom(): void {
    if (!this.robot.publishingPoses) return;
    this.pubOdom({
      header: this.header('odom', ++this.seq.odom),
      child_frame_id: 'base_link',
      pose: { pose: poseMsg(this.robot.pose), covariance: covariance(0.01, 0.01) },
      twist: {
        twist: { linear: { x: this.robot.velocityMps, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } },
        covariance: covariance(0, 0),
      },
    });
  }

  publishBattery(): void {
    const { battery, charging, velocityMps } = this.robot;
    const status =
      charging && battery >= 0.999
        ? POWER_SUPPLY_STATUS.full
        : charging
          ? POWER_SUPPLY_STATUS.charging
          : POWER_SUPPLY_STATUS.discharging;
    this.pubBattery({
      header: this.header('base_link', ++this.seq.battery),
      voltage: 22 + 3 * battery,
      temperature: 0,
      current: charging ? 5 : -(1 + 2 * Math.abs(velocityMps)),
      charge: NaN,
      capacity: NaN,
      design_capacity: NaN,
      percentage: battery,
      power_supply_status: status,
      power_supply_health: 1,
      power_supply_technology: 2,
      present: true,
      cell_voltage: [],
      cell_temperature: [],
      location: 'base',
      serial_number: `SIM-${this.robot.name}`,
    });
  }

  publishAll(): void {
    this.publishOdom();
    this.publishAmcl();
    this.publishBattery();
  }

  /** Publishes whatever is due at simulated time `nowMs`. */
  tick(nowMs: number): void {
    const due = (key: Stream, periodMs: number): boolean => {
      if (nowMs < this.nextAt[key]) return false;
      const next = this.nextAt[key] + periodMs;
      this.nextAt[key] = next > nowMs ? next : nowMs + periodMs;
      return true;
    };
    if (due('odom', ODOM_PERIOD_MS)) this.publishOdom();
    if (due('amcl', AMCL_PERIOD_MS)) this.publishAmcl();
    if (due('battery', BATTERY_PERIOD_MS)) this.publishBattery();
  }
}
