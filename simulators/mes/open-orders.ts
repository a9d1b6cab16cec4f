/**
 * The orders an MES is still waiting for: those it made whose load is not yet delivered. A real MES
 * follows its transport requests; the simulator asks Fleetbridge (`GET /v1/transport-orders/{id}`) so
 * that it can hold back new events while the plant's transport is saturated.
 */

/** Statuses after which an order no longer occupies the fleet. */
const DONE = new Set(['delivered', 'confirmed', 'failed', 'cancelled']);

export interface OpenOrdersOptions {
  /** Fleetbridge base URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly fetch: typeof fetch;
  /** Per-request timeout, in milliseconds. */
  readonly timeoutMs: number;
}

export class OpenOrders {
  readonly #ids = new Set<string>();

  constructor(private readonly options: OpenOrdersOptions) {}

  get count(): number {
    return this.#ids.size;
  }

  add(orderId: string): void {
    this.#ids.add(orderId);
  }

  /**
   * Seeds the set with the open orders Fleetbridge already holds for this MES (after a restart of the
   * simulator): the newest 500 it may see. Returns those still `received` (the WMS has not been asked
   * yet), with their type and SKU. Network errors leave the set as it is.
   */
  async seed(): Promise<{ readonly type: string; readonly sku?: string }[]> {
    const page = await this.#get('/v1/transport-orders?limit=500');
    const items = isObject(page) && Array.isArray(page.items) ? (page.items as unknown[]) : [];
    const undecided: { type: string; sku?: string }[] = [];
    for (const item of items) {
      if (!isObject(item) || typeof item.id !== 'string' || typeof item.status !== 'string') continue;
      if (DONE.has(item.status)) continue;
      this.#ids.add(item.id);
      if (item.status === 'received' && typeof item.type === 'string') {
        const sku = isObject(item.load) && typeof item.load.sku === 'string' ? item.load.sku : undefined;
        undecided.push({ type: item.type, ...(sku === undefined ? {} : { sku }) });
      }
    }
    return undecided;
  }

  /** Asks for each open order's status and forgets those that are done (or unknown: 404). */
  async refresh(): Promise<void> {
    await Promise.all(
      [...this.#ids].map(async (id) => {
        const order = await this.#get(`/v1/transport-orders/${encodeURIComponent(id)}`);
        if (
          order === 'not-found' ||
          (isObject(order) && typeof order.status === 'string' && DONE.has(order.status))
        )
          this.#ids.delete(id);
      }),
    );
  }

  /** The parsed body of a GET, `not-found` on 404, undefined on any other failure. */
  async #get(path: string): Promise<unknown> {
    try {
      const res = await this.options.fetch(`${this.options.baseUrl}${path}`, {
        headers: { authorization: `Bearer ${this.options.apiKey}` },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (res.status === 404) return 'not-found';
      if (!res.ok) return undefined;
      return (await res.json()) as unknown;
    } catch {
      return undefined;
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
