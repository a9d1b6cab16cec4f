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
}

export type OperatingMode = 'automatic' | 'manual' | 'service';
export type ConnectionState = 'online' | 'offline' | 'connection-broken';

export interface RobotError {
  readonly code: string;
  readonly level: 'warning' | 'fatal';
  readonly message: string;
}
