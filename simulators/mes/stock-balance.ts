import type { MesEventKind } from './mes-events.ts';

/**
 * The plant's material balance as the MES sees it: how many pallets of each SKU are in storage (from
 * the ERP at start, then what it reported produced and requested). Finished goods and line supply are
 * drawn so that storage neither fills up nor runs dry: a putaway when storage holds fewer pallets than
 * the target, a material request when it holds more, and within each the SKU that is shortest (putaway)
 * or most plentiful (request). Quality holds and empty containers do not touch storage.
 */
export interface StockBalanceOptions {
  /** Pallets per SKU in storage now. SKUs missing here count 0. */
  readonly bySku: Readonly<Record<string, number>>;
  /** Pallets in storage to hold, e.g. the number stocked at the start. */
  readonly target: number;
  /** The SKUs the plant makes and uses, in tie-break order. */
  readonly skus: readonly string[];
}

export interface BalancedChoice {
  readonly kind: MesEventKind;
  /** The SKU to produce or request; undefined for kinds that carry none. */
  readonly sku?: string;
}

export class StockBalance {
  readonly #stock = new Map<string, number>();
  readonly #target: number;

  constructor(options: StockBalanceOptions) {
    if (options.skus.length === 0) throw new RangeError('at least one sku is required');
    for (const sku of options.skus) this.#stock.set(sku, options.bySku[sku] ?? 0);
    this.#target = options.target;
  }

  get total(): number {
    let n = 0;
    for (const count of this.#stock.values()) n += count;
    return n;
  }

  stockOf(sku: string): number {
    return this.#stock.get(sku) ?? 0;
  }

  /** The kind to post instead of `drawn` (putaway and supply are swapped to keep the balance), and its SKU. */
  choose(drawn: MesEventKind): BalancedChoice {
    if (drawn !== 'production.completed' && drawn !== 'material.requested') return { kind: drawn };
    const total = this.total;
    const kind =
      total < this.#target ? 'production.completed' : total > this.#target ? 'material.requested' : drawn;
    const entries = [...this.#stock.entries()];
    const pick = entries.reduce((best, entry) =>
      kind === 'production.completed'
        ? entry[1] < best[1]
          ? entry
          : best
        : entry[1] > best[1]
          ? entry
          : best,
    );
    return { kind, sku: pick[0] };
  }

  /** Books an event Fleetbridge accepted. */
  accepted(kind: MesEventKind, sku: string | undefined): void {
    if (sku === undefined) return;
    const count = this.#stock.get(sku) ?? 0;
    if (kind === 'production.completed') this.#stock.set(sku, count + 1);
    else if (kind === 'material.requested') this.#stock.set(sku, Math.max(0, count - 1));
  }
}
