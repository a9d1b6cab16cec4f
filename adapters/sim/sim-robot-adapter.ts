import type { Layout, LayoutEdge, LayoutNode, NodeId } from '../../orchestrator/domain/layout.ts';
import type { RobotError, RobotSpec } from '../../orchestrator/domain/robot.ts';
import type { RobotCommand, RobotEvent } from '../../orchestrator/domain/robot-messages.ts';
import type { RobotAdapter } from '../../orchestrator/ports/robot-adapter.ts';
import type { Clock } from '../../orchestrator/ports/clock.ts';
import { SimRobot, type SimRobotSnapshot } from './sim-robot.ts';

/** Where simulated robots keep their state across an orchestrator restart (Redis in the service). */
export interface SimSnapshotStore {
  load(): Promise<readonly SimRobotSnapshot[]>;
  save(snapshots: readonly SimRobotSnapshot[]): Promise<void>;
}

export interface SimAdapterOptions {
  readonly layout: Layout;
  readonly fleet: readonly RobotSpec[];
  readonly clock: Clock;
  /**
   * Simulation step in real milliseconds. Default 100. `0` means no timer: the owner moves plant time
   * itself with `advanceBy` (the virtual-time fleet simulator).
   */
  readonly tickMs?: number;
  /** Plant time runs this many times faster than `clock` (tests, demos). Default 1. */
  readonly speedup?: number;
  /** Duration of a pick or drop, plant milliseconds. Default 3000. */
  readonly actionDurationMs?: number;
  /** Battery used per metre driven, percent. Default 0.01 (10 km on a full battery). */
  readonly drainPctPerM?: number;
  /** Battery gained per plant second on a charger, percent. Default 0.1 (empty to full in under 17 min). */
  readonly chargePctPerS?: number;
  /** Duration of start-charging and stop-charging (connecting, disconnecting), plant ms. Default 1000. */
  readonly chargeSwitchMs?: number;
  /** Plant milliseconds between periodic state reports. Default 1000. */
  readonly reportEveryMs?: number;
  readonly snapshots?: SimSnapshotStore;
}

/**
 * The in-process simulated fleet: robots drive along released edges at their speed (limited by the edge),
 * run pick/drop with durations and drain battery, driven by the injected clock. Implements the same
 * RobotAdapter port as the VDA 5050 and rosbridge adapters.
 */
