import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import type { AgvModel } from './agv-model.ts';
import type { StatePublisher } from './state-publisher.ts';
import type { VdaTopic } from './vda-wire.ts';

/**
 * The vehicle's MQTT connection: the last will `CONNECTIONBROKEN`, the announcement after every
 * (re)connect, the graceful OFFLINE, an abrupt death and a network blip.
 */
export class AgvConnection {
  private client: MqttClient | undefined;

  constructor(
    private readonly brokerUrl: string,
    private readonly serialNumber: string,
    private readonly topics: Readonly<Record<VdaTopic, string>>,
    private readonly model: AgvModel,
    private readonly publisher: StatePublisher,
  ) {}

  get started(): boolean {
    return this.client !== undefined;
  }

  /**
   * Connects with the last will `CONNECTIONBROKEN` (QoS 1, retained), subscribes to order and
   * instantActions, then announces itself: retained ONLINE, retained factsheet, a first state. The same
   * announcement follows every automatic reconnect. Resolves once the first announcement is out.
   */
  async open(onMessage: (topic: string, payload: Buffer) => void): Promise<void> {
    const will = this.publisher.connectionMessage('CONNECTIONBROKEN');
    const client = await mqtt.connectAsync(this.brokerUrl, {
      clientId: `vda-agv-${this.serialNumber}-${randomBytes(3).toString('hex')}`,
      clean: true,
      keepalive: 15,
      reconnectPeriod: 1000,
      will: { topic: this.topics.connection, payload: Buffer.from(will), qos: 1, retain: true },
    });
    this.client = client;
    this.publisher.attach(client);
    client.on('message', onMessage);
    client.on('connect', () => {
      this.announce(client).catch(() => undefined);
    });
    // Connection errors are retried by the client; without a listener an 'error' event would throw.
    client.on('error', () => undefined);
    await this.announce(client);
  }

  /** Graceful shutdown: retained OFFLINE (QoS 1), then DISCONNECT, so the broker drops the will. */
  async close(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.detach();
    try {
      if (client.connected) {
        await client.publishAsync(this.topics.connection, this.publisher.connectionMessage('OFFLINE'), {
          qos: 1,
          retain: true,
        });
      }
    } finally {
      await client.endAsync();
    }
  }

  /** Abrupt death: the socket is destroyed without OFFLINE or DISCONNECT, so the broker publishes the will. */
  kill(): void {
    const client = this.client;
    this.detach();
    client?.end(true);
  }

  /** A network blip: the socket is destroyed (the broker publishes the will); the client reconnects. */
  drop(): void {
    this.client?.stream.destroy();
  }

  private detach(): void {
    this.client = undefined;
    this.publisher.attach(undefined);
  }

  /** Subscribe first, so a master reacting to ONLINE cannot lose its first order; then ONLINE, factsheet, state. */
  private async announce(client: MqttClient): Promise<void> {
    await client.subscribeAsync([this.topics.order, this.topics.instantActions], { qos: 0 });
    await client.publishAsync(this.topics.connection, this.publisher.connectionMessage('ONLINE'), {
      qos: 1,
      retain: true,
    });
    this.publisher.publishFactsheet();
    this.model.markDirty();
    this.publisher.flush();
  }
}
