import mqtt, { type MqttClient } from 'mqtt';
import type { Layout, NodeId } from '../../orchestrator/domain/layout.ts';
import type { RobotId, RobotError, ConnectionState, OperatingMode } from '../../orchestrator/domain/robot.ts';
import type { RobotCommand, RobotEvent, RobotStateReport } from '../../orchestrator/domain/robot-messages.ts';
import type { RobotAdapter } from '../../orchestrator/ports/robot-adapter.ts';
import { systemClock, type Clock } from '../../orchestrator/ports/clock.ts';
import {
  capabilitiesOf,
  checkInstantAction,
  fitOrder,
  markUnsupported,
  minOrderIntervalMs,
  NO_CAPABILITIES,
  type Capabilities,
} from './capabilities.ts';
import {
  continuedOrder,
  OrderBuilder,
  wireId,
  type OrderTrack,
  type ReleaseSegment,
} from './order-builder.ts';
import { resolveProfile, SPEC_PROFILE, type PeerProfile } from './profile.ts';
import { checkSchema } from './schemas.ts';
import {
  ORDER_REJECTIONS,
  type ActionStatus,
  type OrderBody,
  type VdaAction,
  type VdaError,
  type VdaState,
} from './wire.ts';

/** One AGV as the master knows it: our robot id and its VDA 5050 identity (R4: any manufacturer). */
export interface VdaRobotConfig {
  readonly robotId: RobotId;
  readonly manufacturer: string;
  readonly serialNumber: string;
  /**
   * A profile: a built-in name (`PROFILES`), overrides on one as the site file writes them
   * (`profileConfigSchema`), or a complete profile; default `spec`.
   */
  readonly profile?: string | PeerProfile | Readonly<Record<string, unknown>>;
}

/** What the adapter logs; pino's logger fits. */
export interface AdapterLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface VdaAdapterOptions {
  /** `mqtt://host:port`. */
  readonly brokerUrl: string;
  readonly layout: Layout;
  readonly robots: readonly VdaRobotConfig[];
  readonly clock?: Clock;
  readonly log?: AdapterLog;
  /** An order (update) without an acknowledging state for this long is sent again (O19). Default 5000. */
  readonly ackTimeoutMs?: number;
  /** How often an unacknowledged order or instant action is sent again before an alarm. Default 3. */
  readonly maxResends?: number;
  /**
   * An online AGV whose last state is older than this is asked for one, and reported faulty (stale) if
   * none comes within `ackTimeoutMs` more (S3). Default 60000: twice the 30 s heartbeat.
   */
  readonly staleAfterMs?: number;
  /**
   * E3: after a noRouteError on a new order, its first node is sent once more with an allowed deviation
   * that covers the AGV's reported position, if that is at most this far from the node (localisation
   * drift, not a robot somewhere else). Default 0.5 m.
   */
  readonly maxFirstNodeDeviationM?: number;
  /** MQTT client id; default `fleetbridge-<random>`. */
  readonly clientId?: string;
}

const SILENT: AdapterLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

const MODES: Readonly<Record<VdaState['operatingMode'], OperatingMode>> = {
  AUTOMATIC: 'automatic',
  SEMIAUTOMATIC: 'automatic',
  MANUAL: 'manual',
  SERVICE: 'service',
  TEACHIN: 'service',
};

interface Unacknowledged {
  readonly topic: 'order' | 'instantActions';
  readonly body: object;
  sentAtMs: number;
  sends: number;
}

/** A9: the action status changes an AGV may report; anything else is logged (and then believed). */
const LEGAL_NEXT: Readonly<Record<ActionStatus, readonly ActionStatus[]>> = {
  WAITING: ['INITIALIZING', 'RUNNING', 'FINISHED', 'FAILED'],
  INITIALIZING: ['PAUSED', 'RUNNING', 'FINISHED', 'FAILED'],
  RUNNING: ['PAUSED', 'FINISHED', 'FAILED'],
  PAUSED: ['INITIALIZING', 'RUNNING', 'FINISHED', 'FAILED'],
  FINISHED: [],
  FAILED: [],
};

/** Instant actions whose loss needs an operator (A4); a lost stateRequest or factsheetRequest does not. */
const MUST_ARRIVE: ReadonlySet<string> = new Set(['cancelOrder', 'startPause', 'stopPause', 'stopCharging']);

