/**
 * One simulated robot's body, whatever it speaks: pose in its map frame, straight-line driving to a list
 * of targets at its speed, battery and charging, and the fault flags. The rates are the real peer's
 * (`robot_node.py`): 0.05 % per metre driven (charging or not), 0.001 %/s idle, 1 %/s charging.
 */
import type { Pose2d } from './ros-messages.ts';

export type RobotProfile = 'ros1-move-base' | 'ros2-nav2';

export interface SimRobotConfig {
  /** Unique name, e.g. `amr1`. */
  readonly name: string;
  /** ROS namespace: `/amr1` or '' for none (the default is `/<name>`). */
  readonly namespace?: string;
  readonly profile: RobotProfile;
  /** Start pose in the map frame; default the origin. */
  readonly start?: Pose2d;
  /** Driving speed, m/s; default the fleet's (1.0). */
  readonly speedMps?: number;
  /** State of charge 0..1; default 0.9. */
  readonly battery?: number;
  /** Frame of poses and goals; default `map`. */
  readonly mapFrame?: string;
  /** Goals with |x| or |y| above this are ABORTED, metres; default the fleet's (50). */
  readonly boxHalfSizeM?: number;
}

export const DRAIN_PER_METRE = 0.0005;
export const IDLE_DRAIN_PER_S = 0.00001;
export const CHARGE_PER_S = 0.01;

export type StepOutcome = 'idle' | 'driving' | 'reached' | 'battery-empty';

/** Normalizes a namespace to '' or `/a/b` (leading slash, none trailing). */
export function normalizeNamespace(ns: string): string {
  const trimmed = ns.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}

export class SimRobot {
  readonly name: string;
  readonly namespace: string;
  readonly profile: RobotProfile;
  readonly mapFrame: string;
  readonly speedMps: number;
  readonly boxHalfSizeM: number;
  pose: Pose2d;
  battery: number;
  charging = false;
  eStopped = false;
  /** False while poses are withheld (the stale fault). */
  publishingPoses = true;
  /** Reject the next goal (the fault); cleared by that goal. */
  rejectNext = false;
  private route: Pose2d[] = [];
  private velocity = 0;

  constructor(
    config: SimRobotConfig,
    defaults: { readonly speedMps: number; readonly boxHalfSizeM: number },
  ) {
    this.name = config.name;
    this.namespace = normalizeNamespace(config.namespace ?? config.name);
    this.profile = config.profile;
    this.mapFrame = config.mapFrame ?? 'map';
    this.speedMps = config.speedMps ?? defaults.speedMps;
    this.boxHalfSizeM = config.boxHalfSizeM ?? defaults.boxHalfSizeM;
    this.pose = config.start ?? { x: 0, y: 0, thetaRad: 0 };
    this.battery = clamp01(config.battery ?? 0.9);
    if (!(this.speedMps > 0)) throw new Error(`robot ${this.name}: speedMps must be > 0`);
  }

  /** A topic, action or service name in this robot's namespace: `ns('move_base')` = `/amr1/move_base`. */
  ns(name: string): string {
    return `${this.namespace}/${name}`;
  }

  get velocityMps(): number {
    return this.velocity;
  }

  get driving(): boolean {
    return this.route.length > 0;
  }

  inBox(x: number, y: number): boolean {
    return Math.abs(x) <= this.boxHalfSizeM && Math.abs(y) <= this.boxHalfSizeM;
  }

  /** Drives through `targets` in order from where it is, replacing any route. */
  drive(targets: readonly Pose2d[]): void {
    this.route = [...targets];
  }

  stop(): void {
    this.route = [];
    this.velocity = 0;
  }

  /** Metres left along the route from the current pose. */
  remainingM(): number {
    let from: Pose2d = this.pose;
    let sum = 0;
    for (const p of this.route) {
      sum += Math.hypot(p.x - from.x, p.y - from.y);
      from = p;
    }
    return sum;
  }

  get waypointsLeft(): number {
    return this.route.length;
  }

  /** Advances `dtMs` of simulated time: drives, drains or charges the battery. */
  step(dtMs: number): StepOutcome {
    const dtS = Math.max(0, dtMs) / 1000;
    if (this.charging) this.battery = Math.min(1, this.battery + CHARGE_PER_S * dtS);
    else this.battery = Math.max(0, this.battery - IDLE_DRAIN_PER_S * dtS);
    const target = this.route[0];
    if (!target || this.eStopped) {
      this.velocity = 0;
      return 'idle';
    }
    if (this.battery <= 0) {
      this.stop();
      return 'battery-empty';
    }
    let budget = this.speedMps * dtS;
    let moved = 0;
    let next: Pose2d | undefined = target;
    while (next && budget > 0) {
      const dx = next.x - this.pose.x;
      const dy = next.y - this.pose.y;
      const dist = Math.hypot(dx, dy);
      if (dist <= budget) {
        this.pose = next;
        budget -= dist;
        moved += dist;
        this.route.shift();
        next = this.route[0];
      } else {
        this.pose = {
          x: this.pose.x + (budget * dx) / dist,
          y: this.pose.y + (budget * dy) / dist,
          thetaRad: Math.atan2(dy, dx),
        };
        moved += budget;
        budget = 0;
      }
    }
    this.battery = Math.max(0, this.battery - DRAIN_PER_METRE * moved);
    if (this.route.length === 0) {
      this.velocity = 0;
      return 'reached';
    }
    this.velocity = this.speedMps;
    return 'driving';
  }

  setBattery(fraction: number): void {
    this.battery = clamp01(fraction);
  }
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0));
}
