import type { Point } from './camera.ts';
import type { CacheRegion } from './cache-region.ts';

/** A station code to place next to its marker. */
export interface LabelRequest {
  readonly id: string;
  /** Map frame, metres. */
  readonly at: Point;
  /** Half the marker's side, metres. */
  readonly markerM: number;
  /** Lower ranks are placed first and win overlaps. */
  readonly rank: number;
}

/** A placed label: its text's box in the bitmap (pixels, y down), and the baseline to draw it on. */
export interface PlacedLabel {
  readonly id: string;
  /** Top-left of the box, pixels in the region's bitmap. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly fontPx: number;
}

/** The label font size, CSS pixels at the bitmap's resolution: 0.5 m, never below 11 px or above 15 px. */
export function labelFontPx(pxPerM: number): number {
  return Math.min(15, Math.max(11, Math.round(0.5 * pxPerM)));
}

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

const overlaps = (a: Box, b: Box): boolean =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Boxes in a uniform grid, for overlap tests in constant time per box. */
class BoxGrid {
  private readonly cells = new Map<string, Box[]>();
  constructor(private readonly cellPx: number) {}

  private keys(b: Box): string[] {
    const out: string[] = [];
    const c = this.cellPx;
    for (let gx = Math.floor(b.x / c); gx <= Math.floor((b.x + b.w) / c); gx++)
      for (let gy = Math.floor(b.y / c); gy <= Math.floor((b.y + b.h) / c); gy++) out.push(`${gx},${gy}`);
    return out;
  }

  add(b: Box): void {
    for (const k of this.keys(b)) {
      const list = this.cells.get(k);
      if (list) list.push(b);
      else this.cells.set(k, [b]);
    }
  }

  hits(b: Box, except?: Box): boolean {
    for (const k of this.keys(b))
      for (const o of this.cells.get(k) ?? []) if (o !== except && overlaps(o, b)) return true;
    return false;
  }
}

/** Space between a marker and its label, and the halo drawn around the text, pixels. */
const GAP_PX = 2;
export const HALO_PX = 2;

/**
 * Where station codes go in a bitmap of `region`: each label above, below, right or left of its marker
 * (the first that fits), never over another label or another station's marker, never cut by the bitmap's
 * edge; a label that fits nowhere is left out (lower ranks first, so line stations keep theirs before
 * storage bins). `textWidth` measures a code at `fontPx`, pixels.
 */
export function placeLabels(
  requests: readonly LabelRequest[],
  region: CacheRegion,
  textWidth: (text: string, fontPx: number) => number,
): PlacedLabel[] {
  const { bounds, pxPerM } = region;
  const fontPx = labelFontPx(pxPerM);
  const widthPx = (bounds.maxX - bounds.minX) * pxPerM;
  const heightPx = (bounds.maxY - bounds.minY) * pxPerM;
  const grid = new BoxGrid(64);
  const inside = requests.filter(
    (r) => r.at.x >= bounds.minX && r.at.x <= bounds.maxX && r.at.y >= bounds.minY && r.at.y <= bounds.maxY,
  );
  const markers = new Map<LabelRequest, Box>();
  for (const r of inside) {
    const s = r.markerM * pxPerM;
    const box = {
      x: (r.at.x - bounds.minX) * pxPerM - s,
      y: (bounds.maxY - r.at.y) * pxPerM - s,
      w: 2 * s,
      h: 2 * s,
    };
    markers.set(r, box);
    grid.add(box);
  }
  const placed: PlacedLabel[] = [];
  const order = [...inside].sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const r of order) {
    const m = markers.get(r)!;
    const w = Math.ceil(textWidth(r.id, fontPx)) + 2 * HALO_PX;
    const h = Math.ceil(fontPx * 1.2) + 2 * HALO_PX;
    const cx = m.x + m.w / 2;
    const cy = m.y + m.h / 2;
    const candidates: Box[] = [
      { x: cx - w / 2, y: m.y - GAP_PX - h, w, h },
      { x: cx - w / 2, y: m.y + m.h + GAP_PX, w, h },
      { x: m.x + m.w + GAP_PX, y: cy - h / 2, w, h },
      { x: m.x - GAP_PX - w, y: cy - h / 2, w, h },
    ];
    const fit = candidates.find(
      (b) => b.x >= 0 && b.y >= 0 && b.x + b.w <= widthPx && b.y + b.h <= heightPx && !grid.hits(b, m),
    );
    if (!fit) continue;
    grid.add(fit);
    placed.push({ id: r.id, x: fit.x, y: fit.y, width: fit.w, height: fit.h, fontPx });
  }
  return placed;
}
