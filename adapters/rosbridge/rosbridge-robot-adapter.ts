/**
 * The robot port over rosbridge v2 (roslib 2.x), for navigation-stack AMRs: ROS 1 move_base
 * (`ros1-move-base`) and ROS 2 Nav2 (`ros2-nav2`). It rests on facts measured against a real rosbridge_server (rosbridge_suite 0.11.17) and roslib 2.1: no `status` op is ever sent, roslib never reconnects, a rejected ROS 2 goal gets no answer.
 *
 * - The graph is the law: a release becomes goals on the layout poses of its nodes, in the robot's map
 *   frame (`mapFrame`), one released node at a time, heading toward the next released node (or along the
 *   way in at the last). Never a goal beyond what was released; a release that continues the route is
 *   appended. `node-reached` when the map pose is within `nodeToleranceM` of the node, or its goal
 *   succeeds; the node's actions run once the robot stands there (`robot-actions.ts` for the defaults),
 *   each once, whatever the link does.
 * - `cancel-task` cancels the goal (ROS 1 by goal id, ROS 2 `cancel_action_goal`), the robot stops, and
 *   actions not started fail. `pause` cancels the goal and `resume` sends it again.
 * - Robots on one URL share one `Ros`; it reconnects with jittered backoff (`ros-connection.ts`). While the
 *   link is down the robots are `offline`; once back, a goal that was running is sent again (same target).
 * - Faults (fatal robot errors in `robot-state`): `goal-aborted` (ROS 1 4 ABORTED, 5 REJECTED, 9 LOST, a
 *   preemption we did not ask for; ROS 2 6 ABORTED, `result: false`, no answer within
 *   `goalAcceptTimeoutMs`): the segment's actions fail; `pose-stale` (no map pose for `staleAfterMs`),
 *   until poses come back; `off-graph` (a pose farther than `offGraphM` from every node and edge).
 * - Input is checked at the edge (`wire.ts`); what cannot be read is logged once per robot and kind (per
 *   bridge, naming its robots, for frames no robot owns) and ignored.
 *
 * Defaults: names are the stacks' own (`ros-names.ts`): ROS 1 action `move_base`, topics `amcl_pose`,
 * `odom`, `battery_state`; ROS 2 actions `navigate_to_pose`, `navigate_through_poses`, topics `amcl_pose`,
 * `battery_state`; both `robot/set_charging` (std_srvs/SetBool) for charging. Actions: `pick` and `drop`
 * are `'none'`, they finish on arrival (most navigation-only AMRs hand loads over by conveyor or
 * operator; configure a service call `{service, type, args?}` where the robot has one, judged by its
 * `success` field when present); `start-charging` / `stop-charging` call `robot/set_charging` with
 * `data: true` / `false`. No namespace, identity `mapFrame`, `frameId` `map`, node tolerance 0.25 m,
 * `staleAfterMs` 5000, `goalAcceptTimeoutMs` 5000, `offGraphM` 2. Loads on board are the ones this
 * adapter's picks left there (undefined until one ran: a navigation stack cannot tell).
 */
import type { Layout } from '../../orchestrator/domain/layout.ts';
import type { RobotCommand, RobotEvent } from '../../orchestrator/domain/robot-messages.ts';
import { systemClock, type Clock } from '../../orchestrator/ports/clock.ts';
import type { RobotAdapter } from '../../orchestrator/ports/robot-adapter.ts';
import type { BackoffOptions } from '../kit/backoff.ts';
import { EventHub } from '../kit/event-hub.ts';
import { StaleWatch } from '../kit/stale-watch.ts';
import { IDENTITY_FRAME, type MapFrame } from './frames.ts';
import { graphGeometry } from './graph-geometry.ts';
import type { RosActionCall } from './robot-actions.ts';
import { RobotRoute } from './robot-route.ts';
import { RosConnection } from './ros-connection.ts';
import { normalizeNamespace, robotNames, type RosNames, type RosProfile } from './ros-names.ts';
import { RosRobot } from './ros-robot.ts';

export type { RosActionCall } from './robot-actions.ts';
export type { RosNames, RosProfile } from './ros-names.ts';
export { DEFAULT_NAMES, ROS1_MOVE_BASE_NAMES, ROS2_NAV2_NAMES } from './ros-names.ts';

