/**
 * One simulated VDA 5050 2.0 AGV: the spec-strict peer our master adapter is tested against. It speaks
 * MQTT to a real broker, validates everything it receives against the official schemas, follows the 2.0
 * order acceptance algorithm ("or" in the active test, see the VDA 5050 checklist, part A),
 * drives straight lines between node positions, runs pick/drop/charging actions and asserts that every
 * state it publishes is schema-valid, so a test run doubles as a conformance check of the simulator itself.
 */
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import {
  factsheetBody,
  supportsAction,
  vdaHeader,
  vdaTopic,
  vdaValidators,
  type ActionState,
  type ActionStatus,
  type AgvState,
  type ConnectionState,
  type ErrorLevel,
  type ErrorReference,
  type InstantActionsMessage,
  type Load,
  type OperatingMode,
  type OrderEdge,
  type OrderMessage,
  type OrderNode,
  type VdaAction,
  type VdaError,
  type VdaTopic,
} from './vda-wire.ts';

export interface VdaInitialPosition {
  readonly x: number;
  readonly y: number;
  readonly theta: number;
  readonly mapId: string;
  readonly lastNodeId: string;
}

export interface VdaAgvOptions {
  /** e.g. `mqtt://127.0.0.1:1883`. */
  readonly brokerUrl: string;
  /** First topic level. Default `uagv`. */
  readonly interfaceName?: string;
  readonly manufacturer: string;
  /** Topic level; keep to `A-Z a-z 0-9 _ . : -`. */
  readonly serialNumber: string;
  /** Header `version`; its major gives the topic's `v2`. Default `2.0.0`. */
  readonly version?: string;
  readonly initialPosition: VdaInitialPosition;
  /** Cruise speed in simulated m/s (an edge's `maxSpeed` caps it). Default 1. */
  readonly speedMps?: number;
  /** Simulated duration of pick, drop, startCharging and stopCharging. Default 1000. */
  readonly actionDurationMs?: number;
  /** Simulated time runs this many times faster than the clock: divides all durations. Default 1. */
  readonly speedup?: number;
  /** Real milliseconds between simulation steps. Default 50. */
  readonly tickMs?: number;
  /** Heartbeat: a state at least this often (real ms). Default 30000. */
  readonly stateIntervalMs?: number;
  /** Real ms between `visualization` messages; 0 turns them off. Default 1000. */
  readonly visualizationIntervalMs?: number;
  /** Initial state of charge in percent. Default 80. */
  readonly batteryPct?: number;
  /** `newBaseRequest` turns true this many metres before the decision point when a horizon is pending. Default 1. */
  readonly decisionPointLeadM?: number;
  /** Epoch milliseconds; used for timestamps and elapsed time. Default `Date.now`. */
  readonly clock?: () => number;
}

/** The rejection error types of the 2.0 order acceptance flow (Fig. 8). */
export type OrderRejectionType = 'validationError' | 'orderError' | 'noRouteError' | 'orderUpdateError';

export interface InjectedError {
  readonly errorType: string;
  readonly errorLevel: ErrorLevel;
  readonly description?: string;
}

/** Thrown when the simulator is about to publish a message that fails its own schema: a simulator bug. */
export class VdaSchemaViolation extends Error {
  override readonly name = 'VdaSchemaViolation';
}

type ResolvedOptions = Required<Omit<VdaAgvOptions, 'clock'>> & { readonly clock: () => number };

/**
 * Why an error is in `errors`: rejections and action failures go when a new order is accepted
 * (part A, step 5), injected ones only on `clearErrors()`.
 */
type ErrorKind = 'rejection' | 'injected';

interface ActiveError {
  readonly kind: ErrorKind;
  readonly error: VdaError;
}

/** An action the vehicle knows of, with its live status; `remainingMs` is simulated time left while RUNNING. */
interface TrackedAction {
  readonly action: VdaAction;
  readonly scope: 'NODE' | 'INSTANT';
  status: ActionStatus;
  resultDescription: string | undefined;
  remainingMs: number;
}

type OrderVerdict =
  | { readonly kind: 'acceptNew' }
  | { readonly kind: 'acceptUpdate' }
  | { readonly kind: 'discard' }
  | {
      readonly kind: 'reject';
      readonly errorType: OrderRejectionType;
      readonly description: string;
      readonly references: readonly ErrorReference[];
    };

interface Pose {
  x: number;
  y: number;
  theta: number;
  mapId: string;
}

/** Deviation used when a node gives none or 0 ("the manufacturer's normal tolerance"). */
const DEFAULT_DEVIATION_M = 0.5;
/** Battery model: slow drain per driven metre, steady charge per simulated second. */
const DRAIN_PCT_PER_M = 0.02;
const CHARGE_PCT_PER_S = 0.5;
/** Bound on remembered rejection errors, so a master that keeps sending bad orders cannot grow the state. */
const MAX_REJECTIONS = 20;
const DURATION_ACTIONS: ReadonlySet<string> = new Set(['pick', 'drop', 'startCharging', 'stopCharging']);

function isTerminal(status: ActionStatus): boolean {
  return status === 'FINISHED' || status === 'FAILED';
}

function isMasterControlled(mode: OperatingMode): boolean {
  return mode === 'AUTOMATIC' || mode === 'SEMIAUTOMATIC';
}

function ref(referenceKey: string, referenceValue: string | number): ErrorReference {
  return { referenceKey, referenceValue: String(referenceValue) };
}

