/**
 * Fixtures for the live feed's unit tests: a healthy robot as the engine holds it, and a stored
 * transport order, each with test defaults and a patch on top.
 */
import type { TransportOrder } from '../domain/transport-order.ts';
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