export class SimRobotAdapter implements RobotAdapter {
  readonly kind = 'sim';
  private readonly robots = new Map<string, SimRobot>();
  private readonly nodes: ReadonlyMap<NodeId, LayoutNode>;
  private readonly edges: ReadonlyMap<string, LayoutEdge>;
  private readonly listeners = new Set<(event: RobotEvent) => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastMs = 0;
  private plantMs = 0;
  private lastReportMs = 0;
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly options: SimAdapterOptions) {
    this.nodes = new Map(options.layout.nodes.map((n) => [n.id, n]));
    this.edges = new Map(options.layout.edges.map((e) => [e.id, e]));
  }

  async start(): Promise<void> {
    const saved = new Map((await this.options.snapshots?.load())?.map((s) => [s.id, s]) ?? []);
    for (const spec of this.options.fleet) {
      const snap = saved.get(spec.id);
      const node = this.nodes.get(snap?.nodeId ?? spec.homeNode) ?? this.nodes.get(spec.homeNode);
      if (!node) throw new Error(`sim robot ${spec.id}: home node ${spec.homeNode} is not in the layout`);
      this.robots.set(spec.id, new SimRobot(spec, node, snap));
    }
    for (const robot of this.robots.values()) {
      this.emit({ type: 'connection', robotId: robot.spec.id, state: 'online' });
      this.emit({ type: 'robot-state', robotId: robot.spec.id, state: robot.report() });
    }
    this.lastMs = this.options.clock.now();
    if (this.options.tickMs === 0) return;
    this.timer = setInterval(() => {
      this.advance();
    }, this.options.tickMs ?? 50);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flushSnapshots();
  }

  onEvent(listener: (event: RobotEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  execute(command: RobotCommand): void {
    const robot = this.robots.get(command.robotId);
    if (!robot) return;
    switch (command.type) {
      case 'release-segment':
        this.release(robot, command);
        break;
      case 'cancel-task':
        // Finish the edge under way, then stop; queued actions not yet started are dropped.
        robot.plan = robot.progressM > 0 ? robot.plan.slice(0, 1).map((s) => ({ ...s, actions: [] })) : [];
        robot.actions = robot.actionEndsAtMs === undefined ? [] : robot.actions.slice(0, 1);
        break;
      case 'pause':
        robot.paused = true;
        break;
      case 'resume':
        robot.paused = false;
        break;
    }
    this.emit({ type: 'robot-state', robotId: robot.spec.id, state: robot.report() });
  }

  /** Test and demo hook: put a robot into (or out of) a fault. */
  setFault(robotId: string, error: RobotError | undefined): void {
    const robot = this.robots.get(robotId);
    if (!robot) return;
    robot.errors = error ? [error] : [];
    this.emit({ type: 'robot-state', robotId, state: robot.report() });
  }

  /** Test and demo hook: drop or restore a robot's connection. */
  setConnected(robotId: string, connected: boolean): void {
    const robot = this.robots.get(robotId);
    if (!robot) return;
    robot.connected = connected;
    this.emit({ type: 'connection', robotId, state: connected ? 'online' : 'connection-broken' });
    if (connected) this.emit({ type: 'robot-state', robotId, state: robot.report() });
  }

  /** Physical truth for the virtual-time simulator's checks: last node, edge under way, load, odometer. */
  snapshotDetailed(): {
    id: string;
    node: NodeId;
    edge?: string;
    loaded: boolean;
    charging: boolean;
    batteryPct: number;
    odometerM: number;
  }[] {
    return [...this.robots.values()].map((r) => {
      const edge = r.progressM > 0 ? r.plan[0]?.edgeId : undefined;
      return {
        id: r.spec.id,
        node: r.nodeId,
        ...(edge === undefined ? {} : { edge }),
        loaded: r.loads.length > 0,
        charging: r.charging,
        batteryPct: r.batteryPct,
        odometerM: r.odometerM,
      };
    });
  }

  snapshot(): SimRobotSnapshot[] {
    return [...this.robots.values()].map((r) => r.snapshot());
  }

  private release(robot: SimRobot, command: Extract<RobotCommand, { type: 'release-segment' }>): void {
    const [first, ...rest] = command.nodes;
    if (!first) return;
    const endOfPlan = robot.plan.at(-1)?.toNodeId ?? robot.nodeId;
    if (first.nodeId !== endOfPlan) {
      this.emitActionFailures(
        robot,
        command.nodes.flatMap((n) => n.actions),
        `segment starts at ${first.nodeId}, robot is bound for ${endOfPlan}`,
      );
      return;
    }
    const steps = rest.map((node, i) => {
      const edgeId = command.edgeIds[i];
      const edge = edgeId === undefined ? undefined : this.edges.get(edgeId);
      return edge ? { edge, node } : undefined;
    });
    if (steps.some((s) => s === undefined || s.edge.to !== s.node.nodeId)) {
      this.emitActionFailures(
        robot,
        command.nodes.flatMap((n) => n.actions),
        'segment edges do not match its nodes',
      );
      return;
    }
    if (robot.plan.length === 0) robot.actions.push(...first.actions);
    else
      robot.plan[robot.plan.length - 1] = {
        ...robot.plan.at(-1)!,
        actions: [...robot.plan.at(-1)!.actions, ...first.actions],
      };
    for (const step of steps) {
      if (!step) continue;
      robot.plan.push({
        edgeId: step.edge.id,
        toNodeId: step.node.nodeId,
        lengthM: step.edge.lengthM,
        speedMps: Math.min(robot.spec.maxSpeedMps, step.edge.maxSpeedMps ?? Infinity),
        actions: step.node.actions,
      });
    }
  }

  private emitActionFailures(
    robot: SimRobot,
    actions: readonly { actionId: string }[],
    reason: string,
  ): void {
    for (const a of actions)
      this.emit({ type: 'action-failed', robotId: robot.spec.id, actionId: a.actionId, reason });
  }

  /** Moves plant time on by the real time elapsed (times the speed-up) and advances every robot. */
  private advance(): void {
    const now = this.options.clock.now();
    const dtMs = Math.max(0, now - this.lastMs) * (this.options.speedup ?? 1);
    this.lastMs = now;
    this.advanceBy(dtMs);
  }

  /** Moves plant time on by `dtMs` plant milliseconds, synchronously emitting what happens. */
  advanceBy(dtMs: number): void {
    this.plantMs += dtMs;
    for (const robot of this.robots.values()) this.advanceRobot(robot, dtMs);
    if (this.plantMs - this.lastReportMs >= (this.options.reportEveryMs ?? 1000)) {
      this.lastReportMs = this.plantMs;
      for (const robot of this.robots.values()) {
        if (robot.connected)
          this.emit({ type: 'robot-state', robotId: robot.spec.id, state: robot.report() });
      }
    }
    if (this.dirty) void this.flushSnapshots();
  }

  private advanceRobot(robot: SimRobot, dtMs: number): void {
    if (robot.charging && robot.batteryPct < 100) {
      // Connected to the charger: charging goes on whatever else holds the robot (pause, fault, link loss).
      robot.batteryPct = Math.min(
        100,
        robot.batteryPct + (dtMs / 1000) * (this.options.chargePctPerS ?? 0.1),
      );
    }
    if (!robot.connected || robot.paused || robot.errors.some((e) => e.level === 'fatal')) return;
    let budgetMs = dtMs;
    while (budgetMs > 0) {
      if (robot.actions.length > 0) {
        budgetMs = this.runAction(robot, budgetMs);
        continue;
      }
      const step = robot.plan[0];
      if (!step) return;
      // Driving off a charger disconnects it (a master should have sent stop-charging first).
      robot.charging = false;
      const edge = this.edges.get(step.edgeId);
      const from = edge ? this.nodes.get(edge.from) : undefined;
      const to = this.nodes.get(step.toNodeId);
      if (!from || !to) return;
      const remainingM = step.lengthM - robot.progressM;
      const reachM = (step.speedMps * budgetMs) / 1000;
      const movedM = Math.min(remainingM, reachM);
      robot.progressM += movedM;
      robot.odometerM += movedM;
      robot.batteryPct = Math.max(0, robot.batteryPct - movedM * (this.options.drainPctPerM ?? 0.01));
      robot.thetaRad = Math.atan2(to.y - from.y, to.x - from.x);
      if (movedM < remainingM) {
        const f = step.lengthM > 0 ? robot.progressM / step.lengthM : 1;
        robot.x = from.x + (to.x - from.x) * f;
        robot.y = from.y + (to.y - from.y) * f;
        return;
      }
      budgetMs -= step.speedMps > 0 ? (movedM / step.speedMps) * 1000 : budgetMs;
      robot.plan.shift();
      robot.progressM = 0;
      robot.nodeId = to.id;
      robot.x = to.x;
      robot.y = to.y;
      robot.actions.push(...step.actions);
      this.dirty = true;
      this.emit({ type: 'node-reached', robotId: robot.spec.id, nodeId: to.id });
    }
  }

  /** Runs the current action for up to `budgetMs`; returns the budget left. */
  private runAction(robot: SimRobot, budgetMs: number): number {
    const action = robot.actions[0];
    if (!action) return budgetMs;
    const charger = action.type === 'start-charging' || action.type === 'stop-charging';
    const durationMs = charger
      ? (this.options.chargeSwitchMs ?? 1000)
      : (this.options.actionDurationMs ?? 3000);
    if (robot.actionEndsAtMs === undefined) robot.actionEndsAtMs = this.plantMs - budgetMs + durationMs;
    const leftMs = robot.actionEndsAtMs - this.plantMs;
    if (leftMs > 0) return 0;
    robot.actions.shift();
    robot.actionEndsAtMs = undefined;
    if (action.type === 'pick' && action.loadId !== undefined)
      robot.loads = [...robot.loads.filter((l) => l !== action.loadId), action.loadId];
    if (action.type === 'drop') robot.loads = robot.loads.filter((l) => l !== action.loadId);
    if (action.type === 'start-charging') robot.charging = true;
    if (action.type === 'stop-charging') robot.charging = false;
    this.dirty = true;
    this.emit({ type: 'action-finished', robotId: robot.spec.id, actionId: action.actionId });
    this.emit({ type: 'robot-state', robotId: robot.spec.id, state: robot.report() });
    return -leftMs;
  }

  private flushSnapshots(): Promise<void> {
    const store = this.options.snapshots;
    if (!store) return Promise.resolve();
    this.dirty = false;
    const snapshot = this.snapshot();
    this.saving = this.saving
      .then(() => store.save(snapshot))
      .catch(() => {
        this.dirty = true;
      });
    return this.saving;
  }

  private emit(event: RobotEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
