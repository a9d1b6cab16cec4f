import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { LedgerState } from './ledger.ts';

/**
 * Where the WMS simulator keeps its book between runs, as a real WMS keeps its database: a restarted demo
 * resumes the ledger and inventory that match the orders Fleetbridge resumes, instead of booking them as
 * discrepancies. Saved after every change, before the answer goes out.
 */
export interface WmsStateStore {
  /** The saved state, or undefined when none (or none this version can read) is there. */
  load(): Promise<LedgerState | undefined>;
  save(state: LedgerState): Promise<void>;
}

const VERSION = 1;

/** The outline of a saved state: containers and ids are checked; the records are the simulator's own. */
const savedState = z.object({
  version: z.literal(VERSION),
  state: z.object({
    expectations: z.array(z.looseObject({ id: z.string(), bin: z.string(), status: z.string() })),
    putaways: z.array(z.tuple([z.string(), z.looseObject({ fingerprint: z.string() })])),
    picks: z.array(z.tuple([z.string(), z.looseObject({ fingerprint: z.string() })])),
    seenWebhookIds: z.array(z.string()),
    moves: z.array(z.looseObject({ webhookId: z.string() })),
    discrepancies: z.array(z.looseObject({ reason: z.string() })),
    notifications: z.array(z.looseObject({ webhookId: z.string() })),
    redeliveries: z.number().int().nonnegative(),
    inventory: z.object({
      stock: z.array(z.looseObject({ handlingUnitId: z.string(), location: z.string() })),
      reservations: z.array(z.tuple([z.string(), z.string()])),
    }),
  }),
});

/** The state as one JSON value under `key`. */
export class RedisWmsStateStore implements WmsStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async load(): Promise<LedgerState | undefined> {
    const raw = await this.redis.get(this.key);
    if (raw === null) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return undefined;
    }
    const parsed = savedState.safeParse(json);
    // The outline holds; the records inside were written by `save` from a LedgerState.
    return parsed.success ? (parsed.data.state as unknown as LedgerState) : undefined;
  }

  async save(state: LedgerState): Promise<void> {
    await this.redis.set(this.key, JSON.stringify({ version: VERSION, state }));
  }
}
