import { z } from 'zod';

/**
 * Wire schemas of the WMS simulator: the look-ups Fleetbridge makes (contract, "Look-ups Fleetbridge
 * makes"), the webhooks it sends (contract, "Outbound"), and the fault-injection mode. Everything that
 * arrives over HTTP is `unknown` until one of these accepts it.
 */

const code = z.string().min(1).max(200);

/** A location given as a plant code or as `{ location }` (the webhook shape); both accepted. */
const location = z.union([code, z.looseObject({ location: code }).transform((l) => l.location)]);

export const putawayRequestSchema = z.object({
  requestId: code,
  handlingUnitId: code,
  sku: code,
  /** Quantity in `uom`, > 0. */
  quantity: z.number().positive(),
  uom: code,
  from: location,
});
export type PutawayRequest = z.output<typeof putawayRequestSchema>;

export const pickRequestSchema = z.object({
  requestId: code,
  sku: code,
  quantity: z.number().positive(),
  uom: code,
  deliverTo: location,
});
export type PickRequest = z.output<typeof pickRequestSchema>;

/** Fault injection: `down` answers 503, `flaky` 503 with probability `failRate`, `slow` waits `delayMs`. */
export const wmsModeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('normal') }),
  /** Down; with `forMs`, back to normal by itself after that long (an outage of a given length). */
  z.object({ kind: z.literal('down'), forMs: z.int().min(1).max(86_400_000).optional() }),
  z.object({ kind: z.literal('flaky'), failRate: z.number().min(0).max(1), seed: z.int() }),
  z.object({ kind: z.literal('slow'), delayMs: z.int().min(0).max(600_000) }),
  /** Does the work at once, then holds the answer back: a commit whose acknowledgement is late or lost. */
  z.object({ kind: z.literal('slow-ack'), delayMs: z.int().min(0).max(600_000) }),
]);
export type WmsMode = z.output<typeof wmsModeSchema>;

const place = z.looseObject({ location: code });

const deliveredDataSchema = z.looseObject({
  orderId: code,
  handlingUnitId: code,
  from: place,
  to: place,
  sku: code.optional(),
  quantity: z.number().optional(),
});

/** An empty-return delivery: no handling unit (an empty container), otherwise as strict as a move. */
const emptyReturnSchema = z.looseObject({
  orderId: code,
  orderType: z.literal('empty-return'),
  handlingUnitId: z.unknown().optional(),
  from: place,
  to: place,
});

/** failed/cancelled: every field optional, and a malformed one is dropped rather than rejected. */
const endedDataSchema = z
  .looseObject({
    orderId: code.optional().catch(undefined),
    handlingUnitId: code.optional().catch(undefined),
    from: place.optional().catch(undefined),
    to: place.optional().catch(undefined),
    reason: z.string().optional().catch(undefined),
  })
  .catch({});

const envelopeSchema = z.looseObject({ type: code, data: z.unknown() });

/** A move reference as the ledger sees it; fields are absent when the webhook did not carry them. */
export interface MoveRef {
  readonly orderId?: string;
  readonly handlingUnitId?: string;
  readonly from?: string;
  readonly to?: string;
}

export interface DeliveredMove {
  readonly orderId: string;
  readonly handlingUnitId: string;
  readonly from: string;
  readonly to: string;
  readonly sku?: string;
  readonly quantity?: number;
}

/** A validated Fleetbridge webhook, tagged by `type`; unknown types are kept as `other`. */
export type TransportEvent =
  | { readonly type: 'transport.delivered'; readonly move: DeliveredMove }
  /** An empty container returned to its buffer: a delivery with no handling unit, no stock to book. */
  | { readonly type: 'container-returned'; readonly ref: MoveRef }
  | { readonly type: 'transport.failed'; readonly ref: MoveRef; readonly reason?: string }
  | { readonly type: 'transport.cancelled'; readonly ref: MoveRef; readonly reason?: string }
  | { readonly type: 'other'; readonly name: string; readonly orderId?: string };

/** One failing field, RFC 9457 style: a JSON pointer into the body and what is wrong. */
export interface FieldError {
  readonly pointer: string;
  readonly detail: string;
}

export type ParseResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: FieldError[] };

/** Maps zod issues to field errors, prefixing each pointer with `base` (e.g. `/data`). */
export function fieldErrors(error: z.ZodError, base = ''): FieldError[] {
  return error.issues.map((issue) => ({
    pointer: `${base}/${issue.path.map(String).join('/')}`.replace(/\/$/, '') || '/',
    detail: issue.message,
  }));
}

/** Parses with a schema into a {@link ParseResult}. */
export function parseWith<S extends z.ZodType>(schema: S, raw: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(raw);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: fieldErrors(result.error) };
}

function strip<T extends Record<string, unknown>>(obj: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/**
 * Validates a webhook body (already JSON-parsed). Only `transport.delivered` is strict: it needs
 * `data.orderId`, `data.handlingUnitId`, `data.from.location` and `data.to.location`; an empty-return
 * (`data.orderType`) carries no handling unit.
 */
export function parseTransportEvent(raw: unknown): ParseResult<TransportEvent> {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) return { ok: false, errors: fieldErrors(envelope.error) };
  const { type, data } = envelope.data;
  switch (type) {
    case 'transport.delivered': {
      const empty = emptyReturnSchema.safeParse(data);
      if (empty.success && empty.data.handlingUnitId === undefined)
        return {
          ok: true,
          value: {
            type: 'container-returned',
            ref: { orderId: empty.data.orderId, from: empty.data.from.location, to: empty.data.to.location },
          },
        };
      const parsed = deliveredDataSchema.safeParse(data);
      if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error, '/data') };
      const d = parsed.data;
      const move: DeliveredMove = {
        orderId: d.orderId,
        handlingUnitId: d.handlingUnitId,
        from: d.from.location,
        to: d.to.location,
        ...strip({ sku: d.sku, quantity: d.quantity }),
      };
      return { ok: true, value: { type, move } };
    }
    case 'transport.failed':
    case 'transport.cancelled': {
      const d = endedDataSchema.parse(data);
      const ref: MoveRef = strip({
        orderId: d.orderId,
        handlingUnitId: d.handlingUnitId,
        from: d.from?.location,
        to: d.to?.location,
      });
      return { ok: true, value: { type, ref, ...strip({ reason: d.reason }) } };
    }
    default: {
      const orderId = endedDataSchema.parse(data).orderId;
      return { ok: true, value: { type: 'other', name: type, ...strip({ orderId }) } };
    }
  }
}
