/**
 * The map UI's page as its end-to-end tests read it: the test hooks (`window.__fleetbridge`, see
 * map-ui/README.md), boxes in page CSS px, and what the layout bitmap really shows.
 */
import type { Page } from 'playwright-core';

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}
export interface DrawnLabel {
  readonly id: string;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly fontPx: number;
}
export interface MapView {
  readonly scale: number;
  readonly fitted: boolean;
  readonly bitmapScale: number | undefined;
  readonly plant?: Box;
}
type Hooked = Window & { __fleetbridge?: { labels(): DrawnLabel[]; view(): MapView | undefined } };
export const labelsOf = (page: Page): Promise<DrawnLabel[]> =>
  page.evaluate(() => (window as Hooked).__fleetbridge?.labels() ?? []);
export const viewOf = (page: Page): Promise<MapView | undefined> =>
  page.evaluate(() => (window as Hooked).__fleetbridge?.view());

/** Inside `outer` (page CSS px), with `slack` px to spare for rounding. */
export const within = (inner: Box, outer: Box, slack = 1): boolean =>
  inner.left >= outer.left - slack &&
  inner.top >= outer.top - slack &&
  inner.right <= outer.right + slack &&
  inner.bottom <= outer.bottom + slack;

export const boxOf = (b: { x: number; y: number; width: number; height: number }): Box => ({
  left: b.x,
  top: b.y,
  right: b.x + b.width,
  bottom: b.y + b.height,
});

/**
 * The height on screen (CSS px) of the light text pixels inside `box` (page px) of the layout bitmap,
 * read from the canvas itself and mapped through its on-screen box: independent of the page's hook.
 */
export const inkHeightPx = (page: Page, box: DrawnLabel): Promise<number> =>
  page.evaluate((b) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="layout-canvas"]')!;
    const r = canvas.getBoundingClientRect();
    const k = r.width / canvas.width;
    const x0 = Math.max(0, Math.floor((b.left - r.left) / k));
    const y0 = Math.max(0, Math.floor((b.top - r.top) / k));
    const w = Math.min(canvas.width - x0, Math.ceil(b.width / k));
    const h = Math.min(canvas.height - y0, Math.ceil(b.height / k));
    if (w <= 0 || h <= 0) return 0;
    const px = canvas.getContext('2d')!.getImageData(x0, y0, w, h).data;
    let top = Infinity;
    let bottom = -Infinity;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = (y * w + x) * 4;
        if (px[i]! > 200 && px[i + 1]! > 200 && px[i + 2]! > 200 && px[i + 3]! > 200) {
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
        }
      }
    return bottom >= top ? (bottom - top + 1) * k : 0;
  }, box);

/** The plant fills the map: inside it, and as wide or as tall as the map less the fit margins. */
export async function plantFillsMap(page: Page): Promise<true | undefined> {
  const map = await page.getByTestId('map').boundingBox();
  const view = await viewOf(page);
  if (!map || !view?.plant) return undefined;
  const m = boxOf(map);
  const p = view.plant;
  const margin = 36 + 2; // MapScene's fit margin, and rounding
  const fills = p.right - p.left >= map.width - 2 * margin || p.bottom - p.top >= map.height - 2 * margin;
  // ... and the layout bitmap with the station codes is drawn for about this zoom (the cache's tolerance).
  const k = view.bitmapScale ?? 0;
  return within(p, m) && fills && k >= 0.95 && k <= 1.25 ? true : undefined;
}
