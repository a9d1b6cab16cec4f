import { Graphics, Particle, ParticleContainer, type Renderer, Texture } from 'pixi.js';
import type { LiveRobot } from '../../../orchestrator/http/live-contract.ts';
import { type Camera, screenRotation, worldToScreen } from '../view-model/camera.ts';
import { poseAt, retarget, type Pose, type Track } from '../view-model/interpolate.ts';
import { batteryColour, placeRobot, robotColour } from '../view-model/robot-view.ts';
import type { Point } from '../view-model/camera.ts';

/** Texture size of the shared robot triangle, pixels. */
const TEX = 32;
/** A robot is drawn about this long (metres), and never smaller or larger than these pixel sizes. */
const ROBOT_M = 1.2;
const MIN_PX = 7;
const MAX_PX = 44;

interface Drawn {
  readonly id: string;
  track: Track | undefined;
  /** The last drawn pose, map frame. */
  pose: Pose | undefined;
  readonly body: Particle;
  readonly battery: Particle;
  readonly load: Particle;
  batteryPct: number;
  loaded: boolean;
}

/**
 * Every robot as three particles (body triangle tinted by status, battery bar, load dot) in screen space:
 * one shared texture each, created once; a frame only moves, turns and scales particles. Poses are
 * interpolated between deltas.
 */
export class RobotLayer {
  readonly bodies: ParticleContainer;
  readonly bars: ParticleContainer;
  readonly loads: ParticleContainer;
  private readonly triangle: Texture;
  private readonly dot: Texture;
  private readonly drawn = new Map<string, Drawn>();
  /** Expected time between deltas, milliseconds. */
  intervalMs = 100;

  constructor(renderer: Renderer) {
    const tri = new Graphics()
      .poly([TEX, TEX / 2, 0, 0, TEX * 0.25, TEX / 2, 0, TEX])
      .fill({ color: 0xffffff })
      .stroke({ width: 2, color: 0x111111, alignment: 1 });
    this.triangle = renderer.generateTexture({ target: tri, resolution: 1 });
    const dot = new Graphics().circle(8, 8, 8).fill({ color: 0xffffff });
    this.dot = renderer.generateTexture({ target: dot, resolution: 1 });
    tri.destroy();
    dot.destroy();
    const dynamicProperties = { position: true, rotation: true, color: true, vertex: true, uvs: false };
    this.bodies = new ParticleContainer({ texture: this.triangle, dynamicProperties });
    this.bars = new ParticleContainer({ texture: Texture.WHITE, dynamicProperties });
    this.loads = new ParticleContainer({ texture: this.dot, dynamicProperties });
  }

  get count(): number {
    return this.drawn.size;
  }

  /** Drops every robot not in `keep`. */
  retain(keep: ReadonlyMap<string, LiveRobot>): void {
    for (const id of [...this.drawn.keys()]) if (!keep.has(id)) this.remove(id);
  }

  remove(id: string): void {
    const d = this.drawn.get(id);
    if (!d) return;
    this.bodies.removeParticle(d.body);
    this.bars.removeParticle(d.battery);
    this.loads.removeParticle(d.load);
    this.drawn.delete(id);
  }

  /** Takes a robot's new state at `nowMs`; a robot without any known position is not drawn. */
  upsert(robot: LiveRobot, nodes: ReadonlyMap<string, Point>, nowMs: number): void {
    const place = placeRobot(robot, nodes);
    let d = this.drawn.get(robot.id);
    if (!place) {
      if (d) this.remove(robot.id);
      return;
    }
    if (!d) {
      d = {
        id: robot.id,
        track: undefined,
        pose: undefined,
        body: new Particle({ texture: this.triangle, anchorX: 0.5, anchorY: 0.5 }),
        battery: new Particle({ texture: Texture.WHITE, anchorX: 0, anchorY: 0.5 }),
        load: new Particle({ texture: this.dot, anchorX: 0.5, anchorY: 0.5 }),
        batteryPct: -1,
        loaded: false,
      };
      this.drawn.set(robot.id, d);
      this.bodies.addParticle(d.body);
      this.bars.addParticle(d.battery);
      this.loads.addParticle(d.load);
    }
    d.track = retarget(d.track, place, nowMs, this.intervalMs);
    d.body.tint = robotColour(robot);
    if (d.batteryPct !== robot.batteryPct) {
      d.batteryPct = robot.batteryPct;
      d.battery.tint = batteryColour(robot.batteryPct);
    }
    d.loaded = robot.loads.length > 0;
  }

  /** The pose drawn now (map frame), for hit tests, follow and the test hook. */
  poseOf(id: string): Pose | undefined {
    return this.drawn.get(id)?.pose;
  }

  *poses(): IterableIterator<[string, Pose]> {
    for (const [id, d] of this.drawn) if (d.pose) yield [id, d.pose];
  }

  /** Moves every particle to its interpolated pose under `cam`. */
  frame(cam: Camera, nowMs: number): void {
    const px = Math.min(MAX_PX, Math.max(MIN_PX, ROBOT_M * cam.scale));
    const s = px / TEX;
    const details = px >= 12;
    this.bars.visible = details;
    this.loads.visible = details;
    const barW = px;
    const barH = Math.max(2, px / 8);
    for (const d of this.drawn.values()) {
      if (!d.track) continue;
      const pose = poseAt(d.track, nowMs);
      d.pose = pose;
      const p = worldToScreen(cam, pose);
      const body = d.body;
      body.x = p.x;
      body.y = p.y;
      body.rotation = screenRotation(pose.thetaRad);
      body.scaleX = s;
      body.scaleY = s * 0.8;
      if (!details) continue;
      const bar = d.battery;
      bar.x = p.x - barW / 2;
      bar.y = p.y - px * 0.75;
      bar.scaleX = (barW * Math.max(0, Math.min(100, d.batteryPct))) / 100 / Texture.WHITE.width;
      bar.scaleY = barH / Texture.WHITE.height;
      const load = d.load;
      load.x = p.x;
      load.y = p.y;
      const dotScale = d.loaded ? (px * 0.35) / 16 : 0;
      load.scaleX = dotScale;
      load.scaleY = dotScale;
    }
  }

  /** The robot drawn nearest to a screen point within `radiusPx`. */
  robotAt(cam: Camera, screen: Point, radiusPx: number): string | undefined {
    let best: string | undefined;
    let bestD = radiusPx;
    for (const [id, pose] of this.poses()) {
      const p = worldToScreen(cam, pose);
      const dist = Math.hypot(p.x - screen.x, p.y - screen.y);
      if (dist <= bestD) {
        bestD = dist;
        best = id;
      }
    }
    return best;
  }

  destroy(): void {
    this.bodies.destroy();
    this.bars.destroy();
    this.loads.destroy();
    this.triangle.destroy(true);
    this.dot.destroy(true);
  }
}
