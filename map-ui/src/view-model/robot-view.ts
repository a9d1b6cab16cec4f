import type { LiveRobot, LiveRobotStatus } from '../../../orchestrator/http/live-contract.ts';
import type { Point } from './camera.ts';

/** Fill colour (0xRRGGBB) of a robot by status: readable on the dark map, red only for faults. */
export const STATUS_COLOURS: Readonly<Record<LiveRobotStatus, number>> = {
  moving: 0x2ecc71,
  working: 0x3498db,
  waiting: 0xff6fb5,
  idle: 0xbdc3c7,
  charging: 0xf1c40f,
  paused: 0xe67e22,
  fault: 0xe74c3c,
  offline: 0x636e72,
};

/** The colour of a robot; out-of-service robots are drawn in the offline grey unless faulted. */
export function robotColour(robot: Pick<LiveRobot, 'status' | 'outOfService'>): number {
  if (robot.outOfService && robot.status !== 'fault') return STATUS_COLOURS.offline;
  return STATUS_COLOURS[robot.status];
}

export function cssColour(rgb: number): string {
  return `#${rgb.toString(16).padStart(6, '0')}`;
}

/** Battery bar colour: red below 20 %, amber below 50 %, else green. */
export function batteryColour(pct: number): number {
  if (pct < 20) return 0xe74c3c;
  if (pct < 50) return 0xf39c12;
  return 0x2ecc71;
}

export interface RobotPlacement {
  /** Metres, map frame. */
  readonly x: number;
  readonly y: number;
  readonly thetaRad: number;
  /** `pose`: reported; `node`: the last node reached, used when the robot reports no pose. */
  readonly source: 'pose' | 'node';
}

/** Where to draw a robot, or undefined when neither its pose nor its node position is known. */
export function placeRobot(
  robot: Pick<LiveRobot, 'pose' | 'nodeId'>,
  nodes: ReadonlyMap<string, Point>,
): RobotPlacement | undefined {
  if (robot.pose) return { ...robot.pose, source: 'pose' };
  const at = robot.nodeId === undefined ? undefined : nodes.get(robot.nodeId);
  return at ? { x: at.x, y: at.y, thetaRad: 0, source: 'node' } : undefined;
}
