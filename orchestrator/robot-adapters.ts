import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Plant } from './domain/site.ts';
import type { Clock } from './ports/clock.ts';
import type { RobotAdapter } from './ports/robot-adapter.ts';
import { RedisSimSnapshotStore } from './store/sim-snapshot-store.ts';
import type { RedisKeys } from './store/redis-keys.ts';
import type { Fence } from './cluster/leader-lease.ts';
import { SimRobotAdapter } from '../adapters/sim/sim-robot-adapter.ts';
import { VdaRobotAdapter } from '../adapters/vda5050/vda-robot-adapter.ts';
import { simVdaIdentity } from '../adapters/vda5050/sim-identity.ts';
import { RosbridgeRobotAdapter } from '../adapters/rosbridge/rosbridge-robot-adapter.ts';
import { rosRobotConfig } from '../adapters/rosbridge/site-config.ts';

export interface RobotAdapters {
  readonly adapters: readonly RobotAdapter[];
  /** The in-process simulated fleet, when SIMULATE includes `fleet` and the plant has `sim` robots. */
  readonly simFleet?: SimRobotAdapter;
}

/**
 * The adapters that drive the plant's robots, one per protocol, built fresh for each engine session (the
 * leader owns them; a new leader builds its own): in-process simulated robots, VDA 5050 AGVs over
 * MQTT_URL, ROS robots over rosbridge. A robot no adapter drives is logged and stays offline.
 */
export function buildRobotAdapters(options: {
  readonly config: Config;
  readonly plant: Plant;
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly clock: Clock;
  readonly log: Logger;
  /** The engine leader's fence: the simulated fleet's snapshots are written only while it holds. */
  readonly fence?: () => Fence | undefined;
}): RobotAdapters {
  const { config, plant, clock, log } = options;
  const adapters: RobotAdapter[] = [];
  const simRobots = plant.fleet.filter((r) => r.adapter === 'sim');
  let simFleet: SimRobotAdapter | undefined;
  if (simRobots.length > 0 && config.simulate.has('fleet')) {
    simFleet = new SimRobotAdapter({
      layout: plant.layout,
      fleet: simRobots,
      clock,
      speedup: config.simSpeedup,
      snapshots: new RedisSimSnapshotStore(options.redis, options.keys.simRobots, options.fence),
    });
    adapters.push(simFleet);
  }
  // VDA 5050 robots: with a simulated fleet (SIMULATE has fleet), AGVs of the VDA 5050 simulator
  // (simulators/vda5050-fleet); otherwise real AGVs, addressed by the identity and profile of the site file.
  const vdaSimulated = config.simulate.has('fleet');
  const vdaRobots = plant.fleet.flatMap((r) => {
    if (r.adapter !== 'vda5050') return [];
    if (vdaSimulated) return [simVdaIdentity(r)];
    return r.vda5050 ? [{ robotId: r.id, ...r.vda5050 }] : [];
  });
  if (vdaRobots.length > 0) {
    adapters.push(
      new VdaRobotAdapter({
        brokerUrl: config.mqttUrl,
        layout: plant.layout,
        robots: vdaRobots,
        clock,
        log: log.child({ component: 'vda5050' }),
      }),
    );
  }
  // ROS robots: each at the rosbridge endpoint of its site entry (the demo points simulated ones at the
  // rosbridge simulator before the plant gets here).
  const rosRobots = plant.fleet.flatMap((r) =>
    r.adapter === 'rosbridge' && r.rosbridge ? [rosRobotConfig(r)] : [],
  );
  if (rosRobots.length > 0) {
    adapters.push(
      new RosbridgeRobotAdapter({
        layout: plant.layout,
        robots: rosRobots,
        clock,
        log: log.child({ component: 'rosbridge' }),
      }),
    );
  }
  const driven = new Set([...vdaRobots, ...rosRobots].map((r) => r.robotId));
  for (const robot of plant.fleet) {
    if ((simFleet && robot.adapter === 'sim') || driven.has(robot.id)) continue;
    log.warn(
      { robotId: robot.id, adapter: robot.adapter },
      'no adapter available for this robot yet; it stays offline',
    );
  }
  return { adapters, ...(simFleet ? { simFleet } : {}) };
}
