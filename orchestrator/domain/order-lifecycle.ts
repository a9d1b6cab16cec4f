import type { OrderStatus, TransportOrder } from './transport-order.ts';

/**
 * The one place that says which status may follow which (README, "An order passes through").
 * `delivered` is the physical move; `confirmed` means the WMS acknowledged it.
 */
const LEGAL: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  received: ['planned', 'failed', 'cancelled'],
  planned: ['assigned', 'failed', 'cancelled', 'on-hold'],
  assigned: ['to-pickup', 'planned', 'failed', 'cancelled', 'on-hold'],
  'to-pickup': ['picking', 'planned', 'failed', 'cancelled', 'on-hold'],
  picking: ['to-dropoff', 'failed', 'cancelled', 'on-hold'],
  'to-dropoff': ['dropping', 'failed', 'cancelled', 'on-hold'],
  dropping: ['delivered', 'failed', 'on-hold'],
  delivered: ['confirmed'],
  confirmed: [],
  failed: [],
  cancelled: [],
  'on-hold': ['planned', 'assigned', 'to-pickup', 'picking', 'to-dropoff', 'dropping', 'failed', 'cancelled'],
};

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['confirmed', 'failed', 'cancelled']);

/** Ended without the move: orders that depend on it fail with it. */
export function endedUnfinished(status: OrderStatus): status is 'failed' | 'cancelled' {
  return status === 'failed' || status === 'cancelled';
}

/** Nothing left to do or change for the fleet: delivered (the move is done) or terminal. */
export function isDone(status: OrderStatus): boolean {
  return status === 'delivered' || TERMINAL_STATUSES.has(status);
}

/** States in which a robot is working on the order. */
export const ACTIVE_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'assigned',
  'to-pickup',
  'picking',
  'to-dropoff',
  'dropping',
]);

export function isLegalTransition(from: OrderStatus, to: OrderStatus): boolean {
  return LEGAL[from].includes(to);
}

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  readonly code = 'illegal-transition';
  constructor(
    readonly orderId: string,
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`order ${orderId}: ${from} -> ${to} is not a legal transition`);
  }
}

export interface TransitionInput {
  readonly to: OrderStatus;
  /** ISO timestamp of the change. */
  readonly at: string;
  /** Who caused it: an API key name, `engine`, `intake`, `notify`. */
  readonly by: string;
  readonly note?: string;
  /** Other fields to set with the change (robot, stations, failure reason ...). */
  readonly patch?: Partial<
    Pick<
      TransportOrder,
      | 'robotId'
      | 'fromStation'
      | 'toStation'
      | 'failureReason'
      | 'failureDetail'
      | 'priority'
      | 'dueBy'
      | 'load'
    >
  >;
}

/**
 * Returns the order after a status change, with timestamp, history entry and version bump.
 * Throws IllegalTransitionError when `to` may not follow the current status.
 */
export function transition(order: TransportOrder, input: TransitionInput): TransportOrder {
  if (!isLegalTransition(order.status, input.to)) {
    throw new IllegalTransitionError(order.id, order.status, input.to);
  }
  const heldFrom = input.to === 'on-hold' ? order.status : undefined;
  const entry = { at: input.at, status: input.to, by: input.by, ...(input.note ? { note: input.note } : {}) };
  // Back in the queue (`planned` again, e.g. taken from a faulted robot): no robot holds it any more.
  const { heldFrom: _previousHold, robotId, ...rest } = order;
  return {
    ...rest,
    ...(robotId !== undefined && input.to !== 'planned' ? { robotId } : {}),
    ...input.patch,
    ...(heldFrom ? { heldFrom } : {}),
    status: input.to,
    timestamps: { ...order.timestamps, [input.to]: input.at },
    history: [...order.history, entry],
    updatedAt: input.at,
    version: order.version + 1,
  };
}
