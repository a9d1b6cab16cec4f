import type { RobotSpec } from '../../orchestrator/domain/robot.ts';
import { wireId } from './order-builder.ts';
import type { VdaRobotConfig } from './adapter-options.ts';

/** Manufacturer of the AGVs of our VDA 5050 simulator. */
export const SIM_MANUFACTURER = 'Fleetbridge';

/**
 * The VDA 5050 identity of a plant robot when the simulated fleet speaks VDA 5050 (`FLEET=vda5050`): the
 * adapter addresses it, and the simulator answers as it, under the same manufacturer and serial number.
 */
export function simVdaIdentity(robot: Pick<RobotSpec, 'id'>): VdaRobotConfig {
  return { robotId: robot.id, manufacturer: SIM_MANUFACTURER, serialNumber: wireId(robot.id) };
}
