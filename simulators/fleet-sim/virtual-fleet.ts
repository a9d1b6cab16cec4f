import type { Layout, NodeId } from '../../orchestrator/domain/layout.ts';
import type { RobotSpec } from '../../orchestrator/domain/robot.ts';
import type { RobotEvent } from '../../orchestrator/domain/robot-messages.ts';
import type { OrderStatus } from '../../orchestrator/domain/transport-order.ts';
import { createEngine, type Engine } from '../../orchestrator/engine/engine.ts';
import type { EngineCommand, EngineEvent, EngineState } from '../../orchestrator/engine/engine-types.ts';
import { goalOf } from '../../orchestrator/engine/traffic/traffic-round.ts';
import { isMovable } from '../../orchestrator/engine/traffic/pibt.ts';
import type { TrafficGuidance } from '../../orchestrator/engine/traffic/guidance.ts';
import { nodesHeldBy, type RobotRuntime } from '../../orchestrator/engine/engine-types.ts';
import type { DistanceTables } from '../../orchestrator/engine/traffic/distance-tables.ts';
import { SimRobotAdapter } from '../../adapters/sim/sim-robot-adapter.ts';

export interface VirtualFleetOptions {
  readonly layout: Layout;
  readonly fleet: readonly RobotSpec[];
  /** Plant milliseconds per simulation step. Default 250. */
  readonly stepMs?: number;
  /** Plant milliseconds a pick or drop takes. Default 3000. */
  readonly actionDurationMs?: number;
  /** Virtual time at the start, ms since epoch. Default 0. */
  readonly startMs?: number;
  /**
   * Robots that wait on each other without moving for this long are deadlocked; a robot with somewhere to
   * go that stands still this long, for whatever reason, is stalled. Default 60 s.
   */
  readonly deadlockMs?: number;
  /** A robot that comes no closer to its goal for this long is livelocked. Default 300 s. */
  readonly livelockMs?: number;
  /** Soft lane directions for traffic; default `none`. */
  readonly guidance?: TrafficGuidance;
}

type PhysicalRobot = ReturnType<SimRobotAdapter['snapshotDetailed']>[number];

export interface Collision {
  readonly atMs: number;
  readonly nodeId: NodeId;
  readonly robots: readonly string[];
}

export interface OrderRecord {
  readonly id: string;
  readonly createdAtMs: number;
  readonly dueByMs?: number;
  deliveredAtMs?: number;
  failed?: string;
}

/**
 * The fleet in virtual time: the orchestrator's engine and the simulated robots of `adapters/sim`, on one
 * virtual clock, hours of plant time in seconds. After every step it checks the physical positions for
 * collisions (two robots on one node, or swapping along an edge) and watches for deadlocks and livelocks.
 */
export class VirtualFleet {
  readonly engine: Engine;
  readonly adapter: SimRobotAdapter;
  state: EngineState;
  nowMs: number;
  readonly collisions: Collision[] = [];
  /** Robots found in a set that waits on itself (each episode of each robot once). */
  deadlocks = 0;
  /** Robots with somewhere to go that stood still for `deadlockMs`, for any reason (each episode once). */
  stalls = 0;
  livelocks = 0;
  longestStallMs = 0;
  readonly orders = new Map<string, OrderRecord>();
  readonly alarms: string[] = [];
  /** Orders delivered or failed so far. */
  finished = 0;
  /** Wall-clock milliseconds of every engine tick (planning rounds), for step-time percentiles. */
  readonly tickWallMs: number[] = [];
  private readonly stepMs: number;
  private readonly deadlockMs: number;
  private readonly livelockMs: number;
  private pending: RobotEvent[] = [];
  private readonly edgeEnds: ReadonlyMap<string, readonly [NodeId, NodeId]>;
  /** Metres driven, with and without a load, summed over the fleet. */
  distanceM = { loaded: 0, empty: 0 };
  /** Plant seconds robots spent connected to a charger, summed over the fleet. */
  chargingS = 0;
  /** The lowest battery any robot reached, percent. */
  minBatteryPct = 100;

  constructor(options: VirtualFleetOptions) {
    this.stepMs = options.stepMs ?? 250;
    this.deadlockMs = options.deadlockMs ?? 60_000;
    this.livelockMs = options.livelockMs ?? 300_000;
    this.nowMs = options.startMs ?? 0;
    this.engine = createEngine(
      options.layout,
      options.fleet,
      options.guidance ? { guidance: options.guidance } : {},
    );
    this.state = this.engine.initialState();
    this.edgeEnds = new Map(options.layout.edges.map((e) => [e.id, [e.from, e.to] as const]));
    this.adapter = new SimRobotAdapter({
      layout: options.layout,
      fleet: options.fleet,
      clock: { now: () => this.nowMs },
      tickMs: 0,
      actionDurationMs: options.actionDurationMs ?? 3000,
      reportEveryMs: 60_000,
    });
    this.adapter.onEvent((event) => this.pending.push(event));
  }

  async start(): Promise<void> {
    await this.adapter.start();
    this.drain();
  }

