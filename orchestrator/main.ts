import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { loadConfig, type Config } from './config.ts';
import { loadPlantFiles } from './layout-import/site.ts';
import type { Plant } from './domain/site.ts';
import { plantPaths } from './plant-paths.ts';
import { startOrchestrator, type RunningOrchestrator } from './orchestrator.ts';
import { startSimulators, withSimulatedRosEndpoints, type RunningSimulators } from './simulators-launcher.ts';
import { exitOnStartupError } from './startup-errors.ts';

export { DEMO_LAYOUT, DEMO_SITE } from './plant-paths.ts';

export interface RunningPlant {
  readonly orchestrator: RunningOrchestrator;
  readonly simulators: RunningSimulators;
  readonly config: Config;
  readonly plant: Plant;
  stop(): Promise<void>;
}

/**
 * The plant of LAYOUT and SITE (the demo plant when LAYOUT is unset), warnings logged.
 * @throws PlantFileError with every problem of both files.
 */
export async function loadPlant(config: Config, log: Logger): Promise<Plant> {
  const { layoutPath, sitePath } = plantPaths(config.layoutPath, config.sitePath);
  const { value, warnings } = await loadPlantFiles(layoutPath, sitePath);
  for (const w of warnings) log.warn({ code: w.code, path: w.path }, `layout: ${w.message}`);
  if (config.fleet === 'sim' || !config.simulate.has('fleet')) return value;
  // FLEET=vda5050: the simulated robots are VDA 5050 AGVs of the simulator, driven over MQTT; FLEET=ros:
  // robots of the rosbridge simulator, driven over rosbridge.
  const adapter = config.fleet === 'ros' ? ('rosbridge' as const) : ('vda5050' as const);
  return { ...value, fleet: value.fleet.map((r) => (r.adapter === 'sim' ? { ...r, adapter } : r)) };
}

export interface RunPlantOptions {
  /** The plant, when already loaded (`loadPlant`); default: loaded from LAYOUT and SITE. */
  readonly plant?: Plant;
}

/**
 * Starts the orchestrator and, per SIMULATE, the simulated WMS (before, so intake can ask it) and MES
 * (after, so it has someone to post to). The simulators talk to the orchestrator only over HTTP.
 * @throws PlantFileError, ListenError, RedisUnavailableError (what was started is stopped again).
 */
export async function runPlant(
  config: Config,
  log: Logger,
  options: RunPlantOptions = {},
): Promise<RunningPlant> {
  const loaded = options.plant ?? (await loadPlant(config, log));
  const wmsSim = config.simulate.has('wms') && !config.wmsUrl;
  const simulators = await startSimulators({ config, plant: loaded, log, phase: 'before', wms: wmsSim });
  const plant = simulators.rosFleet ? withSimulatedRosEndpoints(loaded, simulators.rosFleet.url) : loaded;
  const effective: Config = simulators.wmsUrl ? { ...config, wmsUrl: simulators.wmsUrl } : config;
  let orchestrator: RunningOrchestrator;
  try {
    orchestrator = await startOrchestrator({ config: effective, plant, log });
  } catch (err) {
    await simulators.stop();
    throw err;
  }
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

/**
 * Entry point of `npm run orchestrator`. A start-up mistake (configuration, plant files, port) ends the
 * process with one line per problem and exit code 2, Redis not answering with 3 (`startup-errors.ts`).
 */
export async function main(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  let running: RunningPlant;
  let log: Logger;
  try {
    const config = loadConfig(env);
    log = pino({ level: config.logLevel, base: { service: 'fleetbridge' } });
    running = await runPlant(config, log);
  } catch (err) {
    await exitOnStartupError(err);
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
