import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Plant } from './domain/site.ts';
import { createWmsSimulator, type WmsSimulator } from '../simulators/wms/wms-simulator.ts';
import { createMesSimulator, type MesSimulator } from '../simulators/mes/mes-simulator.ts';
import { DEMO_MIX } from '../simulators/mes/mes-events.ts';
import { VdaFleetSimulator } from '../simulators/vda5050-fleet/fleet.ts';
import { simVdaIdentity } from '../adapters/vda5050/sim-identity.ts';
import { wireId } from '../adapters/vda5050/order-builder.ts';
import { RedisKeys } from './store/redis-keys.ts';
import { RedisWmsStateStore } from '../simulators/wms/wms-state-store.ts';
import { RosbridgeFleet } from '../simulators/rosbridge-fleet/rosbridge-fleet.ts';
import type { RobotSpec } from './domain/robot.ts';

export interface RunningSimulators {
  /** Set when the WMS simulator runs: the orchestrator's WMS_URL. */
  readonly wmsUrl?: string;
  readonly wms?: WmsSimulator;
  /** Set when the simulated fleet speaks VDA 5050 (`FLEET=vda5050`): its AGVs, on MQTT_URL. */
  readonly vdaFleet?: VdaFleetSimulator;
  /** Set when the plant has rosbridge robots and the fleet is simulated: our rosbridge simulator serving them. */
  readonly rosFleet?: RosbridgeFleet;
  mes(): MesSimulator | undefined;
  startMes(orchestratorUrl: string): void;
  stopMes(): Promise<void>;
  stop(): Promise<void>;
}

const DEMO_SKUS = ['SKU-100', 'SKU-200', 'SKU-300', 'SKU-400'];

/** Each station's position (its first node), as a WMS keeps bin coordinates in its master data. */
function stationPositions(plant: Plant): Map<string, { x: number; y: number }> {
  const nodes = new Map(plant.layout.nodes.map((n) => [n.id, n]));
  const positions = new Map<string, { x: number; y: number }>();
  for (const station of plant.layout.stations) {
    const node = nodes.get(station.nodeIds[0] ?? '');
    if (node) positions.set(station.id, { x: node.x, y: node.y });
  }
  return positions;
}

/** Half the bins start full, so material requests find stock and putaways find space. */
const isInitiallyStocked = (_bin: string, i: number): boolean => i % 2 === 0;

/** How many pallets storage starts with: the level the MES simulator keeps it at. */
function initialStockCount(bins: readonly string[]): number {
  return bins.filter(isInitiallyStocked).length;
}

/**
 * Pallets per SKU storage will hold once the moves the WMS already decided are done: those in the bins,
 * less those a pick under way takes out, plus those a putaway under way brings (after a restart these
 * come from the resumed book).
 */
function storedBySku(wms: WmsSimulator, bins: readonly string[]): Record<string, number> {
  const binSet = new Set(bins);
  const bySku: Record<string, number> = {};
  const add = (sku: string, n: number): void => {
    bySku[sku] = (bySku[sku] ?? 0) + n;
  };
  const book = wms.ledger.snapshot();
  for (const p of book.inventory.stock) if (binSet.has(p.location)) add(p.sku, 1);
  for (const e of book.expectations)
    if (e.status === 'open') add(e.sku, e.kind === 'putaway' ? 1 : binSet.has(e.from) ? -1 : 0);
  return bySku;
}

/**
 * Starts the simulated WMS and MES the SIMULATE setting asks for, as HTTP peers of the orchestrator
 * (composition only: they share no code or memory with it). Their data comes from the plant's stations:
 * storage bins become the WMS inventory, line output / line-side stations the MES lines.
 */