  /** Feeds an engine event (a planned order, a cancel ...) at the current virtual time. */
  submit(event: EngineEvent): void {
    if (event.type === 'order-planned') {
      this.orders.set(event.order.id, {
        id: event.order.id,
        createdAtMs: event.order.createdAtMs,
        ...(event.order.dueByMs === undefined ? {} : { dueByMs: event.order.dueByMs }),
      });
    }
    this.apply(event);
  }

  /** Runs `durationMs` of plant time in steps; `beforeStep` may submit orders. */
  run(durationMs: number, beforeStep?: (fleet: VirtualFleet) => void): void {
    const end = this.nowMs + durationMs;
    while (this.nowMs < end) {
      beforeStep?.(this);
      this.nowMs += this.stepMs;
      this.adapter.advanceBy(this.stepMs);
      this.drain();
      const t0 = performance.now();
      this.apply({ type: 'tick' });
      this.tickWallMs.push(performance.now() - t0);
      this.drain();
      // One look at the physical robots per step: distances driven, then collisions.
      const physical = this.adapter.snapshotDetailed();
      this.account(physical);
      this.checkCollisions(physical);
      this.watchDeadlock();
    }
  }

  /** Order statuses reached so far, for assertions. */
  statusOf(id: string): OrderStatus | 'open' {
    const r = this.orders.get(id);
    return r?.deliveredAtMs !== undefined ? 'delivered' : r?.failed !== undefined ? 'failed' : 'open';
  }