/** What the adapter logs; pino's logger fits (the VDA 5050 adapter's shape). */
export interface AdapterLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface RosRobotConfig {
  readonly robotId: string;
  /** `ws://host:port` of its rosbridge server. */
  readonly url: string;
  readonly profile: RosProfile;
  /** `/amr1`; default none (the stack's own names: `/move_base`, ...). */
  readonly namespace?: string;
  /** Layout frame -> robot map frame: the map origin's pose in the layout. Default identity. */
  readonly mapFrame?: MapFrame;
  /** Frame of goals and expected frame of map poses. Default `map`. */
  readonly frameId?: string;
  /** Topic, action and service names over the profile's defaults (`ros-names.ts`). */
  readonly names?: Partial<RosNames>;
  readonly actions?: Partial<
    Record<'pick' | 'drop' | 'start-charging' | 'stop-charging', RosActionCall | 'none'>
  >;
  /** This robot's node tolerance, metres; default the adapter's. */
  readonly nodeToleranceM?: number;
}

export interface RosbridgeAdapterOptions {
  readonly layout: Layout;
  readonly robots: readonly RosRobotConfig[];
  readonly clock?: Clock;
  readonly log?: AdapterLog;
  /** No map pose for this long: `pose-stale`. Default 5000 ms. */
  readonly staleAfterMs?: number;
  /** No sign of a goal (status, feedback, result) for this long: `goal-aborted`. Default 5000 ms. */
  readonly goalAcceptTimeoutMs?: number;
  /** A robot this close to a node stands on it, metres. Default 0.25. */
  readonly nodeToleranceM?: number;
  /** A pose farther than this from every node and edge is `off-graph`, metres. Default 2. */
  readonly offGraphM?: number;
  /** An action's service call without an answer for this long fails. Default 10 000 ms. */
  readonly actionTimeoutMs?: number;
  /** A moving robot's pose is reported at most this often, ms. Default 1000. */
  readonly reportEveryMs?: number;
  /** `start()` waits this long for the bridges and first poses before it reports. Default 3000 ms. */
  readonly startTimeoutMs?: number;
  readonly reconnect?: BackoffOptions;
}

const SILENT: AdapterLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const TICK_MS = 200;

export class RosbridgeRobotAdapter implements RobotAdapter {
  readonly kind = 'rosbridge' as const;
  private readonly hub: EventHub;
  private readonly clock: Clock;
  private readonly log: AdapterLog;
  private readonly connections = new Map<string, RosConnection>();
  private readonly robots = new Map<string, RosRobot>();
  private readonly stale: StaleWatch;
  private readonly logged = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private announced = false;
  private stopped = false;

  constructor(private readonly options: RosbridgeAdapterOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? SILENT;
    this.hub = new EventHub((err, event) => {
      this.log.error({ err: String(err), event: event.type }, 'rosbridge: an event listener threw');
    });
    this.stale = new StaleWatch(options.staleAfterMs ?? 5000, 0);
    const ids = new Set<string>();
    for (const r of options.robots) {
      if (ids.has(r.robotId)) throw new RangeError(`rosbridge: robot ${r.robotId} is configured twice`);
      ids.add(r.robotId);
    }
  }

  onEvent(listener: (event: RobotEvent) => void): () => void {
    return this.hub.on(listener);
  }

