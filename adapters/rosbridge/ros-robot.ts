/**
 * One ROS robot as the adapter drives it: its subscriptions (map pose, odometry, battery), its navigation
 * client, the route it was released, the actions it runs and the state it reports. All I/O goes through
 * the shared `Ros` of its bridge; events go out through `emit`. See `rosbridge-robot-adapter.ts` for the
 * rules this implements.
 */
import type { Ros } from 'roslib';
import type { NodeId } from '../../orchestrator/domain/layout.ts';
import type {
  Pose,
  RobotCommand,
  RobotEvent,
  RobotStateReport,
} from '../../orchestrator/domain/robot-messages.ts';
import type { ConnectionState, RobotError } from '../../orchestrator/domain/robot.ts';
import { layoutToMap, type MapFrame } from './frames.ts';
import type { GraphGeometry } from './graph-geometry.ts';
import { navClient, type GoalEvent, type NavClient } from './nav-client.ts';
import { NodeActions, type RosActionsConfig } from './robot-actions.ts';
import { readMapPose, subscribeRobotTopics } from './robot-topics.ts';
import { goalHeading, RobotRoute, type ReleaseSegment } from './robot-route.ts';
import { ROS_TYPES, type RosNames, type RosProfile } from './ros-names.ts';
import { ReportThrottle, roundPose } from './state-report.ts';
import type { PoseStampedMsg } from './wire.ts';

export interface RobotTiming {
  readonly nodeToleranceM: number;
  readonly goalAcceptTimeoutMs: number;
  readonly actionTimeoutMs: number;
  readonly offGraphM: number;
  readonly reportEveryMs: number;
}

export interface RosRobotSetup {
  readonly robotId: string;
  readonly profile: RosProfile;
  readonly namespace: string;
  readonly names: RosNames;
  readonly frameId: string;
  readonly mapFrame: MapFrame;
  readonly actions?: RosActionsConfig;
  readonly ros: Ros;
  readonly route: RobotRoute;
  readonly geometry: GraphGeometry;
  readonly timing: RobotTiming;
  readonly now: () => number;
  readonly emit: (event: RobotEvent) => void;
  /** Unreadable input: logged once per robot and kind. */
  readonly problem: (kind: string, detail: string) => void;
  /** A valid map pose arrived (the stale watch). */
  readonly poseSeen: () => void;
}

interface GoalInFlight {
  readonly id: string;
  readonly nodeId: NodeId;
  readonly target: Pose;
  readonly sentAtMs: number;
  accepted: boolean;
  /** The link dropped while it ran: re-sent (same target) once the link is back. */
  lost: boolean;
  resends: number;
}

export class RosRobot {
  readonly id: string;
  connection: ConnectionState = 'offline';
  private readonly nav: NavClient;
  private readonly topics: { unsubscribe(): void };
  private goal: GoalInFlight | undefined;
  private paused = false;
  private lastNodeId: NodeId | undefined;
  private pose: Pose | undefined;
  private battery: { pct: number; charging: boolean } | undefined;
  private readonly actions: NodeActions;
  private readonly errors = new Map<string, RobotError>();
  private lastOdomAtMs: number | undefined;
  private lastPoseAtMs: number | undefined;
  private readonly throttle: ReportThrottle;

  constructor(private readonly s: RosRobotSetup) {
    this.id = s.robotId;
    const types = ROS_TYPES[s.profile];
    this.nav = navClient(s.profile, {
      ros: s.ros,
      action: s.names.navigate,
      actionType: types.navigate,
      frameId: s.frameId,
      now: s.now,
      onGoal: (id, e) => {
        this.onGoal(id, e);
      },
      onProblem: s.problem,
    });
    this.topics = subscribeRobotTopics(s.ros, s.profile, s.names, {
      mapPose: (msg) => {
        this.onMapPose(msg);
      },
      odometry: () => {
        this.lastOdomAtMs = s.now();
      },
      battery: (pct, charging) => {
        this.battery = { pct: pct ?? this.battery?.pct ?? 0, charging };
        if (pct !== undefined) this.errors.delete('battery-unknown');
        else
          this.errors.set('battery-unknown', {
            code: 'battery-unknown',
            level: 'warning',
            message: `${s.names.battery} gives no charge (percentage NaN): the last known one is shown`,
          });
        this.report();
      },
      problem: s.problem,
    });
    this.throttle = new ReportThrottle(s.timing.reportEveryMs);
    this.actions = new NodeActions({
      robotId: s.robotId,
      ros: s.ros,
      namespace: s.namespace,
      profile: s.profile,
      names: s.names,
      ...(s.actions ? { actions: s.actions } : {}),
      timeoutMs: s.timing.actionTimeoutMs,
      emit: s.emit,
      ended: () => {
        this.advance();
        this.report();
      },
    });
  }

