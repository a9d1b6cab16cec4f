import { describe, expect, it } from 'vitest';
import {
  boundsOf,
  cameraAfterResize,
  centreOn,
  distanceToSegment,
  fitToBounds,
  MAX_SCALE,
  pan,
  screenRotation,
  screenToWorld,
  wheelZoomFactor,
  worldToScreen,
  zoomAt,
} from './camera.ts';

const cam = { scale: 10, offsetX: 100, offsetY: 200 };

describe('camera', () => {
  it('when a point is above the origin in the map, then it is above the origin on screen (y flips)', () => {
    expect(worldToScreen(cam, { x: 2, y: 3 })).toEqual({ x: 120, y: 170 });
  });

  it('when transformed there and back, then the point is unchanged', () => {
    const p = { x: -7.25, y: 13.5 };
    const back = screenToWorld(cam, worldToScreen(cam, p));
    expect(back.x).toBeCloseTo(p.x, 9);
    expect(back.y).toBeCloseTo(p.y, 9);
  });

  it('when fitting bounds, then they fill the viewport less the margin on the tighter axis and are centred', () => {
    const c = fitToBounds({ minX: 0, minY: 0, maxX: 100, maxY: 20 }, { width: 1040, height: 600 }, 20);
    expect(c.scale).toBeCloseTo(10, 9);
    const tl = worldToScreen(c, { x: 0, y: 20 });
    const br = worldToScreen(c, { x: 100, y: 0 });
    expect(tl.x).toBeCloseTo(20, 9);
    expect(br.x).toBeCloseTo(1020, 9);
    expect((tl.y + br.y) / 2).toBeCloseTo(300, 9);
  });

  it('when the bounds are one point, then fitting centres it at a default zoom', () => {
    const c = fitToBounds({ minX: 5, minY: 5, maxX: 5, maxY: 5 }, { width: 200, height: 100 }, 10);
    expect(worldToScreen(c, { x: 5, y: 5 })).toEqual({ x: 100, y: 50 });
    expect(c.scale).toBe(20);
  });

  it('when zooming around a point, then the world point under it stays put', () => {
    const screen = { x: 333, y: 77 };
    const before = screenToWorld(cam, screen);
    const z = zoomAt(cam, screen, 2.5);
    expect(z.scale).toBe(25);
    const after = worldToScreen(z, before);
    expect(after.x).toBeCloseTo(screen.x, 9);
    expect(after.y).toBeCloseTo(screen.y, 9);
  });

  it('when zooming past the limit, then the scale is clamped', () => {
    expect(zoomAt(cam, { x: 0, y: 0 }, 1e9).scale).toBe(MAX_SCALE);
  });

  it('when panning and centring, then the map moves by the drag and the point lands mid-screen', () => {
    expect(pan(cam, 5, -7)).toEqual({ scale: 10, offsetX: 105, offsetY: 193 });
    expect(worldToScreen(centreOn(cam, { x: 4, y: 4 }, { width: 50, height: 80 }), { x: 4, y: 4 })).toEqual({
      x: 25,
      y: 40,
    });
  });

  it('when the wheel scrolls up, then it zooms in, and down out by the inverse factor', () => {
    expect(wheelZoomFactor(-100)).toBeGreaterThan(1);
    expect(wheelZoomFactor(-100) * wheelZoomFactor(100)).toBeCloseTo(1, 12);
  });

  it('when a robot heads +90 degrees in the map (north), then it points up on screen (-90 screen)', () => {
    expect(screenRotation(Math.PI / 2)).toBeCloseTo(-Math.PI / 2, 12);
  });

  it('when computing bounds and distances, then they match the geometry', () => {
    expect(boundsOf([])).toBeUndefined();
    expect(
      boundsOf([
        { x: 1, y: -2 },
        { x: -3, y: 4 },
      ]),
    ).toEqual({ minX: -3, minY: -2, maxX: 1, maxY: 4 });
    expect(distanceToSegment({ x: 5, y: 3 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(3);
    expect(distanceToSegment({ x: 13, y: 4 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(5);
  });

  it('when a fitted map is resized, then the plant is fitted to the new size; when panned, zoom and centre stay', () => {
    const bounds = { minX: 0, minY: 0, maxX: 46, maxY: 28 };
    const small = { width: 840, height: 640 };
    const large = { width: 1600, height: 900 };
    const fitted = fitToBounds(bounds, small, 36);
    const refit = cameraAfterResize(fitted, small, large, { bounds, marginPx: 36 });
    expect(refit).toEqual(fitToBounds(bounds, large, 36));
    expect(refit.scale).toBeGreaterThan(fitted.scale);
    const panned = pan(fitted, 40, -25);
    const centre = screenToWorld(panned, { x: 420, y: 320 });
    const kept = cameraAfterResize(panned, small, large, undefined);
    expect(kept.scale).toBe(panned.scale);
    const after = screenToWorld(kept, { x: 800, y: 450 });
    expect(after.x).toBeCloseTo(centre.x);
    expect(after.y).toBeCloseTo(centre.y);
  });
});
