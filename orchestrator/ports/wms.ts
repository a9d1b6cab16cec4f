/** The WMS look-ups Fleetbridge makes (contract, "Look-ups Fleetbridge makes"). */

export interface PutawayRequest {
  readonly requestId: string;
  readonly handlingUnitId?: string;
  readonly sku?: string;
  readonly quantity?: number;
  readonly uom?: string;
  readonly from: string;
}

export interface StockPickRequest {
  readonly requestId: string;
  readonly sku?: string;
  readonly quantity?: number;
  readonly uom?: string;
  readonly deliverTo: string;
}

export type WmsAnswer<T> =
  | { readonly kind: 'ok'; readonly value: T }
  /** The WMS said no (409): no space, no stock. Final. */
  | { readonly kind: 'refused'; readonly detail: string };

/**
 * Throws WmsUnavailableError on timeouts, 5xx and refused connections: the caller retries later and the
 * order keeps waiting (never fails for an outage).
 */
export interface WmsPort {
  putawayDecision(request: PutawayRequest): Promise<WmsAnswer<{ location: string } | { zone: string }>>;
  stockPick(request: StockPickRequest): Promise<WmsAnswer<{ location: string; handlingUnitId?: string }>>;
}

export class WmsUnavailableError extends Error {
  override readonly name = 'WmsUnavailableError';
  readonly code = 'wms-unavailable';
}