  get hasPose(): boolean {
    return this.pose !== undefined;
  }

  execute(command: RobotCommand): void {
    switch (command.type) {
      case 'release-segment':
        this.release(command);
        break;
      case 'cancel-task': {
        this.dropGoal();
        const actions = this.s.route.clear();
        this.actions.failNotStarted(actions, 'task cancelled');
        this.errors.delete('goal-aborted');
        break;
      }
      case 'pause':
        this.paused = true;
        this.dropGoal();
        break;
      case 'resume':
        this.paused = false;
        break;
    }
    this.advance();
    this.report();
  }

  /** The bridge link opened (`true`) or closed. */
  linkChanged(open: boolean): void {
    this.connection = open ? 'online' : 'offline';
    this.s.emit({ type: 'connection', robotId: this.id, state: this.connection });
    if (open) {
      if (this.goal?.lost) this.sendGoal(this.goal.nodeId, this.goal.target, this.goal.resends);
      this.advance();
    } else {
      if (this.goal) this.goal.lost = true;
      this.actions.abandon('the link to the robot dropped during the call: outcome unknown, not repeated');
    }
    this.report(true);
  }

  /** Deadlines: goal acceptance, periodic pose reports. `stale` is the stale watch's verdict. */
  tick(stale: boolean): void {
    const now = this.s.now();
    const goal = this.goal;
    if (goal && !goal.accepted && !goal.lost && now - goal.sentAtMs >= this.s.timing.goalAcceptTimeoutMs) {
      if (this.s.profile === 'ros1-move-base' && goal.resends < 1) {
        // A ROS 1 topic may drop what is published before its subscriber is connected: once more.
        this.sendGoal(goal.nodeId, goal.target, goal.resends + 1);
      } else {
        this.nav.cancel(goal.id);
        this.goal = undefined;
        this.goalFailed(
          `no answer to the goal to ${goal.nodeId} within ${this.s.timing.goalAcceptTimeoutMs} ms (rejected?)`,
        );
      }
    }
    if (stale && !this.errors.has('pose-stale')) {
      // Odometry after the last map pose (its topic is throttled to 2 Hz): the robot lives, its localisation not.
      const odom = this.lastOdomAtMs !== undefined && this.lastOdomAtMs > (this.lastPoseAtMs ?? 0) + 600;
      this.errors.set('pose-stale', {
        code: 'pose-stale',
        level: 'fatal',
        message: `no map pose from ${this.s.names.pose}${odom ? ' although odometry still arrives (localisation lost?)' : ' nor odometry'}`,
      });
    }
    this.report();
  }

  /** Poses came back after `pose-stale`. */
  fresh(): void {
    this.errors.delete('pose-stale');
    this.report();
  }

  dispose(): void {
    this.topics.unsubscribe();
    this.nav.dispose();
  }

  private release(segment: ReleaseSegment): void {
    const start = this.lastNodeId === undefined ? undefined : this.s.route.node(this.lastNodeId);
    const onNode =
      start !== undefined &&
      this.pose !== undefined &&
      Math.hypot(this.pose.x - start.x, this.pose.y - start.y) <= this.s.timing.nodeToleranceM;
    const verdict = this.s.route.release(segment, this.lastNodeId, onNode);
    if (!verdict.ok)
      this.actions.failNotStarted(
        segment.nodes.flatMap((n) => n.actions),
        verdict.reason,
      );
  }

  /** Drives the route as far as it can go now: the next goal, or the next action on the node it stands on. */
  private advance(): void {
    if (this.connection !== 'online' || this.paused) return;
    for (;;) {
      const head = this.s.route.head;
      if (!head) return;
      if (!head.reached) {
        if (this.goal?.nodeId === head.node.id) return;
        const next = this.s.route.next?.node;
        const from = this.lastNodeId === undefined ? this.pose : this.s.route.node(this.lastNodeId);
        const yaw = goalHeading(head.node, next, from, this.pose?.thetaRad ?? 0);
        this.sendGoal(
          head.node.id,
          layoutToMap(this.s.mapFrame, { x: head.node.x, y: head.node.y, thetaRad: yaw }),
          0,
        );
        return;
      }
      const pending = head.actions.filter((a) => !this.actions.isDone(a.actionId));
      const first = pending[0];
      if (first) {
        // Actions run on a robot standing on the node: after its goal has ended.
        if (this.goal || this.actions.busy) return;
        this.actions.run(first);
        continue;
      }
      this.s.route.shift();
    }
  }

