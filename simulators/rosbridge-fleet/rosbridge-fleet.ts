/**
 * N simulated robots behind one rosbridge v2 server of our own, each in its namespace and speaking its
 * profile (`ros1-move-base` or `ros2-nav2`). A wire peer: it shares no code with the orchestrator or the
 * adapters. Faults are injected through `robot(name)`; `killServer`/`restartServer` drop and restore
 * the bridge while the robots drive on, as when a real rosbridge_websocket dies and respawns.
 */
import type { BridgeLog } from './client-session.ts';
import type { NavProfile } from './nav-profile.ts';
import { RosGraph } from './ros-graph.ts';
import type { Pose2d } from './ros-messages.ts';
import { Ros1MoveBase } from './ros1-move-base.ts';
import { Ros2Nav2 } from './ros2-nav2.ts';
import { RosbridgeServer } from './rosbridge-server.ts';
import { RobotTopics } from './robot-topics.ts';
import { SimRobot, type RobotProfile, type SimRobotConfig } from './sim-robot.ts';

/** Simulated time between two physics steps, ms. */
const TICK_MS = 100;
/** A longer gap (a stalled event loop) is simulated as this much, ms. */
const MAX_STEP_MS = 1000;

export interface RosbridgeFleetOptions {
  readonly robots: readonly SimRobotConfig[];
  /** Interface to bind; default 127.0.0.1. */
  readonly host?: string;
  /** Port; default 0 (a free port; see `url`). */
  readonly port?: number;
  /** Default driving speed, m/s; default 1.0 (the real peer's). */
  readonly speedMps?: number;
  /** Default goal box half size, metres; default 50 (the real peer's). */
  readonly boxHalfSizeM?: number;
  /** Simulated time runs this many times faster than `clock`; default 1. */
  readonly speedup?: number;
  /** Wall clock, ms since the epoch; default `Date.now`. */
  readonly clock?: () => number;
  /** Bridge log lines (the real server's wording); default none. */
  readonly log?: BridgeLog;
}

export interface RobotSnapshot {
  readonly name: string;
  readonly namespace: string;
  readonly profile: RobotProfile;
  readonly pose: Pose2d;
  readonly velocityMps: number;
  /** State of charge, 0..1. */
  readonly battery: number;
  readonly charging: boolean;
  readonly eStopped: boolean;
  readonly publishingPoses: boolean;
  readonly rejectNextGoal: boolean;
  /** The goal being driven: actionlib goal id (ROS 1) or goal UUID (ROS 2). */
  readonly goalId: string | undefined;
}

/** One robot's state and its fault injection. */
export class SimRobotHandle {
  constructor(
    private readonly robot: SimRobot,
    private readonly profile: NavProfile,
    private readonly topics: RobotTopics,
  ) {}

  get name(): string {
    return this.robot.name;
  }

  snapshot(): RobotSnapshot {
    const r = this.robot;
    return {
      name: r.name,
      namespace: r.namespace,
      profile: r.profile,
      pose: r.pose,
      velocityMps: r.velocityMps,
      battery: r.battery,
      charging: r.charging,
      eStopped: r.eStopped,
      publishingPoses: r.publishingPoses,
      rejectNextGoal: r.rejectNext,
      goalId: this.profile.currentGoalId(),
    };
  }

  /** Ends the current goal ABORTED (ROS 1 status 4, ROS 2 status 6); false when there was none. */
  abortGoal(text = 'aborted (fault injection)'): boolean {
    return this.profile.abortGoal(text);
  }

  /** The next goal is rejected: ROS 1 status 5 REJECTED; ROS 2 no answer at all. */
  rejectNextGoal(): void {
    this.robot.rejectNext = true;
  }

  /** Stale: `amcl_pose`, `odom` and goal feedback stop (status and battery go on). */
  stopPublishingPoses(): void {
    this.robot.publishingPoses = false;
  }

  resumePublishingPoses(): void {
    this.robot.publishingPoses = true;
    this.topics.publishAmcl();
  }

  /** Stops the robot and aborts its goal; later goals are aborted until `releaseEStop`. */
  eStop(): void {
    this.robot.eStopped = true;
    this.robot.stop();
    this.profile.abortGoal('e-stop engaged');
  }

  releaseEStop(): void {
    this.robot.eStopped = false;
  }

