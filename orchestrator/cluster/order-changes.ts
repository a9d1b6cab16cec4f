import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { TransportOrder } from '../domain/transport-order.ts';
import { parseStoredOrder } from '../store/stored-order.ts';

export type OrderListener = (order: TransportOrder) => void;

/** Where order changes are told: to this instance's listeners, and (clustered) to every other instance's. */
export interface OrderChangeBus {
  publish(order: TransportOrder): void;
  onChange(listener: OrderListener): () => void;
}

/** Listeners in this process only: one instance, or tests. */
export class LocalOrderChanges implements OrderChangeBus {
  protected readonly listeners = new Set<OrderListener>();

  publish(order: TransportOrder): void {
    for (const listener of this.listeners) listener(order);
  }

  onChange(listener: OrderListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Order changes across instances over Redis pub/sub: each change made here is told to the local listeners
 * at once and published with this instance's id; changes published by other instances reach the local
 * listeners when they arrive. Pub/sub is not durable: a listener that must not miss a change (the leader's
 * engine taking up planned orders) also reconciles from the store (see `EngineHost`).
 */
export class RedisOrderChanges extends LocalOrderChanges {
  private readonly onMessage = (channel: string, message: string): void => {
    if (channel !== this.options.channel) return;
    const at = message.indexOf('|');
    if (message.slice(0, at) === this.options.instanceId) return; // told locally already
    let order: TransportOrder;
    try {
      order = parseStoredOrder(message.slice(at + 1));
    } catch (err) {
      this.options.log.warn({ err }, 'order change message unreadable; ignored');
      return;
    }
    super.publish(order);
  };

  constructor(
    private readonly options: {
      /** Publishes (a normal connection). */
      readonly redis: Redis;
      /** Subscribes: a connection of its own (a subscribed ioredis connection may do nothing else). */
      readonly subscriber: Redis;
      readonly channel: string;
      readonly instanceId: string;
      readonly log: Logger;
    },
  ) {
    super();
  }

  async start(): Promise<void> {
    this.options.subscriber.on('message', this.onMessage);
    await this.options.subscriber.subscribe(this.options.channel);
  }

  async stop(): Promise<void> {
    this.options.subscriber.off('message', this.onMessage);
    await this.options.subscriber.unsubscribe(this.options.channel).catch(() => undefined);
  }

  override publish(order: TransportOrder): void {
    super.publish(order);
    this.options.redis
      .publish(this.options.channel, `${this.options.instanceId}|${JSON.stringify(order)}`)
      .catch((err: unknown) => {
        this.options.log.warn({ err, orderId: order.id }, 'order change not published to other instances');
      });
  }
}
