import { describe, expect, it } from 'vitest';
import type { LiveRobot, LiveSnapshot } from '../../../orchestrator/http/live-contract.ts';
import { FleetModel, KPI_HISTORY } from './fleet-model.ts';
import { parseLiveMessage } from './live-guards.ts';

function robot(id: string, over: Partial<LiveRobot> = {}): LiveRobot {
  return {
    id,
    vehicleType: 'amr',
    status: 'idle',
    batteryPct: 80,
    loads: [],
    releasedNodeIds: [],
    plannedNodeIds: [],
    outOfService: false,
    errors: [],
    ...over,
  };
}

function snapshot(seq: number, robots: LiveRobot[]): LiveSnapshot {
  return {
    type: 'snapshot',
    seq,
    layoutVersion: 'v1',
    robots,
    orders: [],
    alarms: [],
    kpis: [],
    blocked: { edges: [], nodes: [] },
  };
}

const kpi = (i: number) => ({
  at: `2026-01-01T00:${String(i % 60).padStart(2, '0')}:00Z`,
  tasksPerHour: i,
  onTimePct: 100,
  overdueOrders: 0,
  openOrders: 3,
  robotsAvailable: 4,
  robotsBusy: 2,
  utilisationPct: 50,
  emptyTravelPct: 30,
});

describe('FleetModel', () => {
  it('when a snapshot arrives, then it replaces everything and asks for a full redraw', () => {
    const m = new FleetModel();
    m.apply(snapshot(1, [robot('A'), robot('B')]));
    m.drainChanges();
    m.apply(snapshot(7, [robot('C')]));
    expect([...m.robots.keys()]).toEqual(['C']);
    expect(m.seq).toBe(7);
    expect(m.drainChanges().full).toBe(true);
  });

  it('when a delta upserts and removes, then robots change and the ids are reported once', () => {
    const m = new FleetModel();
    m.apply(snapshot(1, [robot('A'), robot('B')]));
    m.drainChanges();
    const out = m.apply({
      type: 'delta',
      seq: 2,
      robots: { upsert: [robot('A', { status: 'moving' })], remove: ['B'] },
    });
    expect(out).toEqual({ kind: 'applied' });
    expect(m.robots.get('A')?.status).toBe('moving');
    expect(m.robots.has('B')).toBe(false);
    expect(m.drainChanges()).toEqual({ full: false, ids: ['A', 'B'] });
    expect(m.drainChanges().ids).toEqual([]);
    expect(m.unknownRobotUpserts).toBe(0);
  });

  it('when a delta names a robot never seen, then it is added and counted', () => {
    const m = new FleetModel();
    m.apply(snapshot(1, []));
    m.apply({ type: 'delta', seq: 2, robots: { upsert: [robot('NEW')], remove: [] } });
    expect(m.robots.has('NEW')).toBe(true);
    expect(m.unknownRobotUpserts).toBe(1);
  });

  it('when a seq is skipped, then resync is needed and nothing is applied', () => {
    const m = new FleetModel();
    m.apply(snapshot(1, [robot('A')]));
    const out = m.apply({ type: 'delta', seq: 3, robots: { upsert: [robot('Z')], remove: [] } });
    expect(out).toEqual({ kind: 'resync-needed', expectedSeq: 2, gotSeq: 3 });
    expect(m.robots.has('Z')).toBe(false);
    expect(m.seq).toBe(1);
  });

  it('when a delta comes before any snapshot, then resync is needed', () => {
    const m = new FleetModel();
    expect(m.apply({ type: 'delta', seq: 1 }).kind).toBe('resync-needed');
  });

  it('when after a reset the next message is a delta, then resync is needed', () => {
    const m = new FleetModel();
    m.apply(snapshot(1, []));
    m.resetSequence();
    expect(m.apply({ type: 'delta', seq: 2 }).kind).toBe('resync-needed');
  });

  it('when the layout changes, then the outcome says so with the version', () => {
    const m = new FleetModel();
    m.apply(snapshot(4, []));
    expect(m.apply({ type: 'layout-changed', seq: 5, layoutVersion: 'v2' })).toEqual({
      kind: 'layout-changed',
      layoutVersion: 'v2',
    });
    expect(m.apply({ type: 'delta', seq: 6 }).kind).toBe('applied');
  });

  it('when kpis, alarms, orders and blocks arrive, then they are kept, KPI history bounded', () => {
    const m = new FleetModel();
    m.apply(snapshot(0, []));
    for (let i = 1; i <= KPI_HISTORY + 5; i++) {
      m.apply({
        type: 'delta',
        seq: i,
        kpis: kpi(i),
        blocked: { edges: ['E1'], nodes: [] },
        alarms: {
          upsert: [{ id: 1, at: 'x', code: 'c', severity: 'info', message: 'm', acknowledged: i > 3 }],
        },
        orders: {
          upsert: [
            {
              id: `O${i}`,
              type: 'custom',
              status: 'received',
              priority: 3,
              fromStation: 'a',
              toStation: 'b',
              load: {},
              externalRefs: {},
              latenessS: 0,
            },
          ],
          remove: [`O${i - 1}`],
        },
      });
    }
    expect(m.kpis).toHaveLength(KPI_HISTORY);
    expect(m.kpis.at(-1)?.tasksPerHour).toBe(KPI_HISTORY + 5);
    expect(m.blocked.edges).toEqual(['E1']);
    expect(m.alarms.get(1)?.acknowledged).toBe(true);
    expect([...m.orders.keys()]).toEqual([`O${KPI_HISTORY + 5}`]);
  });
});

describe('parseLiveMessage', () => {
  it('when a well-formed snapshot is parsed, then it is accepted', () => {
    const raw: unknown = JSON.parse(
      JSON.stringify(snapshot(1, [robot('A', { pose: { x: 1, y: 2, thetaRad: 0 } })])),
    );
    expect(parseLiveMessage(raw).ok).toBe(true);
  });

  it('when a robot has an unknown status or a pose without numbers, then the message is refused', () => {
    const bad1 = { ...snapshot(1, []), robots: [{ ...robot('A'), status: 'dancing' }] };
    const bad2 = {
      type: 'delta',
      seq: 2,
      robots: { upsert: [{ ...robot('A'), pose: { x: '1', y: 2, thetaRad: 0 } }], remove: [] },
    };
    expect(parseLiveMessage(bad1).ok).toBe(false);
    expect(parseLiveMessage(bad2).ok).toBe(false);
  });

  it('when an order comes without its load or references, then the message is refused', () => {
    const full = {
      id: 'O1',
      type: 'custom',
      status: 'planned',
      priority: 5,
      fromStation: 'A',
      toStation: 'B',
      load: { sku: 'SKU-1', quantity: 2 },
      externalRefs: { warehouseTask: 'WT-1' },
      latenessS: 0,
    };
    const { load: _l, ...noLoad } = full;
    const { externalRefs: _r, ...noRefs } = full;
    const with_ = (o: object) => ({ ...snapshot(1, []), orders: [o] });
    expect(parseLiveMessage(with_(full)).ok).toBe(true);
    expect(parseLiveMessage(with_(noLoad)).ok).toBe(false);
    expect(parseLiveMessage(with_(noRefs)).ok).toBe(false);
  });

  it('when the type is unknown or seq missing, then it is refused with a reason', () => {
    expect(parseLiveMessage({ type: 'hello', seq: 1 })).toEqual({
      ok: false,
      reason: 'unknown message type "hello"',
    });
    expect(parseLiveMessage({ type: 'delta' }).ok).toBe(false);
    expect(parseLiveMessage(null).ok).toBe(false);
  });
});