  /** Sets the state of charge (0..1) and publishes it at once. */
  setBattery(fraction: number): void {
    this.robot.setBattery(fraction);
    this.topics.publishBattery();
  }

  /** Moves the robot (map frame) and publishes its pose at once; a goal being driven goes on from there. */
  setPose(pose: Pose2d): void {
    this.robot.pose = pose;
    this.topics.publishAmcl();
  }
}

interface Member {
  readonly handle: SimRobotHandle;
  readonly profile: NavProfile;
  readonly topics: RobotTopics;
}

export class RosbridgeFleet {
  private readonly graph = new RosGraph();
  private readonly server: RosbridgeServer;
  private readonly members = new Map<string, Member>();
  private readonly clock: () => number;
  private readonly speedup: number;
  private readonly wallStart: number;
  private lastSimMs: number;
  private timer: NodeJS.Timeout | undefined;

  private constructor(options: RosbridgeFleetOptions) {
    this.clock = options.clock ?? Date.now;
    this.speedup = options.speedup ?? 1;
    if (!(this.speedup > 0)) throw new Error('speedup must be > 0');
    this.wallStart = this.clock();
    this.lastSimMs = this.wallStart;
    const defaults = { speedMps: options.speedMps ?? 1, boxHalfSizeM: options.boxHalfSizeM ?? 50 };
    const namespaces = new Set<string>();
    const now = (): number => this.simNow();
    for (const config of options.robots) {
      const robot = new SimRobot(config, defaults);
      if (this.members.has(robot.name)) throw new Error(`robot ${robot.name} appears twice`);
      if (namespaces.has(robot.namespace)) throw new Error(`namespace '${robot.namespace}' is used twice`);
      namespaces.add(robot.namespace);
      const version = robot.profile === 'ros1-move-base' ? 'ros1' : 'ros2';
      const topics = new RobotTopics(robot, this.graph, version, now);
      const ctx = { robot, graph: this.graph, topics, now };
      const profile = robot.profile === 'ros1-move-base' ? new Ros1MoveBase(ctx) : new Ros2Nav2(ctx);
      this.members.set(robot.name, { handle: new SimRobotHandle(robot, profile, topics), profile, topics });
    }
    this.server = new RosbridgeServer({
      graph: this.graph,
      clock: this.clock,
      log: options.log ?? (() => undefined),
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
    });
  }

  /** Builds the robots, publishes their latched topics and starts the server; rejects on a bind error. */
  static async start(options: RosbridgeFleetOptions): Promise<RosbridgeFleet> {
    const fleet = new RosbridgeFleet(options);
    for (const m of fleet.members.values()) m.topics.publishAll();
    await fleet.server.start();
    const periodMs = Math.max(1, TICK_MS / fleet.speedup);
    fleet.timer = setInterval(() => {
      fleet.tick();
    }, periodMs);
    fleet.timer.unref();
    return fleet;
  }

  /** Simulated time, ms since the epoch (equal to the clock at start, then `speedup` times faster). */
  simNow(): number {
    return this.wallStart + (this.clock() - this.wallStart) * this.speedup;
  }

  private tick(): void {
    const nowMs = this.simNow();
    const dtMs = Math.min(MAX_STEP_MS, Math.max(0, nowMs - this.lastSimMs));
    this.lastSimMs = nowMs;
    for (const m of this.members.values()) {
      m.profile.tick(nowMs, dtMs);
      m.topics.tick(nowMs);
    }
  }

  /** `ws://127.0.0.1:<port>`: valid once started, and across a kill and restart. */
  get url(): string {
    return this.server.url;
  }

  get connectionCount(): number {
    return this.server.connectionCount;
  }

  get robots(): readonly SimRobotHandle[] {
    return [...this.members.values()].map((m) => m.handle);
  }

  /** @throws Error when there is no robot of that name. */
  robot(name: string): SimRobotHandle {
    const member = this.members.get(name);
    if (!member) throw new Error(`no robot ${name}`);
    return member.handle;
  }

  /** Drops every connection and closes the port; the robots drive on. */
  async killServer(): Promise<void> {
    await this.server.kill();
  }

  /** Listens again on the same port. */
  async restartServer(): Promise<void> {
    await this.server.start();
  }

  /** Stops the robots and the server. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.server.kill();
  }
}
