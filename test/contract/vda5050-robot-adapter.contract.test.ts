import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { VdaRobotAdapter } from '../../adapters/vda5050/vda-robot-adapter.ts';
import { wireId } from '../../adapters/vda5050/order-builder.ts';
import { loadPlantFiles } from '../../orchestrator/layout-import/site.ts';
import { VdaFleetSimulator } from '../../simulators/vda5050-fleet/fleet.ts';
import { robotAdapterContract } from './robot-adapter-contract.ts';
import { layoutRouteFinder } from './route-finder.ts';

const BROKER = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const layoutFile = (name: string): string => fileURLToPath(new URL(`../../layouts/${name}`, import.meta.url));

// The same statements as the simulated fleet, over a real broker: the VDA 5050 adapter (master) driving
// AGVs of our VDA 5050 simulator (a separate MQTT client each), on the demo plant at 10x plant speed.
robotAdapterContract('VdaRobotAdapter with the VDA 5050 AGV simulator on Mosquitto', async () => {
  const plant = await loadPlantFiles(layoutFile('demo-plant.lif.json'), layoutFile('demo-plant.site.json'));
  const { layout } = plant.value;
  const fleet = plant.value.fleet.slice(0, 2).map((r) => ({ ...r, adapter: 'vda5050' as const }));
  const run = randomUUID().slice(0, 8);
  const vehicles = fleet.map((r) => {
    const node = layout.nodes.find((n) => n.id === r.homeNode)!;
    return {
      robotId: r.id,
      manufacturer: 'Fleetbridge',
      serialNumber: `${wireId(r.id)}-${run}`,
      initialPosition: { x: node.x, y: node.y, theta: 0, mapId: node.mapId, lastNodeId: wireId(node.id) },
    };
  });
  const agvs = new VdaFleetSimulator({
    brokerUrl: BROKER,
    vehicles,
    speedMps: fleet[0]!.maxSpeedMps,
    actionDurationMs: 3000,
    speedup: 10,
    stateIntervalMs: 5000,
  });
  await agvs.start();
  const adapter = new VdaRobotAdapter({ brokerUrl: BROKER, layout, robots: vehicles });
  const routeFor = layoutRouteFinder(adapter, layout, fleet);
  return {
    adapter,
    robotIds: fleet.map((r) => r.id),
    layout,
    routeFor,
    cleanup: async () => {
      await agvs.stop();
      // The AGVs leave retained OFFLINE and factsheet messages; this run's serial numbers are not reused.
      const client = await mqtt.connectAsync(BROKER);
      for (const v of vehicles)
        for (const topic of ['connection', 'factsheet'])
          await client.publishAsync(`uagv/v2/${v.manufacturer}/${v.serialNumber}/${topic}`, '', {
            retain: true,
            qos: 1,
          });
      await client.endAsync();
    },
    timing: { eventTimeoutMs: 8_000, quietMs: 400 },
  };
});
