import { z } from 'zod';
import type { RosbridgeFleetOptions } from './rosbridge-fleet.ts';
import type { RobotProfile, SimRobotConfig } from './sim-robot.ts';

/**
 * The rosbridge fleet simulator's CLI configuration, read once from the environment:
 * - `ROSBRIDGE_HOST` (default 127.0.0.1), `ROSBRIDGE_PORT` (default 9090; 0 picks a free port)
 * - `ROBOTS`: `;`-separated `name:profile[:namespace][@x,y[,thetaRad]]`, profile `ros1` / `ros1-move-base`
 *   or `ros2` / `ros2-nav2`, namespace `/name` unless given (`/` for none); default
 *   `amr1:ros1@0,0;amr2:ros2@5,0`
 * - `SPEED` (m/s, default 1), `SPEEDUP` (default 1), `BOX_HALF_SIZE` (m, default 50)
 * - `ADMIN_PORT`: serve the HTTP fault API there (on `ROSBRIDGE_HOST`); unset = none
 */
export interface FleetCliConfig {
  readonly fleet: Omit<RosbridgeFleetOptions, 'log' | 'clock'>;
  readonly adminPort: number | undefined;
}

const port = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  ROSBRIDGE_HOST: z.string().min(1).default('127.0.0.1'),
  ROSBRIDGE_PORT: port.default(9090),
  ROBOTS: z.string().default('amr1:ros1@0,0;amr2:ros2@5,0'),
  SPEED: z.coerce.number().positive().default(1),
  SPEEDUP: z.coerce.number().positive().default(1),
  BOX_HALF_SIZE: z.coerce.number().positive().default(50),
  ADMIN_PORT: port.optional(),
});

const PROFILES: Readonly<Record<string, RobotProfile>> = {
  ros1: 'ros1-move-base',
  'ros1-move-base': 'ros1-move-base',
  ros2: 'ros2-nav2',
  'ros2-nav2': 'ros2-nav2',
};

/**
 * One `ROBOTS` entry.
 * @throws {RangeError} naming the entry and what was expected.
 */
export function parseRobot(entry: string): SimRobotConfig {
  const fail = (why: string): never => {
    throw new RangeError(
      `ROBOTS entry "${entry}": ${why}; expected name:profile[:namespace][@x,y[,thetaRad]]`,
    );
  };
  const [head = '', at, ...extra] = entry.split('@');
  if (extra.length > 0) fail('more than one @');
  const [name = '', profileName = '', namespace, ...rest] = head.split(':');
  if (rest.length > 0) fail('too many :');
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) fail('the name must be a ROS name (letters, digits, _)');
  const profile = PROFILES[profileName] ?? fail(`unknown profile "${profileName}" (ros1, ros2)`);
  let start: SimRobotConfig['start'];
  if (at !== undefined) {
    const numbers = at.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
    if (numbers.length < 2 || numbers.length > 3 || !numbers.every(Number.isFinite))
      fail('the start is not x,y[,thetaRad]');
    start = { x: numbers[0] ?? 0, y: numbers[1] ?? 0, thetaRad: numbers[2] ?? 0 };
  }
  if (namespace !== undefined && !/^[/A-Za-z0-9_]*$/.test(namespace)) fail('the namespace is not a ROS name');
  return {
    name,
    profile,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(start !== undefined ? { start } : {}),
  };
}

/**
 * Reads and validates the configuration.
 * @throws {ZodError | RangeError} naming the offending variable or entry.
 */
export function fleetConfigFromEnv(env: Readonly<Record<string, string | undefined>>): FleetCliConfig {
  const e = envSchema.parse(env);
  const robots = e.ROBOTS.split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(parseRobot);
  if (robots.length === 0) throw new RangeError('ROBOTS names no robot');
  return {
    fleet: {
      robots,
      host: e.ROSBRIDGE_HOST,
      port: e.ROSBRIDGE_PORT,
      speedMps: e.SPEED,
      speedup: e.SPEEDUP,
      boxHalfSizeM: e.BOX_HALF_SIZE,
    },
    adminPort: e.ADMIN_PORT,
  };
}
