/** A pose in the map frame: metres, radians. */
export interface Pose {
  readonly x: number;
  readonly y: number;
  readonly thetaRad: number;
}

/**
 * One robot's motion between two reported poses: drawn from `from` at `startMs` to `to` at
 * `startMs + durationMs` (page clock, milliseconds), then held at `to`.
 */
export interface Track {
  from: Pose;
  to: Pose;
  startMs: number;
  durationMs: number;
}

/** The angle b - a wrapped into (-PI, PI]: the shorter way round. */
export function angleDelta(a: number, b: number): number {
  let d = (b - a) % (2 * Math.PI);
  if (d > Math.PI) d -= 2 * Math.PI;
  if (d <= -Math.PI) d += 2 * Math.PI;
  return d;
}

/** The pose of a track at `nowMs`; heading turns the shorter way. */
export function poseAt(track: Track, nowMs: number): Pose {
  const t = track.durationMs <= 0 ? 1 : Math.min(1, Math.max(0, (nowMs - track.startMs) / track.durationMs));
  const { from, to } = track;
  return {
    x: from.x + (to.x - from.x) * t,
    y: from.y + (to.y - from.y) * t,
    thetaRad: from.thetaRad + angleDelta(from.thetaRad, to.thetaRad) * t,
  };
}

/** Jumps further than this (metres) are not animated: a relocated robot appears at its new place. */
export const TELEPORT_M = 20;

/**
 * The track after a new reported pose at `nowMs`: it starts where the robot is drawn now and reaches the
 * new pose after `intervalMs` (the expected time to the next update), so motion stays continuous.
 */
export function retarget(track: Track | undefined, to: Pose, nowMs: number, intervalMs: number): Track {
  if (!track) return { from: to, to, startMs: nowMs, durationMs: 0 };
  const from = poseAt(track, nowMs);
  if (Math.hypot(to.x - from.x, to.y - from.y) > TELEPORT_M)
    return { from: to, to, startMs: nowMs, durationMs: 0 };
  return { from, to, startMs: nowMs, durationMs: intervalMs };
}

/** Keeps a smoothed estimate of the time between deltas, clamped to [50, 1000] ms. */
export function nextInterval(previousMs: number, measuredMs: number): number {
  const clamped = Math.min(1000, Math.max(50, measuredMs));
  return previousMs * 0.7 + clamped * 0.3;
}
