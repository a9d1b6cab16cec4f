import type { NodeId, VehicleTypeId } from './layout.ts';

export type RobotId = string;

/** Which adapter drives a robot. */
export type AdapterKind = 'sim' | 'vda5050' | 'rosbridge';

/** What a robot is and can do: configuration, from the site file. */
export interface RobotSpec {
  readonly id: RobotId;
  readonly vehicleType: VehicleTypeId;
  readonly adapter: AdapterKind;
  /** Where the robot starts and parks by default. */
  readonly homeNode: NodeId;
  /** Top speed, metres per second. */
  readonly maxSpeedMps: number;
  readonly loadTypes: readonly string[];
  readonly maxPayloadKg: number;
  /** How a robot driven over VDA 5050 is addressed, from the site file (the simulated fleet has its own). */
  readonly vda5050?: VdaIdentity;
  /** How a robot driven over rosbridge is reached, from the site file (`adapter: 'rosbridge'`). */
  readonly rosbridge?: RosbridgeEndpoint;
  /**
   * Release the next edge while the robot still drives the current one, so it need not slow down to stop
   * at every node (VDA 5050 O14: further base before the decision point). One edge ahead at most. Default:
   * on for `vda5050` robots, off otherwise (the in-process simulator stops nowhere anyway).
   */
  readonly releaseAhead?: boolean;
}

/** Whether traffic releases `spec`'s next edge before it reaches the end of the current one. */
export function releasesAhead(spec: RobotSpec): boolean {
  return spec.releaseAhead ?? spec.adapter === 'vda5050';
}

/**
 * A VDA 5050 AGV's identity on the broker (its topic levels) and its peer profile: the name of a built-in
 * profile, or overrides on one (`extends`, default `spec`), checked by the adapter's profile schema.
 */
export interface VdaIdentity {
  readonly manufacturer: string;
  readonly serialNumber: string;
  readonly profile?: string | Readonly<Record<string, unknown>>;
}

/**
 * A ROS robot behind a rosbridge server: its URL, navigation stack and where its map lies on the layout.
 * Names and action overrides stay opaque here; the adapter's site schema checks them.
 */
export interface RosbridgeEndpoint {
  /** `ws://host:port`. */
  readonly url: string;
  readonly profile: 'ros1-move-base' | 'ros2-nav2';
  /** ROS namespace (`/amr1`); none by default. */
  readonly namespace?: string;
  /** The robot map origin in the layout frame: metres, radians. */
  readonly mapFrame?: { readonly x: number; readonly y: number; readonly thetaRad: number };
  /** Frame of goals and map poses; default `map`. */
  readonly frameId?: string;
  readonly names?: Readonly<Record<string, string>>;
  readonly actions?: Readonly<Record<string, unknown>>;
  /** Metres within which the robot stands on a node. */
  readonly nodeToleranceM?: number;
}

export type OperatingMode = 'automatic' | 'manual' | 'service';
export type ConnectionState = 'online' | 'offline' | 'connection-broken';

export interface RobotError {
  readonly code: string;
  readonly level: 'warning' | 'fatal';
  readonly message: string;
}
