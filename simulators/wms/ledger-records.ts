import type { InventorySummary } from './inventory.ts';
import type { DeliveredMove } from './wms-wire.ts';

/** The records a ledger keeps and answers with (see `ledger.ts`). */

export type ExpectationKind = 'putaway' | 'pick';
export type ExpectationStatus = 'open' | 'fulfilled' | 'released';

export interface Expectation {
  /** The look-up's `requestId`. */
  readonly id: string;
  readonly kind: ExpectationKind;
  readonly handlingUnitId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly from: string;
  readonly to: string;
  /** The bin this expectation reserves: the putaway destination or the pick source. */
  readonly bin: string;
  readonly status: ExpectationStatus;
  /** ISO timestamps. */
  readonly createdAt: string;
  readonly closedAt?: string;
  /** The webhook-id that fulfilled or released it. */
  readonly closedBy?: string;
}

export type DiscrepancyReason =
  'unexpected' | 'duplicate' | 'hu-not-at-source' | 'destination-mismatch' | 'destination-occupied';

export interface Discrepancy {
  readonly reason: DiscrepancyReason;
  readonly detail: string;
  readonly webhookId: string;
  readonly orderId: string;
  readonly handlingUnitId: string;
  readonly from: string;
  readonly to: string;
  readonly at: string;
}

export interface LedgerMove extends DeliveredMove {
  readonly webhookId: string;
  readonly expectationId?: string;
  readonly at: string;
}

/** A non-delivered webhook, kept as received. */
export interface LedgerNotification {
  readonly webhookId: string;
  readonly type: string;
  readonly orderId?: string;
  /** The expectation a failed/cancelled webhook released. */
  readonly releasedExpectationId?: string;
  readonly at: string;
}

export type PutawayDecision =
  | { readonly kind: 'location'; readonly location: string }
  | { readonly kind: 'no-space' }
  | { readonly kind: 'request-id-reused' };

export type PickDecision =
  | { readonly kind: 'pick'; readonly location: string; readonly handlingUnitId: string }
  | { readonly kind: 'no-stock' }
  | { readonly kind: 'request-id-reused' };

export type WebhookOutcome =
  | { readonly kind: 'redelivery' }
  | { readonly kind: 'moved'; readonly discrepancies: readonly Discrepancy[] }
  | { readonly kind: 'duplicate'; readonly discrepancy: Discrepancy }
  | { readonly kind: 'recorded' };

export interface LedgerSnapshot {
  readonly moves: readonly LedgerMove[];
  readonly discrepancies: readonly Discrepancy[];
  /** Webhooks received again under an already-seen webhook-id. */
  readonly redeliveries: number;
  readonly expectationsOpen: number;
  readonly expectations: readonly Expectation[];
  readonly notifications: readonly LedgerNotification[];
  readonly inventory: InventorySummary;
}
