/**
 * `npm start -- --fleet vda5050` on a machine without Mosquitto starts an embedded broker (aedes). What
 * VDA 5050 needs from a broker must hold there too: retained messages for late subscribers (connection,
 * factsheet), QoS 1, and the last will of a vehicle that dies.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { VdaRobotAdapter } from '../../adapters/vda5050/vda-robot-adapter.ts';
import type { RobotEvent } from '../../orchestrator/domain/robot-messages.ts';
import {
  mqttAnswers,
  startEmbeddedBroker,
  type EmbeddedBroker,
} from '../../orchestrator/services/embedded-broker.ts';
import { VdaFleetSimulator } from '../../simulators/vda5050-fleet/fleet.ts';
import { until } from '../support/wait-for.ts';

describe('embedded MQTT broker (aedes)', () => {
  let broker: EmbeddedBroker | undefined;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });

  it('when nothing listens, then mqttAnswers says so; the embedded broker answers on the port it reports', async () => {
    broker = await startEmbeddedBroker();
    expect(await mqttAnswers(broker.url)).toBe(true);
    const { port } = new URL(broker.url);
    await broker.close();
    broker = undefined;
    expect(await mqttAnswers(`mqtt://127.0.0.1:${port}`)).toBe(false);
  });

  it('when a VDA 5050 AGV comes online and later dies, then a master that subscribes late sees ONLINE (retained) and then the last will', async () => {
    broker = await startEmbeddedBroker();
    const position = { x: 0, y: 0, theta: 0, mapId: 'hall', lastNodeId: 'A' };
    const agvs = new VdaFleetSimulator({
      brokerUrl: broker.url,
      vehicles: [{ manufacturer: 'Acme', serialNumber: 'E1', initialPosition: position }],
    });
    await agvs.start();
    const adapter = new VdaRobotAdapter({
      brokerUrl: broker.url,
      layout: {
        id: 'one',
        name: 'one',
        version: '1',
        nodes: [{ id: 'A', x: 0, y: 0, mapId: 'hall' }],
        edges: [],
        stations: [],
      },
      robots: [{ robotId: 'R1', manufacturer: 'Acme', serialNumber: 'E1' }],
    });
    const events: RobotEvent[] = [];
    adapter.onEvent((e) => events.push(e));
    await adapter.start();
    expect(events).toContainEqual({ type: 'connection', robotId: 'R1', state: 'online' });
    await until(() => events.some((e) => e.type === 'robot-state' && e.state.nodeId === 'A'), 'state at A');
    const factsheet = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const client = mqtt.connect(broker!.url);
      client.on('message', (_topic, payload) => {
        client.end();
        resolve(JSON.parse(payload.toString()) as Record<string, unknown>);
      });
      client.on('error', reject);
      client.subscribe('uagv/v2/Acme/E1/factsheet', { qos: 0 });
    });
    expect(factsheet).toMatchObject({ manufacturer: 'Acme', serialNumber: 'E1' });
    agvs.kill('E1');
    await until(
      () => events.some((e) => e.type === 'connection' && e.state === 'connection-broken'),
      'last will',
      20_000,
    );
    await adapter.stop();
  }, 30_000);
});
