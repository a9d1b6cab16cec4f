/**
 * Throttling of robot-state reports: a report goes out when something material changed (node, driving,
 * paused, battery, errors, route, loads), or when only the pose moved and `everyMs` has passed since the
 * last one; an identical report never goes out twice.
 */
import type { Pose, RobotStateReport } from '../../orchestrator/domain/robot-messages.ts';

export class ReportThrottle {
  private last: { material: string; full: string; atMs: number } | undefined;

  constructor(private readonly everyMs: number) {}

  /** True when `state` is to be reported at `nowMs` (and it is then taken as reported). */
  due(state: RobotStateReport, nowMs: number, force = false): boolean {
    const { pose: _pose, ...rest } = state;
    const material = JSON.stringify(rest);
    const full = JSON.stringify(state);
    const last = this.last;
    if (!force && last) {
      if (last.full === full) return false;
      if (last.material === material && nowMs - last.atMs < this.everyMs) return false;
    }
    this.last = { material, full, atMs: nowMs };
    return true;
  }
}

/** Centimetres and milliradians: noise below that is no news. */
export function roundPose(p: Pose): Pose {
  return {
    x: Math.round(p.x * 100) / 100,
    y: Math.round(p.y * 100) / 100,
    thetaRad: Math.round(p.thetaRad * 1000) / 1000,
  };
}
