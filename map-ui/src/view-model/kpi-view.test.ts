import { describe, expect, it } from 'vitest';
import type { LiveKpis } from '../../../orchestrator/http/live-contract.ts';
import { backlog, isOpenOrder, kpiTiles } from './kpi-view.ts';

const NOW = Date.parse('2026-01-01T10:00:00Z');

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

describe('backlog', () => {
  it('when orders are open, delivered or closed, then only open ones count, and those past due as overdue', () => {
    const orders = [
      { status: 'planned', dueBy: '2026-01-01T09:59:00Z' },
      { status: 'to-dropoff', dueBy: '2026-01-01T10:05:00Z' },
      { status: 'on-hold' },
      { status: 'delivered', dueBy: '2026-01-01T09:00:00Z' },
      { status: 'confirmed' },
      { status: 'failed', dueBy: '2026-01-01T09:00:00Z' },
      { status: 'cancelled' },
    ];
    expect(backlog(orders, NOW)).toEqual({ open: 3, overdue: 1 });
    expect(isOpenOrder({ status: 'received' })).toBe(true);
    expect(isOpenOrder({ status: 'delivered' })).toBe(false);
  });
});

describe('kpiTiles', () => {
  it('when no order had a due time, then on time reads unknown, not 100 %', () => {
    const tiles = kpiTiles([sample()], { open: 5, overdue: 0 });
    expect(tile(tiles, 'onTimePct')).toMatchObject({ value: '—', detail: 'no due times', tone: 'normal' });
  });

  it('when every available robot is busy, then utilisation says so with the counts', () => {
    const tiles = kpiTiles([sample({ utilisationPct: 100 })], { open: 5, overdue: 0 });
    expect(tile(tiles, 'utilisationPct')).toMatchObject({ value: '100%', detail: '7 of 7 busy' });
    expect(tile(tiles, 'emptyTravelPct').value).toBe('41.3%');
  });

  it('when open orders are overdue, then the backlog and on time are drawn as bad', () => {
    const tiles = kpiTiles([sample({ onTimePct: 62.5, overdueOrders: 3 })], { open: 52, overdue: 4 });
    expect(tile(tiles, 'openOrders')).toMatchObject({ value: '52', detail: '4 overdue', tone: 'bad' });
    expect(tile(tiles, 'onTimePct')).toMatchObject({ value: '62.5%', detail: '3 overdue', tone: 'bad' });
  });

  it('when some samples lack a value, then the sparkline leaves them out; with no sample, values are unknown', () => {
    const tiles = kpiTiles([sample({ onTimePct: 80 }), sample(), sample({ onTimePct: 90 })], {
      open: 0,
      overdue: 0,
    });
    expect(tile(tiles, 'onTimePct').series).toEqual([80, 90]);
    expect(tile(tiles, 'openOrders').series).toEqual([5, 5, 5]);
    const empty = kpiTiles([], { open: 2, overdue: 0 });
    expect(empty.map((t) => t.value)).toEqual(['2', '—', '—', '—', '—']);
  });
});
