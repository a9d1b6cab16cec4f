import { describe, expect, it } from 'vitest';
import { labelFontPx, type LabelRequest, type PlacedLabel, placeLabels } from './label-layout.ts';
import { ROLE_LEGEND, roleStyle, STATUS_LEGEND } from './legend.ts';
import { STATUS_COLOURS } from './robot-view.ts';

/** Every character 0.6 em wide. */
const width = (text: string, px: number) => text.length * px * 0.6;
const station = (id: string, x: number, y: number, rank = 0): LabelRequest => ({
  id,
  at: { x, y },
  markerM: 0.45,
  rank,
});
const region = (pxPerM: number) => ({ bounds: { minX: 0, minY: 0, maxX: 40, maxY: 20 }, pxPerM });
const overlap = (a: PlacedLabel, b: PlacedLabel) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('placeLabels', () => {
  it('when stations are far apart, then each code sits above its marker at the readable font size', () => {
    const placed = placeLabels([station('LINE-1-OUT', 10, 10), station('DOCK-1', 30, 10)], region(17), width);
    expect(placed.map((p) => p.id)).toEqual(['DOCK-1', 'LINE-1-OUT']);
    const line = placed.find((p) => p.id === 'LINE-1-OUT')!;
    expect(line.fontPx).toBe(11);
    // Above the marker: its box ends above the marker's top edge (10 m + 0.45 m up, y down in pixels).
    expect(line.y + line.height).toBeLessThanOrEqual((20 - 10.45) * 17);
    expect(line.x + line.width / 2).toBeCloseTo(10 * 17);
  });

  it('when two codes would collide, then the lower rank keeps its place and the other moves aside', () => {
    const placed = placeLabels(
      [station('B-01-01', 10.5, 10, 2), station('LINE-1-IN', 10, 10.8, 0)],
      region(17),
      width,
    );
    expect(placed).toHaveLength(2);
    const [a, b] = placed;
    expect(a!.id).toBe('LINE-1-IN');
    expect(overlap(a!, b!)).toBe(false);
  });

  it('when stations are packed tighter than their codes, then no two codes overlap and none covers a marker', () => {
    const grid: LabelRequest[] = [];
    for (let x = 2; x < 38; x += 1.5)
      for (let y = 2; y < 18; y += 1.5) grid.push(station(`B-${x}-${y}`, x, y, 2));
    const r = region(17);
    const placed = placeLabels(grid, r, width);
    expect(placed.length).toBeGreaterThan(0);
    expect(placed.length).toBeLessThan(grid.length);
    for (const [i, a] of placed.entries())
      for (const b of placed.slice(i + 1)) expect(overlap(a, b), `${a.id} / ${b.id}`).toBe(false);
    for (const p of placed)
      for (const s of grid) {
        const m = {
          x: s.at.x * 17 - 0.45 * 17,
          y: (20 - s.at.y) * 17 - 0.45 * 17,
          width: 0.9 * 17,
          height: 0.9 * 17,
        };
        expect(overlap(p, { ...m, id: s.id, fontPx: 0 }), `${p.id} over ${s.id}`).toBe(false);
      }
  });

  it('when a code would be cut by the bitmap edge, then it goes to another side; outside the region, nowhere', () => {
    const placed = placeLabels(
      [station('TOP-EDGE-STATION', 20, 19.8), station('OUT', 50, 10)],
      region(17),
      width,
    );
    expect(placed.map((p) => p.id)).toEqual(['TOP-EDGE-STATION']);
    expect(placed[0]!.y).toBeGreaterThan((20 - 19.8) * 17);
  });

  it('when zoomed, then the font follows at half a metre, from 11 px to 15 px', () => {
    expect([labelFontPx(5), labelFontPx(17), labelFontPx(26), labelFontPx(100)]).toEqual([11, 11, 13, 15]);
  });
});

describe('legend', () => {
  it('when the legend lists robot statuses, then it has every status in its map colour', () => {
    expect(STATUS_LEGEND.map((s) => s.status).sort()).toEqual(Object.keys(STATUS_COLOURS).sort());
    for (const s of STATUS_LEGEND) expect(s.colour).toBe(STATUS_COLOURS[s.status]);
  });

  it('when stations are styled by role, then the legend shows each style drawn, lines before bins', () => {
    const roles = [
      'line-output',
      'line-side',
      'storage-bin',
      'dock',
      'charger',
      'park',
      'quarantine',
      'empty-buffer',
    ];
    for (const role of roles) expect(ROLE_LEGEND).toContain(roleStyle(role));
    expect(roleStyle('line-output')).toBe(roleStyle('line-side'));
    expect(roleStyle('charger').shape).toBe('circle');
    expect(roleStyle('line-output').labelRank).toBeLessThan(roleStyle('storage-bin').labelRank);
    expect(roleStyle('something-else').label).toBe('load station');
  });
});