/** Whatever header/order ids a (possibly invalid) message carries, as error references for the master. */
function messageReferences(parsed: unknown, topic: 'order' | 'instantActions'): ErrorReference[] {
  const refs = [ref('topic', topic)];
  if (typeof parsed !== 'object' || parsed === null) return refs;
  const fields = parsed as Record<string, unknown>;
  if (typeof fields.headerId === 'number') refs.push(ref('headerId', fields.headerId));
  if (typeof fields.orderId === 'string') refs.push(ref('orderId', fields.orderId));
  if (typeof fields.orderUpdateId === 'number') refs.push(ref('orderUpdateId', fields.orderUpdateId));
  return refs;
}

/**
 * Graph rules the schema cannot express (part A 1.3): #edges = #nodes - 1, edges join adjacent nodes,
 * increasing sequenceIds, released elements form a prefix, unique actionIds. Returns the first breach.
 */
export function orderGraphProblem(order: OrderMessage): string | undefined {
  const { nodes, edges } = order;
  if (nodes.length === 0) return 'an order needs at least one node';
  if (edges.length !== nodes.length - 1) return `${nodes.length} nodes need ${nodes.length - 1} edges`;
  const chain: { id: string; sequenceId: number; released: boolean }[] = [];
  for (const [i, node] of nodes.entries()) {
    chain.push({ id: node.nodeId, sequenceId: node.sequenceId, released: node.released });
    const edge = edges[i];
    if (!edge) continue;
    const next = nodes[i + 1]!;
    if (edge.startNodeId !== node.nodeId || edge.endNodeId !== next.nodeId) {
      return `edge ${edge.edgeId} must join ${node.nodeId} and ${next.nodeId}`;
    }
    if (edge.released && !next.released) return `released edge ${edge.edgeId} ends in an unreleased node`;
    chain.push({ id: edge.edgeId, sequenceId: edge.sequenceId, released: edge.released });
  }
  for (let i = 1; i < chain.length; i++) {
    const prev = chain[i - 1]!;
    const cur = chain[i]!;
    if (cur.sequenceId <= prev.sequenceId) return `sequenceId of ${cur.id} must exceed that of ${prev.id}`;
    if (cur.released && !prev.released) return `released ${cur.id} follows unreleased ${prev.id}`;
  }
  const actionIds = [...nodes, ...edges].flatMap((element) => element.actions.map((a) => a.actionId));
  const duplicate = actionIds.find((id, i) => actionIds.indexOf(id) !== i);
  if (duplicate !== undefined) return `actionId ${duplicate} appears twice`;
  return undefined;
}

/** Actions and optional fields this vehicle cannot use (part A step 4), as orderError references. */
export function unsupportedOrderParts(order: OrderMessage): ErrorReference[] {
  const refs: ErrorReference[] = [];
  for (const node of order.nodes) {
    if (!node.nodePosition) refs.push(ref('nodeId', node.nodeId), ref('field', 'nodePosition'));
    for (const action of node.actions) {
      if (!supportsAction(action.actionType, 'NODE')) {
        refs.push(ref('actionId', action.actionId), ref('actionType', action.actionType));
      }
    }
  }
  for (const edge of order.edges) {
    if (edge.trajectory !== undefined) refs.push(ref('edgeId', edge.edgeId), ref('field', 'trajectory'));
    for (const action of edge.actions) {
      refs.push(ref('actionId', action.actionId), ref('actionType', action.actionType));
    }
  }
  return refs;
}

function stringParameter(action: VdaAction, key: string): string | undefined {
  const value = action.actionParameters?.find((p) => p.key === key)?.value;
  return typeof value === 'string' ? value : undefined;
}