  private drain(): void {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      this.apply({ type: 'robots', events: batch });
    }
  }

  private apply(event: EngineEvent): void {
    const result = this.engine.step(this.state, event, this.nowMs);
    this.state = result.state;
    for (const command of result.commands) this.execute(command);
  }

  private execute(command: EngineCommand): void {
    switch (command.type) {
      case 'robot':
        this.adapter.execute(command.command);
        break;
      case 'order-transition': {
        const record = this.orders.get(command.orderId);
        if (!record) break;
        if (command.to === 'delivered') record.deliveredAtMs = this.nowMs;
        if (command.to === 'failed') record.failed = command.reason ?? 'failed';
        if (command.to === 'delivered' || command.to === 'failed') this.finished += 1;
        break;
      }
      case 'alarm':
        this.alarms.push(`${this.nowMs}: ${command.code} ${command.message}`);
        break;
    }
  }

  /** Adds the metres each robot drove since the last step to the loaded or empty total. */
  private account(physical: readonly PhysicalRobot[]): void {
    for (const s of physical) {
      if (s.charging) this.chargingS += this.stepMs / 1000;
      this.minBatteryPct = Math.min(this.minBatteryPct, s.batteryPct);
      const moved = s.odometerM - (this.odometer.get(s.id) ?? s.odometerM);
      this.odometer.set(s.id, s.odometerM);
      if (s.loaded) this.distanceM.loaded += moved;
      else this.distanceM.empty += moved;
    }
  }

  private readonly odometer = new Map<string, number>();

  /** A robot occupies its node at rest, or both ends of the edge it drives. */
  private checkCollisions(physical: readonly PhysicalRobot[]): void {
    // Run after every step over the whole fleet: arrays only for nodes held twice.
    const at = new Map<NodeId, string>();
    const shared = new Map<NodeId, string[]>();
    const onEdge = new Map<string, string>();
    const hold = (n: NodeId, id: string): void => {
      const first = at.get(n);
      if (first === undefined) at.set(n, id);
      else shared.set(n, [...(shared.get(n) ?? [first]), id]);
    };
    for (const s of physical) {
      const ends = s.edge === undefined ? undefined : this.edgeEnds.get(s.edge);
      if (!ends) {
        hold(s.node, s.id);
        continue;
      }
      const [from, to] = ends;
      hold(from, s.id);
      hold(to, s.id);
      const reverse = onEdge.get(`${to}>${from}`);
      if (reverse)
        this.collisions.push({ atMs: this.nowMs, nodeId: `${from}<->${to}`, robots: [reverse, s.id] });
      onEdge.set(`${from}>${to}`, s.id);
    }
    for (const [nodeId, robots] of shared) this.collisions.push({ atMs: this.nowMs, nodeId, robots });
  }

  /**
   * Watches every robot that has somewhere to go (robots at work, faulted or without a goal are not
   * waiting):
   * - a **deadlock** is what the benchmark suite defines: a set of robots that wait on each other with no
   *   progress for `deadlockMs` (see `waitingSets`);
   * - a **stall** is a robot that has not moved at all for `deadlockMs`, whatever it waits for (a robot
   *   of low priority in a long queue, a robot behind a deadlock). PIBT lets robots of low priority wait:
   *   the reference PIBT of B5 stands robots still for minutes on the small warehouse map too, so stalls
   *   are reported and compared, not a bar;
   * - a **livelock** is a robot that has not come closer to its goal (by travel time) for `livelockMs`
   *   although it may be moving (robots that trade places or shuttle back and forth forever);
   * - `longestStallMs` is the longest time any robot went without coming closer to its goal.
   * Each episode of each robot counts once.
   */
  private watchDeadlock(): void {
    const context = this.engine.context;
    const blocked = context.closedEdges(this.state.blockedEdges, this.state.blockedNodes);
    const tables = context.distances(blocked);
    let standing = false;
    for (const r of Object.values(this.state.robots)) {
      const id = r.spec.id;
      const goal = goalOf(r);
      const at = r.moving?.to ?? r.nodeId;
      if (goal === undefined || at === undefined) {
        this.closest.delete(id);
        this.still.delete(id);
        continue;
      }
      const still = this.still.get(id);
      if (still?.at !== at) this.still.set(id, { at, sinceMs: this.nowMs, stall: false, deadlock: false });
      else if (this.nowMs - still.sinceMs > this.deadlockMs) {
        standing = true;
        if (!still.stall) {
          still.stall = true;
          this.stalls += 1;
        }
      }
      const s = tables.seconds(r.spec.vehicleType, goal, at);
      const best = this.closest.get(id);
      if (best?.goal !== goal || s < best.s) {
        this.closest.set(id, { goal, s, sinceMs: this.nowMs, counted: false });
        continue;
      }
      const stalled = this.nowMs - best.sinceMs;
      this.longestStallMs = Math.max(this.longestStallMs, stalled);
      if (stalled > this.livelockMs && !best.counted) {
        best.counted = true;
        this.livelocks += 1;
        this.alarms.push(
          `${this.nowMs}: livelock ${id} at ${at}, no closer to ${goal} since ${best.sinceMs}`,
        );
      }
    }
    if (!standing) return;
    const set = this.waitingSet(blocked, tables);
    const fresh = set.filter((id) => !this.still.get(id)!.deadlock);
    if (fresh.length === 0) return;
    for (const id of fresh) this.still.get(id)!.deadlock = true;
    this.deadlocks += fresh.length;
    this.alarms.push(
      `${this.nowMs}: deadlock: ${set.map((id) => `${id} at ${this.state.robots[id]!.nodeId}`).join(', ')}`,
    );
  }

  /**
   * The robots with a goal that are part of a set waiting on itself: every robot in it stands still (for
   * `deadlockMs` when it has a goal), every node that would bring it closer to its goal (any next node
   * for a robot without a goal, which could step aside) is held by another robot, and every such robot is
   * itself in the set. Nothing outside the set can free it, so no member can ever move unless the
   * traffic manager reorders them; a robot waiting behind one that can move, or that is at work, is not
   * in it. Computed as the largest such set: start from all blocked robots, drop any that waits on a
   * robot outside, until none is dropped.
   */
  private waitingSet(blocked: ReadonlySet<string>, tables: DistanceTables): string[] {
    const context = this.engine.context;
    const holder = new Map<NodeId, string>();
    for (const r of Object.values(this.state.robots)) {
      if (r.moving) for (const n of nodesHeldBy(r.moving)) holder.set(n, r.spec.id);
      else if (r.nodeId !== undefined) holder.set(r.nodeId, r.spec.id);
    }
    const waitsOn = new Map<string, Set<string>>();
    const wanted = (r: RobotRuntime, at: NodeId): NodeId[] => {
      const next = context.nextNodes(at, r.spec.vehicleType, blocked);
      const goal = goalOf(r);
      if (goal === undefined) return next;
      const here = tables.seconds(r.spec.vehicleType, goal, at);
      return next.filter((n) => tables.seconds(r.spec.vehicleType, goal, n) < here);
    };
    for (const r of Object.values(this.state.robots)) {
      const at = r.nodeId;
      if (r.moving || at === undefined || !isMovable(r)) continue;
      const still = this.still.get(r.spec.id);
      if (goalOf(r) !== undefined && (still === undefined || this.nowMs - still.sinceMs <= this.deadlockMs))
        continue;
      const nodes = wanted(r, at);
      const others = new Set<string>();
      for (const n of nodes) {
        const h = holder.get(n);
        if (h !== undefined && h !== r.spec.id) others.add(h);
      }
      const free = nodes.some((n) => holder.get(n) === undefined);
      if (nodes.length > 0 && !free) waitsOn.set(r.spec.id, others);
    }
    for (let dropped = true; dropped;) {
      dropped = false;
      for (const [id, others] of waitsOn) {
        if ([...others].every((o) => waitsOn.has(o))) continue;
        waitsOn.delete(id);
        dropped = true;
      }
    }
    return [...waitsOn.keys()].filter((id) => goalOf(this.state.robots[id]!) !== undefined).sort();
  }

  /** Per robot with a goal: the least travel time to it seen so far, and since when. */
  private readonly closest = new Map<
    string,
    { goal: NodeId; s: number; sinceMs: number; counted: boolean }
  >();
  /** Per robot with a goal: the node it stands on or drives to, and since when. */
  private readonly still = new Map<
    string,
    { at: NodeId; sinceMs: number; stall: boolean; deadlock: boolean }
  >();
}
