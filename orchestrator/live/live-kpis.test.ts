import { describe, expect, it } from 'vitest';
import { computeKpis, KpiHistory, TravelTally, HOUR_MS } from './live-kpis.ts';

const NOW = Date.parse('2026-01-01T10:00:00.000Z');

describe('computeKpis', () => {
  it('when orders were delivered in and before the last hour, then only those in it count', () => {
    const kpis = computeKpis({
      nowMs: NOW,
      deliveries: [
        { atMs: NOW - 1000, dueByMs: NOW },
        { atMs: NOW - 2000, dueByMs: NOW - 3000 },
        { atMs: NOW - 3000 },
        { atMs: NOW - HOUR_MS - 1, dueByMs: NOW - HOUR_MS - 10 },
      ],
      robots: [
        { id: 'r1', hasOrder: true },
        { id: 'r2', hasOrder: false },
        { id: 'r3', hasOrder: false },
        { id: 'r4', hasOrder: true },
      ],
      travel: { emptyM: 30, loadedM: 90 },
    });
    expect(kpis).toEqual({
      at: '2026-01-01T10:00:00.000Z',
      tasksPerHour: 3,
      onTimePct: 50,
      utilisationPct: 50,
      emptyTravelPct: 25,
    });
  });

  it('when nothing was delivered or driven, then on-time is 100 and the rest 0', () => {
    const kpis = computeKpis({ nowMs: NOW, deliveries: [], robots: [], travel: { emptyM: 0, loadedM: 0 } });
    expect([kpis.tasksPerHour, kpis.onTimePct, kpis.utilisationPct, kpis.emptyTravelPct]).toEqual([
      0, 100, 0, 0,
    ]);
  });
});

describe('TravelTally', () => {
  it('when robots drive with and without loads, then the distance lands in the right bucket', () => {
    const tally = new TravelTally();
    tally.observe(
      [
        { id: 'a', pose: { x: 0, y: 0, thetaRad: 0 }, loaded: false },
        { id: 'b', pose: { x: 0, y: 0, thetaRad: 0 }, loaded: true },
      ],
      NOW,
    );
    tally.observe(
      [
        { id: 'a', pose: { x: 3, y: 4, thetaRad: 0 }, loaded: false },
        { id: 'b', pose: { x: 1, y: 0, thetaRad: 0 }, loaded: true },
      ],
      NOW + 100,
    );
    expect(tally.totals(NOW + 100)).toEqual({ emptyM: 5, loadedM: 1 });
  });

  it('when a robot drops its load between two samples, then that step counts as loaded', () => {
    const tally = new TravelTally();
    tally.observe([{ id: 'a', pose: { x: 0, y: 0, thetaRad: 0 }, loaded: true }], NOW);
    tally.observe([{ id: 'a', pose: { x: 2, y: 0, thetaRad: 0 }, loaded: false }], NOW + 100);
    expect(tally.totals(NOW + 100)).toEqual({ emptyM: 0, loadedM: 2 });
  });

  it('when a robot jumps further than a step or has no pose, then that stretch is not counted', () => {
    const tally = new TravelTally(5);
    tally.observe([{ id: 'a', pose: { x: 0, y: 0, thetaRad: 0 }, loaded: false }], NOW);
    tally.observe([{ id: 'a', pose: { x: 100, y: 0, thetaRad: 0 }, loaded: false }], NOW + 100);
    tally.observe([{ id: 'a', loaded: false }], NOW + 200);
    tally.observe([{ id: 'a', pose: { x: 0, y: 0, thetaRad: 0 }, loaded: false }], NOW + 300);
    expect(tally.totals(NOW + 300)).toEqual({ emptyM: 0, loadedM: 0 });
  });

  it('when an hour has gone by, then older distance no longer counts', () => {
    const tally = new TravelTally();
    tally.observe([{ id: 'a', pose: { x: 0, y: 0, thetaRad: 0 }, loaded: false }], NOW);
    tally.observe([{ id: 'a', pose: { x: 2, y: 0, thetaRad: 0 }, loaded: false }], NOW + 100);
    expect(tally.totals(NOW + 100).emptyM).toBe(2);
    tally.observe([{ id: 'a', pose: { x: 2, y: 0, thetaRad: 0 }, loaded: false }], NOW + HOUR_MS);
    expect(tally.totals(NOW + HOUR_MS).emptyM).toBe(0);
  });
});

describe('KpiHistory', () => {
  it('when samples are offered, then one is due per period and only the last ones are kept', () => {
    const history = new KpiHistory(60_000, 2);
    const sample = (n: number) => ({
      at: String(n),
      tasksPerHour: n,
      onTimePct: 100,
      utilisationPct: 0,
      emptyTravelPct: 0,
    });
    expect(history.due(NOW)).toBe(true);
    history.add(sample(1), NOW);
    expect(history.due(NOW + 59_999)).toBe(false);
    expect(history.due(NOW + 60_000)).toBe(true);
    history.add(sample(2), NOW + 60_000);
    history.add(sample(3), NOW + 120_000);
    expect(history.samples().map((s) => s.tasksPerHour)).toEqual([2, 3]);
  });
});
