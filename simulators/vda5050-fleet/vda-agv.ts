/**
 * One simulated VDA 5050 2.0 AGV: the spec-strict peer our master adapter is tested against. It speaks
 * MQTT to a real broker, validates everything it receives against the official schemas, follows the 2.0
 * order acceptance algorithm ("or" in the active test, see the VDA 5050 checklist, part A),
 * drives straight lines between node positions, runs pick/drop/charging actions and asserts that every
 * state it publishes is schema-valid, so a test run doubles as a conformance check of the simulator itself.
 *
 * The parts: `order-acceptance.ts` (the order topic), `instant-actions.ts`, `action-runner.ts`,
 * `order-cancel.ts`, `motion.ts` (driving), `state-publisher.ts` (state, factsheet, visualization) and
 * `agv-connection.ts` (MQTT), over one `AgvModel`.
 */
import { ActionRunner } from './action-runner.ts';
import { AgvConnection } from './agv-connection.ts';
import { AgvModel } from './agv-model.ts';
import {
  agvTopics,
  resolveAgvOptions,
  type InjectedError,
  type OrderRejectionType,
  type ResolvedOptions,
  type VdaAgvOptions,
} from './agv-options.ts';
import { InstantActions } from './instant-actions.ts';
import { Motion } from './motion.ts';
import { OrderAcceptance } from './order-acceptance.ts';
import { OrderCancel } from './order-cancel.ts';
import { StatePublisher } from './state-publisher.ts';
import type { AgvState, OperatingMode, VdaTopic } from './vda-wire.ts';

export type { InjectedError, OrderRejectionType, VdaAgvOptions, VdaInitialPosition } from './agv-options.ts';
export { VdaSchemaViolation } from './state-publisher.ts';
export { orderGraphProblem, unsupportedOrderParts } from './wire-rules.ts';

export class VdaAgv {
  readonly manufacturer: string;
  readonly serialNumber: string;
  private readonly opts: ResolvedOptions;
  private readonly topics: Readonly<Record<VdaTopic, string>>;
  private readonly model: AgvModel;
  private readonly runner: ActionRunner;
  private readonly cancel: OrderCancel;
  private readonly motion: Motion;
  private readonly publisher: StatePublisher;
  private readonly orders: OrderAcceptance;
  private readonly instants: InstantActions;
  private readonly connection: AgvConnection;
  private timer: NodeJS.Timeout | undefined;
  private lastTickAt = 0;
  private lastVisualizationAt = 0;

  constructor(options: VdaAgvOptions) {
    this.opts = resolveAgvOptions(options);
    this.manufacturer = options.manufacturer;
    this.serialNumber = options.serialNumber;
    this.topics = agvTopics(this.opts);
    this.model = new AgvModel(options.initialPosition, this.opts.batteryPct);
    this.publisher = new StatePublisher(this.model, this.opts, this.topics);
    this.runner = new ActionRunner(this.model, this.opts.actionDurationMs);
    this.cancel = new OrderCancel(this.model, this.runner);
    this.motion = new Motion(this.model, this.runner, this.cancel, this.opts, () => {
      this.publisher.flush();
    });
    this.orders = new OrderAcceptance(this.model, this.runner, this.motion);
    this.instants = new InstantActions(this.model, this.runner, this.cancel, this.motion, this.publisher);
    this.connection = new AgvConnection(
      this.opts.brokerUrl,
      this.serialNumber,
      this.topics,
      this.model,
      this.publisher,
    );
  }

  /** The state as it would be published now (a fresh copy; headerId of the last published state). */
  get state(): AgvState {
    return this.publisher.current;
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
    if (this.connection.started) throw new Error(`${this.serialNumber} is already started`);
    await this.connection.open((topic, payload) => {
      this.onMessage(topic, payload);
    });
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
    await this.connection.close();
  }

  /** Abrupt death: the socket is destroyed without OFFLINE or DISCONNECT, so the broker publishes the will. */
  kill(): void {
    this.stopTicking();
    this.connection.kill();
  }

  /**
   * A network blip: the socket is destroyed (the broker publishes the will) but the vehicle keeps driving
   * its released base (part A 1.1) and the client reconnects and re-announces ONLINE about 1 s later.
   */
  dropConnection(): void {
    this.connection.drop();
  }

  injectError(error: InjectedError): void {
    this.model.errors.inject(error);
    this.model.markDirty();
    this.publisher.flush();
  }

  /** Removes every error, injected ones and rejection warnings alike. */
  clearErrors(): void {
    this.model.errors.clear();
    this.model.markDirty();
    this.publisher.flush();
  }

  /** Entering or leaving MANUAL clears the order (part A 1.6): node and edge states go, orderId stays. */
  setOperatingMode(mode: OperatingMode): void {
    const m = this.model;
    if (mode === m.mode) return;
    const clears = mode === 'MANUAL' || m.mode === 'MANUAL';
    m.mode = mode;
    if (clears) {
      this.cancel.clearOrder();
      this.motion.refreshFlags();
    }
    m.markDirty();
    this.publisher.flush();
  }

  /** The next schema-valid order is rejected with this error type (default `orderError`), for master tests. */
  rejectNextOrder(errorType: OrderRejectionType = 'orderError'): void {
    this.orders.rejectNextOrder(errorType);
  }

  private onMessage(topic: string, payload: Buffer): void {
    try {
      if (topic === this.topics.order) this.orders.handle(payload);
      else if (topic === this.topics.instantActions) this.instants.handle(payload);
      this.publisher.flush();
    } catch (err) {
      this.surface(err);
    }
  }

  private tick(): void {
    try {
      const now = this.opts.clock();
      const dtSimMs = Math.max(0, now - this.lastTickAt) * this.opts.speedup;
      this.lastTickAt = now;
      this.runner.advance(dtSimMs);
      this.runner.startQueued();
      this.motion.drive(dtSimMs);
      this.cancel.finishIfStopped();
      this.motion.charge(dtSimMs);
      this.motion.refreshFlags();
      this.publisher.heartbeat(now);
      this.publisher.flush();
      const vis = this.opts.visualizationIntervalMs;
      if (vis > 0 && now - this.lastVisualizationAt >= vis) {
        this.lastVisualizationAt = now;
        this.publisher.publishVisualization();
      }
    } catch (err) {
      this.surface(err);
    }
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
