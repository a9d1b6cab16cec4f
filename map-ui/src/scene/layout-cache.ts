import { Container, Culler, type Renderer, RenderTexture } from 'pixi.js';
import type { Bounds, Camera, Viewport } from '../view-model/camera.ts';
import { type CacheRegion, cacheRegionFor, cacheStillGood } from '../view-model/cache-region.ts';

/** Zoom changes settle this long (ms) before the layout is rendered again at the new resolution. */
const SETTLE_MS = 150;

/**
 * The static layout rendered once into a bitmap (the part in and around the view, at screen resolution)
 * shown in a 2D canvas under the transparent pixi canvas and moved with a CSS transform. A frame then
 * costs the compositor one blit instead of the renderer tens of thousands of lines (with software GL, a
 * textured quad of the same size was several times slower than the compositor's blit). Rendered again when
 * the view leaves the cached part, when the zoom settles at a new level, or after `invalidate`.
 */
export class LayoutCache {
  private readonly texture: RenderTexture;
  private readonly holder = new Container();
  private region: CacheRegion | undefined;
  private dirty = true;
  private zoomChangedAt = 0;
  private lastScale = 0;
  private lastTransform = '';
  private lastPlacement: { k: number; tx: number; ty: number } | undefined;

  /**
   * @param overlay draws on the bitmap after the layout, in its pixels (y down, `region.pxPerM`): the
   *   station codes, drawn as canvas text at their final pixel size.
   */
  constructor(
    private readonly renderer: Renderer,
    private readonly content: Container,
    private readonly plant: Bounds,
    private readonly underlay: HTMLCanvasElement,
    private readonly overlay: (ctx: CanvasRenderingContext2D, region: CacheRegion) => void = () => undefined,
  ) {
    this.texture = RenderTexture.create({ width: 16, height: 16, resolution: 1, antialias: true });
    this.holder.addChild(content);
  }

  invalidate(): void {
    this.dirty = true;
  }

  /**
   * Where the bitmap is on screen now: screen (CSS px, relative to the map) = (tx + k·u, ty + k·v) for
   * bitmap pixel (u, v); undefined before the first render.
   */
  get placement(): { readonly k: number; readonly tx: number; readonly ty: number } | undefined {
    return this.lastPlacement;
  }

  /** Call once a frame before rendering. */
  update(cam: Camera, viewport: Viewport, nowMs: number): void {
    if (cam.scale !== this.lastScale) {
      this.lastScale = cam.scale;
      this.zoomChangedAt = nowMs;
    }
    if (this.needsRender(cam, viewport, nowMs)) {
      const next = cacheRegionFor(this.plant, cam, viewport);
      if (next) this.render(next);
    }
    this.place(cam);
  }

  private needsRender(cam: Camera, viewport: Viewport, nowMs: number): boolean {
    const region = this.region;
    if (this.dirty || !region) return true;
    if (cacheStillGood(region, this.plant, cam, viewport)) return false;
    // A new zoom level waits for the zoom to settle as long as the cached part still covers the view.
    const zooming = nowMs - this.zoomChangedAt < SETTLE_MS;
    const covered = cacheStillGood({ ...region, pxPerM: cam.scale }, this.plant, cam, viewport);
    return !(zooming && covered);
  }

  /** Moves the bitmap: texture pixel (u, v) is map point (minX + u / r, maxY - v / r). */
  private place(cam: Camera): void {
    const region = this.region;
    if (!region) return;
    const k = cam.scale / region.pxPerM;
    const tx = region.bounds.minX * cam.scale + cam.offsetX;
    const ty = cam.offsetY - region.bounds.maxY * cam.scale;
    this.lastPlacement = { k, tx, ty };
    const transform = `matrix(${k}, 0, 0, ${k}, ${tx}, ${ty})`;
    if (transform !== this.lastTransform) {
      this.lastTransform = transform;
      this.underlay.style.transform = transform;
    }
  }

  private render(region: CacheRegion): void {
    const { bounds, pxPerM } = region;
    const w = Math.max(1, Math.ceil((bounds.maxX - bounds.minX) * pxPerM));
    const h = Math.max(1, Math.ceil((bounds.maxY - bounds.minY) * pxPerM));
    this.texture.resize(w, h, 1);
    this.content.position.set(-bounds.minX * pxPerM, bounds.maxY * pxPerM);
    this.content.scale.set(pxPerM, -pxPerM);
    // Only the tiles and labels inside the texture are drawn.
    Culler.shared.cull(this.holder, { x: 0, y: 0, width: w, height: h }, false);
    this.renderer.render({
      container: this.holder,
      target: this.texture,
      clear: true,
      clearColor: [0, 0, 0, 0],
    });
    const bitmap = this.renderer.extract.canvas(this.texture) as HTMLCanvasElement;
    this.underlay.width = w;
    this.underlay.height = h;
    const ctx = this.underlay.getContext('2d');
    ctx?.clearRect(0, 0, w, h);
    if (ctx) {
      ctx.drawImage(bitmap, 0, 0);
      this.overlay(ctx, region);
    }
    this.region = region;
    this.dirty = false;
    this.lastTransform = '';
  }

  destroy(): void {
    this.holder.destroy({ children: true });
    this.texture.destroy(true);
    this.underlay.width = 1;
    this.underlay.height = 1;
  }
}
