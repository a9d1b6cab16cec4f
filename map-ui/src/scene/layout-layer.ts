import { BitmapText, Container, Graphics, type Renderer } from 'pixi.js';
import type { LiveBlocks } from '../../../orchestrator/http/live-contract.ts';
import type { Camera, Viewport } from '../view-model/camera.ts';
import type { LayoutIndex } from '../view-model/layout-model.ts';
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
const STATION = 0x48c9b0;
const CHARGER = 0xf4d03f;
const PARK = 0xa569bd;
/** Station labels are shown from this zoom on (pixels per metre). */
export const LABEL_MIN_SCALE = 20;
/** Label height in metres (a 16 px font scaled): 0.32 m. */
const LABEL_SCALE = 0.02;

/**
 * The plant, drawn once per layout in map coordinates (metres; the parent flips y): edges as 1 px lines
 * with an arrow at the middle of one-way ones, stations by role with their codes. Blocks are a separate,
 * small graphics redrawn when they change.
 */
export class LayoutLayer {
  private readonly content = new Container();
  private readonly tileLayer = new Container();
  private readonly cache: LayoutCache;
  private readonly labels = new Container();
  private readonly blocks = new Graphics();

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
    for (const s of index.stations) {
      const colour = s.kind === 'charger' ? CHARGER : s.kind === 'park' ? PARK : STATION;
      const g = stations.at(s.at.x, s.at.y);
      if (s.kind === 'charger') g.circle(s.at.x, s.at.y, 0.5).fill({ color: colour });
      else
        g.rect(s.at.x - 0.4, s.at.y - 0.4, 0.8, 0.8).fill({
          color: colour,
          alpha: s.kind === 'park' ? 0.9 : 0.6,
        });
      const label = new BitmapText({
        text: s.id,
        style: { fontFamily: 'sans-serif', fontSize: 16, fill: colour },
      });
      label.position.set(s.at.x + 0.6, s.at.y + 0.3);
      label.scale.set(LABEL_SCALE, -LABEL_SCALE);
      label.cullable = true;
      this.labels.addChild(label);
    }
    this.content.addChild(this.tileLayer, this.blocks, this.labels);
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
    );
  }

  /** Call once a frame: labels only where they can be read; the cache follows the camera. */
  frame(cam: Camera, viewport: Viewport, nowMs: number): void {
    const labels = cam.scale >= LABEL_MIN_SCALE;
    if (labels !== this.labels.visible) {
      this.labels.visible = labels;
      this.cache.invalidate();
    }
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
