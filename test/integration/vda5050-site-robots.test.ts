/**
 * Robots of the site file driven over VDA 5050 (not the simulated fleet): each addressed by its own
 * manufacturer and serial number, with a peer profile written in the site file (checklist R4, R5). The
 * AGVs are the VDA 5050 simulator's, started here as a vendor's vehicles would be, on the real Mosquitto.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wireId } from '../../adapters/vda5050/order-builder.ts';
import { loadPlantFiles } from '../../orchestrator/layout-import/site.ts';
import { VdaFleetSimulator } from '../../simulators/vda5050-fleet/fleet.ts';
import { call } from '../support/api.ts';
import { KEYS, startTestPlant } from '../support/plant-harness.ts';
import { until, waitFor } from '../support/wait-for.ts';

const BROKER = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const LAYOUT = new URL('../../layouts/demo-plant.lif.json', import.meta.url).pathname;
const DEMO_SITE = new URL('../../layouts/demo-plant.site.json', import.meta.url).pathname;

interface Seen {
  readonly topic: string;
  readonly qos: number;
  readonly body: Record<string, unknown>;
}

describe('site-file robots on VDA 5050: identities and peer profiles from configuration', () => {
  const run = randomUUID().slice(0, 6);
  const acme = { manufacturer: `Acme_${run}`, serialNumber: 'SN-1' };
  const other = { manufacturer: `Other_${run}`, serialNumber: 'SN-1' };
  const dir = mkdtempSync(join(tmpdir(), 'fb-site-'));
  const seen: Seen[] = [];
  let spy: MqttClient;
  let plant: Awaited<ReturnType<typeof startTestPlant>>;
  const fleets: VdaFleetSimulator[] = [];

  beforeAll(async () => {
    const demo = JSON.parse(readFileSync(DEMO_SITE, 'utf8')) as { fleet: Record<string, unknown>[] };
    const [first, second] = demo.fleet;
    const site = {
      ...demo,
      fleet: [
        {
          ...first,
          adapter: 'vda5050',
          vda5050: {
            ...acme,
            profile: { extends: 'spec', interfaceName: `plant${run}`, qos: 1, stitchingActions: 'omit' },
          },
        },
        { ...second, adapter: 'vda5050', vda5050: { ...other, profile: 'vda-5050-lib' } },
      ],
    };
    const sitePath = join(dir, 'site.json');
    writeFileSync(sitePath, JSON.stringify(site));

    spy = await mqtt.connectAsync(BROKER, { clientId: `spy-${run}` });
    spy.on('message', (topic, payload, packet) => {
      if (payload.length > 0)
        seen.push({
          topic,
          qos: packet.qos,
          body: JSON.parse(payload.toString()) as Record<string, unknown>,
        });
    });
    await spy.subscribeAsync(
      [`plant${run}/v2/${acme.manufacturer}/SN-1/+`, `uagv/v2/${other.manufacturer}/SN-1/+`],
      { qos: 1 },
    );

    // The vendors' AGVs, on their robots' home nodes.
    const { value: loaded } = await loadPlantFiles(LAYOUT, sitePath);
    const home = (robotId: string) => {
      const robot = loaded.fleet.find((r) => r.id === robotId)!;
      const node = loaded.layout.nodes.find((n) => n.id === robot.homeNode)!;
      return { x: node.x, y: node.y, theta: 0, mapId: node.mapId, lastNodeId: wireId(node.id) };
    };
    fleets.push(
      new VdaFleetSimulator({
        brokerUrl: BROKER,
        interfaceName: `plant${run}`,
        vehicles: [{ ...acme, initialPosition: home(first!.id as string) }],
        speedup: 10,
        actionDurationMs: 3000,
      }),
      new VdaFleetSimulator({
        brokerUrl: BROKER,
        vehicles: [{ ...other, initialPosition: home(second!.id as string) }],
        speedup: 10,
        actionDurationMs: 3000,
      }),
    );
    for (const fleet of fleets) await fleet.start();

    plant = await startTestPlant('vda-site', {
      LAYOUT,
      SITE: sitePath,
      SIMULATE: 'mes,wms',
      SIM_SPEEDUP: '10',
      MES_RATE_PER_MIN: '60',
      MQTT_URL: BROKER,
    });
  }, 60_000);

  afterAll(async () => {
    await plant.cleanup();
    for (const fleet of fleets) await fleet.stop();
    // Clear what the AGVs left retained (connection, factsheet).
    for (const topic of new Set(seen.map((s) => s.topic)))
      await spy.publishAsync(topic, '', { qos: 1, retain: true });
    await spy.endAsync();
    rmSync(dir, { recursive: true, force: true });
  });

  it('R4, R5: each robot is online under its own identity, and the profile in the site file sets its interface name, QoS, instant-action field and stitching; orders are confirmed', async () => {
    const robots = async () =>
      (await call(plant.orchestrator.url, 'GET', '/v1/robots', { key: KEYS.supervisor })).body.items as {
        id: string;
        connection: string;
        nodeId?: string;
      }[];
    await waitFor(
      'both robots online at their nodes',
      async () =>
        (await robots()).filter((r) => r.connection === 'online' && r.nodeId).length === 2 ? true : undefined,
      20_000,
    );
    // Orders to the first AGV on its own interface name, at QoS 1 (a subscriber at QoS 1 sees the
    // publisher's QoS); with stitching actions omitted, an update's first node carries no action.
    await until(
      () => seen.some((s) => s.topic.endsWith('/order') && s.topic.startsWith(`plant${run}/`)),
      'an order to the first AGV',
      30_000,
    );
    const plantOrders = () =>
      seen.filter((s) => s.topic === `plant${run}/v2/${acme.manufacturer}/SN-1/order`);
    expect(plantOrders().every((s) => s.qos === 1)).toBe(true);
    // The vda-5050-lib profile writes instant actions under both field names.
    const libInstants = seen.filter((s) => s.topic === `uagv/v2/${other.manufacturer}/SN-1/instantActions`);
    expect(libInstants.length).toBeGreaterThan(0);
    expect(libInstants.every((s) => Array.isArray(s.body.instantActions))).toBe(true);
    const spec = seen.filter(
      (s) => s.topic.endsWith('/instantActions') && s.topic.startsWith(`plant${run}/`),
    );
    expect(spec.every((s) => s.body.instantActions === undefined)).toBe(true);
    await waitFor(
      'two orders confirmed',
      async () => (((await plant.orchestrator.store.countByStatus()).confirmed ?? 0) >= 2 ? true : undefined),
      60_000,
      500,
    );
    const updates = plantOrders()
      .map((s) => s.body as { orderUpdateId: number; nodes: { actions: unknown[] }[] })
      .filter((o) => o.orderUpdateId > 0);
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((o) => o.nodes[0]!.actions.length === 0)).toBe(true);
  }, 120_000);
});
