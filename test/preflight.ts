import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * What the integration tests need from the machine, checked once before any test runs, so that a
 * missing system package is named at once with the command that installs it, instead of failing deep
 * inside a test. `bash .ci/run` installs all of it on Debian.
 */
export interface Missing {
  /** What is missing, e.g. `chromium (the map's end-to-end tests)`. */
  readonly what: string;
  /** The Debian package that brings it, when one does. */
  readonly debianPackage?: string;
  /** The command that installs it, when it is not a Debian package. */
  readonly command?: string;
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** True when something accepts TCP connections at host:port within 500 ms. */
export function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}

/**
 * The system packages missing for the integration tests. `redisAnswers` and `mqttAnswers` say whether the
 * services already run (then their packages are not needed); `rosPeer` is the installer of the real
 * ROS 1 rosbridge peer when it is beside the project (`../shared/peers/ros1-rosbridge`), with the folder it
 * installs into.
 */
export function missingForTests(options: {
  readonly redisAnswers: boolean;
  readonly mqttAnswers: boolean;
  readonly rosPeer?: { readonly dir: string; readonly work: string };
}): Missing[] {
  const missing: Missing[] = [];
  if (!options.redisAnswers && !onPath('redis-server'))
    missing.push({ what: 'redis-server (no Redis answers at REDIS_URL)', debianPackage: 'redis-server' });
  if (!options.mqttAnswers && !onPath('mosquitto'))
    missing.push({ what: 'mosquitto (no MQTT broker answers at MQTT_URL)', debianPackage: 'mosquitto' });
  if (!existsSync(CHROMIUM))
    missing.push({ what: `chromium at ${CHROMIUM} (the map's end-to-end tests)`, debianPackage: 'chromium' });
  if (!onPath('docker-compose'))
    missing.push({ what: 'docker-compose (checks docker-compose.yml)', debianPackage: 'docker-compose' });
  const peer = options.rosPeer;
  if (peer && !existsSync(`${peer.work}/env.sh`))
    missing.push({
      what: `the ROS 1 rosbridge peer in ${peer.work} (the rosbridge adapter's real-peer tests)`,
      command: `bash ${peer.dir}/setup-ros1.sh ${peer.work} ${peer.dir}/rosbridge_suite`,
    });
  return missing;
}

/** The message that names what is missing and how to install it. */
export function missingMessage(missing: readonly Missing[]): string {
  const packages = missing.flatMap((m) => (m.debianPackage ? [m.debianPackage] : []));
  return [
    'npm test needs system packages this machine lacks:',
    ...missing.map((m) => `  - ${m.what}`),
    'Install them with:',
    ...(packages.length ? [`  apt-get install -y ${packages.join(' ')}`] : []),
    ...missing.flatMap((m) => (m.command ? [`  ${m.command}`] : [])),
    '(or run `bash .ci/run`, which installs all of them on Debian and then runs npm test)',
  ].join('\n');
}
