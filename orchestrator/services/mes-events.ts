import type { z } from 'zod';
import type { FieldError } from '../http/problem.ts';
import type {
  MesEventType,
  containerEmptyData,
  materialRequestedData,
  productionCompletedData,
  qualityHoldData,
} from '../http/schemas.ts';
import type { LocationRef, OrderType, Load } from '../domain/transport-order.ts';
import type { PlantDirectory } from './plant-directory.ts';
import { isValidSscc } from './order-factory.ts';

/** What an MES event becomes (contract, "MES event types"). */
export interface DerivedMove {
  readonly type: OrderType;
  readonly from: LocationRef;
  readonly to: LocationRef;
  readonly load: Load;
  readonly priority: number;
  readonly dueBy?: string;
  readonly externalRefs: Record<string, string>;
}

export type MesEvent =
  | { readonly type: 'production.completed'; readonly data: z.infer<typeof productionCompletedData> }
  | { readonly type: 'material.requested'; readonly data: z.infer<typeof materialRequestedData> }
  | { readonly type: 'quality.hold'; readonly data: z.infer<typeof qualityHoldData> }
  | { readonly type: 'container.empty'; readonly data: z.infer<typeof containerEmptyData> };

/** Default urgency per event: a starving line first, then quality, then putaway, then empties. */
const PRIORITY: Record<MesEventType, number> = {
  'material.requested': 6,
  'quality.hold': 5,
  'production.completed': 4,
  'container.empty': 2,
};

/**
 * Derives the move an MES event asks for, or the 422 field errors that make it unusable
 * (unknown locations, quantity <= 0, bad SSCC check digit). Pointers are relative to the event body.
 */
export function deriveMove(event: MesEvent, plant: PlantDirectory): DerivedMove | FieldError[] {
  const errors: FieldError[] = [];
  const knownLocation = (code: string, pointer: string): void => {
    if (!plant.hasLocation(code)) errors.push({ pointer, detail: `unknown location ${code}` });
  };
  const positive = (quantity: number): void => {
    if (!(quantity > 0)) errors.push({ pointer: '/data/quantity', detail: 'must be greater than 0' });
  };
  const priority = PRIORITY[event.type];
  switch (event.type) {
    case 'production.completed': {
      const d = event.data;
      knownLocation(d.location, '/data/location');
      positive(d.quantity);
      if (d.sscc !== undefined && !isValidSscc(d.sscc))
        errors.push({ pointer: '/data/sscc', detail: 'must be 18 digits with a valid GS1 check digit' });
      if (errors.length) return errors;
      return {
        type: 'fg-putaway',
        from: { location: d.location },
        to: { decidedBy: 'wms' },
        load: {
          handlingUnitId: d.handlingUnitId,
          sku: d.sku,
          quantity: d.quantity,
          uom: d.uom,
          ...(d.sscc ? { sscc: d.sscc } : {}),
        },
        priority,
        externalRefs: { workOrder: d.workOrder },
      };
    }
    case 'material.requested': {
      const d = event.data;
      knownLocation(d.deliverTo, '/data/deliverTo');
      positive(d.quantity);
      if (errors.length) return errors;
      return {
        type: 'line-replenish',
        from: { decidedBy: 'wms' },
        to: { location: d.deliverTo },
        load: { sku: d.sku, quantity: d.quantity, uom: d.uom },
        priority,
        dueBy: d.neededBy,
        externalRefs: d.workOrder ? { workOrder: d.workOrder } : {},
      };
    }
    case 'quality.hold': {
      const d = event.data;
      // Without a location we would need a handling-unit look-up the WMS contract does not offer yet.
      if (d.location === undefined)
        errors.push({
          pointer: '/data/location',
          detail: 'required: Fleetbridge cannot yet look up where a handling unit is',
        });
      else knownLocation(d.location, '/data/location');
      const to = plant.destinationForRole('quarantine');
      if (!to) errors.push({ pointer: '/type', detail: 'the layout has no quarantine station' });
      if (errors.length || d.location === undefined || !to) return errors;
      return {
        type: 'quality-move',
        from: { location: d.location },
        to,
        load: { handlingUnitId: d.handlingUnitId },
        priority,
        externalRefs: { reason: d.reason },
      };
    }
    case 'container.empty': {
      const d = event.data;
      knownLocation(d.location, '/data/location');
      const to = plant.destinationForRole('empty-buffer');
      if (!to) errors.push({ pointer: '/type', detail: 'the layout has no empty-container buffer' });
      if (errors.length || !to) return errors;
      return {
        type: 'empty-return',
        from: { location: d.location },
        to,
        load: {},
        priority,
        externalRefs: { containerType: d.containerType },
      };
    }
  }
}
