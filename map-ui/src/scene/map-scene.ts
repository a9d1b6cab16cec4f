import { Application, Container } from 'pixi.js';
import type { LiveBlocks, LiveRobot } from '../../../orchestrator/http/live-contract.ts';
import {
  type Camera,
  cameraAfterResize,
  centreOn,
  fitToBounds,
  pan,
  type Point,
  screenToWorld,
  wheelZoomFactor,
  zoomAt,
} from '../view-model/camera.ts';
import type { FleetModel } from '../view-model/fleet-model.ts';
import { nextInterval } from '../view-model/interpolate.ts';
import type { LayoutIndex } from '../view-model/layout-model.ts';
import { type DrawnLabel, LayoutLayer } from './layout-layer.ts';
import { attachMapInput } from './map-input.ts';
import { RobotLayer } from './robot-layer.ts';
import { RouteLayer } from './route-layer.ts';

/** Free space around the fitted plant, px: room for the station codes of the outermost stations. */
const FIT_MARGIN_PX = 36;

export interface MapSceneEvents {
  readonly robotTapped: (id: string) => void;
  readonly edgeTapped: (edgeId: string) => void;
  /** A drag ended following the selected robot. */
  readonly followStopped: () => void;
  /** An exception while drawing a frame; the ticker is stopped. */
  readonly renderFailed: (error: unknown) => void;
}

/**
 * The pixi.js map: one Application (WebGL, falling back to the canvas renderer), the layout in a world
 * container whose transform is the camera (y flipped), robots in screen space, pan/zoom/pinch input.
 */
export class MapScene {
  private camera: Camera = { scale: 10, offsetX: 0, offsetY: 0 };
  private readonly world = new Container();
  private layoutLayer: LayoutLayer | undefined;
  private index: LayoutIndex | undefined;
  private readonly routes = new RouteLayer();
  private readonly robots: RobotLayer;
  private readonly detachInput: () => void;
  /** `resizeTo` follows window resizes only; panels and the header also change the map's size. */
  private readonly resizeObserver: ResizeObserver;
  private lastDeltaMs = 0;
  private frameCount = 0;
  private fpsWindow: number[] = [];
  private selectedId: string | undefined;
  private showReservations = false;
  /** Keep the selected robot centred. */
  follow = false;
  /**
   * The view shows the whole plant as `fit` made it, and the user has not panned or zoomed since: a
   * resize fits the plant again (what a supervisor expects of a wall screen). Otherwise a resize keeps
   * the scale and the point at the centre of the view.
   */
  private fitted = false;
  private lastViewport = { width: 0, height: 0 };

  private constructor(
    private readonly app: Application,
    private readonly underlay: HTMLCanvasElement,
    private readonly events: MapSceneEvents,
  ) {
    this.robots = new RobotLayer(app.renderer);
    this.world.addChild(this.routes.reservations, this.routes.selected);
    app.stage.addChild(this.world, this.robots.bodies, this.robots.bars, this.robots.loads);
    this.routes.reservations.visible = false;
    this.detachInput = attachMapInput(app.canvas, wheelZoomFactor, {
      pan: (dx, dy) => {
        if (this.follow) {
          this.follow = false;
          this.events.followStopped();
        }
        this.fitted = false;
        this.camera = pan(this.camera, dx, dy);
      },
      zoom: (at, factor) => {
        this.fitted = false;
        this.camera = zoomAt(this.camera, at, factor);
      },
      tap: (at) => {
        this.tap(at);
      },
    });
    this.resizeObserver = new ResizeObserver(() => {
      app.queueResize();
    });
    if (app.canvas.parentElement) this.resizeObserver.observe(app.canvas.parentElement);
    app.ticker.add(() => {
      this.frame();
    });
  }

  /** Creates the renderer inside `host` (WebGL preferred; the canvas renderer when WebGL fails). */
  static async create(host: HTMLElement, events: MapSceneEvents): Promise<MapScene> {
    const base = { resizeTo: host, backgroundAlpha: 0, antialias: false, autoDensity: true, resolution: 1 };
    // 'webgl' first; pixi itself falls back to the other renderers when WebGL cannot start. Should init
    // still throw, a fresh Application gets the canvas renderer alone.
    let app = new Application();
    try {
      await app.init({ ...base, preference: 'webgl' });
    } catch (error) {
      console.warn('WebGL unavailable, using the canvas renderer', error);
      app = new Application();
      await app.init({ ...base, preference: ['canvas'] });
    }
    app.canvas.dataset.testid = 'map-canvas';
    app.canvas.style.touchAction = 'none';
    const underlay = document.createElement('canvas');
    underlay.className = 'layout-underlay';
    underlay.dataset.testid = 'layout-canvas';
    app.canvas.classList.add('map-canvas');
    host.append(underlay, app.canvas);
    return new MapScene(app, underlay, events);
  }

  get rendererName(): string {
    return this.app.renderer.name;
  }

  setLayout(index: LayoutIndex, blocked: LiveBlocks): void {
    this.layoutLayer?.destroy();
    this.index = index;
    this.layoutLayer = new LayoutLayer(index, this.app.renderer, this.underlay);
    this.layoutLayer.setBlocked(blocked);
    this.fit();
  }

  setBlocked(blocked: LiveBlocks): void {
    this.layoutLayer?.setBlocked(blocked);
  }