function numberParameter(action: VdaAction, key: string): number | undefined {
  const value = action.actionParameters?.find((p) => p.key === key)?.value;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export class VdaAgv {
  readonly manufacturer: string;
  readonly serialNumber: string;
  private readonly opts: ResolvedOptions;
  private readonly topics: Readonly<Record<VdaTopic, string>>;
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly headerIds = new Map<VdaTopic, number>();

  // Order bookkeeping. `nodes`/`edges` are what is still to traverse (= nodeStates/edgeStates); the edge
  // leading to nodes[i] is edges[i]. `onEdge` is true once the vehicle has left lastNode towards nodes[0].
  private orderId = '';
  private orderUpdateId = 0;
  private lastNodeId: string;
  private lastNodeSequenceId = 0;
  private nodes: OrderNode[] = [];
  private edges: OrderEdge[] = [];
  private onEdge = false;
  /** Insertion order is the order of `actionStates`. */
  private readonly actions = new Map<string, TrackedAction>();
  /** Actions of the node just reached, not yet started (Fig. 15 iteration). */
  private nodeQueue: TrackedAction[] = [];
  private running: TrackedAction[] = [];
  private pendingCancel: TrackedAction | undefined;

  // Vehicle.
  private readonly pose: Pose;
  private driving = false;
  private paused = false;
  private newBaseRequest = false;
  private speed = 0;
  private mode: OperatingMode = 'AUTOMATIC';
  private loads: Load[] = [];
  private battery: number;
  private charging = false;
  private errors: ActiveError[] = [];
  private rejectNext: OrderRejectionType | undefined;

  // Publishing.
  private dirty = false;
  private lastTickAt = 0;
  private lastStateAt = 0;
  private lastVisualizationAt = 0;

  constructor(options: VdaAgvOptions) {
    this.opts = {
      interfaceName: 'uagv',
      version: '2.0.0',
      speedMps: 1,
      actionDurationMs: 1000,
      speedup: 1,
      tickMs: 50,
      stateIntervalMs: 30_000,
      visualizationIntervalMs: 1000,
      batteryPct: 80,
      decisionPointLeadM: 1,
      ...options,
      clock: options.clock ?? Date.now,
    };
    if (!(this.opts.speedup > 0) || !(this.opts.speedMps > 0))
      throw new Error('speedup and speedMps must be > 0');
    this.manufacturer = options.manufacturer;
    this.serialNumber = options.serialNumber;
    const topic = (t: VdaTopic): string =>
      vdaTopic(this.opts.interfaceName, this.opts.version, this.manufacturer, this.serialNumber, t);
    this.topics = {
      order: topic('order'),
      instantActions: topic('instantActions'),
      state: topic('state'),
      connection: topic('connection'),
      factsheet: topic('factsheet'),
      visualization: topic('visualization'),
    };
    const { x, y, theta, mapId, lastNodeId } = options.initialPosition;
    this.pose = { x, y, theta, mapId };
    this.lastNodeId = lastNodeId;
    this.battery = this.opts.batteryPct;
  }

  /** The state as it would be published now (a fresh copy; headerId of the last published state). */
  get state(): AgvState {
    return this.buildState(Math.max(0, (this.headerIds.get('state') ?? 0) - 1));
  }

  /** The MQTT topic of one of this vehicle's channels, for tests that play the master. */
  topic(t: VdaTopic): string {
    return this.topics[t];
  }

  /**
   * Connects with the last will `CONNECTIONBROKEN` (QoS 1, retained), subscribes to order and
   * instantActions, then announces itself: retained ONLINE, retained factsheet, a first state. The same
   * announcement follows every automatic reconnect. Resolves once the first announcement is out.
   */
  async start(): Promise<void> {
    if (this.client) throw new Error(`${this.serialNumber} is already started`);
    const will = this.connectionMessage('CONNECTIONBROKEN');
    const client = await mqtt.connectAsync(this.opts.brokerUrl, {
      clientId: `vda-agv-${this.serialNumber}-${randomBytes(3).toString('hex')}`,
      clean: true,
      keepalive: 15,
      reconnectPeriod: 1000,
      will: { topic: this.topics.connection, payload: Buffer.from(will), qos: 1, retain: true },
    });
    this.client = client;
    client.on('message', (topic, payload) => {
      this.onMessage(topic, payload);
    });
    client.on('connect', () => {
      this.announce(client).catch(() => undefined);
    });
    // Connection errors are retried by the client; without a listener an 'error' event would throw.
    client.on('error', () => undefined);
    await this.announce(client);
    const now = this.opts.clock();
    this.lastTickAt = now;
    this.lastVisualizationAt = now;
    this.timer = setInterval(() => {
      this.tick();
    }, this.opts.tickMs);
  }

  /** Graceful shutdown: retained OFFLINE (QoS 1), then DISCONNECT, so the broker drops the will. */
  async stop(): Promise<void> {
    this.stopTicking();
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    try {
      if (client.connected) {
        await client.publishAsync(this.topics.connection, this.connectionMessage('OFFLINE'), {
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
    this.stopTicking();
    const client = this.client;
    this.client = undefined;
    client?.end(true);
  }

  /**
   * A network blip: the socket is destroyed (the broker publishes the will) but the vehicle keeps driving
   * its released base (part A 1.1) and the client reconnects and re-announces ONLINE about 1 s later.
   */
  dropConnection(): void {
    this.client?.stream.destroy();
  }

  injectError(error: InjectedError): void {
    this.errors.push({
      kind: 'injected',
      error: {
        errorType: error.errorType,
        errorLevel: error.errorLevel,
        ...(error.description !== undefined ? { errorDescription: error.description } : {}),
      },
    });
    this.markDirty();
    this.flush();
  }

  /** Removes every error, injected ones and rejection warnings alike. */
  clearErrors(): void {
    this.errors = [];
    this.markDirty();
    this.flush();
  }

  /** Entering or leaving MANUAL clears the order (part A 1.6): node and edge states go, orderId stays. */
  setOperatingMode(mode: OperatingMode): void {
    if (mode === this.mode) return;
    const clears = mode === 'MANUAL' || this.mode === 'MANUAL';
    this.mode = mode;
    if (clears) this.clearOrder();
    this.markDirty();
    this.flush();
  }

  /** The next schema-valid order is rejected with this error type (default `orderError`), for master tests. */
  rejectNextOrder(errorType: OrderRejectionType = 'orderError'): void {
    this.rejectNext = errorType;
  }

  // ---------------------------------------------------------------- inbound

  private onMessage(topic: string, payload: Buffer): void {
    try {
      if (topic === this.topics.order) this.handleOrder(payload);
      else if (topic === this.topics.instantActions) this.handleInstantActions(payload);
      this.flush();
    } catch (err) {
      this.surface(err);
    }
  }

  /** Steps 1-5 of the 2.0 order acceptance algorithm; every received order also triggers a state. */
  private handleOrder(payload: Buffer): void {
    this.markDirty();
    const parsed = this.parse(payload, 'order');
    if (parsed === undefined) return;
    const v = vdaValidators();
    if (!v.order(parsed)) {
      this.reject('validationError', `order fails the schema: ${v.errorsText(v.order)}`, parsed, []);
      return;
    }
    const graphProblem = orderGraphProblem(parsed);
    if (graphProblem !== undefined) {
      this.reject('validationError', `invalid order graph: ${graphProblem}`, parsed, []);
      return;
    }
    const verdict = this.judge(parsed);
    switch (verdict.kind) {
      case 'reject':
        this.reject(verdict.errorType, verdict.description, parsed, verdict.references);
        return;
      case 'discard':
        return;
      case 'acceptNew':
        this.acceptNewOrder(parsed);
        return;
      case 'acceptUpdate':
        this.acceptOrderUpdate(parsed);
        return;
      default:
        verdict satisfies never;
    }
  }

  private judge(order: OrderMessage): OrderVerdict {
    const reject = (
      errorType: OrderRejectionType,
      description: string,
      references: readonly ErrorReference[] = [],
    ): OrderVerdict => ({ kind: 'reject', errorType, description, references });
    if (this.rejectNext) {
      const errorType = this.rejectNext;
      this.rejectNext = undefined;
      return reject(errorType, 'rejected on request (rejectNextOrder)');
    }
    // Not part of the 2.0 flow, but no AGV takes orders without master control (3.0: MOBILE_ROBOT_NOT_AVAILABLE).
    if (!isMasterControlled(this.mode)) {
      return reject('orderError', `operating mode ${this.mode} takes no orders`, [
        ref('operatingMode', this.mode),
      ]);
    }
    const first = order.nodes[0]!;
    const unsupported = unsupportedOrderParts(order);
    if (order.orderId !== this.orderId || this.orderId === '') {
      if (this.hasCurrentOrder()) {
        return reject('orderUpdateError', `order ${this.orderId} is still active`);
      }
      if (!this.canReach(first)) {
        return reject('noRouteError', `first node ${first.nodeId} is not where the vehicle stands`, [
          ref('nodeId', first.nodeId),
        ]);
      }
      if (unsupported.length > 0) return reject('orderError', 'unsupported actions or fields', unsupported);
      return { kind: 'acceptNew' };
    }
    if (order.orderUpdateId < this.orderUpdateId) {
      return reject('orderUpdateError', `orderUpdateId below the current ${this.orderUpdateId}`);
    }
    if (order.orderUpdateId === this.orderUpdateId) return { kind: 'discard' };
    const decision = this.decisionPoint();
    if (first.nodeId !== decision.nodeId || first.sequenceId !== decision.sequenceId) {
      return reject(
        'orderUpdateError',
        `update must start at the decision point ${decision.nodeId}/${decision.sequenceId}`,
        [ref('nodeId', first.nodeId), ref('sequenceId', first.sequenceId)],
      );
    }
    const reused = order.nodes
      .slice(1)
      .flatMap((n) => n.actions)
      .find((a) => this.actions.has(a.actionId));
    if (reused) {
      return reject('orderUpdateError', `actionId ${reused.actionId} was used before`, [
        ref('actionId', reused.actionId),
      ]);
    }
    if (unsupported.length > 0) return reject('orderError', 'unsupported actions or fields', unsupported);
    return { kind: 'acceptUpdate' };
  }

  /** "Current order": actions not all FINISHED/FAILED, or nodeStates non-empty (2.1 wording, "or"). */
  private hasCurrentOrder(): boolean {
    return this.nodes.length > 0 || [...this.actions.values()].some((a) => !isTerminal(a.status));
  }

  /** The last released node still ahead, or the node the vehicle stands on when the whole base is done. */
  private decisionPoint(): { nodeId: string; sequenceId: number } {
    const released = this.nodes.filter((n) => n.released);
    const last = released[released.length - 1];
    return last
      ? { nodeId: last.nodeId, sequenceId: last.sequenceId }
      : { nodeId: this.lastNodeId, sequenceId: this.lastNodeSequenceId };
  }

  private canReach(node: OrderNode): boolean {
    if (node.nodeId === this.lastNodeId) return true;
    const position = node.nodePosition;
    if (!position || position.mapId !== this.pose.mapId) return false;
    const deviation =
      position.allowedDeviationXY !== undefined && position.allowedDeviationXY > 0
        ? position.allowedDeviationXY
        : DEFAULT_DEVIATION_M;
    return Math.hypot(position.x - this.pose.x, position.y - this.pose.y) <= deviation;
  }

  /** New order: previous action states and rejection warnings go; the first node counts as traversed. */
  private acceptNewOrder(order: OrderMessage): void {
    this.actions.clear();
    this.running = [];
    this.dropRejections();
    this.orderId = order.orderId;
    this.orderUpdateId = order.orderUpdateId;
    for (const node of order.nodes) this.trackNodeActions(node.actions);
    const [first, ...rest] = order.nodes;
    this.nodes = rest;
    this.edges = [...order.edges];
    this.onEdge = false;
    this.lastNodeId = first!.nodeId;
    this.lastNodeSequenceId = first!.sequenceId;
    this.nodeQueue = this.waitingActionsOf(first!);
    this.startQueuedActions();
    this.refreshDrivingFlags();
  }

  /**
   * Stitched update: the horizon is dropped, new elements appended. The stitching node keeps the content
   * of the first order; of its actions only ones with a new actionId are added, so re-sent actions (same
   * actionId, spec mode) are not executed again.
   */
  private acceptOrderUpdate(order: OrderMessage): void {
    this.dropRejections();
    this.orderUpdateId = order.orderUpdateId;
    for (const node of this.nodes.filter((n) => !n.released)) {
      for (const action of node.actions) this.actions.delete(action.actionId);
    }
    this.nodes = this.nodes.filter((n) => n.released);
    this.edges = this.edges.filter((e) => e.released);
    const [stitch, ...rest] = order.nodes;
    const fresh = stitch!.actions.filter((a) => !this.actions.has(a.actionId));
    const tracked = this.trackNodeActions(fresh);
    const decision = this.nodes[this.nodes.length - 1];
    if (decision) {
      this.nodes[this.nodes.length - 1] = { ...decision, actions: [...decision.actions, ...fresh] };
    } else {
      this.nodeQueue.push(...tracked);
    }
    for (const node of rest) this.trackNodeActions(node.actions);
    this.nodes.push(...rest);
    this.edges.push(...order.edges);
    this.startQueuedActions();
    this.refreshDrivingFlags();
  }

  private trackNodeActions(actions: readonly VdaAction[]): TrackedAction[] {
    return actions.map((action) => {
      const tracked: TrackedAction = {
        action,
        scope: 'NODE',
        status: 'WAITING',
        resultDescription: undefined,
        remainingMs: 0,
      };
      this.actions.set(action.actionId, tracked);
      return tracked;
    });
  }

  private waitingActionsOf(node: OrderNode): TrackedAction[] {
    return node.actions
      .map((a) => this.actions.get(a.actionId))
      .filter((t): t is TrackedAction => t !== undefined && t.status === 'WAITING');
  }

  private reject(
    errorType: OrderRejectionType,
    description: string,
    parsed: unknown,
    extra: readonly ErrorReference[],
  ): void {
    this.addRejection({
      errorType,
      errorLevel: 'WARNING',
      errorDescription: description,
      errorReferences: [...messageReferences(parsed, 'order'), ...extra],
    });
  }

  private addRejection(error: VdaError): void {
    this.errors.push({ kind: 'rejection', error });
    const rejections = this.errors.filter((e) => e.kind === 'rejection');
    if (rejections.length > MAX_REJECTIONS) {
      const oldest = rejections[0];
      this.errors = this.errors.filter((e) => e !== oldest);
    }
    this.markDirty();
  }

  private dropRejections(): void {
    this.errors = this.errors.filter((e) => e.kind !== 'rejection');
  }

  /** Parses JSON; on failure records a validationError and returns undefined. */
  private parse(payload: Buffer, topic: 'order' | 'instantActions'): unknown {
    try {
      return JSON.parse(payload.toString('utf8')) as unknown;
    } catch {
      this.addRejection({
        errorType: 'validationError',
        errorLevel: 'WARNING',
        errorDescription: `${topic} message is not valid JSON`,
        errorReferences: [ref('topic', topic)],
      });
      return undefined;
    }
  }

  private handleInstantActions(payload: Buffer): void {
    const parsed = this.parse(payload, 'instantActions');
    if (parsed === undefined) return;
    const v = vdaValidators();
    if (!v.instantActions(parsed)) {
      this.addRejection({
        errorType: 'validationError',
        errorLevel: 'WARNING',
        errorDescription: `instantActions fails the schema: ${v.errorsText(v.instantActions)}`,
        errorReferences: messageReferences(parsed, 'instantActions'),
      });
      return;
    }
    const message: InstantActionsMessage = parsed;
    for (const action of message.actions) {
      // A re-sent instant action (same actionId, part C A4) is not run twice.
      if (this.actions.has(action.actionId)) continue;
      this.runInstantAction(action, message.headerId);
    }
    this.markDirty();
  }

  private runInstantAction(action: VdaAction, headerId: number): void {
    const tracked: TrackedAction = {
      action,
      scope: 'INSTANT',
      status: 'RUNNING',
      resultDescription: undefined,
      remainingMs: 0,
    };
    this.actions.set(action.actionId, tracked);
    const fail = (errorType: string, description: string): void => {
      tracked.status = 'FAILED';
      tracked.resultDescription = description;
      this.addRejection({
        errorType,
        errorLevel: 'WARNING',
        errorDescription: description,
        errorReferences: [
          ref('topic', 'instantActions'),
          ref('headerId', headerId),
          ref('actionId', action.actionId),
          ref('actionType', action.actionType),
        ],
      });
    };
    if (!supportsAction(action.actionType, 'INSTANT')) {
      fail('instantActionError', `instant action ${action.actionType} is not supported`);
      return;
    }
    switch (action.actionType) {
      case 'startPause':
        this.setPaused(true);
        tracked.status = 'FINISHED';
        return;
      case 'stopPause':
        this.setPaused(false);
        tracked.status = 'FINISHED';
        return;
      case 'cancelOrder':
        if (!this.beginCancel(tracked)) fail('noOrderToCancel', 'there is no order to cancel');
        return;
      case 'stateRequest':
        tracked.status = 'FINISHED';
        return;
      case 'factsheetRequest':
        this.publishFactsheet();
        tracked.status = 'FINISHED';
        return;
      case 'initPosition': {
        const problem = this.initPosition(action);
        if (problem === undefined) tracked.status = 'FINISHED';
        else fail('instantActionError', problem);
        return;
      }
      default:
        // startCharging / stopCharging take actionDurationMs.
        this.startAction(tracked);
    }
  }

  private initPosition(action: VdaAction): string | undefined {
    const x = numberParameter(action, 'x');
    const y = numberParameter(action, 'y');
    const theta = numberParameter(action, 'theta');
    const mapId = stringParameter(action, 'mapId');
    const lastNodeId = stringParameter(action, 'lastNodeId');
    if (
      x === undefined ||
      y === undefined ||
      theta === undefined ||
      mapId === undefined ||
      lastNodeId === undefined
    ) {
      return 'initPosition needs x, y, theta (numbers), mapId and lastNodeId (strings)';
    }
    Object.assign(this.pose, { x, y, theta, mapId });
    this.lastNodeId = lastNodeId;
    this.lastNodeSequenceId = 0;
    return undefined;
  }

  private setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    for (const tracked of this.running) tracked.status = paused ? 'PAUSED' : 'RUNNING';
    this.refreshDrivingFlags();
    this.markDirty();
  }

  // ---------------------------------------------------------------- cancel and clearing

  /**
   * cancelOrder: WAITING actions fail; on an edge the vehicle drives on to the next node and keeps only
   * that nodeState, otherwise all node/edge states go now. FINISHED once it stands and actions are done.
   * Returns false when there is nothing to cancel (also after a cancel).
   */
  private beginCancel(cancel: TrackedAction): boolean {
    const orderActionsOpen = [...this.actions.values()].some(
      (a) => a.scope === 'NODE' && !isTerminal(a.status),
    );
    if (this.pendingCancel || (this.nodes.length === 0 && !orderActionsOpen)) return false;
    this.failWaitingOrderActions('order cancelled');
    if (this.onEdge) {
      this.nodes = this.nodes.slice(0, 1);
      this.edges = this.edges.slice(0, 1);
    } else {
      this.nodes = [];
      this.edges = [];
    }
    this.pendingCancel = cancel;
    this.finishCancelIfStopped();
    this.refreshDrivingFlags();
    return true;
  }

  private finishCancelIfStopped(): void {
    const cancel = this.pendingCancel;
    if (!cancel || this.onEdge || this.running.some((a) => a.scope === 'NODE')) return;
    this.nodes = [];
    this.edges = [];
    cancel.status = 'FINISHED';
    this.pendingCancel = undefined;
    this.markDirty();
  }

  private failWaitingOrderActions(reason: string): void {
    for (const tracked of this.actions.values()) {
      if (tracked.scope === 'NODE' && tracked.status === 'WAITING') {
        tracked.status = 'FAILED';
        tracked.resultDescription = reason;
      }
    }
    this.nodeQueue = [];
  }

  /** Clearing on a MANUAL switch: stop where it stands, drop node/edge states, keep orderId and actionStates. */
  private clearOrder(): void {
    this.failWaitingOrderActions('order cleared by operating mode change');
    this.nodes = [];
    this.edges = [];
    this.onEdge = false;
    if (this.pendingCancel) {
      this.pendingCancel.status = 'FINISHED';
      this.pendingCancel = undefined;
    }
    this.refreshDrivingFlags();
  }

  // ---------------------------------------------------------------- simulation

  private tick(): void {
    try {
      const now = this.opts.clock();
      const dtSimMs = Math.max(0, now - this.lastTickAt) * this.opts.speedup;
      this.lastTickAt = now;
      this.advanceActions(dtSimMs);
      this.startQueuedActions();
      this.drive(dtSimMs);
      this.finishCancelIfStopped();
      if (this.charging) this.battery = Math.min(100, this.battery + (CHARGE_PCT_PER_S * dtSimMs) / 1000);
      this.refreshDrivingFlags();
      if (now - this.lastStateAt >= this.opts.stateIntervalMs) this.markDirty();
      this.flush();
      const vis = this.opts.visualizationIntervalMs;
      if (vis > 0 && now - this.lastVisualizationAt >= vis) {
        this.lastVisualizationAt = now;
        this.publishVisualization();
      }
    } catch (err) {
      this.surface(err);
    }
  }

  private hasFatalError(): boolean {
    return this.errors.some((e) => e.error.errorLevel === 'FATAL');
  }

  /** Actions count down only while the vehicle is neither paused nor stopped by a FATAL error. */
  private advanceActions(dtSimMs: number): void {
    if (this.paused || this.hasFatalError()) return;
    for (const tracked of [...this.running]) {
      if (tracked.status !== 'RUNNING') continue;
      tracked.remainingMs -= dtSimMs;
      if (tracked.remainingMs <= 0) this.completeAction(tracked);
    }
  }

  /**
   * Fig. 15: NONE and SOFT actions start in parallel; a HARD one waits until everything running is done
   * and then runs alone. Stops at the first action that has to wait.
   */
  private startQueuedActions(): void {
    if (this.paused || this.hasFatalError()) return;
    while (this.nodeQueue.length > 0) {
      const next = this.nodeQueue[0]!;
      if (next.status !== 'WAITING') {
        this.nodeQueue.shift();
        continue;
      }
      const hardRunning = this.running.some((a) => a.action.blockingType === 'HARD');
      if (hardRunning || (next.action.blockingType === 'HARD' && this.running.length > 0)) return;
      this.nodeQueue.shift();
      const started = this.startAction(next);
      if (started && next.action.blockingType === 'HARD') return;
    }
  }

  /** Returns false when the action failed its precondition instead of starting. */
  private startAction(tracked: TrackedAction): boolean {
    const problem = this.actionPrecondition(tracked.action);
    if (problem !== undefined) {
      tracked.status = 'FAILED';
      tracked.resultDescription = problem;
      this.addRejection({
        errorType: 'actionError',
        errorLevel: 'WARNING',
        errorDescription: problem,
        errorReferences: [
          ref('actionId', tracked.action.actionId),
          ref('actionType', tracked.action.actionType),
        ],
      });
      return false;
    }
    tracked.status = this.paused ? 'PAUSED' : 'RUNNING';
    tracked.remainingMs = DURATION_ACTIONS.has(tracked.action.actionType) ? this.opts.actionDurationMs : 0;
    this.running.push(tracked);
    this.markDirty();
    return true;
  }

  /** One load position: pick needs it empty, drop needs a load (and the named one, if a loadId is given). */
  private actionPrecondition(action: VdaAction): string | undefined {
    if (action.actionType === 'pick' && this.loads.length > 0) return 'pick: a load is already on board';
    if (action.actionType === 'drop') {
      if (this.loads.length === 0) return 'drop: no load on board';
      const loadId = stringParameter(action, 'loadId');
      if (loadId !== undefined && !this.loads.some((l) => l.loadId === loadId)) {
        return `drop: load ${loadId} is not on board`;
      }
    }
    return undefined;
  }

  private completeAction(tracked: TrackedAction): void {
    const { action } = tracked;
    switch (action.actionType) {
      case 'pick': {
        const loadId = stringParameter(action, 'loadId');
        const loadType = stringParameter(action, 'loadType');
        this.loads.push({
          ...(loadId !== undefined ? { loadId } : {}),
          ...(loadType !== undefined ? { loadType } : {}),
          loadPosition: 'default',
        });
        break;
      }
      case 'drop':
        this.loads = [];
        break;
      case 'startCharging':
        this.charging = true;
        break;
      case 'stopCharging':
        this.charging = false;
        break;
      default:
        break;
    }
    tracked.status = 'FINISHED';
    this.running = this.running.filter((a) => a !== tracked);
    this.markDirty();
  }

  /** Driving needs master control, no pause, no FATAL error, no pending or blocking node actions. */
  private canDrive(): boolean {
    return (
      isMasterControlled(this.mode) &&
      !this.paused &&
      !this.hasFatalError() &&
      !this.nodeQueue.some((a) => a.status === 'WAITING') &&
      !this.running.some((a) => a.action.blockingType !== 'NONE')
    );
  }

  /** The next node and the edge to it, if both are released and the vehicle may move. */
  private nextLeg(): { node: OrderNode; edge: OrderEdge } | undefined {
    const node = this.nodes[0];
    const edge = this.edges[0];
    if (!node || !edge || !node.released || !edge.released || !this.canDrive()) return undefined;
    return { node, edge };
  }

  /** Straight lines at min(speedMps, edge.maxSpeed); can pass several nodes in one long tick. */
  private drive(dtSimMs: number): void {
    let secondsLeft = dtSimMs / 1000;
    this.speed = 0;
    while (secondsLeft > 0) {
      const leg = this.nextLeg();
      if (!leg) break;
      const { node, edge } = leg;
      const speed =
        edge.maxSpeed !== undefined && edge.maxSpeed > 0
          ? Math.min(this.opts.speedMps, edge.maxSpeed)
          : this.opts.speedMps;
      this.speed = speed;
      this.onEdge = true;
      const target = node.nodePosition ?? this.pose;
      const dx = target.x - this.pose.x;
      const dy = target.y - this.pose.y;
      const distance = Math.hypot(dx, dy);
      if (distance > 1e-9) this.pose.theta = Math.atan2(dy, dx);
      const reach = speed * secondsLeft;
      if (distance <= reach) {
        secondsLeft -= distance / speed;
        this.drain(distance);
        this.pose.x = target.x;
        this.pose.y = target.y;
        if (node.nodePosition?.theta !== undefined) this.pose.theta = node.nodePosition.theta;
        this.traverse(node);
      } else {
        this.pose.x += (dx / distance) * reach;
        this.pose.y += (dy / distance) * reach;
        this.drain(reach);
        secondsLeft = 0;
      }
    }
  }

  private drain(metres: number): void {
    if (!this.charging) this.battery = Math.max(0, this.battery - metres * DRAIN_PCT_PER_M);
  }

  /** Reports the node traversed (nodeState and the edge before it go), then triggers its actions. */
  private traverse(node: OrderNode): void {
    this.nodes.shift();
    this.edges.shift();
    this.onEdge = false;
    this.lastNodeId = node.nodeId;
    this.lastNodeSequenceId = node.sequenceId;
    this.nodeQueue.push(...this.waitingActionsOf(node));
    this.startQueuedActions();
    this.finishCancelIfStopped();
    this.refreshDrivingFlags();
    this.markDirty();
    this.flush();
  }

  /** `driving` and `newBaseRequest` follow from the plan; a change is a state event. */
  private refreshDrivingFlags(): void {
    const driving = this.nextLeg() !== undefined;
    if (!driving) this.speed = 0;
    if (driving !== this.driving) {
      this.driving = driving;
      this.markDirty();
    }
    const horizonPending = this.nodes.some((n) => !n.released);
    const request = horizonPending && this.distanceToDecisionPoint() <= this.opts.decisionPointLeadM;
    if (request !== this.newBaseRequest) {
      this.newBaseRequest = request;
      this.markDirty();
    }
  }

  private distanceToDecisionPoint(): number {
    let distance = 0;
    let from: { x: number; y: number } = this.pose;
    for (const node of this.nodes) {
      if (!node.released) break;
      const to = node.nodePosition;
      if (!to) continue;
      distance += Math.hypot(to.x - from.x, to.y - from.y);
      from = to;
    }
    return distance;
  }

  // ---------------------------------------------------------------- outbound

  private markDirty(): void {
    this.dirty = true;
  }

  /** Publishes one state for all events since the last one (correlated events are merged). */
  private flush(): void {
    if (this.dirty) this.publishState();
  }

  private nextHeaderId(topic: VdaTopic): number {
    const id = this.headerIds.get(topic) ?? 0;
    this.headerIds.set(topic, (id + 1) >>> 0);
    return id;
  }

  private header(topic: VdaTopic): ReturnType<typeof vdaHeader> {
    return vdaHeader(
      this.nextHeaderId(topic),
      this.opts.clock(),
      this.opts.version,
      this.manufacturer,
      this.serialNumber,
    );
  }

  private connectionMessage(connectionState: ConnectionState): string {
    return JSON.stringify({ ...this.header('connection'), connectionState });
  }

  private buildState(headerId: number): AgvState {
    return {
      ...vdaHeader(headerId, this.opts.clock(), this.opts.version, this.manufacturer, this.serialNumber),
      orderId: this.orderId,
      orderUpdateId: this.orderUpdateId,
      lastNodeId: this.lastNodeId,
      lastNodeSequenceId: this.lastNodeSequenceId,
      driving: this.driving,
      paused: this.paused,
      newBaseRequest: this.newBaseRequest,
      operatingMode: this.mode,
      nodeStates: this.nodes.map((n) => ({
        nodeId: n.nodeId,
        sequenceId: n.sequenceId,
        released: n.released,
        ...(n.nodeDescription !== undefined ? { nodeDescription: n.nodeDescription } : {}),
        ...(n.nodePosition !== undefined ? { nodePosition: { ...n.nodePosition } } : {}),
      })),
      edgeStates: this.edges.map((e) => ({
        edgeId: e.edgeId,
        sequenceId: e.sequenceId,
        released: e.released,
        ...(e.edgeDescription !== undefined ? { edgeDescription: e.edgeDescription } : {}),
      })),
      agvPosition: { ...this.pose, positionInitialized: true, localizationScore: 1 },
      velocity: { vx: this.driving ? this.speed : 0, vy: 0, omega: 0 },
      loads: this.loads.map((l) => ({ ...l })),
      actionStates: [...this.actions.values()].map((t) => this.actionState(t)),
      batteryState: { batteryCharge: Math.round(this.battery * 10) / 10, charging: this.charging },
      errors: this.errors.map((e) => e.error),
      information: [],
      safetyState: { eStop: 'NONE', fieldViolation: false },
    };
  }

  private actionState(tracked: TrackedAction): ActionState {
    const { action } = tracked;
    return {
      actionId: action.actionId,
      actionType: action.actionType,
      actionStatus: tracked.status,
      ...(action.actionDescription !== undefined ? { actionDescription: action.actionDescription } : {}),
      ...(tracked.resultDescription !== undefined ? { resultDescription: tracked.resultDescription } : {}),
    };
  }

  /** Builds, self-checks against state.schema (throws VdaSchemaViolation) and publishes a state (QoS 0). */
  private publishState(): void {
    this.dirty = false;
    this.lastStateAt = this.opts.clock();
    const state = this.buildState(this.nextHeaderId('state'));
    const v = vdaValidators();
    if (!v.state(state))
      throw new VdaSchemaViolation(`own state fails state.schema: ${v.errorsText(v.state)}`);
    this.send('state', state, { qos: 0, retain: false });
  }

  private publishFactsheet(): void {
    const factsheet = {
      ...this.header('factsheet'),
      ...factsheetBody({
        speedMps: this.opts.speedMps,
        stateIntervalMs: this.opts.stateIntervalMs,
        visualizationIntervalMs: this.opts.visualizationIntervalMs,
      }),
    };
    const v = vdaValidators();
    if (!v.factsheet(factsheet)) {
      throw new VdaSchemaViolation(`own factsheet fails factsheet.schema: ${v.errorsText(v.factsheet)}`);
    }
    this.send('factsheet', factsheet, { qos: 0, retain: true });
  }

  private publishVisualization(): void {
    this.send(
      'visualization',
      {
        ...this.header('visualization'),
        agvPosition: { ...this.pose, positionInitialized: true, localizationScore: 1 },
        velocity: { vx: this.driving ? this.speed : 0, vy: 0, omega: 0 },
      },
      { qos: 0, retain: false },
    );
  }

  private send(topic: VdaTopic, message: object, options: { qos: 0 | 1; retain: boolean }): void {
    // Offline QoS 0 messages are queued by the client and go out after the reconnect.
    this.client?.publish(this.topics[topic], JSON.stringify(message), options, () => undefined);
  }

  /** Subscribe first, so a master reacting to ONLINE cannot lose its first order; then ONLINE, factsheet, state. */
  private async announce(client: MqttClient): Promise<void> {
    await client.subscribeAsync([this.topics.order, this.topics.instantActions], { qos: 0 });
    await client.publishAsync(this.topics.connection, this.connectionMessage('ONLINE'), {
      qos: 1,
      retain: true,
    });
    this.publishFactsheet();
    this.markDirty();
    this.flush();
  }

  private stopTicking(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Simulator bugs (schema violations of its own messages) must fail the test run, not vanish in a callback. */
  private surface(err: unknown): void {
    setImmediate(() => {
      throw err;
    });
  }
}
