import type { StationId } from './layout.ts';
import type { RobotId } from './robot.ts';

export type OrderId = string;

export const ORDER_STATUSES = [
  'received',
  'planned',
  'assigned',
  'to-pickup',
  'picking',
  'to-dropoff',
  'dropping',
  'delivered',
  'confirmed',
  'failed',
  'cancelled',
  'on-hold',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_TYPES = [
  'fg-putaway',
  'line-replenish',
  'quality-move',
  'empty-return',
  'custom',
] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export type SourceSystem = 'MES' | 'WMS' | 'supervisor';

/**
 * A requested end of a move: a plant location code; a zone (resolved to a location in it by the WMS,
 * or by Fleetbridge for its own zones such as quarantine); or a location the WMS decides (putaway
 * decision for a destination, stock pick for a source).
 */
export type LocationRef =
  { readonly location: string } | { readonly zone: string } | { readonly decidedBy: 'wms' };

export interface Load {
  readonly handlingUnitId?: string;
  /** 18-digit GS1 SSCC, check digit verified at the edge. */
  readonly sscc?: string;
  readonly sku?: string;
  readonly quantity?: number;
  readonly uom?: string;
  readonly loadType?: string;
}

/** A handling unit or SSCC an order moves, by the load field that names it. */
export interface HandlingUnitRef {
  readonly field: 'handlingUnitId' | 'sscc';
  readonly value: string;
}

/** The handling units a load names: its handling unit id and its SSCC. */
export function handlingUnitsOf(load: Load): HandlingUnitRef[] {
  return [
    ...(load.handlingUnitId === undefined
      ? []
      : [{ field: 'handlingUnitId' as const, value: load.handlingUnitId }]),
    ...(load.sscc === undefined ? [] : [{ field: 'sscc' as const, value: load.sscc }]),
  ];
}

/** Why an order failed; stable codes published in the contract. */
export const FAILURE_REASONS = [
  'no-space',
  'no-stock',
  'unknown-location',
  'unreachable',
  'no-capable-robot',
  'robot-fault',
  'action-failed',
  'wms-rejected',
  'dependency-failed',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** One entry of an order's history: who changed what, when. */
export interface OrderHistoryEntry {
  readonly at: string;
  readonly status: OrderStatus;
  readonly by: string;
  readonly note?: string;
}

export interface TransportOrder {
  readonly id: OrderId;
  readonly type: OrderType;
  readonly status: OrderStatus;
  readonly sourceSystem: SourceSystem;
  /** The API key name (or system) that created it. */
  readonly createdBy: string;
  readonly from: LocationRef;
  readonly to: LocationRef;
  /** Stations resolved by intake (zones through the WMS). */
  readonly fromStation?: StationId;
  readonly toStation?: StationId;
  readonly load: Load;
  /** Higher is more urgent. */
  readonly priority: number;
  /** ISO 8601. */
  readonly dueBy?: string;
  /** The caller's references (work order, warehouse task, ...), carried unchanged into every webhook. */
  readonly externalRefs: Readonly<Record<string, string>>;
  readonly intendedRobot?: RobotId;
  /** Orders that must be delivered before this one is dispatched (it fails if one of them does). */
  readonly dependsOn?: readonly OrderId[];
  readonly robotId?: RobotId;
  readonly failureReason?: FailureReason;
  readonly failureDetail?: string;
  /** Status the order held before `on-hold`. */
  readonly heldFrom?: OrderStatus;
  readonly correlationId: string;
  readonly traceparent?: string;
  /** ISO timestamp of entering each status (the last time, if entered more than once). */
  readonly timestamps: Readonly<Partial<Record<OrderStatus, string>>>;
  readonly history: readonly OrderHistoryEntry[];
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Incremented by every write; the store uses it for compare-and-set. */
  readonly version: number;
}
