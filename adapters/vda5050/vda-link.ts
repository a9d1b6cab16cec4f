import { ReleasedRoute } from '../kit/released-route.ts';
import type { ConnectionState, RobotError } from '../../orchestrator/domain/robot.ts';
import type { VdaRobotConfig } from './adapter-options.ts';
import { NO_CAPABILITIES, type Capabilities } from './capabilities.ts';
import type { OrderBuilder, OrderTrack, ReleaseSegment } from './order-builder.ts';
import type { PeerProfile } from './profile.ts';
import type { ActionStatus, OrderBody, VdaState } from './wire.ts';

/** A message sent and not yet acknowledged by a state. */
export interface Unacknowledged {
  readonly topic: 'order' | 'instantActions';
  readonly body: object;
  sentAtMs: number;
  sends: number;
}

/** An order (update) sent and not yet acknowledged (O18). */
export type PendingOrder = Unacknowledged & {
  readonly body: OrderBody;
  readonly orderId: string;
  readonly orderUpdateId: number;
  /** The release it carries: sent again after a resync (O20). */
  readonly segment: ReleaseSegment;
  /** The engine's actions in it: they fail when the AGV refuses the order. */
  readonly engineActions: readonly string[];
  /** E3: its first node was widened once after a noRouteError. */
  readonly regenerated?: boolean;
};

/** Everything the master tracks per AGV. */
export class Link {
  readonly headerIds = new Map<string, number>();
  connection: ConnectionState | undefined;
  track: OrderTrack | undefined;
  /** The latest order (update) the AGV acknowledged: what it still holds when it refuses a later one. */
  acked: OrderTrack | undefined;
  /** The last order (update) sent and not yet acknowledged by a state. */
  pendingOrder: PendingOrder | undefined;
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
  readonly released = new ReleasedRoute();
  last: { readonly orderId: string; readonly nodeId: string; readonly sequenceId: number } | undefined;
  /** Problems the adapter found (rejected or unacknowledged orders), reported beside the AGV's errors. */
  readonly adapterErrors = new Map<string, RobotError>();
  lastReport: string | undefined;
  /** When the last valid state arrived (our clock, never the AGV's timestamp: T8). */
  stateAtMs: number | undefined;
  state: VdaState | undefined;
  factsheet: unknown;

  constructor(
    readonly config: VdaRobotConfig,
    readonly profile: PeerProfile,
    /** The order builder of its profile (shared by the AGVs of one profile). */
    readonly builder: OrderBuilder,
  ) {}

  get robotId(): string {
    return this.config.robotId;
  }

  get topicBase(): string {
    const major = this.profile.version.split('.')[0];
    return `${this.profile.interfaceName}/v${major}/${this.config.manufacturer}/${this.config.serialNumber}`;
  }
}
