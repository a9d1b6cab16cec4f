import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { pino } from 'pino';
import type { Logger } from 'pino';
import {
  createMesEventFactory,
  type MesEvent,
  type MesEventKind,
  type MesEventMix,
  type MesLine,
} from './mes-events.ts';
import { OpenOrders } from './open-orders.ts';
import { StockBalance } from './stock-balance.ts';

/**
 * An MES simulator: posts plant events to Fleetbridge's `POST /v1/mes/events` (contract, "Inbound") at
 * a steady rate, as a real MES would: bearer key, `Idempotency-Key` = `eventId`, and retries of the
 * same event (same id, same body) on network errors, 5xx and 429.
 */

export interface MesRetryOptions {
  /** Total attempts per event, including the first. Default 4. */
  readonly maxAttempts?: number;
  /** Backoff before retry n is `baseDelayMs * 2^(n-1)`, capped by `maxDelayMs`. Default 250. */
  readonly baseDelayMs?: number;
  /** Default 5000; also caps a `Retry-After`. */
  readonly maxDelayMs?: number;
}

export interface MesSimulatorOptions {
  /** Fleetbridge base URL, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Events per minute, > 0. */
  readonly ratePerMinute: number;
  readonly lines: readonly MesLine[];
  readonly skus: readonly string[];
  readonly seed: number;
  /** Default 1:1. */
  readonly mix?: MesEventMix;
  /** Default: silent. */
  readonly log?: Logger;
  /** Part of every event and HU id. Default: start time in base 36 plus 4 random hex digits. */
  readonly runId?: string;
  /** Default: the system clock. */
  readonly now?: () => Date;
  /** Default: global fetch. */
  readonly fetch?: typeof fetch;
  readonly retry?: MesRetryOptions;
  /** Per-attempt timeout, in milliseconds. Default 5000. */
  readonly requestTimeoutMs?: number;
  /**
   * Pacing, as a real plant paces itself: while this many of its orders are not yet delivered, a timer
   * tick posts nothing (the lines wait for transport). Default: no limit.
   */
  readonly maxOpenOrders?: number;
  /** The storage balance to keep (see `stock-balance.ts`); default: kinds and SKUs as drawn. */
  readonly stock?: { readonly bySku: Readonly<Record<string, number>>; readonly target: number };
}

export interface MesSimulatorStats {
  /** Events posted (each counted once, however many attempts). */
  readonly sent: number;
  /** Answered 2xx. */
  readonly accepted: number;
  /** Answered 4xx other than 429: not retried. */
  readonly rejected: number;
  /** Gave up after network errors, 5xx or 429 on every attempt, or stopped while waiting to retry. */
  readonly errors: number;
  /** Attempts beyond the first. */
  readonly retries: number;
  /** Timer ticks that posted nothing because `maxOpenOrders` of its orders were open. */
  readonly held: number;
  /** Its orders not yet delivered, at the last count (0 without `maxOpenOrders`). */
  readonly open: number;
}

export type PostResult =
  | {
      readonly outcome: 'accepted';
      readonly event: MesEvent;
      readonly status: number;
      readonly attempts: number;
      readonly body: unknown;
    }
  | {
      readonly outcome: 'rejected';
      readonly event: MesEvent;
      readonly status: number;
      readonly attempts: number;
      readonly body: unknown;
    }
  | {
      readonly outcome: 'error';
      readonly event: MesEvent;
      readonly attempts: number;
      readonly error: string;
    };

export interface MesSimulator {
  readonly runId: string;
  /** Time between two timer posts, in milliseconds (60000 / ratePerMinute). */
  readonly intervalMs: number;
  /** Starts the (unref'd) timer; a no-op when running. */
  start(): void;
  /** Stops the timer, cancels pending retry waits, and resolves when in-flight posts have settled. */
  stop(): Promise<void>;
  stats(): MesSimulatorStats;
  /** Builds and posts one event of `kind` now, retrying as configured. Never rejects. */
  postOnce(kind: MesEventKind): Promise<PostResult>;
}

type Attempt =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly body: unknown;
      readonly retryAfterS?: number;
    }
  | { readonly kind: 'network'; readonly error: string };

