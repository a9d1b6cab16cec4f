import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { redisAnswers, startPrivateRedis, type PrivateRedis } from '../orchestrator/services/local-redis.ts';
import { answers, missingForTests, missingMessage } from './preflight.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Redis the integration tests use: REDIS_URL, the local default, or a private one started here. */
    redisUrl: string;
  }
}

let privateRedis: PrivateRedis | undefined;
let privateBroker: ChildProcess | undefined;

/** The real ROS 1 rosbridge peer's installer, when the project's shared folder is beside it. */
function rosPeer(): { dir: string; work: string } | undefined {
  const dir =
    process.env.ROS_PEER_DIR ?? fileURLToPath(new URL('../../shared/peers/ros1-rosbridge', import.meta.url));
  if (!existsSync(`${dir}/setup-ros1.sh`)) return undefined;
  return { dir, work: process.env.ROS_PEER_WORK ?? '/var/tmp/fleetbridge-ros-peer' };
}

/**
 * Checks the machine once (naming a missing system package and the command that installs it), then uses
 * the Redis at REDIS_URL (default local) and the MQTT broker at MQTT_URL (default local); where none
 * answers, starts a private redis-server or mosquitto for the run.
 */
export async function setup(project: TestProject): Promise<void> {
  const wanted = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const mqtt = new URL(process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883');
  const mqttPort = Number(mqtt.port || 1883);
  const redisUp = await redisAnswers(wanted);
  const mqttUp = await answers(mqtt.hostname, mqttPort);
  const peer = rosPeer();
  const missing = missingForTests({
    redisAnswers: redisUp,
    mqttAnswers: mqttUp,
    ...(peer ? { rosPeer: peer } : {}),
  });
  if (missing.length > 0) throw new Error(missingMessage(missing));
  if (peer) {
    process.env.ROS_PEER_DIR = peer.dir;
    process.env.ROS_PEER_WORK = peer.work;
  }
  if (!mqttUp) {
    privateBroker = spawn('mosquitto', ['-p', String(mqttPort)], { stdio: 'ignore' });
    for (let i = 0; i < 50 && !(await answers(mqtt.hostname, mqttPort)); i += 1)
      await new Promise((r) => setTimeout(r, 100));
  }
  if (redisUp) {
    project.provide('redisUrl', wanted);
    return;
  }
  privateRedis = await startPrivateRedis();
  if (!privateRedis) throw new Error(`no Redis at ${wanted}, and redis-server did not start`);
  process.env.REDIS_URL = privateRedis.url;
  project.provide('redisUrl', privateRedis.url);
}

export function teardown(): void {
  privateRedis?.stop();
  privateBroker?.kill();
}
