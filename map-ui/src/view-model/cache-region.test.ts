import { describe, expect, it } from 'vitest';
import { fitToBounds, zoomAt, pan } from './camera.ts';
import { cacheRegionFor, cacheStillGood, MAX_TEXTURE_PX, visibleBounds } from './cache-region.ts';

const plant = { minX: 0, minY: 0, maxX: 500, maxY: 200 };
const viewport = { width: 1000, height: 800 };

describe('layout cache region', () => {
  it('when the whole plant is in view, then the region is the plant at the camera zoom, and stays good', () => {
    const cam = fitToBounds(plant, viewport, 0);
    const region = cacheRegionFor(plant, cam, viewport)!;
    expect(region.bounds).toEqual(plant);
    expect(region.pxPerM).toBeCloseTo(2, 9);
    expect(cacheStillGood(region, plant, pan(cam, 30, 0), viewport)).toBe(true);
  });

  it('when zoomed in, then only the view plus half a viewport each side is cached, within the texture limit', () => {
    const cam = zoomAt(fitToBounds(plant, viewport, 0), { x: 500, y: 400 }, 20);
    const region = cacheRegionFor(plant, cam, viewport)!;
    const v = visibleBounds(cam, viewport);
    expect(region.bounds.minX).toBeCloseTo(v.minX - (v.maxX - v.minX) / 2, 6);
    expect((region.bounds.maxX - region.bounds.minX) * region.pxPerM).toBeLessThanOrEqual(
      MAX_TEXTURE_PX + 1e-6,
    );
    expect(cacheStillGood(region, plant, pan(cam, 400, 0), viewport)).toBe(true);
    expect(cacheStillGood(region, plant, pan(cam, 700, 0), viewport)).toBe(false);
  });

  it('when zoomed in by more than a quarter, or out by more than 5 %, then the cache must be rendered again', () => {
    const cam = fitToBounds(plant, viewport, 0);
    const region = cacheRegionFor(plant, cam, viewport)!;
    expect(cacheStillGood(region, plant, zoomAt(cam, { x: 500, y: 400 }, 1.2), viewport)).toBe(true);
    expect(cacheStillGood(region, plant, zoomAt(cam, { x: 500, y: 400 }, 1.4), viewport)).toBe(false);
    // Zoomed out, the station codes on the bitmap would shrink with it.
    expect(cacheStillGood(region, plant, zoomAt(cam, { x: 500, y: 400 }, 0.97), viewport)).toBe(true);
    expect(cacheStillGood(region, plant, zoomAt(cam, { x: 500, y: 400 }, 0.9), viewport)).toBe(false);
  });

  it('when the plant is out of view, then there is nothing to cache', () => {
    const cam = pan(fitToBounds(plant, viewport, 0), 10_000, 0);
    expect(cacheRegionFor(plant, cam, viewport)).toBeUndefined();
  });
});
