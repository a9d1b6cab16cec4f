import { Graphics } from 'pixi.js';
import type { LiveRobot } from '../../../orchestrator/http/live-contract.ts';
import type { Point } from '../view-model/camera.ts';
import type { LayoutIndex } from '../view-model/layout-model.ts';

const RELEASED = 0x5dade2;
const PLANNED = 0xf7dc6f;
const RESERVED = 0x85c1e9;

function polyline(g: Graphics, points: readonly Point[]): boolean {
  const [first, ...rest] = points;
  if (!first || rest.length === 0) return false;
  g.moveTo(first.x, first.y);
  for (const p of rest) g.lineTo(p.x, p.y);
  return true;
}

/**
 * Routes in map coordinates (metres): the selected robot's released segment (solid) and planned route
 * (thin), and optionally every robot's released segment (the reservations overlay).
 */
export class RouteLayer {
  readonly selected = new Graphics();
  readonly reservations = new Graphics();

  drawSelected(index: LayoutIndex, robot: LiveRobot | undefined, from: Point | undefined): void {
    const g = this.selected;
    g.clear();
    if (!robot) return;
    const released = index.path(robot.releasedNodeIds);
    const start = from ? [from] : [];
    const last = released.at(-1);
    const planned = index.path(robot.plannedNodeIds);
    if (polyline(g, [...(last ? [last] : start), ...planned]))
      g.stroke({ width: 0.2, color: PLANNED, alpha: 0.9 });
    if (polyline(g, [...start, ...released])) g.stroke({ width: 0.45, color: RELEASED, alpha: 0.9 });
  }

  drawReservations(index: LayoutIndex, robots: Iterable<LiveRobot>): void {
    const g = this.reservations;
    g.clear();
    let any = false;
    for (const r of robots) if (polyline(g, index.path(r.releasedNodeIds))) any = true;
    if (any) g.stroke({ width: 0.3, color: RESERVED, alpha: 0.5 });
  }

  destroy(): void {
    this.selected.destroy();
    this.reservations.destroy();
  }
}
