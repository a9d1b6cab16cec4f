import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig, type Config } from './config.ts';
import { loadPlant, runPlant, type RunningPlant } from './main.ts';
import type { Plant } from './domain/site.ts';
import { exitOnStartupError } from './startup-errors.ts';
import { ORDER_STATUSES } from './domain/transport-order.ts';
import { TERMINAL_STATUSES } from './domain/order-lifecycle.ts';
import { redisAnswers, startPrivateRedis, type PrivateRedis } from './services/local-redis.ts';
import { mqttAnswers, startEmbeddedBroker, type EmbeddedBroker } from './services/embedded-broker.ts';

/**
 * `npm start`: the whole demo plant on defaults: orchestrator, simulated fleet, MES and WMS simulators.
 * Demo mode uses fixed, public API keys (README); never expose it beyond localhost. The configuration and
 * the plant files are checked before anything starts; mistakes end it as `npm run orchestrator` does.
 */
async function demo(argv: readonly string[]): Promise<void> {
  let config: Config;
  let fleet: string | undefined;
  try {
    fleet = parseArgs({ args: [...argv], options: { fleet: { type: 'string' } }, strict: true }).values.fleet;
  } catch (err) {
    process.stderr.write(
      `fleetbridge: ${(err as Error).message}\n  usage: npm start [-- --fleet sim|vda5050|ros]\n`,
    );
    process.exit(2);
  }
  let plant: Plant;
  try {
    config = loadConfig({ DEMO: '1', LOG_LEVEL: 'warn', ...process.env, ...(fleet ? { FLEET: fleet } : {}) });
    plant = await loadPlant(config, pino({ level: config.logLevel, base: { service: 'fleetbridge' } }));
  } catch (err) {
    await exitOnStartupError(err);
    throw err;
  }
  let privateRedis: PrivateRedis | undefined;
  if (!(await redisAnswers(config.redisUrl))) {
    const started = await startPrivateRedis();
    if (!started) {
      process.stderr.write(
        `fleetbridge: Redis is not reachable at ${config.redisUrl} and redis-server is not installed.\n` +
          '  Install and start one (Debian: apt-get install redis-server && redis-server --daemonize yes),\n' +
          '  or set REDIS_URL to a Redis you have.\n',
      );
      process.exit(3);
    }
    process.stdout.write(
      `Redis was not reachable at ${config.redisUrl}; started a private one at ${started.url} (data is not kept).\n`,
    );
    privateRedis = started;
    config = { ...config, redisUrl: started.url };
  }
  let broker: EmbeddedBroker | undefined;
  const speaksVda = plant.fleet.some((r) => r.adapter === 'vda5050');
  if (speaksVda && !(await mqttAnswers(config.mqttUrl))) {
    if (process.env.MQTT_URL !== undefined) {
      process.stderr.write(`fleetbridge: no MQTT broker answers at ${config.mqttUrl} (MQTT_URL).\n`);
      process.exit(3);
    }
    broker = await startEmbeddedBroker();
    process.stdout.write(
      `No MQTT broker at ${config.mqttUrl}; started an embedded one (aedes) at ${broker.url}.\n`,
    );
    config = { ...config, mqttUrl: broker.url };
  }
  const log = pino({ level: config.logLevel, base: { service: 'fleetbridge' } });
  let running: RunningPlant;
  try {
    running = await runPlant(config, log, { plant });
  } catch (err) {
    await exitOnStartupError(err, async () => {
      await broker?.close();
      privateRedis?.stop();
    });
    throw err;
  }
  const url = running.orchestrator.url;
  const keys = Object.fromEntries(config.apiKeys.map((k) => [k.role, k.key]));
  process.stdout.write(
    [
      '',
      `Fleetbridge demo plant "${running.plant.layout.name}": ${running.plant.fleet.length} robots, ${running.plant.layout.stations.length} stations`,
      ...(running.simulators.rosFleet
        ? [
            `  Fleet        rosbridge robot simulator on ${running.simulators.rosFleet.url} (ROS 1 move_base and ROS 2 Nav2, one namespace each)`,
          ]
        : []),
      ...(speaksVda && running.simulators.vdaFleet
        ? [`  Fleet        VDA 5050 AGV simulator on ${config.mqttUrl} (topics uagv/v2/Fleetbridge/...)`]
        : []),
      `  Map          ${url}/   (sign in with the supervisor key: ${keys.supervisor ?? ''})`,
      `  API          ${url}   (health: ${url}/healthz)`,
      `  Robots       curl -H 'Authorization: Bearer ${keys.supervisor ?? ''}' ${url}/v1/robots`,
      `  Orders       curl -H 'Authorization: Bearer ${keys.supervisor ?? ''}' ${url}/v1/transport-orders`,
      ...(running.simulators.wms ? [`  WMS ledger   ${running.simulators.wms.url}/ledger`] : []),
      `  MES events   ${config.simulate.has('mes') ? `${config.mesRatePerMin}/min simulated` : 'off (SIMULATE has no mes)'}`,
      '  DEMO MODE: the API keys are the public demo keys from the README. Do not expose this port.',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  const progress = setInterval(() => {
    void (async () => {
      const counts = await running.orchestrator.store.countByStatus();
      const ledger = running.simulators.wms?.ledger.snapshot();
      const inFlight = ORDER_STATUSES.filter((s) => !TERMINAL_STATUSES.has(s)).reduce(
        (n, s) => n + (counts[s] ?? 0),
        0,
      );
      const wms = ledger
        ? ` | WMS moves ${ledger.moves.length}, discrepancies ${ledger.discrepancies.length}`
        : '';
      process.stdout.write(
        `[${new Date().toISOString().slice(11, 19)}] orders confirmed ${counts.confirmed ?? 0}, in flight ${inFlight}, failed ${counts.failed ?? 0}${wms}\n`,
      );
    })().catch(() => undefined);
  }, 10_000);
  progress.unref();
  const shutdown = (): void => {
    clearInterval(progress);
    void running.stop().finally(async () => {
      await broker?.close();
      privateRedis?.stop();
      process.exit(0);
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

await demo(process.argv.slice(2));
