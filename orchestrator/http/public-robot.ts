import { z } from 'zod';
import { orderIdOf, type RobotRuntime, type RobotTask } from '../engine/engine-types.ts';
import { robotStatus } from '../live/live-view.ts';
import type { LiveRobotStatus } from './live-contract.ts';

/** How a robot reads at a glance: the live feed's `status` (`LiveRobotStatus`), the same words. */
export const ROBOT_STATUSES = [
  'moving',
  'working',
  'waiting',
  'idle',
  'charging',
  'paused',
  'fault',
  'offline',
] as const;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The API's statuses are exactly the live feed's: a status added to one and not the other fails to compile. */
export const STATUSES_MATCH_LIVE_FEED: Same<(typeof ROBOT_STATUSES)[number], LiveRobotStatus> = true;

/**
 * A robot as `GET /v1/robots`, `GET /v1/robots/{id}` and the interventions answer it: the engine's view
 * of it at that moment, so an intervention's answer already shows the command (paused after `pause`, a
 * charge task after `charge`) while the robot's own reports catch up.
 */
export const publicRobotSchema = z.object({
  id: z.string(),
  vehicleType: z.string(),
  adapter: z.string(),
  status: z.enum(ROBOT_STATUSES).describe('How the live map shows it (`ws /v1/live`, the same values)'),
  connection: z.enum(['online', 'offline', 'connection-broken']),
  mode: z.enum(['automatic', 'manual', 'service']),
  nodeId: z.string().nullable().describe('Last node reached; null when it does not know where it is'),
  pose: z
    .object({ x: z.number(), y: z.number(), thetaRad: z.number() })
    .nullable()
    .describe('Metres in the map frame (y up), radians'),
  batteryPct: z.number(),
  charging: z.boolean(),
  driving: z.boolean(),
  paused: z.boolean().describe('Paused, by itself or as it was last told (pause, resume) until it reports'),
  operatorPaused: z
    .boolean()
    .describe('Paused by a supervisor: it stays paused whatever it reports, until resumed'),
  outOfService: z.boolean(),
  loads: z.array(z.string()).describe('Transport order ids on board'),
  errors: z.array(z.object({ code: z.string(), level: z.enum(['warning', 'fatal']), message: z.string() })),
  orderId: z.string().nullable(),
  task: z
    .object({
      kind: z.enum(['order', 'charge', 'park']),
      goalNodeId: z.string().nullable().describe('Where it is bound; null while it resyncs its order'),
    })
    .nullable()
    .describe(
      'What it is doing for the fleet: an order, going to or being on a charger, going to park or wait; null when idle',
    ),
});
export type PublicRobot = z.infer<typeof publicRobotSchema>;

function publicTask(task: RobotTask | undefined): PublicRobot['task'] {
  if (task === undefined) return null;
  switch (task.kind) {
    case 'order-leg':
      return { kind: 'order', goalNodeId: task.goalNodeId };
    case 'resync':
      return { kind: 'order', goalNodeId: null };
    case 'charge':
    case 'park':
      return { kind: task.kind, goalNodeId: task.goalNodeId };
  }
}

export function publicRobot(robot: RobotRuntime): PublicRobot {
  return {
    id: robot.spec.id,
    vehicleType: robot.spec.vehicleType,
    adapter: robot.spec.adapter,
    status: robotStatus(robot),
    connection: robot.connection,
    mode: robot.mode,
    nodeId: robot.nodeId ?? null,
    pose: robot.pose ? { x: robot.pose.x, y: robot.pose.y, thetaRad: robot.pose.thetaRad } : null,
    batteryPct: robot.batteryPct,
    charging: robot.charging,
    driving: robot.driving,
    paused: robot.paused,
    operatorPaused: robot.operatorPaused,
    outOfService: robot.outOfService,
    loads: [...robot.loads],
    errors: robot.errors.map((e) => ({ code: e.code, level: e.level, message: e.message })),
    orderId: orderIdOf(robot.task) ?? null,
    task: publicTask(robot.task),
  };
}
