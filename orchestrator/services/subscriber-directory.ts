import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { SourceSystem, TransportOrder } from '../domain/transport-order.ts';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../domain/webhook-events.ts';

const WHSEC = /^whsec_[A-Za-z0-9+/=]{16,}$/;
/** How long the list of stored subscribers is reused, ms. */
const CACHE_MS = 1000;

/** A webhook subscription as given (API body, `WEBHOOK_SUBSCRIBERS` entry). */
export const subscriptionInput = z.strictObject({
  url: z
    .url()
    .max(2000)
    .refine((u) => /^https?:\/\//.test(u), 'must be http or https'),
  /** One secret, or two during rotation (both sign every delivery). */
  secrets: z.array(z.string().regex(WHSEC, 'must be whsec_<base64>')).min(1).max(2),
  /** `transport.*` or exact event names. */
  events: z
    .array(z.union([z.literal('transport.*'), z.enum(WEBHOOK_EVENTS)]))
    .min(1)
    .max(WEBHOOK_EVENTS.length + 1),
  /** Only orders that came from these systems; all when absent. */
  sourceSystems: z
    .array(z.enum(['MES', 'WMS']))
    .min(1)
    .optional(),
});
export type SubscriptionInput = z.infer<typeof subscriptionInput>;

export interface Subscriber {
  readonly id: string;
  readonly url: string;
  readonly secrets: readonly string[];
  readonly events: ReadonlySet<WebhookEvent>;
  readonly sourceSystems?: ReadonlySet<SourceSystem>;
  /** A 2xx from this subscriber for `transport.delivered` confirms the move (the WMS). */
  readonly confirmsDelivery: boolean;
  /** Given at start-up (config) or through the admin API; only the latter can be deleted. */
  readonly origin: 'config' | 'api';
  /** Set when the subscriber answered 410 Gone: nothing more is sent to it. */
  readonly disabled?: { readonly at: string; readonly reason: string };
}

interface StoredSubscription extends SubscriptionInput {
  readonly id: string;
  readonly createdAt: string;
  readonly disabled?: { readonly at: string; readonly reason: string };
}

export function subscriberFrom(
  id: string,
  input: SubscriptionInput,
  origin: Subscriber['origin'],
  confirmsDelivery = false,
): Subscriber {
  const events = new Set<WebhookEvent>(
    input.events.flatMap((e) => (e === 'transport.*' ? WEBHOOK_EVENTS : [e])),
  );
  return {
    id,
    url: input.url,
    secrets: input.secrets,
    events,
    ...(input.sourceSystems ? { sourceSystems: new Set(input.sourceSystems) } : {}),
    confirmsDelivery,
    origin,
  };
}

/** Whether `subscriber` is sent `event` for `order`. */
export function wants(subscriber: Subscriber, order: TransportOrder, event: WebhookEvent): boolean {
  return (
    subscriber.disabled === undefined &&
    subscriber.events.has(event) &&
    (subscriber.sourceSystems === undefined || subscriber.sourceSystems.has(order.sourceSystem))
  );
}

/** What the API shows of a subscriber: never its secrets, only their last four characters. */
export function publicSubscriber(s: Subscriber): Record<string, unknown> {
  return {
    id: s.id,
    url: s.url,
    events: [...s.events],
    ...(s.sourceSystems ? { sourceSystems: [...s.sourceSystems] } : {}),
    secretHints: s.secrets.map((secret) => `whsec_...${secret.slice(-4)}`),
    origin: s.origin,
    confirmsDelivery: s.confirmsDelivery,
    ...(s.disabled ? { disabled: s.disabled } : {}),
  };
}

/**
 * The webhook subscribers: those given by config (the WMS, `WEBHOOK_SUBSCRIBERS`) and those added through
 * the admin API, kept in one Redis hash so every instance and every restart sees the same list. The
 * secrets are stored as given: they are needed to sign.
 */
export class SubscriberDirectory {
  /** Config subscribers that answered 410 in this process (config is re-read at start-up). */
  private readonly fixedDisabled = new Map<string, { at: string; reason: string }>();

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly fixed: readonly Subscriber[],
  ) {}

  /**
   * Every subscriber. Asked on every order transition, so the stored ones are read at most once per
   * CACHE_MS; a change made through another instance shows here within that time, one made here at once.
   */
  async all(nowMs = Date.now()): Promise<Subscriber[]> {
    if (!this.cache || nowMs - this.cache.atMs > CACHE_MS) {
      const stored = Object.values(await this.redis.hgetall(this.key)).map((json) =>
        this.fromStored(JSON.parse(json) as StoredSubscription),
      );
      this.cache = { atMs: nowMs, stored };
    }
    return [...this.fixed.map((s) => this.withFixedState(s)), ...this.cache.stored];
  }

  private cache: { atMs: number; stored: Subscriber[] } | undefined;

  async get(id: string): Promise<Subscriber | undefined> {
    const fixed = this.fixed.find((s) => s.id === id);
    if (fixed) return this.withFixedState(fixed);
    const json = await this.redis.hget(this.key, id);
    return json === null ? undefined : this.fromStored(JSON.parse(json) as StoredSubscription);
  }

  async add(input: SubscriptionInput, nowIso: string): Promise<Subscriber> {
    const stored: StoredSubscription = { ...input, id: `sub_${randomUUID()}`, createdAt: nowIso };
    await this.redis.hset(this.key, stored.id, JSON.stringify(stored));
    this.cache = undefined;
    return this.fromStored(stored);
  }

  /** Deletes an API subscriber; config ones stay (they come back at the next start anyway). */
  async remove(id: string): Promise<'removed' | 'not-found' | 'config'> {
    if (this.fixed.some((s) => s.id === id)) return 'config';
    const removed = (await this.redis.hdel(this.key, id)) === 1;
    this.cache = undefined;
    return removed ? 'removed' : 'not-found';
  }

  /** Stops all sending to a subscriber (it answered 410 Gone). */
  async disable(id: string, reason: string, nowIso: string): Promise<void> {
    this.cache = undefined;
    const disabled = { at: nowIso, reason };
    if (this.fixed.some((s) => s.id === id)) {
      this.fixedDisabled.set(id, disabled);
      return;
    }
    const json = await this.redis.hget(this.key, id);
    if (json === null) return;
    const stored = JSON.parse(json) as StoredSubscription;
    await this.redis.hset(this.key, id, JSON.stringify({ ...stored, disabled }));
    this.cache = undefined;
  }

  private withFixedState(s: Subscriber): Subscriber {
    const disabled = this.fixedDisabled.get(s.id);
    return disabled ? { ...s, disabled } : s;
  }

  private fromStored(stored: StoredSubscription): Subscriber {
    const { id, createdAt: _c, disabled, ...input } = stored;
    return { ...subscriberFrom(id, input, 'api'), ...(disabled ? { disabled } : {}) };
  }
}
