import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Layout, Station, StationId } from '../domain/layout.ts';
import type { Load, LocationRef, TransportOrder } from '../domain/transport-order.ts';
import { WmsUnavailableError, type WmsPort } from '../ports/wms.ts';
import type { IntakeJob } from '../queue/queues.ts';
import type { OrderService } from './order-service.ts';

export type Resolution =
  | { readonly kind: 'resolved'; readonly station: StationId; readonly load?: Load }
  | {
      readonly kind: 'failed';
      readonly reason: 'no-space' | 'no-stock' | 'unknown-location';
      readonly detail: string;
    };

export interface IntakeOptions {
  readonly layout: Layout;
  readonly orders: OrderService;
  /** Absent when no WMS is configured: orders that need one fail with a clear detail. */
  readonly wms?: WmsPort;
  /** Hands a planned order to the engine. */
  readonly onPlanned: (order: TransportOrder) => Promise<void>;
  readonly log: Logger;
}

/**
 * The `intake` processor: resolves an order's locations (zones and WMS decisions to stations) and moves it
 * to `planned`. WMS outages throw, so BullMQ retries with backoff and the order stays `received`.
 */
export class IntakeService {
  private readonly stations: ReadonlyMap<StationId, Station>;

  constructor(private readonly options: IntakeOptions) {
    this.stations = new Map(options.layout.stations.map((s) => [s.id, s]));
  }

  readonly process = async (job: Job<IntakeJob>): Promise<void> => {
    const order = await this.options.orders.get(job.data.orderId);
    if (!order) return;
    if (order.status === 'planned') {
      await this.options.onPlanned(order); // planned, but the engine may not have heard of it before a crash
      return;
    }
    if (order.status !== 'received') return;
    const from = await this.resolve(order, order.from, 'source');
    const to = from.kind === 'failed' ? from : await this.resolve(order, order.to, 'destination');
    const failure = from.kind === 'failed' ? from : to.kind === 'failed' ? to : undefined;
    if (failure) {
      await this.options.orders.transition(order.id, {
        to: 'failed',
        by: 'intake',
        note: failure.detail,
        patch: { failureReason: failure.reason, failureDetail: failure.detail },
      });
      return;
    }
    if (from.kind !== 'resolved' || to.kind !== 'resolved') return;
    const load = { ...order.load, ...from.load };
    const planned = await this.options.orders.transition(order.id, {
      to: 'planned',
      by: 'intake',
      patch: { fromStation: from.station, toStation: to.station, load },
    });
    if (planned?.status === 'planned') await this.options.onPlanned(planned);
  };

  private async resolve(
    order: TransportOrder,
    ref: LocationRef,
    end: 'source' | 'destination',
  ): Promise<Resolution> {
    if ('location' in ref) return this.known(ref.location);
    if ('zone' in ref) {
      const inZone = this.options.layout.stations.filter((s) => s.zone === ref.zone);
      // Fleetbridge's own zones (quarantine, empty buffers) it resolves itself; storage zones ask the WMS.
      if (inZone.length > 0 && inZone.every((s) => s.role !== 'storage-bin')) {
        const pick = inZone[hash(order.id) % inZone.length]!;
        return { kind: 'resolved', station: pick.id };
      }
    }
    return this.askWms(order, end);
  }

  private async askWms(order: TransportOrder, end: 'source' | 'destination'): Promise<Resolution> {
    const wms = this.options.wms;
    if (!wms)
      return {
        kind: 'failed',
        reason: 'unknown-location',
        detail: `order ${order.id} needs a WMS decision and no WMS_URL is configured`,
      };
    const { load } = order;
    try {
      if (end === 'destination') {
        const from = 'location' in order.from ? order.from.location : (order.fromStation ?? '');
        const answer = await wms.putawayDecision({
          requestId: `${order.id}.putaway`,
          from,
          ...defined({
            handlingUnitId: load.handlingUnitId,
            sku: load.sku,
            quantity: load.quantity,
            uom: load.uom,
          }),
        });
        if (answer.kind === 'refused')
          return { kind: 'failed', reason: 'no-space', detail: `WMS has no space: ${answer.detail}` };
        if ('location' in answer.value) return this.known(answer.value.location);
        const zone = answer.value.zone;
        const inZone = this.options.layout.stations.find((s) => s.zone === zone);
        return inZone
          ? { kind: 'resolved', station: inZone.id }
          : {
              kind: 'failed',
              reason: 'unknown-location',
              detail: `WMS answered zone ${zone}, which the layout does not have`,
            };
      }
      const deliverTo = 'location' in order.to ? order.to.location : '';
      const answer = await wms.stockPick({
        requestId: `${order.id}.pick`,
        deliverTo,
        ...defined({ sku: load.sku, quantity: load.quantity, uom: load.uom }),
      });
      if (answer.kind === 'refused')
        return { kind: 'failed', reason: 'no-stock', detail: `WMS has no stock: ${answer.detail}` };
      const known = this.known(answer.value.location);
      if (known.kind === 'failed' || answer.value.handlingUnitId === undefined) return known;
      return { ...known, load: { handlingUnitId: answer.value.handlingUnitId } };
    } catch (err) {
      if (err instanceof WmsUnavailableError) {
        this.options.log.warn(
          { orderId: order.id, err: err.message },
          'WMS unavailable; order waits and intake retries',
        );
      }
      throw err;
    }
  }

  private known(location: string): Resolution {
    return this.stations.has(location)
      ? { kind: 'resolved', station: location }
      : { kind: 'failed', reason: 'unknown-location', detail: `location ${location} is not in the layout` };
  }
}

/** Drops undefined fields (exactOptionalPropertyTypes). */
function defined<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i += 1) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}
