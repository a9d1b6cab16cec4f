import type { Bounds, Camera, Viewport } from './camera.ts';
import { screenToWorld } from './camera.ts';

/** The largest texture side the cache renders, pixels (WebGL guarantees 4096 on nearly every device). */
export const MAX_TEXTURE_PX = 4096;

/** A part of the map rendered into a texture at `pxPerM`. */
export interface CacheRegion {
  readonly bounds: Bounds;
  readonly pxPerM: number;
}

/** The map-frame box the viewport shows under `cam`. */
export function visibleBounds(cam: Camera, viewport: Viewport): Bounds {
  const a = screenToWorld(cam, { x: 0, y: 0 });
  const b = screenToWorld(cam, { x: viewport.width, y: viewport.height });
  return { minX: a.x, minY: b.y, maxX: b.x, maxY: a.y };
}

function intersect(a: Bounds, b: Bounds): Bounds | undefined {
  const r = {
    minX: Math.max(a.minX, b.minX),
    minY: Math.max(a.minY, b.minY),
    maxX: Math.min(a.maxX, b.maxX),
    maxY: Math.min(a.maxY, b.maxY),
  };
  return r.minX <= r.maxX && r.minY <= r.maxY ? r : undefined;
}

function contains(outer: Bounds, inner: Bounds): boolean {
  const eps = 1e-9;
  return (
    inner.minX >= outer.minX - eps &&
    inner.minY >= outer.minY - eps &&
    inner.maxX <= outer.maxX + eps &&
    inner.maxY <= outer.maxY + eps
  );
}

/**
 * What to render for the static layout: the plant (`plant`, already padded) cut to the view plus half a
 * viewport each side, at the camera's zoom, lowered when the texture would exceed MAX_TEXTURE_PX.
 * Undefined when the plant is out of view.
 */
export function cacheRegionFor(plant: Bounds, cam: Camera, viewport: Viewport): CacheRegion | undefined {
  const v = visibleBounds(cam, viewport);
  const mx = (v.maxX - v.minX) / 2;
  const my = (v.maxY - v.minY) / 2;
  const region = intersect(plant, {
    minX: v.minX - mx,
    minY: v.minY - my,
    maxX: v.maxX + mx,
    maxY: v.maxY + my,
  });
  if (!region) return undefined;
  const w = Math.max(region.maxX - region.minX, 1e-6);
  const h = Math.max(region.maxY - region.minY, 1e-6);
  const pxPerM = Math.min(cam.scale, MAX_TEXTURE_PX / w, MAX_TEXTURE_PX / h);
  return { bounds: region, pxPerM };
}

/**
 * Whether a cached region still serves the camera: the part of the plant in view lies inside it, and its
 * resolution is within [0.8, 1.05] of the zoom's (or is the most the texture allows). Zoomed in, the
 * bitmap may be stretched by up to 1.25; zoomed out it may shrink by 5 % at most, so that the station
 * codes drawn on it never shrink below their font size by more than that (issue 14: legible codes).
 */
export function cacheStillGood(cached: CacheRegion, plant: Bounds, cam: Camera, viewport: Viewport): boolean {
  const inView = intersect(plant, visibleBounds(cam, viewport));
  if (inView && !contains(cached.bounds, inView)) return false;
  const wanted = cacheRegionFor(plant, cam, viewport);
  if (!wanted) return true;
  const ratio = cached.pxPerM / wanted.pxPerM;
  return ratio >= 0.8 && ratio <= 1.05;
}
