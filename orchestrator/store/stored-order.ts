import { z } from 'zod';
import {
  FAILURE_REASONS,
  ORDER_STATUSES,
  ORDER_TYPES,
  type TransportOrder,
} from '../domain/transport-order.ts';

const locationRef = z.union([
  z.object({ location: z.string() }),
  z.object({ zone: z.string() }),
  z.object({ decidedBy: z.literal('wms') }),
]);

/** Schema of a transport order as stored (and as the API returns it). Redis is an edge too. */
export const transportOrderSchema = z.object({
  id: z.string(),
  type: z.enum(ORDER_TYPES),
  status: z.enum(ORDER_STATUSES),
  sourceSystem: z.enum(['MES', 'WMS', 'supervisor']),
  createdBy: z.string(),
  from: locationRef,
  to: locationRef,
  fromStation: z.string().optional(),
  toStation: z.string().optional(),
  load: z.object({
    handlingUnitId: z.string().optional(),
    sscc: z.string().optional(),
    sku: z.string().optional(),
    quantity: z.number().optional(),
    uom: z.string().optional(),
    loadType: z.string().optional(),
  }),
  priority: z.number(),
  dueBy: z.string().optional(),
  externalRefs: z.record(z.string(), z.string()),
  intendedRobot: z.string().optional(),
  dependsOn: z.array(z.string()).optional(),
  robotId: z.string().optional(),
  failureReason: z.enum(FAILURE_REASONS).optional(),
  failureDetail: z.string().optional(),
  heldFrom: z.enum(ORDER_STATUSES).optional(),
  correlationId: z.string(),
  traceparent: z.string().optional(),
  timestamps: z.partialRecord(z.enum(ORDER_STATUSES), z.string()),
  history: z.array(
    z.object({ at: z.string(), status: z.enum(ORDER_STATUSES), by: z.string(), note: z.string().optional() }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});

/** Parses an order read from Redis; throws (with the zod issues as cause) on a corrupt record. */
export function parseStoredOrder(raw: string): TransportOrder {
  const parsed = transportOrderSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error('corrupt order record in Redis', { cause: parsed.error });
  return stripUndefined(parsed.data);
}

/** zod leaves optional keys present as `undefined`; exactOptionalPropertyTypes wants them absent. */
function stripUndefined(value: object): TransportOrder {
  return JSON.parse(JSON.stringify(value)) as TransportOrder;
}
