import type { MqttClient } from 'mqtt';
import type { Clock } from '../../orchestrator/ports/clock.ts';
import type { AdapterLog } from './adapter-options.ts';
import { checkInstantAction } from './capabilities.ts';
import { checkSchema } from './schemas.ts';
import type { Link } from './vda-link.ts';
import type { VdaAction } from './wire.ts';

/**
 * What goes out to the AGVs: every message gets its header (T4) with a per-topic, per-AGV headerId
 * (T5) and is checked against the official schema (T6) before it is published; instant actions are
 * checked against the factsheet (O9) and tracked until their actionState appears.
 */
export class VdaOutbox {
  private client: MqttClient | undefined;
  private sequence = 0;

  constructor(
    private readonly clock: Clock,
    private readonly log: AdapterLog,
  ) {}

  /** The MQTT client to publish on; undefined while stopped (nothing is published then). */
  attach(client: MqttClient | undefined): void {
    this.client = client;
  }

  /** A fresh id: the clock and a counter, unique over a restart of the master. */
  nextId(): string {
    return `${this.clock.now().toString(36)}${(this.sequence++).toString(36)}`;
  }

  instantAction(actionType: string): VdaAction {
    return { actionId: `${actionType}:${this.nextId()}`, actionType, blockingType: 'NONE' };
  }

  /** Publishes instant actions the AGV's factsheet allows (O9); false when nothing was sent. */
  instant(link: Link, actions: readonly VdaAction[]): boolean {
    for (const a of actions) {
      const check = checkInstantAction(a.actionType, link.capabilities);
      if (!check.ok) {
        this.log.warn({ robotId: link.robotId, problem: check.problem }, 'vda5050: instant action not sent');
        return false;
      }
    }
    const body =
      link.profile.instantActionsField === 'actions' ? { actions } : { actions, instantActions: actions };
    if (!this.publish(link, 'instantActions', body)) return false;
    for (const a of actions)
      link.pendingInstant.set(a.actionId, {
        topic: 'instantActions',
        body,
        sentAtMs: this.clock.now(),
        sends: 1,
      });
    return true;
  }

  /** Adds the header (T4, T5), checks the schema (T6) and publishes; false when nothing was published. */
  publish(link: Link, topic: 'order' | 'instantActions', body: object): boolean {
    const client = this.client;
    if (!client) return false;
    const headerId = link.headerIds.get(topic) ?? 0;
    const message = {
      headerId,
      timestamp: new Date(this.clock.now()).toISOString(),
      version: link.profile.version,
      manufacturer: link.config.manufacturer,
      serialNumber: link.config.serialNumber,
      ...body,
    };
    const check = checkSchema(link.profile.version, topic, message);
    if (!check.ok) {
      this.log.error(
        { robotId: link.robotId, topic, errors: check.errors },
        'vda5050: outgoing message fails the schema; not published',
      );
      return false;
    }
    link.headerIds.set(topic, (headerId + 1) % 2 ** 32);
    client.publish(`${link.topicBase}/${topic}`, JSON.stringify(message), {
      qos: link.profile.qos,
      retain: false,
    });
    return true;
  }
}
