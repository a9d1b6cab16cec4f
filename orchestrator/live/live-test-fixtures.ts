/**
 * Fixtures for the live feed's unit tests: a healthy robot as the engine holds it, and a stored
 * transport order, each with test defaults and a patch on top.
 */
import type { TransportOrder } from '../domain/transport-order.ts';
import type { LiveRoutes } from './live-routes.ts';
import type { LiveRobotSource } from './live-view.ts';

/** When the fixtures' orders were made (a minute before), and the tests' "now". */
export const NOW = Date.parse('2026-01-01T10:00:00.000Z');

export function liveRobot(id: string, patch: Partial<LiveRobotSource> = {}): LiveRobotSource {
  return {
    spec: {
      id,
      vehicleType: 'amr',
      adapter: 'sim',
      homeNode: 'H',
      maxSpeedMps: 1,
      loadTypes: [],
      maxPayloadKg: 100,
    },
    nodeId: 'A',
    pose: { x: 1, y: 2, thetaRad: 0 },
    batteryPct: 80,
    charging: false,
    driving: false,
    paused: false,
    operatorPaused: false,
    outOfService: false,
    loads: [],
    mode: 'automatic',
    errors: [],
    connection: 'online',
    reported: true,
    ...patch,
  };
}

/** A planned order P -> D, without stations unless patched. */
export function storedOrder(id: string, patch: Partial<TransportOrder> = {}): TransportOrder {
  return {
    id,
    type: 'custom',
    status: 'planned',
    sourceSystem: 'WMS',
    createdBy: 'wms:1',
    from: { location: 'P' },
    to: { location: 'D' },
    load: {},
    priority: 5,
    externalRefs: {},
    correlationId: 'c',
    timestamps: {},
    history: [],
    createdAt: new Date(NOW - 60_000).toISOString(),
    updatedAt: new Date(NOW - 60_000).toISOString(),
    version: 1,
    ...patch,
  };
}

/** A line A - B - C - D; station P at node B, station D at node D; 10 s per hop. */
export const lineRoutes: LiveRoutes = {
  path: (_type, from, goal) => {
    const line = ['A', 'B', 'C', 'D'];
    const i = line.indexOf(from);
    const j = line.indexOf(goal);
    if (i < 0 || j < 0) return undefined;
    return i <= j ? line.slice(i + 1, j + 1) : line.slice(j, i).reverse();
  },
  seconds: (_type, from, goal) => {
    const line = ['A', 'B', 'C', 'D'];
    const i = line.indexOf(from);
    const j = line.indexOf(goal);
    return i < 0 || j < 0 ? Infinity : Math.abs(i - j) * 10;
  },
  stationNode: (station) => ({ P: 'B', D: 'D' })[station],
};
