/**
 * World (map frame: metres, x right, y up) to screen (CSS pixels, x right, y down) transforms.
 * screen.x = x * scale + offsetX; screen.y = -y * scale + offsetY.
 */

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Camera {
  /** Pixels per metre; always > 0. */
  readonly scale: number;
  /** Screen position (px) of the map origin. */
  readonly offsetX: number;
  readonly offsetY: number;
}

export interface Viewport {
  /** CSS pixels. */
  readonly width: number;
  readonly height: number;
}

/** An axis-aligned box in the map frame, metres. */
export interface Bounds {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/** Zoom limits, pixels per metre. */
export const MIN_SCALE = 0.05;
export const MAX_SCALE = 400;

export function worldToScreen(cam: Camera, p: Point): Point {
  return { x: p.x * cam.scale + cam.offsetX, y: -p.y * cam.scale + cam.offsetY };
}

export function screenToWorld(cam: Camera, p: Point): Point {
  return { x: (p.x - cam.offsetX) / cam.scale, y: -(p.y - cam.offsetY) / cam.scale };
}

/** The bounds of the points, or undefined when there are none. */
export function boundsOf(points: Iterable<Point>): Bounds | undefined {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  return minX <= maxX ? { minX, minY, maxX, maxY } : undefined;
}

function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/**
 * The camera that shows the whole of `bounds` centred in the viewport, `marginPx` free on every side.
 * A degenerate box (one point) is shown at 20 px/m.
 */
export function fitToBounds(bounds: Bounds, viewport: Viewport, marginPx: number): Camera {
  const w = bounds.maxX - bounds.minX;
  const h = bounds.maxY - bounds.minY;
  const availW = Math.max(1, viewport.width - 2 * marginPx);
  const availH = Math.max(1, viewport.height - 2 * marginPx);
  const candidates = [w > 0 ? availW / w : Infinity, h > 0 ? availH / h : Infinity];
  const fit = Math.min(...candidates);
  const scale = clampScale(Number.isFinite(fit) ? fit : 20);
  return centreOn(
    { scale, offsetX: 0, offsetY: 0 },
    { x: (bounds.minX + bounds.maxX) / 2, y: (bounds.minY + bounds.maxY) / 2 },
    viewport,
  );
}

/** The same zoom, moved so that `world` is at the centre of the viewport. */
export function centreOn(cam: Camera, world: Point, viewport: Viewport): Camera {
  return {
    scale: cam.scale,
    offsetX: viewport.width / 2 - world.x * cam.scale,
    offsetY: viewport.height / 2 + world.y * cam.scale,
  };
}

/**
 * The camera after the map changed size from `before` to `after`: when it showed the plant as fitted
 * (`fit`), the plant fitted again; otherwise the same zoom with the same map point at the centre.
 */
export function cameraAfterResize(
  cam: Camera,
  before: Viewport,
  after: Viewport,
  fit: { readonly bounds: Bounds; readonly marginPx: number } | undefined,
): Camera {
  if (fit) return fitToBounds(fit.bounds, after, fit.marginPx);
  return centreOn(cam, screenToWorld(cam, { x: before.width / 2, y: before.height / 2 }), after);
}

/** Moves the map by a screen-pixel drag. */
export function pan(cam: Camera, dxPx: number, dyPx: number): Camera {
  return { scale: cam.scale, offsetX: cam.offsetX + dxPx, offsetY: cam.offsetY + dyPx };
}

/** Zooms by `factor` (> 1 in) keeping the world point under `screenPoint` where it is; scale is clamped. */
export function zoomAt(cam: Camera, screenPoint: Point, factor: number): Camera {
  const scale = clampScale(cam.scale * factor);
  const anchor = screenToWorld(cam, screenPoint);
  return {
    scale,
    offsetX: screenPoint.x - anchor.x * scale,
    offsetY: screenPoint.y + anchor.y * scale,
  };
}

/** The zoom factor of a wheel event's deltaY (pixels): smooth, 1.0 for 0, symmetric in and out. */
export function wheelZoomFactor(deltaY: number): number {
  return Math.exp(-deltaY * 0.0015);
}

/**
 * Map-frame heading (radians, counter-clockwise from +x) as a screen rotation (radians, clockwise from
 * +x, since screen y points down).
 */
export function screenRotation(thetaRad: number): number {
  return -thetaRad;
}

/** The distance from point p to the segment a-b, in the units of the points. */
export function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}
