import { Container, Graphics, type Renderer } from 'pixi.js';
import type { LiveBlocks } from '../../../orchestrator/http/live-contract.ts';
import type { Camera, Viewport } from '../view-model/camera.ts';
import type { CacheRegion } from '../view-model/cache-region.ts';
import { HALO_PX, type LabelRequest, type PlacedLabel, placeLabels } from '../view-model/label-layout.ts';
import type { LayoutIndex } from '../view-model/layout-model.ts';
import { roleStyle } from '../view-model/legend.ts';
import { LayoutCache } from './layout-cache.ts';

/** Side of a drawing tile, metres. */
const TILE_M = 40;

/** Graphics per square tile of the map, created on first use, added to `parent`, cullable. */
class Tiles {
  private readonly tiles = new Map<string, Graphics>();
  constructor(private readonly parent: Container) {}

  at(x: number, y: number): Graphics {
    const key = `${Math.floor(x / TILE_M)},${Math.floor(y / TILE_M)}`;
    let g = this.tiles.get(key);
    if (!g) {
      g = new Graphics();
      g.cullable = true;
      this.tiles.set(key, g);
      this.parent.addChild(g);
    }
    return g;
  }

  each(fn: (g: Graphics) => void): void {
    for (const g of this.tiles.values()) fn(g);
  }
}

/** Room around the outermost nodes (metres) for station marks and labels. */
const PAD_M = 3;

const EDGE = 0x5d6d7e;
const BLOCKED = 0xe74c3c;
/** Half a station marker's side (a charger's radius), metres. */
const MARKER_M = 0.45;
const LABEL_FONT = 'system-ui, sans-serif';
const LABEL_FILL = '#f4f6f7';
const LABEL_HALO = '#0b1117';

/** A station code as drawn: its box on screen (CSS px, relative to the map) and its font size there. */
export interface DrawnLabel {
  readonly id: string;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly fontPx: number;
}

/**
 * The plant, drawn once per layout in map coordinates (metres; the parent flips y): edges as 1 px lines
 * with an arrow at the middle of one-way ones, stations by role (`roleStyle`). Blocks are a separate,
 * small graphics redrawn when they change. Station codes are canvas text drawn on the cached bitmap at a
 * fixed pixel size with a dark halo (`placeLabels`: where they fit without overlapping).
 */
export class LayoutLayer {
  private readonly content = new Container();
  private readonly tileLayer = new Container();
  private readonly cache: LayoutCache;
  private readonly blocks = new Graphics();
  private readonly labelRequests: LabelRequest[];
  private placed: { labels: PlacedLabel[] } = { labels: [] };

