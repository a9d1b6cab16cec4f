import { z } from 'zod';
import { ORDER_STATUSES, ORDER_TYPES } from '../domain/transport-order.ts';
import { ROLES } from '../config.ts';

/**
 * Request schemas (the MES/WMS contract: README, `GET /docs`). Shape and types only: a mismatch is
 * 400. Meaning (known locations, quantity > 0, SSCC check digit) is checked after, and is 422.
 */

const text = (max = 200) => z.string().min(1).max(max);
const isoDateTime = z.iso.datetime({ offset: true });

/**
 * A request whose handling unit or SSCC is on an open order (not yet delivered) is refused with 409,
 * unless it says it is a deliberate re-move: then the new order takes the handling unit over.
 */
const deliberateReMove = () =>
  z
    .boolean()
    .optional()
    .describe(
      'true: move the handling unit again although it is on an open order (that order is not changed); otherwise such a request is 409 handling-unit-on-open-order',
    );

export const MES_EVENT_TYPES = [
  'production.completed',
  'material.requested',
  'quality.hold',
  'container.empty',
] as const;
export type MesEventType = (typeof MES_EVENT_TYPES)[number];

export const mesEventEnvelope = z.object({
  eventId: text(),
  type: z.string().min(1).max(100),
  occurredAt: isoDateTime,
  data: z.record(z.string(), z.unknown()),
  deliberateReMove: deliberateReMove(),
});

export const productionCompletedData = z.object({
  workOrder: text(),
  sku: text(),
  quantity: z.number(),
  uom: text(20),
  handlingUnitId: text(),
  sscc: z.string().max(18).optional(),
  location: text(),
});

export const materialRequestedData = z.object({
  workOrder: text().optional(),
  sku: text(),
  quantity: z.number(),
  uom: text(20),
  deliverTo: text(),
  neededBy: isoDateTime,
});

export const qualityHoldData = z.object({
  handlingUnitId: text(),
  location: text().optional(),
  reason: text(500),
});

export const containerEmptyData = z.object({
  location: text(),
  containerType: text(),
});

export const MES_DATA_SCHEMAS = {
  'production.completed': productionCompletedData,
  'material.requested': materialRequestedData,
  'quality.hold': qualityHoldData,
  'container.empty': containerEmptyData,
} as const satisfies Record<MesEventType, z.ZodType>;

const locationRef = z.union([z.strictObject({ location: text() }), z.strictObject({ zone: text() })]);

export const transportRequestBody = z.object({
  requestId: text().optional(),
  type: z.enum(ORDER_TYPES),
  from: locationRef,
  to: locationRef,
  load: z
    .object({
      handlingUnitId: text().optional(),
      sscc: z.string().max(18).optional(),
      sku: text().optional(),
      quantity: z.number().optional(),
      uom: text(20).optional(),
      loadType: text(50).optional(),
    })
    .default({}),
  priority: z.number().int().min(0).max(10).default(3),
  dueBy: isoDateTime.optional(),
  externalRefs: z.record(z.string().max(100), z.string().max(500)).default({}),
  intendedRobot: text().optional(),
  /** Fleetbridge ids of orders that must be delivered first. */
  dependsOn: z
    .array(text())
    .max(20)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an order')
    .optional(),
  deliberateReMove: deliberateReMove(),
});
export type TransportRequestBody = z.infer<typeof transportRequestBody>;

/** `PUT /v1/layout/{edges|nodes}/{id}/blocked`. */
export const blockBody = z.strictObject({ blocked: z.boolean() });

export const cancelBody = z.strictObject({ mode: z.enum(['normal', 'force']).default('normal') });

export const amendBody = z
  .strictObject({ priority: z.number().int().min(0).max(10).optional(), dueBy: isoDateTime.optional() })
  .refine((b) => b.priority !== undefined || b.dueBy !== undefined, 'give priority or dueBy');

export const orderListQuery = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  since: isoDateTime.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .regex(/^\d+:[\w.-]+$/, 'must be a cursor from links.next')
    .optional(),
});

/** `POST /v1/keys`: a key for a role, and who or what it is for (shown in listings and the audit trail). */
export const newKeyBody = z.strictObject({
  role: z.enum(ROLES),
  name: z.string().min(1).max(100),
});
