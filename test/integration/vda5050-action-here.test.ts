/**
 * A pick where the AGV already stands, after it was driven there (the engine gives a robot an order at
 * its own node): the adapter continues the AGV's order with the node once more after a zero-length edge
 * (O11), and the AGV of our VDA 5050 simulator runs the pick. Real Mosquitto.
 */
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VdaRobotAdapter } from '../../adapters/vda5050/vda-robot-adapter.ts';
import type { Layout } from '../../orchestrator/domain/layout.ts';
import type { RobotEvent } from '../../orchestrator/domain/robot-messages.ts';
import { VdaFleetSimulator } from '../../simulators/vda5050-fleet/fleet.ts';
import { until } from '../support/wait-for.ts';

const BROKER = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const LAYOUT: Layout = {
  id: 'ab',
  name: 'ab',
  version: '1',
  nodes: [
    { id: 'A', x: 0, y: 0, mapId: 'hall' },
    { id: 'B', x: 2, y: 0, mapId: 'hall' },
  ],
  edges: [{ id: 'AB', from: 'A', to: 'B', lengthM: 2 }],
  stations: [],
};

describe('VDA 5050: an action where the AGV stands, continuing its order', () => {
  const serial = `HERE-${randomUUID().slice(0, 8)}`;
  let agvs: VdaFleetSimulator;
  let adapter: VdaRobotAdapter;
  const events: RobotEvent[] = [];

  beforeAll(async () => {
    agvs = new VdaFleetSimulator({
      brokerUrl: BROKER,
      vehicles: [
        {
          manufacturer: 'Acme',
          serialNumber: serial,
          initialPosition: { x: 0, y: 0, theta: 0, mapId: 'hall', lastNodeId: 'A' },
        },
      ],
      speedup: 20,
      stateIntervalMs: 1000,
    });
    await agvs.start();
    adapter = new VdaRobotAdapter({
      brokerUrl: BROKER,
      layout: LAYOUT,
      robots: [{ robotId: 'R1', manufacturer: 'Acme', serialNumber: serial }],
    });
    adapter.onEvent((e) => events.push(e));
    await adapter.start();
  });

  afterAll(async () => {
    await adapter.stop();
    await agvs.stop();
    const client = await mqtt.connectAsync(BROKER);
    for (const topic of ['connection', 'factsheet'])
      await client.publishAsync(`uagv/v2/Acme/${serial}/${topic}`, '', { retain: true, qos: 1 });
    await client.endAsync();
  });

  it('when the robot is driven to B and then told to pick at B, then the pick runs on the AGV and finishes', async () => {
    await until(() => events.some((e) => e.type === 'robot-state' && e.state.nodeId === 'A'), 'state at A');
    adapter.execute({
      type: 'release-segment',
      robotId: 'R1',
      taskId: 'park',
      nodes: [
        { nodeId: 'A', actions: [] },
        { nodeId: 'B', actions: [] },
      ],
      edgeIds: ['AB'],
    });
    await until(() => events.some((e) => e.type === 'node-reached' && e.nodeId === 'B'), 'B');
    await until(
      () => events.some((e) => e.type === 'robot-state' && e.state.nodeId === 'B' && !e.state.driving),
      'standing at B',
    );
    adapter.execute({
      type: 'release-segment',
      robotId: 'R1',
      taskId: 'order-1/pickup',
      nodes: [{ nodeId: 'B', actions: [{ actionId: 'order-1/pick', type: 'pick', loadId: 'order-1' }] }],
      edgeIds: [],
    });
    await until(
      () =>
        events.some(
          (e) =>
            (e.type === 'action-finished' || e.type === 'action-failed') && e.actionId === 'order-1/pick',
        ),
      'pick ended',
      10_000,
    );
    expect(events.filter((e) => e.type === 'action-failed')).toEqual([]);
    const last = events.findLast((e) => e.type === 'robot-state');
    expect(last?.type === 'robot-state' && last.state.loads).toEqual(['order-1']);
    expect(last?.type === 'robot-state' && last.state.errors).toEqual([]);
  });
});
