import { describe, expect, it } from 'vitest';
import type { LiveKpis } from '../../../orchestrator/http/live-contract.ts';
import { isOpenOrder, kpiTiles } from './kpi-view.ts';

const sample = (patch: Partial<LiveKpis> = {}): LiveKpis => ({
  at: '2026-01-01T10:00:00Z',
  tasksPerHour: 12,
  overdueOrders: 0,
  openOrders: 5,
  robotsAvailable: 7,
  robotsBusy: 7,
  emptyTravelPct: 41.26,
  ...patch,
});

const tile = (tiles: ReturnType<typeof kpiTiles>, key: string) => tiles.find((t) => t.key === key)!;

describe('kpiTiles', () => {
  it('when orders are open, delivered or closed, then only accepted, undelivered ones are open', () => {
    for (const status of ['received', 'planned', 'to-pickup', 'dropping', 'on-hold'])
      expect(isOpenOrder({ status }), status).toBe(true);
    for (const status of ['delivered', 'confirmed', 'failed', 'cancelled'])
      expect(isOpenOrder({ status }), status).toBe(false);
  });

  it('when no order had a due time, then on time reads unknown, not 100 %', () => {
    const tiles = kpiTiles([sample()]);
    expect(tile(tiles, 'onTimePct')).toMatchObject({ value: '—', detail: 'no due times', tone: 'normal' });
  });

  it('when every available robot is busy, then utilisation says so with the counts', () => {
    const tiles = kpiTiles([sample({ utilisationPct: 100 })]);
    expect(tile(tiles, 'utilisationPct')).toMatchObject({ value: '100%', detail: '7 of 7 busy' });
    expect(tile(tiles, 'emptyTravelPct').value).toBe('41.3%');
  });

  it('when open orders are overdue, then the backlog and on time are drawn as bad', () => {
    const tiles = kpiTiles([sample({ onTimePct: 62.5, overdueOrders: 3, openOrders: 52 })]);
    expect(tile(tiles, 'openOrders')).toMatchObject({ value: '52', detail: '3 overdue', tone: 'bad' });
    expect(tile(tiles, 'onTimePct')).toMatchObject({ value: '62.5%', detail: '3 overdue', tone: 'bad' });
  });

  it('when some samples lack a value, then the sparkline leaves them out; with no sample, values are unknown', () => {
    const tiles = kpiTiles([sample({ onTimePct: 80 }), sample(), sample({ onTimePct: 90 })]);
    expect(tile(tiles, 'onTimePct').series).toEqual([80, 90]);
    expect(tile(tiles, 'openOrders').series).toEqual([5, 5, 5]);
    const empty = kpiTiles([]);
    expect(empty.map((t) => t.value)).toEqual(['—', '—', '—', '—', '—']);
  });
});