  /** Shows the whole plant. */
  fit(): void {
    const bounds = this.index?.bounds;
    if (!bounds) return;
    if (this.follow) {
      this.follow = false;
      this.events.followStopped();
    }
    this.camera = fitToBounds(bounds, this.viewport(), FIT_MARGIN_PX);
    this.fitted = true;
  }

  select(id: string | undefined): void {
    this.selectedId = id;
  }

  setReservations(on: boolean): void {
    this.showReservations = on;
    this.routes.reservations.visible = on;
  }

  /** Takes the robots the model changed; call after each applied message. */
  sync(model: FleetModel, nowMs: number): void {
    const index = this.index;
    if (!index) return;
    const changes = model.drainChanges();
    if (!changes.full) {
      if (this.lastDeltaMs > 0)
        this.robots.intervalMs = nextInterval(this.robots.intervalMs, nowMs - this.lastDeltaMs);
    }
    this.lastDeltaMs = nowMs;
    if (changes.full) {
      this.robots.retain(model.robots);
      for (const r of model.robots.values()) this.robots.upsert(r, index.nodes, nowMs);
    } else {
      for (const id of changes.ids) {
        const r = model.robots.get(id);
        if (r) this.robots.upsert(r, index.nodes, nowMs);
        else this.robots.remove(id);
      }
    }
    if (this.showReservations) this.routes.drawReservations(index, model.robots.values());
    const selected = this.selectedId === undefined ? undefined : model.robots.get(this.selectedId);
    this.drawSelectedRoute(selected);
  }

  /** Redraws the selected robot's route (after selecting). */
  drawSelectedRoute(robot: LiveRobot | undefined): void {
    if (!this.index) return;
    const pose = robot ? this.robots.poseOf(robot.id) : undefined;
    this.routes.drawSelected(this.index, robot, pose);
  }

  /** Station codes as drawn now (screen boxes relative to the map, font size on screen): the test hook. */
  drawnLabels(): DrawnLabel[] {
    return this.layoutLayer?.drawnLabels() ?? [];
  }

  /** The camera now: its scale (px/m), the map's size and the plant's box on screen (px): the test hook. */
  view(): {
    scale: number;
    fitted: boolean;
    bitmapScale: number | undefined;
    viewport: { width: number; height: number };
    plant?: { left: number; top: number; right: number; bottom: number };
  } {
    const b = this.index?.bounds;
    const cam = this.camera;
    return {
      scale: cam.scale,
      fitted: this.fitted,
      bitmapScale: this.layoutLayer?.bitmapScale,
      viewport: this.viewport(),
      ...(b
        ? {
            plant: {
              left: b.minX * cam.scale + cam.offsetX,
              right: b.maxX * cam.scale + cam.offsetX,
              top: cam.offsetY - b.maxY * cam.scale,
              bottom: cam.offsetY - b.minY * cam.scale,
            },
          }
        : {}),
    };
  }

  /** Robots as drawn now, map frame metres: the test hook. */
  drawnRobots(): { id: string; x: number; y: number }[] {
    const out: { id: string; x: number; y: number }[] = [];
    for (const [id, pose] of this.robots.poses()) out.push({ id, x: pose.x, y: pose.y });
    return out;
  }

  get frames(): number {
    return this.frameCount;
  }

  /** Frames per second over the last second or so. */
  get fps(): number {
    const w = this.fpsWindow;
    const first = w[0];
    const last = w.at(-1);
    if (first === undefined || last === undefined || last === first) return 0;
    return ((w.length - 1) * 1000) / (last - first);
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.detachInput();
    this.robots.destroy();
    this.routes.destroy();
    this.layoutLayer?.destroy();
    this.app.destroy({ removeView: true }, { children: true });
    this.underlay.remove();
  }

  private viewport(): { width: number; height: number } {
    return {
      width: this.app.screen.width,
      height: this.app.screen.height,
    };
  }

  /** After the map changed size: fit the plant again when it was fitted, else keep the centre and zoom. */
  private followResize(): void {
    const now = this.viewport();
    const was = this.lastViewport;
    if (now.width === was.width && now.height === was.height) return;
    this.lastViewport = now;
    if (was.width === 0 || was.height === 0) return;
    const bounds = this.index?.bounds;
    this.camera = cameraAfterResize(
      this.camera,
      was,
      now,
      this.fitted && bounds ? { bounds, marginPx: FIT_MARGIN_PX } : undefined,
    );
  }

  private tap(at: Point): void {
    const robot = this.robots.robotAt(this.camera, at, 14);
    if (robot !== undefined) {
      this.events.robotTapped(robot);
      return;
    }
    const edge = this.index?.edgeAt(screenToWorld(this.camera, at), 6 / this.camera.scale);
    if (edge) this.events.edgeTapped(edge.id);
  }

  private frame(): void {
    try {
      const now = performance.now();
      this.followResize();
      if (this.follow && this.selectedId !== undefined) {
        const pose = this.robots.poseOf(this.selectedId);
        if (pose) this.camera = centreOn(this.camera, pose, this.viewport());
      }
      const cam = this.camera;
      this.world.position.set(cam.offsetX, cam.offsetY);
      this.world.scale.set(cam.scale, -cam.scale);
      this.layoutLayer?.frame(cam, this.viewport(), now);
      this.robots.frame(cam, now);
      this.frameCount++;
      this.fpsWindow.push(now);
      while (this.fpsWindow.length > 2 && now - (this.fpsWindow[0] ?? now) > 1000) this.fpsWindow.shift();
    } catch (error) {
      this.app.ticker.stop();
      this.events.renderFailed(error);
    }
  }
}