  constructor(
    private readonly index: LayoutIndex,
    renderer: Renderer,
    underlay: HTMLCanvasElement,
  ) {
    // Drawn in square tiles so that rendering a part of a large plant (zoomed in) culls the rest.
    const edges = new Tiles(this.tileLayer);
    for (const e of index.edges)
      edges
        .at((e.a.x + e.b.x) / 2, (e.a.y + e.b.y) / 2)
        .moveTo(e.a.x, e.a.y)
        .lineTo(e.b.x, e.b.y);
    edges.each((g) => g.stroke({ width: 1, color: EDGE, pixelLine: true }));
    const arrows = new Tiles(this.tileLayer);
    for (const e of index.edges) {
      if (!e.oneWay) continue;
      const dx = e.b.x - e.a.x;
      const dy = e.b.y - e.a.y;
      const len = Math.hypot(dx, dy);
      if (len === 0) continue;
      const size = Math.min(0.6, len / 4);
      const ux = dx / len;
      const uy = dy / len;
      const mx = (e.a.x + e.b.x) / 2;
      const my = (e.a.y + e.b.y) / 2;
      arrows
        .at(mx, my)
        .poly([
          mx + ux * size,
          my + uy * size,
          mx - ux * size * 0.6 - uy * size * 0.6,
          my - uy * size * 0.6 + ux * size * 0.6,
          mx - ux * size * 0.6 + uy * size * 0.6,
          my - uy * size * 0.6 - ux * size * 0.6,
        ]);
    }
    arrows.each((g) => g.fill({ color: EDGE }));
    const stations = new Tiles(this.tileLayer);
    for (const st of index.stations) {
      const style = roleStyle(st.role);
      const g = stations.at(st.at.x, st.at.y);
      if (style.shape === 'circle') g.circle(st.at.x, st.at.y, MARKER_M).fill({ color: style.colour });
      else
        g.rect(st.at.x - MARKER_M, st.at.y - MARKER_M, 2 * MARKER_M, 2 * MARKER_M).fill({
          color: style.colour,
          alpha: 0.85,
        });
    }
    this.labelRequests = index.stations.map((st) => ({
      id: st.id,
      at: st.at,
      markerM: MARKER_M,
      rank: roleStyle(st.role).labelRank,
    }));
    this.content.addChild(this.tileLayer, this.blocks);
    const b = index.bounds ?? { minX: 0, minY: 0, maxX: 1, maxY: 1 };
    this.cache = new LayoutCache(
      renderer,
      this.content,
      {
        minX: b.minX - PAD_M,
        minY: b.minY - PAD_M,
        maxX: b.maxX + PAD_M,
        maxY: b.maxY + PAD_M,
      },
      underlay,
      (ctx, region) => {
        this.drawLabels(ctx, region);
      },
    );
  }

  /** How much the layout bitmap is stretched on screen now: 1 once it was drawn for this zoom. */
  get bitmapScale(): number | undefined {
    return this.cache.placement?.k;
  }

  /** The station codes drawn now, where they are on screen: the test hook. */
  drawnLabels(): DrawnLabel[] {
    const at = this.cache.placement;
    if (!at) return [];
    return this.placed.labels.map((l) => ({
      id: l.id,
      left: at.tx + at.k * l.x,
      top: at.ty + at.k * l.y,
      width: at.k * l.width,
      height: at.k * l.height,
      fontPx: at.k * l.fontPx,
    }));
  }

  private drawLabels(ctx: CanvasRenderingContext2D, region: CacheRegion): void {
    const font = (px: number) => `600 ${px}px ${LABEL_FONT}`;
    const labels = placeLabels(this.labelRequests, region, (text, px) => {
      ctx.font = font(px);
      return ctx.measureText(text).width;
    });
    ctx.save();
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    ctx.lineWidth = 2 * HALO_PX + 1;
    ctx.strokeStyle = LABEL_HALO;
    ctx.fillStyle = LABEL_FILL;
    for (const l of labels) {
      ctx.font = font(l.fontPx);
      const x = l.x + HALO_PX;
      const y = l.y + l.height / 2;
      ctx.strokeText(l.id, x, y);
      ctx.fillText(l.id, x, y);
    }
    ctx.restore();
    this.placed = { labels };
  }

  /** Call once a frame: the cache follows the camera. */
  frame(cam: Camera, viewport: Viewport, nowMs: number): void {
    this.cache.update(cam, viewport, nowMs);
  }

  setBlocked(blocked: LiveBlocks): void {
    const g = this.blocks;
    g.clear();
    const edgeIds = new Set(blocked.edges);
    let any = false;
    for (const e of this.index.edges) {
      if (!edgeIds.has(e.id)) continue;
      g.moveTo(e.a.x, e.a.y).lineTo(e.b.x, e.b.y);
      any = true;
    }
    if (any) g.stroke({ width: 0.35, color: BLOCKED });
    for (const id of blocked.nodes) {
      const p = this.index.nodes.get(id);
      if (p) g.circle(p.x, p.y, 0.45).fill({ color: BLOCKED });
    }
    this.cache.invalidate();
  }

  destroy(): void {
    this.cache.destroy();
  }
}
