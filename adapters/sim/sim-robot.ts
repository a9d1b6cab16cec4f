import type { EdgeId, LayoutNode, NodeId } from '../../orchestrator/domain/layout.ts';
import type { OperatingMode, RobotError, RobotSpec } from '../../orchestrator/domain/robot.ts';
import type { RobotAction, RobotStateReport } from '../../orchestrator/domain/robot-messages.ts';

/** One leg still to drive: the edge and the node it ends on, with that node's actions. */
export interface PlannedStep {
  readonly edgeId: EdgeId;
  readonly toNodeId: NodeId;
  /** Metres. */
  readonly lengthM: number;
  /** Metres per second on this edge for this robot. */
  readonly speedMps: number;
  readonly actions: readonly RobotAction[];
}

/** What a simulated robot keeps across an orchestrator restart, as a real robot would. */
export interface SimRobotSnapshot {
  readonly id: string;
  readonly nodeId: NodeId;
  readonly batteryPct: number;
  readonly loads: readonly string[];
}

/** Mutable model of one simulated robot; owned by SimRobotAdapter. Positions in metres, map frame. */
export class SimRobot {
  nodeId: NodeId;
  x: number;
  y: number;
  thetaRad = 0;
  batteryPct: number;
  loads: string[];
  /** Metres driven since the adapter started. */
  odometerM = 0;
  paused = false;
  /** Connected to a charger (between start-charging and stop-charging or driving off). */
  charging = false;
  mode: OperatingMode = 'automatic';
  errors: RobotError[] = [];
  connected = true;
  /** Legs ahead, in order. */
  plan: PlannedStep[] = [];
  /** Metres already driven on plan[0]. */
  progressM = 0;
  /** Actions queued at the current node; the first runs until `actionEndsAtMs`. */
  actions: RobotAction[] = [];
  actionEndsAtMs: number | undefined;

  constructor(
    readonly spec: RobotSpec,
    start: LayoutNode,
    snapshot?: SimRobotSnapshot,
  ) {
    this.nodeId = start.id;
    this.x = start.x;
    this.y = start.y;
    this.batteryPct = snapshot?.batteryPct ?? 100;
    this.loads = [...(snapshot?.loads ?? [])];
  }

  get driving(): boolean {
    const halted = this.paused || !this.connected || this.errors.some((e) => e.level === 'fatal');
    return this.plan.length > 0 && this.actions.length === 0 && !halted;
  }

  report(): RobotStateReport {
    return {
      nodeId: this.nodeId,
      pose: { x: this.x, y: this.y, thetaRad: this.thetaRad },
      batteryPct: Math.round(this.batteryPct * 10) / 10,
      charging: this.charging,
      driving: this.driving,
      paused: this.paused,
      loads: [...this.loads],
      mode: this.mode,
      errors: [...this.errors],
      routeNodeIds: this.plan.map((s) => s.toNodeId),
    };
  }

  snapshot(): SimRobotSnapshot {
    return { id: this.spec.id, nodeId: this.nodeId, batteryPct: this.batteryPct, loads: [...this.loads] };
  }
}