  /**
   * A new goal preempts the one before (move_base's and Nav2's action servers both do), with no cancel
   * first: Nav2 then drives on without stopping. The old goal's end is no longer ours to hear.
   */
  private sendGoal(nodeId: NodeId, target: Pose, resends: number): void {
    const id = this.nav.send(target);
    this.goal = { id, nodeId, target, sentAtMs: this.s.now(), accepted: false, lost: false, resends };
  }

  private dropGoal(): void {
    if (this.goal) this.nav.cancel(this.goal.id);
    this.goal = undefined;
  }

  private onGoal(id: string, event: GoalEvent): void {
    const goal = this.goal;
    if (!goal || goal.id !== id) return; // a goal we have moved on from
    switch (event.kind) {
      case 'accepted':
        goal.accepted = true;
        this.errors.delete('goal-aborted');
        break;
      case 'feedback':
        this.onMapPose(event.pose);
        return;
      case 'succeeded': {
        this.goal = undefined;
        const head = this.s.route.head;
        if (head && head.node.id === goal.nodeId && !head.reached) this.reach();
        break;
      }
      case 'canceled':
        this.goal = undefined;
        break;
      case 'failed':
        this.goal = undefined;
        this.goalFailed(event.text);
        break;
    }
    this.advance();
    this.report();
  }

  private goalFailed(text: string): void {
    this.errors.set('goal-aborted', { code: 'goal-aborted', level: 'fatal', message: text });
    this.actions.failNotStarted(this.s.route.clear(), `the robot's goal failed: ${text}`);
    this.report();
  }

  private onMapPose(msg: PoseStampedMsg): void {
    const read = readMapPose(msg, this.s.frameId, this.s.mapFrame);
    if (!read.ok) {
      this.s.problem(read.kind, read.detail);
      return;
    }
    const pose = read.pose;
    this.lastPoseAtMs = this.s.now();
    this.s.poseSeen();
    const offM = this.s.geometry.distanceToGraph(pose.x, pose.y);
    if (offM > this.s.timing.offGraphM) {
      this.s.problem(
        'off-graph',
        `pose (${pose.x.toFixed(2)}, ${pose.y.toFixed(2)}) is ${offM.toFixed(1)} m off the graph`,
      );
      this.errors.set('off-graph', {
        code: 'off-graph',
        level: 'fatal',
        message: `the robot reports a pose ${offM.toFixed(1)} m away from the graph`,
      });
      this.report();
      return;
    }
    this.errors.delete('off-graph');
    this.pose = pose;
    const tol = this.s.timing.nodeToleranceM;
    if (this.lastNodeId === undefined && this.s.route.isEmpty)
      this.lastNodeId = this.s.geometry.nodeAt(pose.x, pose.y, tol)?.id;
    const head = this.s.route.head;
    // A paused robot stands where it stopped: it reaches its node when it drives on.
    if (
      head &&
      !head.reached &&
      !this.paused &&
      Math.hypot(pose.x - head.node.x, pose.y - head.node.y) <= tol
    ) {
      this.reach();
      this.advance();
    }
    this.report();
  }

  /** The head node is reached: reported (unless a rejoin) and its actions are due. */
  private reach(): void {
    const head = this.s.route.head;
    if (!head) return;
    head.reached = true;
    if (head.rejoin) return;
    this.lastNodeId = head.node.id;
    this.s.emit({ type: 'node-reached', robotId: this.id, nodeId: head.node.id });
  }

  /** A robot-state when something material changed, or the pose moved and `reportEveryMs` has passed. */
  report(force = false): void {
    const state = this.state();
    if (this.throttle.due(state, this.s.now(), force))
      this.s.emit({ type: 'robot-state', robotId: this.id, state });
  }

  state(): RobotStateReport {
    const errors = [...this.errors.values()];
    if (!this.battery)
      errors.push({ code: 'battery-unknown', level: 'warning', message: `no ${this.s.names.battery} yet` });
    return {
      ...(this.lastNodeId === undefined ? {} : { nodeId: this.lastNodeId }),
      ...(this.pose ? { pose: roundPose(this.pose) } : {}),
      batteryPct: this.battery?.pct ?? 0,
      charging: this.battery?.charging ?? false,
      driving: this.goal !== undefined,
      paused: this.paused,
      ...(this.actions.loads === undefined ? {} : { loads: [...this.actions.loads] }),
      mode: 'automatic',
      errors,
      routeNodeIds: this.s.route.toReach,
    };
  }
}