/** Everything the master tracks per AGV. */
class Link {
  readonly headerIds = new Map<string, number>();
  connection: ConnectionState | undefined;
  track: OrderTrack | undefined;
  /** The latest order (update) the AGV acknowledged: what it still holds when it refuses a later one. */
  acked: OrderTrack | undefined;
  /** The last order (update) sent and not yet acknowledged by a state. */
  pendingOrder:
    | (Unacknowledged & {
        readonly body: OrderBody;
        readonly orderId: string;
        readonly orderUpdateId: number;
        /** The release it carries: sent again after a resync (O20). */
        readonly segment: ReleaseSegment;
        /** The engine's actions in it: they fail when the AGV refuses the order. */
        readonly engineActions: readonly string[];
        /** E3: its first node was widened once after a noRouteError. */
        readonly regenerated?: boolean;
      })
    | undefined;
  /**
   * Releases the AGV cannot take yet, in order: after a cancel until it is done (A2), a new order while
   * the AGV still works on one (O17), while it charges (S6) or is paused (A6), or too soon after the last
   * order (O6). A cancel drops them.
   */
  deferred: ReleaseSegment[] = [];
  /** Why the first deferred release waits, as last logged. */
  waitingFor: string | undefined;
  /** The cancelOrder in flight (A2): nothing is sent before it has ended and the AGV is idle. */
  cancelling: string | undefined;
  /** The stopCharging in flight before a release that leaves the charger (S6). */
  stoppingCharge: string | undefined;
  /** When the last order message went out (O6: the factsheet's minOrderInterval). */
  orderAtMs = -Infinity;
  /** The last status seen of each engine action still running (A9). */
  readonly statuses = new Map<string, ActionStatus>();
  /** What the AGV's factsheet allows (O5, O6, O8, O9); nothing known until one arrives (F2). */
  capabilities: Capabilities = NO_CAPABILITIES;
  /** Instant actions sent whose actionState has not appeared yet, by actionId. */
  readonly pendingInstant = new Map<string, Unacknowledged>();
  /** Wire actionId -> the engine's actionId, for every engine action sent whose end is not reported yet. */
  readonly actions = new Map<string, string>();
  /**
   * Released nodes sent for the current order and not yet reported passed, in order: for node-reached
   * between two states. (An order may be continued for hours: what is passed is dropped.)
   */
  released: { readonly nodeId: string; readonly sequenceId: number }[] = [];
  last: { readonly orderId: string; readonly nodeId: string; readonly sequenceId: number } | undefined;
  /** Problems the adapter found (rejected or unacknowledged orders), reported beside the AGV's errors. */
  readonly adapterErrors = new Map<string, RobotError>();
  lastReport: string | undefined;
  /** When the last valid state arrived (our clock, never the AGV's timestamp: T8), and if a request for a fresh one is out. */
  stateAtMs: number | undefined;
  staleAsked = false;
  state: VdaState | undefined;
  factsheet: unknown;

  constructor(
    readonly config: VdaRobotConfig,
    readonly profile: PeerProfile,
  ) {}

  get topicBase(): string {
    const major = this.profile.version.split('.')[0];
    return `${this.profile.interfaceName}/v${major}/${this.config.manufacturer}/${this.config.serialNumber}`;
  }
}

/**
 * The robot port over VDA 5050 2.0 (2.1 tolerated) and MQTT: the master side of VDA 5050
 * (the conformance tests name each statement by its checklist id). One adapter drives any number of AGVs of any manufacturers on one broker.
 *
 * - Out: each release becomes an order or an order update stitched on the decision point
 *   (`order-builder.ts`); cancel and pause are instant actions. Every message gets a per-topic, per-AGV
 *   headerId (T5) and is checked against the official schema before it is published (T6).
 * - In: states are checked against the schema, then turned into `robot-state` (when something changed),
 *   `node-reached` (for every released node passed since the last state, O21) and action ends (A8, A9);
 *   retained `connection` messages into `connection` events (C1, C2).
 * - Acknowledgement is the state echoing orderId and orderUpdateId (O18), never the publish. Without it
 *   the identical order is sent again (O19), a bounded number of times, then the AGV is reported faulty
 *   (the engine holds its order and raises an alarm): no order is ever silently stuck. A rejection
 *   (`validationError`, `orderError`, `orderUpdateError`, `noRouteError`) is reported the same way.
 * - Nothing is sent to an AGV that is not online (C3).
 */
export class VdaRobotAdapter implements RobotAdapter {
  readonly kind = 'vda5050' as const;
  private client: MqttClient | undefined;
  private readonly links = new Map<RobotId, Link>();
  private readonly byTopic = new Map<string, Link>();
  private readonly listeners = new Set<(event: RobotEvent) => void>();
  private readonly builder = new Map<PeerProfile, OrderBuilder>();
  private readonly nodeOfWire = new Map<string, NodeId>();
  private readonly unknown = new Set<string>();
  private readonly clock: Clock;
  private readonly log: AdapterLog;
  private timer: ReturnType<typeof setInterval> | undefined;
  private sequence = 0;

  constructor(private readonly options: VdaAdapterOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? SILENT;
    for (const node of options.layout.nodes) {
      const id = wireId(node.id);
      const other = this.nodeOfWire.get(id);
      if (other !== undefined) throw new RangeError(`nodes ${other} and ${node.id} have one wire id ${id}`);
      this.nodeOfWire.set(id, node.id);
    }
    for (const config of options.robots) {
      const profile = isPeerProfile(config.profile) ? config.profile : resolveProfile(config.profile);
      const link = new Link(config, profile);
      this.links.set(config.robotId, link);
      this.byTopic.set(link.topicBase, link);
      if (!this.builder.has(profile)) this.builder.set(profile, new OrderBuilder(options.layout, profile));
    }
  }