  async start(): Promise<void> {
    const { layout } = this.options;
    const geometry = graphGeometry(layout);
    for (const config of this.options.robots) {
      const connection = this.connection(bridgeKey(config.url));
      const namespace = normalizeNamespace(config.namespace);
      const robot: RosRobot = new RosRobot({
        robotId: config.robotId,
        profile: config.profile,
        namespace,
        names: robotNames(config.profile, namespace, config.names),
        frameId: config.frameId ?? 'map',
        mapFrame: config.mapFrame ?? IDENTITY_FRAME,
        ...(config.actions ? { actions: config.actions } : {}),
        ros: connection.ros,
        route: new RobotRoute(layout),
        geometry,
        timing: {
          nodeToleranceM: config.nodeToleranceM ?? this.options.nodeToleranceM ?? 0.25,
          goalAcceptTimeoutMs: this.options.goalAcceptTimeoutMs ?? 5000,
          actionTimeoutMs: this.options.actionTimeoutMs ?? 10_000,
          offGraphM: this.options.offGraphM ?? 2,
          reportEveryMs: this.options.reportEveryMs ?? 1000,
        },
        now: () => this.clock.now(),
        emit: (event) => {
          this.emit(event);
        },
        problem: (kind, detail) => {
          this.once(
            `${config.robotId}:${kind}`,
            { robotId: config.robotId, kind, detail },
            `rosbridge: ${kind}; ignored`,
          );
        },
        poseSeen: () => {
          if (this.stale.seen(config.robotId, this.clock.now())) robot.fresh();
        },
      });
      this.robots.set(config.robotId, robot);
      connection.listen({
        // After roslib's own 'connection' handlers have re-sent subscribe and advertise.
        opened: () => {
          queueMicrotask(() => {
            this.stale.seen(robot.id, this.clock.now());
            if (this.announced) robot.linkChanged(true);
          });
        },
        closed: () => {
          this.stale.forget(robot.id);
          if (this.announced) robot.linkChanged(false);
        },
      });
    }
    for (const c of this.connections.values()) c.start();
    await this.firstPoses(this.options.startTimeoutMs ?? 3000);
    if (this.stopped) return;
    this.announced = true;
    for (const robot of this.robots.values()) {
      const conn = this.connections.get(bridgeKey(this.configOf(robot.id).url))!;
      robot.linkChanged(conn.isOpen);
      if (!conn.isOpen) this.stale.forget(robot.id);
    }
    this.timer = setInterval(() => {
      this.tick();
    }, TICK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const robot of this.robots.values()) robot.dispose();
    for (const c of this.connections.values()) c.stop();
    await Promise.resolve();
  }

  execute(command: RobotCommand): void {
    const robot = this.robots.get(command.robotId);
    if (!robot) {
      this.log.warn(
        { robotId: command.robotId, command: command.type },
        'rosbridge: command for a robot this adapter does not drive',
      );
      return;
    }
    if (this.stopped) return;
    robot.execute(command);
  }

  private connection(url: string): RosConnection {
    const known = this.connections.get(url);
    if (known) return known;
    const connection = new RosConnection(url, {
      ...(this.options.reconnect ? { reconnect: this.options.reconnect } : {}),
      onProblem: (kind, detail) => {
        const robotIds = this.options.robots.filter((r) => bridgeKey(r.url) === url).map((r) => r.robotId);
        this.once(
          `${url}:${kind}`,
          { url, robotIds, kind, detail },
          `rosbridge: ${kind} from the bridge; ignored`,
        );
      },
    });
    connection.listen({
      opened: () => {
        this.log.info({ url }, 'rosbridge: connected');
      },
      closed: () => {
        this.log.warn({ url }, 'rosbridge: link closed; reconnecting');
      },
    });
    this.connections.set(url, connection);
    return connection;
  }

  private configOf(robotId: string): RosRobotConfig {
    return this.options.robots.find((r) => r.robotId === robotId)!;
  }

  /** Resolves once every robot has a map pose, or after `timeoutMs`. */
  private async firstPoses(timeoutMs: number): Promise<void> {
    const until = this.clock.now() + timeoutMs;
    const started = Date.now();
    while (!this.stopped && [...this.robots.values()].some((r) => !r.hasPose)) {
      if (this.clock.now() >= until || Date.now() - started >= timeoutMs) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private tick(): void {
    const stale = new Set(
      this.stale
        .check(this.clock.now())
        .filter((v) => v.kind === 'stale')
        .map((v) => v.robotId),
    );
    for (const robot of this.robots.values())
      if (robot.connection === 'online') robot.tick(stale.has(robot.id));
  }

  private once(key: string, details: object, message: string): void {
    if (this.logged.has(key)) return;
    this.logged.add(key);
    this.log.warn(details, message);
  }

  private emit(event: RobotEvent): void {
    if (this.stopped || !this.announced) return;
    this.hub.emit(event);
  }
}

/** One connection per bridge: `ws://h:9090` and `ws://h:9090/` are the same one. */
function bridgeKey(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}
