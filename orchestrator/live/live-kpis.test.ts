import { describe, expect, it } from 'vitest';
import { computeKpis, KpiHistory, kpiRobot, TravelTally, HOUR_MS } from './live-kpis.ts';
import { liveRobot } from './live-test-fixtures.ts';

const NOW = Date.parse('2026-01-01T10:00:00.000Z');

describe('computeKpis', () => {
  const robot = (id: string, available: boolean, hasOrder: boolean) => ({ id, available, hasOrder });
  const none = { deliveries: [], open: [], robots: [], travel: { emptyM: 0, loadedM: 0 } };

  it('when orders were delivered in and before the last hour, then only those in it count', () => {
    const kpis = computeKpis({
      ...none,
      nowMs: NOW,
      deliveries: [
        { atMs: NOW - 1000, dueByMs: NOW },
        { atMs: NOW - 2000, dueByMs: NOW - 3000 },
        { atMs: NOW - 3000 },
        { atMs: NOW - HOUR_MS - 1, dueByMs: NOW - HOUR_MS - 10 },
      ],
      robots: [
        robot('r1', true, true),
        robot('r2', true, false),
        robot('r3', true, false),
        robot('r4', true, true),
      ],
      travel: { emptyM: 30, loadedM: 90 },
    });
    expect(kpis).toEqual({
      at: '2026-01-01T10:00:00.000Z',
      tasksPerHour: 3,
      onTimePct: 50,
      overdueOrders: 0,
      openOrders: 0,
      robotsAvailable: 4,
      robotsBusy: 2,
      utilisationPct: 50,
      emptyTravelPct: 25,
    });
  });

  it('when open orders are past their due time, then they count as late and as overdue', () => {
    const kpis = computeKpis({
      ...none,
      nowMs: NOW,
      deliveries: [{ atMs: NOW - 1000, dueByMs: NOW }],
      open: [{ dueByMs: NOW - 1 }, { dueByMs: NOW - 60_000 }, { dueByMs: NOW + 60_000 }, {}],
    });
    // One delivered on time, two open and late already; the one due later and the undated one do not count.
    expect(kpis.onTimePct).toBe(33.3);
    expect(kpis.overdueOrders).toBe(2);
    expect(kpis.openOrders).toBe(4);
  });

  it('when no delivered order had a due time and none open is overdue, then on-time is absent, not 100', () => {
    const kpis = computeKpis({
      ...none,
      nowMs: NOW,
      deliveries: [{ atMs: NOW - 1000 }],
      open: [{ dueByMs: NOW + 1000 }, {}],
    });
    expect(kpis).not.toHaveProperty('onTimePct');
    expect(JSON.parse(JSON.stringify(kpis))).not.toHaveProperty('onTimePct');
  });

  it('when robots are offline, out of service or faulted, then utilisation counts only the available ones', () => {
    const kpis = computeKpis({
      ...none,
      nowMs: NOW,
      robots: [
        robot('r1', true, true),
        robot('r2', true, false),
        robot('off', false, false),
        robot('held', false, true),
      ],
    });
    expect([kpis.robotsAvailable, kpis.robotsBusy, kpis.utilisationPct]).toEqual([2, 1, 50]);
  });

  it('when no robot is available, then utilisation is absent; with nothing driven, empty travel is 0', () => {
    const kpis = computeKpis({ ...none, nowMs: NOW, robots: [robot('off', false, false)] });
    expect(kpis).not.toHaveProperty('utilisationPct');
    expect([kpis.tasksPerHour, kpis.robotsAvailable, kpis.emptyTravelPct]).toEqual([0, 0, 0]);
  });
});

describe('kpiRobot', () => {
  const leg = {
    kind: 'order-leg',
    orderId: 'o1',
    taskId: 't',
    goalNodeId: 'D',
    action: { actionId: 'x', type: 'pick' },
    phase: 'travel',
  } as const;

  it.each([
    ['a connected robot in service', liveRobot('r'), true],
    ['a charging robot', liveRobot('r', { charging: true }), true],
    ['a paused robot', liveRobot('r', { operatorPaused: true }), true],
    [
      'a robot with a warning',
      liveRobot('r', { errors: [{ code: 'w', level: 'warning', message: 'm' }] }),
      true,
    ],
    ['an offline robot', liveRobot('r', { connection: 'offline' }), false],
    ['a robot out of service', liveRobot('r', { outOfService: true }), false],
    ['a faulted robot', liveRobot('r', { errors: [{ code: 'f', level: 'fatal', message: 'm' }] }), false],
  ] as const)('when it is %s, then available is %s', (_what, r, available) => {
    expect(kpiRobot(r).available).toBe(available);
  });

  it('when a robot has an order leg or resyncs one, then it has an order; parking is no order', () => {
    expect(kpiRobot(liveRobot('r', { task: leg })).hasOrder).toBe(true);
    expect(kpiRobot(liveRobot('r', { task: { kind: 'resync', orderId: 'o1' } })).hasOrder).toBe(true);
    expect(kpiRobot(liveRobot('r', { task: { kind: 'park', goalNodeId: 'P' } })).hasOrder).toBe(false);
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
      overdueOrders: 0,
      openOrders: 0,
      robotsAvailable: 0,
      robotsBusy: 0,
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