  onEvent(listener: (event: RobotEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    const client = await mqtt.connectAsync(this.options.brokerUrl, {
      clientId: this.options.clientId ?? `fleetbridge-${Math.random().toString(36).slice(2, 10)}`,
      keepalive: 15,
      clean: true,
      reconnectPeriod: 1000,
    });
    this.client = client;
    client.on('message', (topic, payload) => {
      this.receive(topic, payload);
    });
    client.on('error', (err) => {
      this.log.warn({ err: err.message }, 'vda5050: mqtt error');
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
    for (const [robotId, link] of this.links)
      if (link.connection === undefined) {
        link.connection = 'offline';
        this.emit({ type: 'connection', robotId, state: 'offline' });
      }
    this.timer = setInterval(() => {
      this.resendUnacknowledged();
    }, 250);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync();
  }

  execute(command: RobotCommand): void {
    const link = this.links.get(command.robotId);
    if (!link) {
      this.log.warn({ robotId: command.robotId }, 'vda5050: command for a robot this adapter does not drive');
      return;
    }
    if (link.connection !== 'online') {
      // C3: nothing goes to an AGV that is not connected; the engine keeps its reservations.
      this.log.warn(
        { robotId: command.robotId, command: command.type },
        'vda5050: AGV not online, command dropped',
      );
      return;
    }
    const mode = link.state?.operatingMode;
    if (mode !== undefined && MODES[mode] !== 'automatic') {
      // S4: an AGV in MANUAL, SERVICE or TEACHIN gets neither orders nor instant actions.
      this.log.warn(
        { robotId: command.robotId, command: command.type, mode },
        'vda5050: AGV not in automatic mode, command dropped',
      );
      return;
    }
    switch (command.type) {
      case 'release-segment':
        link.deferred.push(command);
        this.flush(link);
        return;
      case 'cancel-task': {
        // A2: no update to the cancelled order; the next release is a new order, sent once the cancel
        // has ended and the AGV is idle, from where it stands. The operator has acted: faults go.
        link.track = undefined;
        link.acked = undefined;
        link.pendingOrder = undefined;
        link.deferred = [];
        link.adapterErrors.clear();
        this.log.info(
          { robotId: command.robotId, orderId: link.state?.orderId },
          'vda5050: cancelling the order',
        );
        const cancel = this.instantAction('cancelOrder');
        if (this.instant(link, [cancel])) link.cancelling = cancel.actionId;
        return;
      }
      case 'pause':
        this.instant(link, [this.instantAction('startPause')]);
        return;
      case 'resume':
        this.instant(link, [this.instantAction('stopPause')]);
        return;
    }
  }

  /** The latest factsheet an AGV published (retained), if any. */
  factsheetOf(robotId: RobotId): unknown {
    return this.links.get(robotId)?.factsheet;
  }

  /** Sends the deferred releases the AGV can take now, in order; logs once why the first one waits. */
  private flush(link: Link): void {
    while (link.deferred.length > 0) {
      const segment = link.deferred[0]!;
      const wait = this.mustWait(link, segment);
      if (wait !== undefined) {
        if (wait !== link.waitingFor)
          this.log.info(
            {
              robotId: link.config.robotId,
              taskId: segment.taskId,
              from: segment.nodes[0]!.nodeId,
              agv: link.state && {
                orderId: link.state.orderId,
                lastNodeId: link.state.lastNodeId,
                nodes: link.state.nodeStates.map(
                  (n) => `${n.nodeId}/${n.sequenceId}${n.released ? '' : '?'}`,
                ),
                running: link.state.actionStates
                  .filter((a) => a.actionStatus !== 'FINISHED' && a.actionStatus !== 'FAILED')
                  .map((a) => `${a.actionType ?? a.actionId}:${a.actionStatus}`),
              },
              decision: link.track?.decision.nodeId,
            },
            `vda5050: release waits: ${wait}`,
          );
        link.waitingFor = wait;
        return;
      }
      link.waitingFor = undefined;
      link.deferred.shift();
      this.send(link, this.offCharger(link, segment));
    }
  }

  /** Why `segment` cannot go to the AGV yet, or undefined when it can. */
  private mustWait(link: Link, segment: ReleaseSegment): string | undefined {
    if (link.cancelling !== undefined) return 'the cancel has not ended (A2)';
    const state = link.state;
    if (state?.paused === true) return 'the AGV is paused (A6)';
    if (
      state?.safetyState !== undefined &&
      (state.safetyState.eStop !== 'NONE' || state.safetyState.fieldViolation)
    )
      return 'the AGV reports an emergency stop or a protective field violation (S7)';
    if (state?.batteryState.charging === true && stopsCharging(segment)) {
      // S6: the charge is stopped by an instant action, and the order waits until the AGV says it stopped.
      if (link.stoppingCharge === undefined) {
        const stop = this.instantAction('stopCharging');
        if (this.instant(link, [stop])) link.stoppingCharge = stop.actionId;
      }
      return 'the AGV is still charging (S6)';
    }
    if (state && busy(state) && !continuedOrder(segment, link.track))
      return 'the AGV has not finished its order; a new order waits (O17)';
    const gap = minOrderIntervalMs(link.capabilities) - (this.clock.now() - link.orderAtMs);
    if (gap > 0) return 'the factsheet asks for a pause between orders (O6)';
    return undefined;
  }

  /**
   * The segment without the stop-charging actions on its first node once the AGV reports it is not
   * charging (S6: stopped by the instant action, or it never was): those actions have done their work.
   */
  private offCharger(link: Link, segment: ReleaseSegment): ReleaseSegment {
    const first = segment.nodes[0]!;
    const stops = first.actions.filter((a) => a.type === 'stop-charging');
    if (stops.length === 0 || link.state?.batteryState.charging !== false) return segment;
    for (const a of stops)
      this.emit({ type: 'action-finished', robotId: link.config.robotId, actionId: a.actionId });
    return {
      ...segment,
      nodes: [
        { ...first, actions: first.actions.filter((a) => a.type !== 'stop-charging') },
        ...segment.nodes.slice(1),
      ],
    };
  }

  /** Builds the order (update), fits it to the factsheet (O5, O6, O8, O9), publishes and tracks it. */
  private send(link: Link, segment: ReleaseSegment): void {
    const robotId = link.config.robotId;
    const builder = this.builder.get(link.profile)!;
    let built;
    try {
      built = builder.build(
        segment,
        link.track,
        `${this.clock.now().toString(36)}${(this.sequence++).toString(36)}`,
      );
    } catch (err) {
      this.log.error({ robotId, err: (err as Error).message }, 'vda5050: cannot build order');
      return;
    }
    const fit = fitOrder(built.body, link.capabilities, { parameterValues: link.profile.parameterValues });
    if (!fit.ok) {
      // The AGV would refuse it: the engine's actions fail here, and the robot needs an operator.
      const why = fit.problems.join('; ');
      this.fault(
        link,
        'order-unsupported',
        `order ${built.body.orderId} exceeds the AGV's factsheet: ${why}`,
      );
      for (const a of built.actions)
        this.emit({ type: 'action-failed', robotId, actionId: a.engineId, reason: `not sent: ${why}` });
      return;
    }
    if (fit.dropped.length > 0)
      this.log.info({ robotId, dropped: fit.dropped }, 'vda5050: order fitted to the factsheet');
    const body = fit.body;
    if (!this.publish(link, 'order', body)) return;
    link.orderAtMs = this.clock.now();
    for (const a of built.actions) link.actions.set(a.wireId, a.engineId);
    if (body.orderUpdateId === 0) link.released = [];
    for (const n of body.nodes)
      if (n.released && !link.released.some((r) => r.sequenceId === n.sequenceId && r.nodeId === n.nodeId))
        link.released.push(n);
    link.track = built.track;
    link.pendingOrder = {
      topic: 'order',
      body,
      orderId: body.orderId,
      orderUpdateId: body.orderUpdateId,
      segment,
      engineActions: built.actions.map((a) => a.engineId),
      sentAtMs: this.clock.now(),
      sends: 1,
    };
  }

  private instantAction(actionType: string): VdaAction {
    return {
      actionId: `${actionType}:${this.clock.now().toString(36)}${(this.sequence++).toString(36)}`,
      actionType,
      blockingType: 'NONE',
    };
  }

  /** Publishes instant actions the AGV's factsheet allows (O9); false when nothing was sent. */
  private instant(link: Link, actions: readonly VdaAction[]): boolean {
    for (const a of actions) {
      const check = checkInstantAction(a.actionType, link.capabilities);
      if (!check.ok) {
        this.log.warn(
          { robotId: link.config.robotId, problem: check.problem },
          'vda5050: instant action not sent',
        );
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
  private publish(link: Link, topic: 'order' | 'instantActions', body: object): boolean {
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
        { robotId: link.config.robotId, topic, errors: check.errors },
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

  /** O19, A4: the identical message again (new header) until acknowledged, a bounded number of times. */
  /** S3: an AGV that says it is online but sends no state is asked for one, then reported stale. */
  private watchStale(link: Link, now: number): void {
    if (link.stateAtMs === undefined) return;
    const silent = now - link.stateAtMs;
    const staleAfter = this.options.staleAfterMs ?? 60_000;
    if (silent < staleAfter) return;
    if (!link.staleAsked) {
      link.staleAsked = true;
      this.instant(link, [this.instantAction('stateRequest')]);
    } else if (
      silent >= staleAfter + (this.options.ackTimeoutMs ?? 5000) &&
      !link.adapterErrors.has('state-stale')
    ) {
      this.fault(
        link,
        'state-stale',
        `no state for ${Math.round(silent / 1000)} s although the AGV is online`,
      );
    }
  }

  private resendUnacknowledged(): void {
    const now = this.clock.now();
    const timeout = this.options.ackTimeoutMs ?? 5000;
    const limit = 1 + (this.options.maxResends ?? 3);
    for (const link of this.links.values()) {
      if (link.connection !== 'online') continue;
      this.watchStale(link, now);
      if (link.deferred.length > 0) this.flush(link);
      const order = link.pendingOrder;
      if (order && now - order.sentAtMs >= timeout) {
        if (order.sends >= limit) {
          link.pendingOrder = undefined;
          this.fault(
            link,
            'order-unacknowledged',
            `order ${order.orderId} update ${order.orderUpdateId} not acknowledged after ${order.sends} sends`,
          );
        } else if (this.publish(link, 'order', order.body)) {
          order.sends += 1;
          order.sentAtMs = now;
        }
      }
      for (const [actionId, sent] of link.pendingInstant) {
        if (now - sent.sentAtMs < timeout) continue;
        if (sent.sends >= limit) {
          // A4: bounded, with an alarm where an operator must act (never the endless loop).
          link.pendingInstant.delete(actionId);
          const actionType = actionId.slice(0, actionId.indexOf(':'));
          if (actionId === link.cancelling) link.cancelling = undefined;
          if (actionId === link.stoppingCharge) link.stoppingCharge = undefined;
          if (MUST_ARRIVE.has(actionType))
            this.fault(
              link,
              'instant-unacknowledged',
              `${actionType} ${actionId} not acknowledged after ${sent.sends} sends`,
            );
          else
            this.log.warn(
              { robotId: link.config.robotId, actionId },
              'vda5050: instant action never acknowledged; given up',
            );
        } else if (this.publish(link, 'instantActions', sent.body)) {
          sent.sends += 1;
          sent.sentAtMs = now;
        }
      }
    }
  }

  private fault(link: Link, code: string, message: string): void {
    this.log.warn({ robotId: link.config.robotId, code }, `vda5050: ${message}`);
    link.adapterErrors.set(code, { code, level: 'fatal', message });
    if (link.state) this.report(link, link.state);
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
        this.log.warn({ topic }, 'vda5050: message from an AGV that is not configured; ignored');
      }
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(payload.toString('utf8'));
    } catch {
      this.log.warn({ robotId: link.config.robotId, topic }, 'vda5050: malformed JSON; ignored');
      return;
    }
    if (kind === 'connection') this.onConnection(link, message);
    else if (kind === 'state') this.onState(link, message);
    else if (kind === 'factsheet') {
      // F2: capability checks use the latest factsheet.
      // What the AGV refused stays refused (E4) whatever a factsheet claims.
      link.factsheet = message;
      link.capabilities = { ...capabilitiesOf(message), refused: link.capabilities.refused };
    }
  }

  private onConnection(link: Link, message: unknown): void {
    const wire = (message as { connectionState?: unknown }).connectionState;
    // C2: the will's timestamp and headerId are old by design; only the state counts.
    const state: ConnectionState | undefined =
      wire === 'ONLINE'
        ? 'online'
        : wire === 'OFFLINE'
          ? 'offline'
          : wire === 'CONNECTIONBROKEN' || wire === 'CONNECTION_BROKEN'
            ? 'connection-broken'
            : undefined;
    if (state === undefined) {
      this.log.warn(
        { robotId: link.config.robotId, connectionState: wire },
        'vda5050: unknown connection state',
      );
      return;
    }
    if (state === link.connection) return;
    link.connection = state;
    this.emit({ type: 'connection', robotId: link.config.robotId, state });
    // C1: reachable, but nothing is decided before a fresh state: ask for one.
    // F1: and for its factsheet, unless a retained one came. One action per message: vda-5050-lib 1.4.0
    // crashes on a message whose first instant action ends at once (it drops it from the list it iterates).
    if (state === 'online') {
      this.instant(link, [this.instantAction('stateRequest')]);
      if (link.factsheet === undefined) this.instant(link, [this.instantAction('factsheetRequest')]);
    }
  }

  private onState(link: Link, message: unknown): void {
    const robotId = link.config.robotId;
    const version = (message as { version?: unknown }).version;
    const major = typeof version === 'string' ? Number(version.split('.')[0]) : NaN;
    if (major !== link.profile.acceptMajor) {
      this.log.warn({ robotId, version }, 'vda5050: state of another major version; ignored');
      return;
    }
    const check = checkSchema(link.profile.version, 'state', message, { inbound: true });
    if (!check.ok) {
      this.log.warn({ robotId, errors: check.errors }, 'vda5050: state fails the schema; ignored');
      return;
    }
    const state = message as VdaState;
    if (!/Z$|[+-]\d\d:?\d\d$/.test(state.timestamp))
      this.log.warn({ robotId, timestamp: state.timestamp }, 'vda5050: state timestamp without a zone (T8)');
    const first = link.state === undefined;
    link.state = state;
    link.stateAtMs = this.clock.now();
    link.staleAsked = false;
    link.adapterErrors.delete('state-stale');
    if (first) this.adopt(link, state);
    this.orderLost(link, state);
    this.acknowledge(link, state);
    this.cancelEnd(link, state);
    this.chargeEnd(link, state);
    this.progress(link, state);
    this.actionEnds(link, state);
    this.report(link, state);
    this.flush(link);
  }

  /**
   * C5, O20: the order the AGV reports, taken over from its state when this master did not send it (it
   * restarted) or lost count: the next update continues it with the next orderUpdateId (never 0), stitched
   * on its last released node, and nodes still ahead are reported as reached when passed.
   */
  private adopt(link: Link, state: VdaState): void {
    if (state.orderId === '') return;
    const released = state.nodeStates.filter((n) => n.released);
    const decision = released.reduce<{ nodeId: string; sequenceId: number }>(
      (last, n) => (n.sequenceId > last.sequenceId ? n : last),
      { nodeId: state.lastNodeId, sequenceId: state.lastNodeSequenceId },
    );
    const nodeId = this.nodeOfWire.get(decision.nodeId);
    if (nodeId === undefined) return;
    const track: OrderTrack = {
      taskId: link.track?.taskId ?? '',
      orderId: state.orderId,
      orderUpdateId: state.orderUpdateId,
      decision: this.builder.get(link.profile)!.stitchNode(nodeId, decision.sequenceId),
    };
    link.track = track;
    link.acked = track;
    link.released = released
      .map((n) => ({ nodeId: n.nodeId, sequenceId: n.sequenceId }))
      .sort((a, b) => a.sequenceId - b.sequenceId);
    this.log.info(
      { robotId: link.config.robotId, orderId: state.orderId, orderUpdateId: state.orderUpdateId },
      'vda5050: continuing the order the AGV reports',
    );
  }

  /** A2, A3: the cancel has ended once it is FINISHED and the AGV holds no nodes, or FAILED. */
  private cancelEnd(link: Link, state: VdaState): void {
    const id = link.cancelling;
    const cancel = id === undefined ? undefined : state.actionStates.find((a) => a.actionId === id);
    if (!cancel) return;
    if (cancel.actionStatus === 'FAILED') {
      link.cancelling = undefined;
      // A3: noOrderToCancel means the AGV was idle already; anything else needs an operator.
      if (!state.errors.some((e) => e.errorType === 'noOrderToCancel'))
        this.fault(link, 'cancel-failed', `cancelOrder ${cancel.actionId} failed on the AGV`);
    } else if (
      cancel.actionStatus === 'FINISHED' &&
      state.nodeStates.length === 0 &&
      state.edgeStates.length === 0
    )
      link.cancelling = undefined;
  }

  /** S6: the stopCharging before a release has ended; a failed one needs an operator. */
  private chargeEnd(link: Link, state: VdaState): void {
    const id = link.stoppingCharge;
    const stop = id === undefined ? undefined : state.actionStates.find((a) => a.actionId === id);
    if (!stop || (stop.actionStatus !== 'FINISHED' && stop.actionStatus !== 'FAILED')) return;
    link.stoppingCharge = undefined;
    if (stop.actionStatus === 'FAILED' && state.batteryState.charging)
      this.fault(link, 'stop-charging-failed', `stopCharging ${stop.actionId} failed; the AGV still charges`);
  }

  /**
   * C4: the AGV reports neither the order we sent nor the one it acknowledged, and nothing left to drive
   * (it restarted, or someone cleared it): that order is gone. The next release starts a new order, and
   * the robot is reported faulty until an order is accepted: its task needs an operator's decision.
   */
  private orderLost(link: Link, state: VdaState): void {
    const known = [link.track?.orderId, link.acked?.orderId];
    if (!link.acked || known.includes(state.orderId) || state.nodeStates.length > 0) return;
    const lost = link.acked.orderId;
    link.track = undefined;
    link.acked = undefined;
    link.pendingOrder = undefined;
    link.adapterErrors.set('order-lost', {
      code: 'order-lost',
      level: 'fatal',
      message: `the AGV no longer knows order ${lost} (it reports ${state.orderId === '' ? 'no order' : `order ${state.orderId}`})`,
    });
    this.log.warn({ robotId: link.config.robotId, orderId: lost }, 'vda5050: AGV lost its order');
  }

  /** O18, E2: the state echoes what was sent (accepted), or an error references it (rejected). */
  private acknowledge(link: Link, state: VdaState): void {
    for (const a of state.actionStates) link.pendingInstant.delete(a.actionId);
    const sent = link.track;
    const pending = link.pendingOrder;
    // An exact echo accepts; a later orderUpdateId does too, unless the AGV says it refused ours (O20).
    const rejection =
      pending && !(state.orderId === pending.orderId && state.orderUpdateId === pending.orderUpdateId)
        ? state.errors.find((e) => ORDER_REJECTIONS.has(e.errorType) && refersTo(e, pending))
        : undefined;
    if (!rejection && sent && state.orderId === sent.orderId && state.orderUpdateId >= sent.orderUpdateId) {
      // Accepted, late or not: whatever we gave up on or saw refused before is settled.
      link.acked = sent;
      link.pendingOrder = undefined;
      link.adapterErrors.delete('order-unacknowledged');
      link.adapterErrors.delete('order-rejected');
      link.adapterErrors.delete('order-lost');
      return;
    }
    if (!pending || !rejection) return;
    link.pendingOrder = undefined;
    link.track = link.acked; // the AGV keeps the order it had
    if (
      rejection.errorType === 'orderUpdateError' &&
      state.orderId === pending.orderId &&
      state.orderUpdateId >= pending.orderUpdateId
    ) {
      // O20: the AGV is further on than this update (it took one we lost count of): resynchronise from
      // its state and release the same segment again on top of what it has.
      this.log.warn(
        { robotId: link.config.robotId, orderId: pending.orderId, orderUpdateId: state.orderUpdateId },
        'vda5050: order update behind the AGV; resynchronised from its state',
      );
      this.adopt(link, state);
      link.deferred.unshift(pending.segment);
      return;
    }
    if (rejection.errorType === 'noRouteError' && pending.orderUpdateId === 0 && !pending.regenerated) {
      // E3: once, the first node again with a deviation that covers where the AGV says it is.
      const body = widenFirstNode(pending.body, state, this.options.maxFirstNodeDeviationM ?? 0.5);
      if (body && this.publish(link, 'order', body)) {
        this.log.warn(
          { robotId: link.config.robotId, orderId: body.orderId },
          'vda5050: noRouteError; first node widened',
        );
        link.pendingOrder = { ...pending, body, regenerated: true, sentAtMs: this.clock.now(), sends: 1 };
        link.track = {
          ...link.track!,
          orderId: body.orderId,
          orderUpdateId: 0,
          decision: lastReleased(body),
        };
        return;
      }
    }
    if (rejection.errorType === 'orderError') {
      // E4: what the AGV names is unsupported until its factsheet says otherwise; ask for a fresh one.
      for (const r of rejection.errorReferences ?? []) {
        const actionType =
          r.referenceKey === 'actionType'
            ? r.referenceValue
            : r.referenceKey === 'actionId'
              ? actionsOf(pending.body).find((a) => a.actionId === r.referenceValue)?.actionType
              : undefined;
        if (actionType !== undefined) link.capabilities = markUnsupported(link.capabilities, { actionType });
        else if (!REFERENCE_KEYS.has(r.referenceKey))
          link.capabilities = markUnsupported(link.capabilities, { parameter: r.referenceKey });
      }
      this.instant(link, [this.instantAction('factsheetRequest')]);
    }

    const why = `${rejection.errorType}${rejection.errorDescription ? ` (${rejection.errorDescription})` : ''}`;
    // The AGV keeps its previous order and does not move for this one: its actions will never run, and
    // the robot needs an operator (the engine holds its order and raises an alarm on the fault).
    link.adapterErrors.set('order-rejected', {
      code: 'order-rejected',
      level: 'fatal',
      message: `order ${pending.orderId} update ${pending.orderUpdateId} rejected: ${why}`,
    });
    this.log.warn(
      { robotId: link.config.robotId, orderId: pending.orderId, errorType: rejection.errorType },
      'vda5050: order rejected',
    );
    for (const actionId of pending.engineActions)
      this.emit({
        type: 'action-failed',
        robotId: link.config.robotId,
        actionId,
        reason: `order rejected: ${why}`,
      });
  }

  /** O21: every released node passed since the last state, in order. */
  private progress(link: Link, state: VdaState): void {
    const robotId = link.config.robotId;
    const now = { orderId: state.orderId, nodeId: state.lastNodeId, sequenceId: state.lastNodeSequenceId };
    const before = link.last;
    link.last = now;
    if (
      !before ||
      (before.nodeId === now.nodeId && before.sequenceId === now.sequenceId && before.orderId === now.orderId)
    )
      return;
    const ours = link.track?.orderId === state.orderId;
    const passed = ours
      ? link.released.filter(
          (n) =>
            n.sequenceId > 0 &&
            n.sequenceId <= now.sequenceId &&
            (before.orderId !== now.orderId || n.sequenceId > before.sequenceId),
        )
      : [{ nodeId: now.nodeId, sequenceId: now.sequenceId }];
    if (ours) link.released = link.released.filter((n) => n.sequenceId > now.sequenceId);
    for (const n of passed) {
      const nodeId = this.nodeOfWire.get(n.nodeId);
      if (nodeId === undefined) {
        this.log.warn({ robotId, nodeId: n.nodeId }, 'vda5050: AGV reports a node the layout does not have');
        continue;
      }
      this.emit({ type: 'node-reached', robotId, nodeId });
    }
  }

  /** A8, A9: the end of every action the engine asked for, once (then it is forgotten). */
  private actionEnds(link: Link, state: VdaState): void {
    const robotId = link.config.robotId;
    for (const a of state.actionStates) {
      const engineId = link.actions.get(a.actionId);
      if (engineId === undefined) continue;
      const before = link.statuses.get(a.actionId);
      if (before !== undefined && before !== a.actionStatus && !LEGAL_NEXT[before].includes(a.actionStatus))
        this.log.warn(
          { robotId, actionId: a.actionId, from: before, to: a.actionStatus },
          'vda5050: illegal action status change (A9)',
        );
      link.statuses.set(a.actionId, a.actionStatus);
      if (a.actionStatus === 'FINISHED' || a.actionStatus === 'FAILED') link.statuses.delete(a.actionId);
      if (a.actionStatus === 'FINISHED') {
        link.actions.delete(a.actionId);
        this.emit({ type: 'action-finished', robotId, actionId: engineId });
      } else if (a.actionStatus === 'FAILED') {
        link.actions.delete(a.actionId);
        const error = state.errors.find((e) =>
          e.errorReferences?.some((r) => r.referenceKey === 'actionId' && r.referenceValue === a.actionId),
        );
        const reason =
          error?.errorDescription ?? error?.errorType ?? a.resultDescription ?? 'action failed on the AGV';
        this.emit({ type: 'action-failed', robotId, actionId: engineId, reason });
      }
    }
  }

  private report(link: Link, state: VdaState): void {
    const nodeId = this.nodeOfWire.get(state.lastNodeId);
    // S7: an emergency stop or a violated protective field is shown, and no new base goes out meanwhile.
    const eStop = state.safetyState !== undefined && state.safetyState.eStop !== 'NONE';
    const field = state.safetyState?.fieldViolation === true;
    const safety: RobotError[] = [
      ...(eStop
        ? [
            {
              code: 'e-stop',
              level: 'warning' as const,
              message: `emergency stop (${state.safetyState.eStop})`,
            },
          ]
        : []),
      ...(field
        ? [{ code: 'field-violation', level: 'warning' as const, message: 'protective field violated' }]
        : []),
    ];
    const report: RobotStateReport = {
      ...(nodeId === undefined ? {} : { nodeId }),
      ...(state.agvPosition
        ? { pose: { x: state.agvPosition.x, y: state.agvPosition.y, thetaRad: state.agvPosition.theta } }
        : {}),
      batteryPct: state.batteryState.batteryCharge,
      charging: state.batteryState.charging,
      driving: state.driving,
      paused: (state.paused ?? false) || eStop || field,
      // S2: no `loads` field means the AGV cannot tell (the engine keeps what it knows); [] is unloaded.
      ...(state.loads === undefined
        ? {}
        : { loads: state.loads.map((l) => l.loadId ?? l.loadType ?? 'load') }),
      mode: MODES[state.operatingMode],
      errors: [...state.errors.map(toRobotError), ...safety, ...link.adapterErrors.values()],
      ...(state.newBaseRequest === true ? { baseRequested: true } : {}),
      routeNodeIds: [...state.nodeStates]
        .filter((n) => n.released)
        .sort((a, b) => a.sequenceId - b.sequenceId)
        .flatMap((n) => {
          const id = this.nodeOfWire.get(n.nodeId);
          return id === undefined ? [] : [id];
        }),
    };
    const text = JSON.stringify(report);
    if (text === link.lastReport) return;
    link.lastReport = text;
    this.emit({ type: 'robot-state', robotId: link.config.robotId, state: report });
  }

  private emit(event: RobotEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function toRobotError(e: VdaError): RobotError {
  return {
    code: e.errorType,
    level: e.errorLevel === 'FATAL' ? 'fatal' : 'warning',
    message: e.errorDescription ?? e.errorType,
  };
}

/**
 * E2, E5: an error refers to an order by its orderId (and update), or names no order at all; an error
 * about an instant action (topic instantActions, or an actionId the order does not carry) does not.
 */
function refersTo(
  e: VdaError,
  order: { readonly orderId: string; readonly orderUpdateId: number; readonly body: OrderBody },
): boolean {
  const refs = e.errorReferences ?? [];
  const topic = refs.find((r) => r.referenceKey === 'topic')?.referenceValue;
  if (topic !== undefined && topic !== 'order') return false;
  const actionId = refs.find((r) => r.referenceKey === 'actionId')?.referenceValue;
  if (actionId !== undefined && !actionsOf(order.body).some((a) => a.actionId === actionId)) return false;
  const orderId = refs.find((r) => r.referenceKey === 'orderId')?.referenceValue;
  const update = refs.find((r) => r.referenceKey === 'orderUpdateId')?.referenceValue;
  if (orderId !== undefined && orderId !== order.orderId) return false;
  if (update !== undefined && Number(update) !== order.orderUpdateId) return false;
  return true;
}

/** Error reference keys that name an element or message, not an unsupported field (E4). */
const REFERENCE_KEYS: ReadonlySet<string> = new Set([
  'headerId',
  'topic',
  'orderId',
  'orderUpdateId',
  'nodeId',
  'edgeId',
  'actionId',
  'sequenceId',
]);

/** True when the segment stops a charge on the node it leaves (S6). */
function stopsCharging(segment: ReleaseSegment): boolean {
  return segment.nodes[0]!.actions.some((a) => a.type === 'stop-charging');
}

/**
 * O17: the AGV still works on an order: nodes or edges left, or an action running. (WAITING actions of a
 * dropped horizon may linger in 2.x, A11: they do not count.)
 */
function busy(state: VdaState): boolean {
  return (
    state.nodeStates.length > 0 ||
    state.edgeStates.length > 0 ||
    state.actionStates.some(
      (a) => a.actionStatus === 'INITIALIZING' || a.actionStatus === 'RUNNING' || a.actionStatus === 'PAUSED',
    )
  );
}

function actionsOf(body: OrderBody): readonly VdaAction[] {
  return [...body.nodes.flatMap((n) => n.actions), ...body.edges.flatMap((e) => e.actions)];
}

/** The decision point of an order message: its last released node. */
function lastReleased(body: OrderBody): OrderBody['nodes'][number] {
  return body.nodes.filter((n) => n.released).at(-1)!;
}

/**
 * E3, O4: the order with its first node's allowed deviation widened to cover the position the AGV
 * reports (plus 5 cm), or undefined when the AGV reports none, stands on another map or further than
 * `maxM` away.
 */
function widenFirstNode(body: OrderBody, state: VdaState, maxM: number): OrderBody | undefined {
  const [first, ...rest] = body.nodes;
  const at = state.agvPosition;
  const position = first?.nodePosition;
  if (!first || !at || !position || position.mapId !== at.mapId) return undefined;
  const distance = Math.hypot(at.x - position.x, at.y - position.y);
  if (distance > maxM) return undefined;
  const allowedDeviationXY = Math.ceil((distance + 0.05) * 100) / 100;
  return { ...body, nodes: [{ ...first, nodePosition: { ...position, allowedDeviationXY } }, ...rest] };
}

/** A complete profile (as tests pass it), not overrides to resolve: it has every field of `spec`. */
function isPeerProfile(p: unknown): p is PeerProfile {
  return typeof p === 'object' && p !== null && Object.keys(SPEC_PROFILE).every((key) => key in p);
}
