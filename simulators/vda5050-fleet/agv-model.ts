import { AgvErrors } from './agv-errors.ts';
import type { VdaInitialPosition } from './agv-options.ts';
import type { ActionStatus, Load, OperatingMode, OrderEdge, OrderNode, VdaAction } from './vda-wire.ts';

/** An action the vehicle knows of, with its live status; `remainingMs` is simulated time left while RUNNING. */
export interface TrackedAction {
  readonly action: VdaAction;
  readonly scope: 'NODE' | 'INSTANT';
  status: ActionStatus;
  resultDescription: string | undefined;
  remainingMs: number;
}

export interface Pose {
  x: number;
  y: number;
  theta: number;
  mapId: string;
}

/**
 * What one simulated vehicle is: its order bookkeeping, its actions and its body. The parts of the
 * simulator (order acceptance, actions, motion, instant actions, publishing) read and change it; a
 * change that belongs in the next state calls `markDirty`.
 */
export class AgvModel {
  // Order bookkeeping. `nodes`/`edges` are what is still to traverse (= nodeStates/edgeStates); the edge
  // leading to nodes[i] is edges[i]. `onEdge` is true once the vehicle has left lastNode towards nodes[0].
  orderId = '';
  orderUpdateId = 0;
  lastNodeId: string;
  lastNodeSequenceId = 0;
  nodes: OrderNode[] = [];
  edges: OrderEdge[] = [];
  onEdge = false;
  /** Insertion order is the order of `actionStates`. */
  readonly actions = new Map<string, TrackedAction>();
  /** Actions of the node just reached, not yet started (Fig. 15 iteration). */
  nodeQueue: TrackedAction[] = [];
  running: TrackedAction[] = [];
  pendingCancel: TrackedAction | undefined;

  // Vehicle.
  readonly pose: Pose;
  driving = false;
  paused = false;
  newBaseRequest = false;
  speed = 0;
  mode: OperatingMode = 'AUTOMATIC';
  loads: Load[] = [];
  battery: number;
  charging = false;
  readonly errors = new AgvErrors(() => {
    this.markDirty();
  });

  /** Something changed that the next state must show. */
  dirty = false;

  constructor(initial: VdaInitialPosition, batteryPct: number) {
    const { x, y, theta, mapId, lastNodeId } = initial;
    this.pose = { x, y, theta, mapId };
    this.lastNodeId = lastNodeId;
    this.battery = batteryPct;
  }

  markDirty(): void {
    this.dirty = true;
  }
}