export async function startSimulators(options: {
  config: Config;
  plant: Plant;
  log: Logger;
  phase: 'before';
  wms: boolean;
}): Promise<RunningSimulators> {
  const { config, plant, log } = options;
  const bins = plant.layout.stations.filter((s) => s.role === 'storage-bin').map((s) => s.id);
  let wms: WmsSimulator | undefined;
  let wmsRedis: Redis | undefined;
  if (options.wms) {
    if (!config.wmsWebhookSecret)
      throw new Error('the WMS simulator needs WMS_WEBHOOK_SECRET (demo mode sets one)');
    const initialStock = bins.filter(isInitiallyStocked).map((bin, i) => ({
      bin,
      sku: DEMO_SKUS[i % DEMO_SKUS.length]!,
      quantity: 40,
      handlingUnitId: `HU-INIT-${String(i + 1).padStart(4, '0')}`,
    }));
    // The book lives beside the plant's orders: a restart on the same Redis resumes both together.
    wmsRedis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 });
    wmsRedis.on('error', (err) => {
      log.warn({ err: err.message }, 'wms-sim redis connection error');
    });
    wms = await createWmsSimulator({
      store: new RedisWmsStateStore(wmsRedis, new RedisKeys(config.redisPrefix).simWms),
      host: '127.0.0.1',
      port: 0,
      webhookSecrets: [config.wmsWebhookSecret],
      bins,
      initialStock,
      // Moves into these need no WMS decision first (quality holds, empty returns).
      quarantine: plant.layout.stations
        .filter((s) => s.role === 'quarantine' || s.role === 'empty-buffer')
        .map((s) => s.id),
      positions: stationPositions(plant),
      log: log.child({ component: 'wms-sim' }),
    });
    log.info({ url: wms.url, bins: bins.length }, 'WMS simulator listening');
  }
  const simulatedFleet = config.simulate.has('fleet');
  const vdaFleet =
    simulatedFleet && plant.fleet.some((r) => r.adapter === 'vda5050') ? vdaAgvs(config, plant) : undefined;
  if (vdaFleet) {
    await vdaFleet.start();
    log.info({ broker: config.mqttUrl, agvs: vdaFleet.vehicles.length }, 'VDA 5050 AGV simulator online');
  }
  const rosFleet = simulatedFleet ? await rosRobots(config, plant, log) : undefined;
  let mes: MesSimulator | undefined;
  return {
    ...(wms ? { wms, wmsUrl: wms.url } : {}),
    ...(vdaFleet ? { vdaFleet } : {}),
    ...(rosFleet ? { rosFleet } : {}),
    mes: () => mes,
    startMes(orchestratorUrl) {
      if (!config.simulate.has('mes')) return;
      const mesKey = config.apiKeys.find((k) => k.role === 'mes');
      if (!mesKey) throw new Error('the MES simulator needs an API key with role mes');
      const outputs = plant.layout.stations
        .filter((s) => s.role === 'line-output')
        .map((s) => s.id)
        .sort();
      const sides = plant.layout.stations
        .filter((s) => s.role === 'line-side')
        .map((s) => s.id)
        .sort();
      const lines = outputs.flatMap((output, i) => {
        const lineSide = sides[i % Math.max(1, sides.length)];
        return lineSide ? [{ output, lineSide }] : [];
      });
      if (lines.length === 0) {
        log.warn('the plant has no line-output/line-side stations; the MES simulator stays off');
        return;
      }
      const maxOpenOrders = config.mesMaxOpenOrders ?? 2 * plant.fleet.length;
      mes = createMesSimulator({
        baseUrl: orchestratorUrl,
        apiKey: mesKey.key,
        ratePerMinute: config.mesRatePerMin,
        maxOpenOrders,
        ...(wms ? { stock: { bySku: storedBySku(wms, bins), target: initialStockCount(bins) } } : {}),
        lines,
        skus: DEMO_SKUS,
        mix: DEMO_MIX,
        seed: 1,
        log: log.child({ component: 'mes-sim' }),
      });
      mes.start();
      log.info(
        { ratePerMinute: config.mesRatePerMin, maxOpenOrders, lines: lines.length },
        'MES simulator posting events',
      );
    },
    async stopMes() {
      await mes?.stop();
    },
    async stop() {
      await wms?.close();
      wmsRedis?.disconnect();
      await vdaFleet?.stop();
      await rosFleet?.close();
    },
  };
}

