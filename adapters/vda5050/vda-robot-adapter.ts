import mqtt, { type MqttClient } from 'mqtt';
import type { RobotId } from '../../orchestrator/domain/robot.ts';
import type { RobotCommand, RobotEvent } from '../../orchestrator/domain/robot-messages.ts';
import type { RobotAdapter } from '../../orchestrator/ports/robot-adapter.ts';
import { systemClock } from '../../orchestrator/ports/clock.ts';
import { EventHub } from '../kit/event-hub.ts';
import { isPeerProfile, SILENT_LOG, type AdapterContext, type VdaAdapterOptions } from './adapter-options.ts';
import { capabilitiesOf } from './capabilities.ts';
import { ConnectionIntake } from './connection-intake.ts';
import { FaultReporter } from './faults.ts';
import { InstantCommands } from './instant-commands.ts';
import { OrderAcknowledgement } from './order-acknowledgement.ts';
import { OrderAdoption } from './order-adoption.ts';
import { OrderBuilder } from './order-builder.ts';
import { OrderSender } from './order-sender.ts';
import { VdaOutbox } from './outbox.ts';
import { resolveProfile, type PeerProfile } from './profile.ts';
import { Resender } from './resend.ts';
import { StaleState } from './stale-state.ts';
import { StateIntake } from './state-intake.ts';
import { StateProgress } from './state-progress.ts';
import { MODES, StateReporter } from './state-report.ts';
import { Link } from './vda-link.ts';
import { WireNodes } from './wire-nodes.ts';

export type { AdapterLog, VdaAdapterOptions, VdaRobotConfig } from './adapter-options.ts';

/**
 * The robot port over VDA 5050 2.0 (2.1 tolerated) and MQTT: the master side of VDA 5050
 * (the conformance tests name each statement by its checklist id). One adapter drives any number of AGVs of any manufacturers on one broker.
 *
 * - Out: each release becomes an order or an order update stitched on the decision point
 *   (`order-sender.ts`, `order-builder.ts`); cancel and pause are instant actions (`instant-commands.ts`).
 *   Every message gets a per-topic, per-AGV headerId (T5) and is checked against the official schema
 *   before it is published (T6, `outbox.ts`).
 * - In: states are checked against the schema, then turned into `robot-state` (when something changed),
 *   `node-reached` (for every released node passed since the last state, O21) and action ends (A8, A9)
 *   (`state-intake.ts`); retained `connection` messages into `connection` events (C1, C2,
 *   `connection-intake.ts`).
 * - Acknowledgement is the state echoing orderId and orderUpdateId (O18), never the publish. Without it
 *   the identical order is sent again (O19, `resend.ts`), a bounded number of times, then the AGV is
 *   reported faulty (the engine holds its order and raises an alarm): no order is ever silently stuck. A
 *   rejection (`validationError`, `orderError`, `orderUpdateError`, `noRouteError`) is reported the same
 *   way (`order-acknowledgement.ts`).
 * - An online AGV that goes silent is asked for a state, then reported stale (S3, `stale-state.ts`).
 * - Nothing is sent to an AGV that is not online (C3).
 */
