import { makeSscc } from './gs1.ts';
import { createPrng } from './mulberry32.ts';

/**
 * MES plant events as the MES/WMS contract defines them (contract, "MES event types"), and a
 * deterministic factory: for a given seed and run id, the n-th event is always the same (apart from
 * `occurredAt`/`neededBy`, which follow the injected clock).
 */

export type MesEventKind = 'production.completed' | 'material.requested' | 'quality.hold' | 'container.empty';

/** A production line: where finished goods come out and where material is delivered to. */
export interface MesLine {
  /** Line output location code, e.g. `LINE-3-OUT`. */
  readonly output: string;
  /** Line-side (supply) location code, e.g. `LINE-3-IN`. */
  readonly lineSide: string;
}

/** Relative weights of each event kind; weights are >= 0 and at least one is > 0. */
export interface MesEventMix {
  readonly productionCompleted: number;
  readonly materialRequested: number;
  /** A pallet that failed the end-of-line check goes to quarantine. Default 0. */
  readonly qualityHold?: number;
  /** An emptied container at a line's supply point goes back to the empty buffer. Default 0. */
  readonly containerEmpty?: number;
}

/** The mix the demo runs: mostly putaways and supply, some quality holds and empties. */
export const DEMO_MIX: MesEventMix = {
  productionCompleted: 4,
  materialRequested: 4,
  qualityHold: 1,
  containerEmpty: 1,
};

export interface ProductionCompletedEvent {
  readonly eventId: string;
  readonly type: 'production.completed';
  /** ISO 8601. */
  readonly occurredAt: string;
  readonly data: {
    readonly workOrder: string;
    readonly sku: string;
    /** In `uom`. */
    readonly quantity: number;
    readonly uom: 'EA';
    readonly handlingUnitId: string;
    /** 18 digits with a GS1 mod-10 check digit. */
    readonly sscc: string;
    /** The line output location. */
    readonly location: string;
  };
}

export interface MaterialRequestedEvent {
  readonly eventId: string;
  readonly type: 'material.requested';
  readonly occurredAt: string;
  readonly data: {
    readonly workOrder: string;
    readonly sku: string;
    readonly quantity: number;
    readonly uom: 'EA';
    /** The line-side location. */
    readonly deliverTo: string;
    /** ISO 8601, `neededByLeadMs` after `occurredAt`. */
    readonly neededBy: string;
  };
}

export interface QualityHoldEvent {
  readonly eventId: string;
  readonly type: 'quality.hold';
  readonly occurredAt: string;
  readonly data: {
    readonly handlingUnitId: string;
    /** The line output where the held pallet stands. */
    readonly location: string;
    readonly reason: string;
  };
}

export interface ContainerEmptyEvent {
  readonly eventId: string;
  readonly type: 'container.empty';
  readonly occurredAt: string;
  readonly data: {
    /** The line-side location the empty container stands at. */
    readonly location: string;
    readonly containerType: string;
  };
}

export type MesEvent =
  ProductionCompletedEvent | MaterialRequestedEvent | QualityHoldEvent | ContainerEmptyEvent;

export interface MesEventFactoryOptions {
  readonly lines: readonly MesLine[];
  readonly skus: readonly string[];
  readonly seed: number;
  /** Makes event and HU ids unique across runs; e.g. a start time in base 36. */
  readonly runId: string;
  /** Default: the system clock. */
  readonly now?: () => Date;
  /** How far ahead `neededBy` is, in milliseconds. Default 10 minutes. */
  readonly neededByLeadMs?: number;
  /** GS1 company prefix for SSCCs. Default `0614141` (the GS1 example prefix). */
  readonly companyPrefix?: string;
}

export interface MesEventFactory {
  /** Draws the next kind from the mix (consumes one PRNG draw). */
  nextKind(mix: MesEventMix): MesEventKind;
  /**
   * Builds the next event of `kind`, with a fresh sequence number; `sku` replaces the drawn SKU (the
   * draw is made all the same, so the sequence of other fields does not change).
   */
  next(kind: MesEventKind, overrides?: { readonly sku?: string }): MesEvent;
}

const PRODUCTION_QUANTITIES = [24, 36, 48, 60] as const;
const REQUEST_QUANTITIES = [12, 24, 48] as const;
const HOLD_REASONS = ['end-of-line check failed', 'label unreadable', 'damaged wrap'] as const;
const CONTAINER_TYPES = ['EURO-PALLET', 'KLT-6428'] as const;

/** FNV-1a, 32-bit: a stable hash that does not consume PRNG draws. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash;
}

/** @throws {RangeError} when lines or skus are empty. */
export function createMesEventFactory(options: MesEventFactoryOptions): MesEventFactory {
  if (options.lines.length === 0) throw new RangeError('at least one line is required');
  if (options.skus.length === 0) throw new RangeError('at least one sku is required');
  const prng = createPrng(options.seed);
  const now = options.now ?? (() => new Date());
  const leadMs = options.neededByLeadMs ?? 10 * 60_000;
  const companyPrefix = options.companyPrefix ?? '0614141';
  const serialModulus = 10 ** (16 - companyPrefix.length);
  // Serials are consecutive within a run (unique) and start at a run-dependent offset (apart across runs).
  const serialBase = fnv1a(options.runId) % serialModulus;
  let sequence = 0;

  return {
    nextKind(mix) {
      const weights: [MesEventKind, number][] = [
        ['production.completed', mix.productionCompleted],
        ['material.requested', mix.materialRequested],
        ['quality.hold', mix.qualityHold ?? 0],
        ['container.empty', mix.containerEmpty ?? 0],
      ];
      let draw = prng.next() * weights.reduce((sum, [, w]) => sum + w, 0);
      for (const [kind, weight] of weights) {
        if (draw < weight) return kind;
        draw -= weight;
      }
      return weights.findLast(([, w]) => w > 0)![0];
    },
    next(kind, overrides) {
      sequence += 1;
      const seq = String(sequence).padStart(6, '0');
      const eventId = `mes-${options.runId}-${seq}`;
      const at = now();
      const line = prng.pick(options.lines);
      const drawnSku = prng.pick(options.skus);
      const sku = overrides?.sku ?? drawnSku;
      const workOrder = `WO-${prng.int(100_000, 999_999)}`;
      switch (kind) {
        case 'production.completed':
          return {
            eventId,
            type: kind,
            occurredAt: at.toISOString(),
            data: {
              workOrder,
              sku,
              quantity: prng.pick(PRODUCTION_QUANTITIES),
              uom: 'EA',
              handlingUnitId: `HU-${options.runId}-${seq}`,
              sscc: makeSscc({
                extensionDigit: 0,
                companyPrefix,
                serialReference: (serialBase + sequence) % serialModulus,
              }),
              location: line.output,
            },
          };
        case 'material.requested':
          return {
            eventId,
            type: kind,
            occurredAt: at.toISOString(),
            data: {
              workOrder,
              sku,
              quantity: prng.pick(REQUEST_QUANTITIES),
              uom: 'EA',
              deliverTo: line.lineSide,
              neededBy: new Date(at.getTime() + leadMs).toISOString(),
            },
          };
        case 'quality.hold':
          return {
            eventId,
            type: kind,
            occurredAt: at.toISOString(),
            data: {
              handlingUnitId: `HU-${options.runId}-${seq}`,
              location: line.output,
              reason: prng.pick(HOLD_REASONS),
            },
          };
        case 'container.empty':
          return {
            eventId,
            type: kind,
            occurredAt: at.toISOString(),
            data: { location: line.lineSide, containerType: prng.pick(CONTAINER_TYPES) },
          };
      }
    },
  };
}