/** The plant's simulated robots as VDA 5050 AGVs, each on its home node, at the plant's speed. */
function vdaAgvs(config: Config, plant: Plant): VdaFleetSimulator {
  const nodes = new Map(plant.layout.nodes.map((n) => [n.id, n]));
  const robots = plant.fleet.filter((r) => r.adapter === 'vda5050');
  return new VdaFleetSimulator({
    brokerUrl: config.mqttUrl,
    vehicles: robots.map((robot) => {
      const identity = simVdaIdentity(robot);
      const home = nodes.get(robot.homeNode)!;
      return {
        manufacturer: identity.manufacturer,
        serialNumber: identity.serialNumber,
        initialPosition: { x: home.x, y: home.y, theta: 0, mapId: home.mapId, lastNodeId: wireId(home.id) },
      };
    }),
    speedMps: Math.min(...robots.map((r) => r.maxSpeedMps)),
    actionDurationMs: 3000,
    speedup: config.simSpeedup,
    stateIntervalMs: 5000,
  });
}

/** A robot's ROS namespace in the rosbridge simulator: its id as a ROS name (`AMR-01` -> `/amr_01`). */
export function rosSimNamespace(robotId: string): string {
  return `/${robotId
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/^([^a-z])/, 'r$1')}`;
}

/** The profile a simulated rosbridge robot speaks: its site file's, else ROS 1 and ROS 2 by turns. */
function rosSimProfile(robot: RobotSpec, index: number): 'ros1-move-base' | 'ros2-nav2' {
  return robot.rosbridge?.profile ?? (index % 2 === 0 ? 'ros1-move-base' : 'ros2-nav2');
}

/**
 * The plant's rosbridge robots as robots of our rosbridge simulator (one namespace each, on their home
 * nodes, in the layout's frame), and each robot pointed at it: the service then drives them exactly as it
 * would real ones.
 */
async function rosRobots(config: Config, plant: Plant, log: Logger): Promise<RosbridgeFleet | undefined> {
  const robots = plant.fleet.filter((r) => r.adapter === 'rosbridge');
  if (robots.length === 0) return undefined;
  const nodes = new Map(plant.layout.nodes.map((n) => [n.id, n]));
  const rosLog = log.child({ component: 'ros-sim' });
  const xs = plant.layout.nodes.map((n) => Math.max(Math.abs(n.x), Math.abs(n.y)));
  const fleet = await RosbridgeFleet.start({
    robots: robots.map((robot, i) => {
      const home = nodes.get(robot.homeNode)!;
      return {
        name: rosSimNamespace(robot.id).slice(1),
        namespace: rosSimNamespace(robot.id),
        profile: rosSimProfile(robot, i),
        start: { x: home.x, y: home.y, thetaRad: 0 },
        speedMps: robot.maxSpeedMps,
      };
    }),
    port: 0,
    speedup: config.simSpeedup,
    // Every node of the plant is a reachable goal.
    boxHalfSizeM: Math.max(50, ...xs) + 10,
    log: (level, message) => {
      rosLog[level === 'error' ? 'warn' : level](message);
    },
  });
  log.info({ url: fleet.url, robots: robots.length }, 'rosbridge robot simulator online');
  return fleet;
}

/** `plant` with its rosbridge robots pointed at the simulator at `url` (namespaces and profiles as it serves them). */
export function withSimulatedRosEndpoints(plant: Plant, url: string): Plant {
  let i = 0;
  return {
    ...plant,
    fleet: plant.fleet.map((robot) => {
      if (robot.adapter !== 'rosbridge') return robot;
      const profile = rosSimProfile(robot, i);
      i += 1;
      return {
        ...robot,
        rosbridge: { ...robot.rosbridge, url, profile, namespace: rosSimNamespace(robot.id) },
      };
    }),
  };
}