export class VdaRobotAdapter implements RobotAdapter {
  readonly kind = 'vda5050' as const;
  private client: MqttClient | undefined;
  private readonly links = new Map<RobotId, Link>();
  private readonly byTopic = new Map<string, Link>();
  private readonly unknown = new Set<string>();
  private readonly hub: EventHub;
  private readonly ctx: AdapterContext;
  private readonly outbox: VdaOutbox;
  private readonly sender: OrderSender;
  private readonly instants: InstantCommands;
  private readonly resender: Resender;
  private readonly stale: StaleState;
  private readonly connections: ConnectionIntake;
  private readonly states: StateIntake;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: VdaAdapterOptions) {
    const log = options.log ?? SILENT_LOG;
    this.hub = new EventHub((err, event) => {
      log.error({ err: (err as Error).message, event: event.type }, 'vda5050: event listener failed');
    });
    this.ctx = {
      clock: options.clock ?? systemClock,
      log,
      emit: (event) => {
        this.hub.emit(event);
      },
    };
    const nodes = new WireNodes(options.layout);
    const builders = new Map<PeerProfile, OrderBuilder>();
    for (const config of options.robots) {
      const profile = isPeerProfile(config.profile) ? config.profile : resolveProfile(config.profile);
      if (!builders.has(profile)) builders.set(profile, new OrderBuilder(options.layout, profile));
      const link = new Link(config, profile, builders.get(profile)!);
      this.links.set(config.robotId, link);
      this.byTopic.set(link.topicBase, link);
    }
    const ackTimeoutMs = options.ackTimeoutMs ?? 5000;
    this.outbox = new VdaOutbox(this.ctx.clock, log);
    const reporter = new StateReporter(this.ctx, nodes);
    const faults = new FaultReporter(log, reporter);
    const adoption = new OrderAdoption(log, nodes);
    this.sender = new OrderSender(this.ctx, this.outbox, faults);
    this.instants = new InstantCommands(log, this.outbox, faults);
    this.resender = new Resender(log, this.outbox, faults, ackTimeoutMs, 1 + (options.maxResends ?? 3));
    this.stale = new StaleState(this.outbox, faults, options.staleAfterMs ?? 60_000, ackTimeoutMs);
    this.connections = new ConnectionIntake(this.ctx, this.outbox, this.stale);
    this.states = new StateIntake(this.ctx, {
      stale: this.stale,
      adoption,
      acknowledgement: new OrderAcknowledgement(
        this.ctx,
        this.outbox,
        adoption,
        options.maxFirstNodeDeviationM ?? 0.5,
      ),
      instants: this.instants,
      progress: new StateProgress(this.ctx, nodes),
      reporter,
      sender: this.sender,
    });
  }

  onEvent(listener: (event: RobotEvent) => void): () => void {
    return this.hub.on(listener);
  }

  async start(): Promise<void> {
    const client = await mqtt.connectAsync(this.options.brokerUrl, {
      clientId: this.options.clientId ?? `fleetbridge-${Math.random().toString(36).slice(2, 10)}`,
      keepalive: 15,
      clean: true,
      reconnectPeriod: 1000,
    });
    this.client = client;
    this.outbox.attach(client);
    client.on('message', (topic, payload) => {
      this.receive(topic, payload);
    });
    client.on('error', (err) => {
      this.ctx.log.warn({ err: err.message }, 'vda5050: mqtt error');
    });
    // One wildcard per interface and version: AGVs we do not know are seen (and logged) too (R4).
    const bases = new Set([...this.links.values()].map((l) => l.topicBase.split('/').slice(0, 2).join('/')));
    const subscriptions: Record<string, { qos: 0 | 1 }> = {};
    for (const base of bases) {
      subscriptions[`${base}/+/+/state`] = { qos: 0 };
      subscriptions[`${base}/+/+/factsheet`] = { qos: 0 };
      subscriptions[`${base}/+/+/connection`] = { qos: 1 }; // T3
    }
    await client.subscribeAsync(subscriptions);
    // Retained connection messages arrive right after the subscription; an AGV without one has never
    // been online on this broker.
    await new Promise((resolve) => setTimeout(resolve, 300));
    this.connections.neverSeen(this.links.values());
    this.timer = setInterval(() => {
      this.tick();
    }, 250);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const client = this.client;
    this.client = undefined;
    this.outbox.attach(undefined);
    if (client) await client.endAsync();
  }

  execute(command: RobotCommand): void {
    const link = this.links.get(command.robotId);
    if (!link) {
      this.ctx.log.warn(
        { robotId: command.robotId },
        'vda5050: command for a robot this adapter does not drive',
      );
      return;
    }
    if (link.connection !== 'online') {
      // C3: nothing goes to an AGV that is not connected; the engine keeps its reservations.
      this.ctx.log.warn(
        { robotId: command.robotId, command: command.type },
        'vda5050: AGV not online, command dropped',
      );
      return;
    }
    const mode = link.state?.operatingMode;
    if (mode !== undefined && MODES[mode] !== 'automatic') {
      // S4: an AGV in MANUAL, SERVICE or TEACHIN gets neither orders nor instant actions.
      this.ctx.log.warn(
        { robotId: command.robotId, command: command.type, mode },
        'vda5050: AGV not in automatic mode, command dropped',
      );
      return;
    }
    switch (command.type) {
      case 'release-segment':
        link.deferred.push(command);
        this.sender.flush(link);
        return;
      case 'cancel-task':
        this.instants.cancel(link);
        return;
      case 'pause':
        this.instants.pause(link);
        return;
      case 'resume':
        this.instants.resume(link);
        return;
    }
  }

  /** The latest factsheet an AGV published (retained), if any. */
  factsheetOf(robotId: RobotId): unknown {
    return this.links.get(robotId)?.factsheet;
  }

  /** Every 250 ms, for each online AGV: S3, the releases that may go now, O19 and A4. */
  private tick(): void {
    const now = this.ctx.clock.now();
    const online = [...this.links.values()].filter((l) => l.connection === 'online');
    this.stale.check(online, now);
    for (const link of online) {
      if (link.deferred.length > 0) this.sender.flush(link);
      this.resender.resend(link, now);
    }
  }

  private receive(topic: string, payload: Buffer): void {
    const cut = topic.lastIndexOf('/');
    const base = topic.slice(0, cut);
    const kind = topic.slice(cut + 1);
    if (payload.length === 0) return; // a retained message being cleared
    const link = this.byTopic.get(base);
    if (!link) {
      if (!this.unknown.has(base)) {
        this.unknown.add(base);
        this.ctx.log.warn({ topic }, 'vda5050: message from an AGV that is not configured; ignored');
      }
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(payload.toString('utf8'));
    } catch {
      this.ctx.log.warn({ robotId: link.robotId, topic }, 'vda5050: malformed JSON; ignored');
      return;
    }
    if (kind === 'connection') this.connections.onConnection(link, message);
    else if (kind === 'state') this.states.onState(link, message);
    else if (kind === 'factsheet') {
      // F2: capability checks use the latest factsheet.
      // What the AGV refused stays refused (E4) whatever a factsheet claims.
      link.factsheet = message;
      link.capabilities = { ...capabilitiesOf(message), refused: link.capabilities.refused };
    }
  }
}
