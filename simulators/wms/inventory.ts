/**
 * The WMS simulator's stock: where each handling unit (HU) is, and which storage bins are reserved by an
 * open expectation. A bin holds at most one HU in a real rack; the model tolerates more (the ledger flags
 * it) so that it can always follow what the fleet reports physically happened.
 */

export interface StockItem {
  readonly handlingUnitId: string;
  readonly sku: string;
  /** Quantity in the item's unit of measure. */
  readonly quantity: number;
}

export interface InitialStock extends StockItem {
  /** A storage bin code from the configured bins. */
  readonly bin: string;
}

export interface StockPosition extends StockItem {
  readonly location: string;
}

export interface InventoryOptions {
  /** Storage bin codes, in the order the WMS fills them. */
  readonly bins: readonly string[];
  readonly initialStock?: readonly InitialStock[];
  /** Quarantine locations: never chosen for putaway or picks; HUs there are blocked stock. */
  readonly quarantine?: readonly string[];
  /**
   * Where locations are (metres, any frame), from the WMS's bin master data. When the location a request
   * names (putaway source, pick destination) and the bins have positions, the nearest bin is chosen
   * (proximity strategy); otherwise, and between equally near bins, the configured order decides.
   */
  readonly positions?: ReadonlyMap<string, Position>;
}

export interface Position {
  readonly x: number;
  readonly y: number;
}

export interface InventorySummary {
  readonly bins: number;
  readonly occupiedBins: number;
  readonly reservedBins: number;
  readonly freeBins: number;
  readonly quarantine: readonly string[];
  /** Every known HU, sorted by location then HU id. */
  readonly stock: readonly StockPosition[];
}

/** What an inventory holds, as plain data (persisted by the simulator, see `wms-state.ts`). */
export interface InventoryState {
  readonly stock: readonly StockPosition[];
  /** [bin, expectation id] pairs. */
  readonly reservations: readonly (readonly [string, string])[];
}

export class Inventory {
  readonly #bins: readonly string[];
  readonly #binSet: ReadonlySet<string>;
  readonly #quarantine: ReadonlySet<string>;
  readonly #positions: ReadonlyMap<string, Position>;
  readonly #stock = new Map<string, StockPosition>();
  /** bin -> id of the expectation holding it. */
  readonly #reservations = new Map<string, string>();

  /** @throws {RangeError} on duplicate bins, stock in an unknown bin, or a duplicate HU id. */
  constructor(options: InventoryOptions) {
    this.#bins = [...options.bins];
    this.#binSet = new Set(options.bins);
    if (this.#binSet.size !== this.#bins.length) throw new RangeError('bins contain duplicates');
    this.#quarantine = new Set(options.quarantine ?? []);
    this.#positions = options.positions ?? new Map();
    for (const item of options.initialStock ?? []) {
      if (!this.#binSet.has(item.bin)) throw new RangeError(`initial stock in unknown bin ${item.bin}`);
      if (this.#stock.has(item.handlingUnitId)) {
        throw new RangeError(`duplicate handling unit ${item.handlingUnitId}`);
      }
      const { bin, ...rest } = item;
      this.#stock.set(item.handlingUnitId, { ...rest, location: bin });
    }
  }

  isBin(location: string): boolean {
    return this.#binSet.has(location);
  }

  isQuarantine(location: string): boolean {
    return this.#quarantine.has(location);
  }

  /** Where an HU is, or undefined when the WMS does not know it. */
  locate(handlingUnitId: string): StockPosition | undefined {
    return this.#stock.get(handlingUnitId);
  }

  /** HUs at a location. */
  at(location: string): StockPosition[] {
    return [...this.#stock.values()].filter((p) => p.location === location);
  }

  /** Puts an HU at `location`, creating it when unknown and moving it otherwise. */
  place(item: StockItem, location: string): void {
    this.#stock.set(item.handlingUnitId, { ...item, location });
  }

  /**
   * The bin nearest to `near` (or the first in configured order) holding no HU, not reserved and not
   * quarantine, or undefined.
   */
  findFreeBin(near?: string): string | undefined {
    const occupied = new Set([...this.#stock.values()].map((p) => p.location));
    return this.#byProximity(near).find(
      (bin) => !occupied.has(bin) && !this.#reservations.has(bin) && !this.#quarantine.has(bin),
    );
  }

  /**
   * The HU of `sku` in the bin nearest to `near` (or the first in configured bin order) that is not
   * reserved, or undefined. The whole HU is picked; the requested quantity is not split.
   */
  findPickable(sku: string, near?: string): StockPosition | undefined {
    for (const bin of this.#byProximity(near)) {
      if (this.#reservations.has(bin) || this.#quarantine.has(bin)) continue;
      const hit = this.at(bin).find((p) => p.sku === sku);
      if (hit) return hit;
    }
    return undefined;
  }

  /** The bins, nearest to `near` first when positions are known; else in configured order. */
  #byProximity(near: string | undefined): readonly string[] {
    const from = near === undefined ? undefined : this.#positions.get(near);
    if (!from) return this.#bins;
    const distance = (bin: string): number => {
      const at = this.#positions.get(bin);
      return at ? Math.hypot(at.x - from.x, at.y - from.y) : Infinity;
    };
    // Array.prototype.sort is stable: equally near bins keep the configured order.
    return [...this.#bins].sort((a, b) => distance(a) - distance(b));
  }

  /** Reserves a bin for an expectation; a second reservation of the same bin replaces the first. */
  reserve(bin: string, expectationId: string): void {
    this.#reservations.set(bin, expectationId);
  }

  /** Releases a bin if (and only if) `expectationId` holds it. */
  release(bin: string, expectationId: string): void {
    if (this.#reservations.get(bin) === expectationId) this.#reservations.delete(bin);
  }

  state(): InventoryState {
    return { stock: [...this.#stock.values()], reservations: [...this.#reservations.entries()] };
  }

  /** Replaces stock and reservations with a saved state (bins, quarantine and positions stay configured). */
  restore(state: InventoryState): void {
    this.#stock.clear();
    for (const position of state.stock) this.#stock.set(position.handlingUnitId, position);
    this.#reservations.clear();
    for (const [bin, id] of state.reservations) this.#reservations.set(bin, id);
  }

  summary(): InventorySummary {
    const stock = [...this.#stock.values()].sort(
      (a, b) => a.location.localeCompare(b.location) || a.handlingUnitId.localeCompare(b.handlingUnitId),
    );
    const occupied = new Set(stock.map((p) => p.location).filter((l) => this.#binSet.has(l)));
    const reservedFree = [...this.#reservations.keys()].filter((b) => !occupied.has(b)).length;
    return {
      bins: this.#bins.length,
      occupiedBins: occupied.size,
      reservedBins: this.#reservations.size,
      freeBins: this.#bins.length - occupied.size - reservedFree,
      quarantine: [...this.#quarantine],
      stock,
    };
  }
}
