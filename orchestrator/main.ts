import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { loadPlantFiles } from './layout-import/site.ts';
import type { Plant } from './domain/site.ts';
import { RedisUnavailableError, startOrchestrator, type RunningOrchestrator } from './orchestrator.ts';
import { startSimulators, type RunningSimulators } from './simulators-launcher.ts';

/** The demo plant shipped with the repo (LIF + site file). */
export const DEMO_LAYOUT = fileURLToPath(new URL('../layouts/demo-plant.lif.json', import.meta.url));
export const DEMO_SITE = fileURLToPath(new URL('../layouts/demo-plant.site.json', import.meta.url));

export interface RunningPlant {
  readonly orchestrator: RunningOrchestrator;
  readonly simulators: RunningSimulators;
  readonly config: Config;
  readonly plant: Plant;
  stop(): Promise<void>;
}

export async function loadPlant(config: Config, log: Logger): Promise<Plant> {
  const layoutPath = config.layoutPath ?? DEMO_LAYOUT;
  const sitePath = config.layoutPath ? config.sitePath : (config.sitePath ?? DEMO_SITE);
  const { value, warnings } = await loadPlantFiles(layoutPath, sitePath);
  for (const w of warnings) log.warn({ code: w.code, path: w.path }, `layout: ${w.message}`);
  if (config.fleet !== 'vda5050' || !config.simulate.has('fleet')) return value;
  // FLEET=vda5050: the simulated robots are VDA 5050 AGVs of the simulator, driven over MQTT.
  return {
    ...value,
    fleet: value.fleet.map((r) => (r.adapter === 'sim' ? { ...r, adapter: 'vda5050' as const } : r)),
  };
}

/**
 * Starts the orchestrator and, per SIMULATE, the simulated WMS (before, so intake can ask it) and MES
 * (after, so it has someone to post to). The simulators talk to the orchestrator only over HTTP.
 */
export async function runPlant(config: Config, log: Logger): Promise<RunningPlant> {
  const plant = await loadPlant(config, log);
  const wmsSim = config.simulate.has('wms') && !config.wmsUrl;
  const simulators = await startSimulators({ config, plant, log, phase: 'before', wms: wmsSim });
  const effective: Config = simulators.wmsUrl ? { ...config, wmsUrl: simulators.wmsUrl } : config;
  const orchestrator = await startOrchestrator({ config: effective, plant, log });
  simulators.startMes(orchestrator.url);
  return {
    orchestrator,
    simulators,
    config: effective,
    plant,
    async stop() {
      await simulators.stopMes();
      await orchestrator.stop();
      await simulators.stop();
    },
  };
}

/** Entry point of `npm run orchestrator` (and, through demo.ts, `npm start`). */
export async function main(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`fleetbridge: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = pino({ level: config.logLevel, base: { service: 'fleetbridge' } });
  let running: RunningPlant;
  try {
    running = await runPlant(config, log);
  } catch (err) {
    if (err instanceof RedisUnavailableError) {
      process.stderr.write(
        `fleetbridge: ${err.message}.\n` +
          '  Start one with:  redis-server --port 6379 --appendonly yes\n' +
          '  or point REDIS_URL at yours (e.g. REDIS_URL=redis://127.0.0.1:6379).\n',
      );
      process.exit(3);
    }
    throw err;
  }
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    void running.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => {
    shutdown('SIGINT');
  });
  process.on('SIGTERM', () => {
    shutdown('SIGTERM');
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main(process.env);
}
