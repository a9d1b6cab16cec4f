import type { Point } from '../view-model/camera.ts';

export interface MapInputHandlers {
  /** A drag moved by this many screen pixels. */
  readonly pan: (dx: number, dy: number) => void;
  /** Zoom by `factor` around a screen point (wheel or pinch). */
  readonly zoom: (at: Point, factor: number) => void;
  /** A press and release without dragging. */
  readonly tap: (at: Point) => void;
}

/** Drags farther than this (pixels) are pans, not taps. */
const TAP_SLOP_PX = 5;

/**
 * Pointer input on the canvas: one pointer drags, two pinch, the wheel zooms, a short press taps. Uses DOM
 * pointer events (touch, pen and mouse alike); returns a function that removes the listeners.
 */
export function attachMapInput(
  el: HTMLElement,
  wheelFactor: (deltaY: number) => number,
  h: MapInputHandlers,
): () => void {
  const pointers = new Map<number, Point>();
  let moved = 0;
  let pinchDistance = 0;
  const local = (ev: { clientX: number; clientY: number }): Point => {
    const r = el.getBoundingClientRect();
    return { x: ev.clientX - r.left, y: ev.clientY - r.top };
  };
  const pair = (): [Point, Point] | undefined => {
    const [a, b] = [...pointers.values()];
    return a && b ? [a, b] : undefined;
  };

  const down = (ev: PointerEvent) => {
    el.setPointerCapture(ev.pointerId);
    pointers.set(ev.pointerId, local(ev));
    if (pointers.size === 1) moved = 0;
    const p = pair();
    if (p) pinchDistance = Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y);
  };
  const move = (ev: PointerEvent) => {
    const before = pointers.get(ev.pointerId);
    if (!before) return;
    const now = local(ev);
    pointers.set(ev.pointerId, now);
    const p = pair();
    if (p) {
      const d = Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y);
      if (pinchDistance > 0 && d > 0)
        h.zoom({ x: (p[0].x + p[1].x) / 2, y: (p[0].y + p[1].y) / 2 }, d / pinchDistance);
      pinchDistance = d;
      moved += TAP_SLOP_PX + 1;
      return;
    }
    const dx = now.x - before.x;
    const dy = now.y - before.y;
    moved += Math.abs(dx) + Math.abs(dy);
    if (moved > TAP_SLOP_PX) h.pan(dx, dy);
  };
  const up = (ev: PointerEvent) => {
    const was = pointers.get(ev.pointerId);
    pointers.delete(ev.pointerId);
    if (was && pointers.size === 0 && moved <= TAP_SLOP_PX) h.tap(local(ev));
    if (pointers.size < 2) pinchDistance = 0;
  };
  const cancel = (ev: PointerEvent) => {
    pointers.delete(ev.pointerId);
    moved = TAP_SLOP_PX + 1;
  };
  const wheel = (ev: WheelEvent) => {
    ev.preventDefault();
    h.zoom(local(ev), wheelFactor(ev.deltaY));
  };
  el.addEventListener('pointerdown', down);
  el.addEventListener('pointermove', move);
  el.addEventListener('pointerup', up);
  el.addEventListener('pointercancel', cancel);
  el.addEventListener('wheel', wheel, { passive: false });
  return () => {
    el.removeEventListener('pointerdown', down);
    el.removeEventListener('pointermove', move);
    el.removeEventListener('pointerup', up);
    el.removeEventListener('pointercancel', cancel);
    el.removeEventListener('wheel', wheel);
  };
}