/** @throws {RangeError} on a non-positive rate, an empty mix, no lines or no SKUs. */
export function createMesSimulator(options: MesSimulatorOptions): MesSimulator {
  if (!(options.ratePerMinute > 0) || !Number.isFinite(options.ratePerMinute)) {
    throw new RangeError('ratePerMinute must be a positive number');
  }
  const mix = options.mix ?? { productionCompleted: 1, materialRequested: 1 };
  const weights = [
    mix.productionCompleted,
    mix.materialRequested,
    mix.qualityHold ?? 0,
    mix.containerEmpty ?? 0,
  ];
  if (weights.some((w) => !(w >= 0)) || weights.reduce((a, b) => a + b, 0) <= 0) {
    throw new RangeError('mix weights must be >= 0 with a positive sum');
  }
  const log = options.log ?? pino({ level: 'silent' });
  const runId = options.runId ?? `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const factory = createMesEventFactory({
    lines: options.lines,
    skus: options.skus,
    seed: options.seed,
    runId,
    ...(options.now ? { now: options.now } : {}),
  });
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/v1/mes/events`;
  const doFetch = options.fetch ?? fetch;
  const maxAttempts = options.retry?.maxAttempts ?? 4;
  const baseDelayMs = options.retry?.baseDelayMs ?? 250;
  const maxDelayMs = options.retry?.maxDelayMs ?? 5000;
  const timeoutMs = options.requestTimeoutMs ?? 5000;
  const intervalMs = 60_000 / options.ratePerMinute;

  const counts = { sent: 0, accepted: 0, rejected: 0, errors: 0, retries: 0, held: 0 };
  const maxOpen = options.maxOpenOrders ?? 0;
  const open =
    maxOpen > 0
      ? new OpenOrders({
          baseUrl: endpoint.replace(/\/v1\/mes\/events$/, ''),
          apiKey: options.apiKey,
          fetch: doFetch,
          timeoutMs,
        })
      : undefined;
  const balance = options.stock ? new StockBalance({ ...options.stock, skus: options.skus }) : undefined;
  let seeded: Promise<void> | undefined;
  let ticking = false;
  const inFlight = new Set<Promise<PostResult>>();
  let timer: NodeJS.Timeout | undefined;
  let stopping = new AbortController();

  async function attempt(event: MesEvent, body: string): Promise<Attempt> {
    try {
      const res = await doFetch(endpoint, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          'content-type': 'application/json',
          'idempotency-key': event.eventId,
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      const retryAfter = Number(res.headers.get('retry-after'));
      return {
        kind: 'answer',
        status: res.status,
        body: parsed,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterS: retryAfter } : {}),
      };
    } catch (err) {
      return { kind: 'network', error: describe(err) };
    }
  }

  async function post(event: MesEvent): Promise<PostResult> {
    const body = JSON.stringify(event);
    const signal = stopping.signal;
    counts.sent += 1;
    for (let attempts = 1; ; attempts += 1) {
      const result = await attempt(event, body);
      if (result.kind === 'answer' && result.status < 300) {
        counts.accepted += 1;
        const orderId = isObject(result.body) ? result.body.id : undefined;
        if (typeof orderId === 'string') open?.add(orderId);
        balance?.accepted(event.type, 'sku' in event.data ? event.data.sku : undefined);
        log.debug({ eventId: event.eventId, status: result.status, attempts }, 'mes event accepted');
        return { outcome: 'accepted', event, status: result.status, attempts, body: result.body };
      }
      if (result.kind === 'answer' && result.status < 500 && result.status !== 429) {
        counts.rejected += 1;
        log.warn(
          { eventId: event.eventId, status: result.status, problem: result.body },
          'mes event rejected',
        );
        return { outcome: 'rejected', event, status: result.status, attempts, body: result.body };
      }
      const error = result.kind === 'network' ? result.error : `HTTP ${result.status}`;
      if (attempts >= maxAttempts || signal.aborted) {
        counts.errors += 1;
        log.error({ eventId: event.eventId, attempts, error }, 'mes event gave up');
        return { outcome: 'error', event, attempts, error };
      }
      const backoffMs = Math.min(
        maxDelayMs,
        result.kind === 'answer' && result.retryAfterS !== undefined
          ? result.retryAfterS * 1000
          : baseDelayMs * 2 ** (attempts - 1),
      );
      log.info({ eventId: event.eventId, attempts, error, backoffMs }, 'mes event retry');
      try {
        await delay(backoffMs, undefined, { signal });
      } catch {
        counts.errors += 1;
        return { outcome: 'error', event, attempts, error: `stopped while retrying after ${error}` };
      }
      counts.retries += 1;
    }
  }

  function track(drawn: MesEventKind): Promise<PostResult> {
    // stop() cancels the retry waits pending at that moment only; later posts retry normally.
    if (stopping.signal.aborted) stopping = new AbortController();
    const choice = balance?.choose(drawn) ?? { kind: drawn };
    const promise = post(factory.next(choice.kind, choice.sku === undefined ? {} : { sku: choice.sku }));
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
    return promise;
  }

  /**
   * One timer tick: posts the next event. When pacing, only once the previous tick's post has settled and
   * fewer than `maxOpenOrders` of its orders are open (the lines wait for transport); without, at once.
   */
  async function tick(): Promise<void> {
    if (!open) {
      void track(factory.nextKind(mix));
      return;
    }
    if (ticking) return;
    ticking = true;
    try {
      await seeded;
      await open.refresh();
      if (open.count >= maxOpen) {
        counts.held += 1;
        return;
      }
      await track(factory.nextKind(mix));
    } finally {
      ticking = false;
    }
  }

  return {
    runId,
    intervalMs,
    start() {
      if (timer) return;
      // Orders of an earlier run the WMS has not decided yet still change storage: book them.
      seeded = open?.seed().then((undecided) => {
        for (const o of undecided) {
          if (o.type === 'fg-putaway') balance?.accepted('production.completed', o.sku);
          if (o.type === 'line-replenish') balance?.accepted('material.requested', o.sku);
        }
      });
      timer = setInterval(() => {
        void tick();
      }, intervalMs);
      timer.unref();
      log.info({ endpoint, ratePerMinute: options.ratePerMinute, runId }, 'mes simulator started');
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      stopping.abort();
      await Promise.allSettled([...inFlight]);
      log.info({ stats: { ...counts } }, 'mes simulator stopped');
    },
    stats: () => ({ ...counts, open: open?.count ?? 0 }),
    postOnce: track,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** `Name: message` of an error and its cause (undici hides ECONNREFUSED in `cause`). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
  return `${err.name}: ${err.message}${cause}`;
}
