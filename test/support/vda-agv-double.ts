/**
 * A scripted VDA 5050 AGV for master tests on the real broker: a bare MQTT client that records every
 * message the master publishes to it and answers with hand-written, schema-checked states. Also the small
 * line layout those tests drive on and a release-segment builder.
 */
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { expect } from 'vitest';
import { checkSchema } from '../../adapters/vda5050/schemas.ts';
import type { Layout } from '../../orchestrator/domain/layout.ts';
import type { RobotCommand } from '../../orchestrator/domain/robot-messages.ts';

export const BROKER = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** A line A - B - C - D, 2 m apart, two-way. */
export const LAYOUT: Layout = {
  id: 'line',
  name: 'line',
  version: '1',
  nodes: ['A', 'B', 'C', 'D'].map((id, i) => ({ id, x: 2 * i, y: 0, mapId: 'hall' })),
  edges: ['AB', 'BC', 'CD'].flatMap((pair) => [
    { id: pair, from: pair[0]!, to: pair[1]!, lengthM: 2 },
    { id: `${pair[1]!}${pair[0]!}`, from: pair[1]!, to: pair[0]!, lengthM: 2 },
  ]),
  stations: [],
};

export interface Seen {
  readonly topic: string;
  readonly qos: number;
  readonly retain: boolean;
  readonly body: Record<string, unknown>;
}

/** A hand-driven AGV: publishes what the test writes, records what the master sends. */
export class AgvDouble {
  readonly seen: Seen[] = [];
  private headerId = 0;
  private lastState: string | undefined;
  private constructor(
    readonly client: MqttClient,
    readonly manufacturer: string,
    readonly serialNumber: string,
  ) {}

  static async connect(manufacturer: string, serialNumber: string): Promise<AgvDouble> {
    return AgvDouble.connectTo(BROKER, manufacturer, serialNumber);
  }

  /** As `connect`, on another broker (a private one a test starts and stops). */
  static async connectTo(brokerUrl: string, manufacturer: string, serialNumber: string): Promise<AgvDouble> {
    const client = await mqtt.connectAsync(brokerUrl, { clientId: `double-${randomUUID()}` });
    const double = new AgvDouble(client, manufacturer, serialNumber);
    client.on('message', (topic, payload, packet) => {
      double.seen.push({
        topic,
        qos: packet.qos,
        retain: packet.retain,
        body: JSON.parse(payload.toString()) as Record<string, unknown>,
      });
    });
    await client.subscribeAsync(`${double.base}/order`, { qos: 1 });
    await client.subscribeAsync(`${double.base}/instantActions`, { qos: 1 });
    return double;
  }

  get base(): string {
    return `uagv/v2/${this.manufacturer}/${this.serialNumber}`;
  }

  received(topic: 'order' | 'instantActions'): Seen[] {
    return this.seen.filter((s) => s.topic === `${this.base}/${topic}`);
  }

  async connection(state: 'ONLINE' | 'OFFLINE' | 'CONNECTIONBROKEN'): Promise<void> {
    await this.client.publishAsync(
      `${this.base}/connection`,
      JSON.stringify({ ...this.header(), connectionState: state }),
      { qos: 1, retain: true },
    );
  }

  /** A schema-valid state at `lastNodeId`, with `extra` on top. */
  async state(extra: Record<string, unknown> = {}): Promise<void> {
    const message = this.stateMessage(extra);
    expect(checkSchema('2.0.0', 'state', message)).toEqual({ ok: true });
    await this.raw('state', JSON.stringify(message));
  }

  /** The state `state(extra)` would publish, unchecked and unpublished (uses up a headerId). */
  stateMessage(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      ...this.header(),
      orderId: '',
      orderUpdateId: 0,
      lastNodeId: 'A',
      lastNodeSequenceId: 0,
      nodeStates: [],
      edgeStates: [],
      driving: false,
      actionStates: [],
      batteryState: { batteryCharge: 90, charging: false },
      operatingMode: 'AUTOMATIC',
      errors: [],
      safetyState: { eStop: 'NONE', fieldViolation: false },
      ...extra,
    };
  }

  async raw(topic: string, payload: string): Promise<void> {
    if (topic === 'state') this.lastState = payload;
    await this.client.publishAsync(`${this.base}/${topic}`, payload, { qos: 0 });
  }

  /** Publishes the last state again, byte for byte (headerId included): a duplicate. */
  async repeatState(): Promise<void> {
    if (this.lastState === undefined) throw new Error('no state published yet');
    await this.raw('state', this.lastState);
  }

  /** The AGV restarted: its header counters begin at 0 again. */
  resetHeaderIds(): void {
    this.headerId = 0;
  }

  header(): Record<string, unknown> {
    return {
      headerId: this.headerId++,
      timestamp: new Date().toISOString(),
      version: '2.0.0',
      manufacturer: this.manufacturer,
      serialNumber: this.serialNumber,
    };
  }

  async close(): Promise<void> {
    // Clear the retained connection message this double left on the broker.
    await this.client.publishAsync(`${this.base}/connection`, '', { qos: 1, retain: true });
    await this.client.endAsync();
  }
}

export const release = (nodes: string[], taskId = 'task-1', horizon: string[] = []): RobotCommand => ({
  type: 'release-segment',
  robotId: 'R1',
  taskId,
  nodes: nodes.map((nodeId, i) => ({
    nodeId,
    actions:
      i === nodes.length - 1 ? [{ actionId: `${taskId}/pick`, type: 'pick' as const, loadId: taskId }] : [],
  })),
  edgeIds: nodes.slice(1).map((n, i) => `${nodes[i]!}${n}`),
  ...(horizon.length > 0
    ? {
        horizon: {
          nodeIds: horizon,
          edgeIds: [nodes[nodes.length - 1]!, ...horizon]
            .slice(1)
            .map((n, i, all) => `${i === 0 ? nodes[nodes.length - 1]! : all[i - 1]!}${n}`),
        },
      }
    : {}),
});

/** A WARNING the AGV reports with references, as when it refuses an order (E2) or an action. */
export function agvWarning(
  errorType: string,
  references: Record<string, string | number>,
): {
  errorType: string;
  errorLevel: 'WARNING';
  errorReferences: { referenceKey: string; referenceValue: string }[];
} {
  return {
    errorType,
    errorLevel: 'WARNING',
    errorReferences: Object.entries(references).map(([referenceKey, value]) => ({
      referenceKey,
      referenceValue: String(value),
    })),
  };
}
