import type { MqttClient } from 'mqtt';
import type { ResolvedOptions } from './agv-options.ts';
import type { AgvModel, TrackedAction } from './agv-model.ts';
import {
  factsheetBody,
  vdaHeader,
  vdaValidators,
  type ActionState,
  type AgvState,
  type ConnectionState,
  type VdaTopic,
} from './vda-wire.ts';

/** Thrown when the simulator is about to publish a message that fails its own schema: a simulator bug. */
export class VdaSchemaViolation extends Error {
  override readonly name = 'VdaSchemaViolation';
}

/**
 * What the vehicle publishes: one state for all events since the last (and the heartbeat), the
 * factsheet, visualization and connection messages, each with a per-topic headerId and, for state and
 * factsheet, checked against the official schema first.
 */
export class StatePublisher {
  private client: MqttClient | undefined;
  private readonly headerIds = new Map<VdaTopic, number>();
  private lastStateAt = 0;

  constructor(
    private readonly model: AgvModel,
    private readonly opts: ResolvedOptions,
    private readonly topics: Readonly<Record<VdaTopic, string>>,
  ) {}

  /** The MQTT client to publish on; undefined once stopped. */
  attach(client: MqttClient | undefined): void {
    this.client = client;
  }

  /** The state as it would be published now (a fresh copy; headerId of the last published state). */
  get current(): AgvState {
    return this.buildState(Math.max(0, (this.headerIds.get('state') ?? 0) - 1));
  }

  /** Publishes one state for all events since the last one (correlated events are merged). */
  flush(): void {
    if (this.model.dirty) this.publishState();
  }

  /** The heartbeat: a state at least every `stateIntervalMs`. */
  heartbeat(now: number): void {
    if (now - this.lastStateAt >= this.opts.stateIntervalMs) this.model.markDirty();
  }

  connectionMessage(connectionState: ConnectionState): string {
    return JSON.stringify({ ...this.header('connection'), connectionState });
  }

  publishFactsheet(): void {
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

  publishVisualization(): void {
    this.send(
      'visualization',
      {
        ...this.header('visualization'),
        ...this.motionFields(),
      },
      { qos: 0, retain: false },
    );
  }

  /** Builds, self-checks against state.schema (throws VdaSchemaViolation) and publishes a state (QoS 0). */
  private publishState(): void {
    this.model.dirty = false;
    this.lastStateAt = this.opts.clock();
    const state = this.buildState(this.nextHeaderId('state'));
    const v = vdaValidators();
    if (!v.state(state))
      throw new VdaSchemaViolation(`own state fails state.schema: ${v.errorsText(v.state)}`);
    this.send('state', state, { qos: 0, retain: false });
  }

  private nextHeaderId(topic: VdaTopic): number {
    const id = this.headerIds.get(topic) ?? 0;
    this.headerIds.set(topic, (id + 1) >>> 0);
    return id;
  }

  private header(topic: VdaTopic): ReturnType<typeof vdaHeader> {
    return this.headerWith(this.nextHeaderId(topic));
  }

  private headerWith(headerId: number): ReturnType<typeof vdaHeader> {
    const o = this.opts;
    return vdaHeader(headerId, o.clock(), o.version, o.manufacturer, o.serialNumber);
  }

  private buildState(headerId: number): AgvState {
    const m = this.model;
    return {
      ...this.headerWith(headerId),
      orderId: m.orderId,
      orderUpdateId: m.orderUpdateId,
      lastNodeId: m.lastNodeId,
      lastNodeSequenceId: m.lastNodeSequenceId,
      driving: m.driving,
      paused: m.paused,
      newBaseRequest: m.newBaseRequest,
      operatingMode: m.mode,
      nodeStates: m.nodes.map((n) => ({
        nodeId: n.nodeId,
        sequenceId: n.sequenceId,
        released: n.released,
        ...(n.nodeDescription !== undefined ? { nodeDescription: n.nodeDescription } : {}),
        ...(n.nodePosition !== undefined ? { nodePosition: { ...n.nodePosition } } : {}),
      })),
      edgeStates: m.edges.map((e) => ({
        edgeId: e.edgeId,
        sequenceId: e.sequenceId,
        released: e.released,
        ...(e.edgeDescription !== undefined ? { edgeDescription: e.edgeDescription } : {}),
      })),
      ...this.motionFields(),
      loads: m.loads.map((l) => ({ ...l })),
      actionStates: [...m.actions.values()].map((t) => actionState(t)),
      batteryState: { batteryCharge: Math.round(m.battery * 10) / 10, charging: m.charging },
      errors: m.errors.all,
      information: [],
      safetyState: { eStop: 'NONE', fieldViolation: false },
    };
  }

  /** Where the vehicle is and how fast it goes, as state and visualization both report it. */
  private motionFields(): Pick<AgvState, 'agvPosition' | 'velocity'> {
    const m = this.model;
    return {
      agvPosition: { ...m.pose, positionInitialized: true, localizationScore: 1 },
      velocity: { vx: m.driving ? m.speed : 0, vy: 0, omega: 0 },
    };
  }

  private send(topic: VdaTopic, message: object, options: { qos: 0 | 1; retain: boolean }): void {
    // Offline QoS 0 messages are queued by the client and go out after the reconnect.
    this.client?.publish(this.topics[topic], JSON.stringify(message), options, () => undefined);
  }
}

function actionState(tracked: TrackedAction): ActionState {
  const { action } = tracked;
  return {
    actionId: action.actionId,
    actionType: action.actionType,
    actionStatus: tracked.status,
    ...(action.actionDescription !== undefined ? { actionDescription: action.actionDescription } : {}),
    ...(tracked.resultDescription !== undefined ? { resultDescription: tracked.resultDescription } : {}),
  };
}
