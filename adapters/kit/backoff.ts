/**
 * Reconnect delays: exponential with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): attempt n waits a uniform random time in [0, min(maxMs, initialMs * factor^n)], so a plant's
 * robots do not all reconnect in the same instant after the bridge comes back. `reset()` after a
 * connection has held.
 */
export interface BackoffOptions {
  /** First ceiling, ms. Default 250. */
  readonly initialMs?: number;
  /** Largest ceiling, ms. Default 10 000. */
  readonly maxMs?: number;
  /** Growth per attempt. Default 2. */
  readonly factor?: number;
  /** Least delay, ms, whatever the jitter draws. Default 50. */
  readonly minMs?: number;
  /** Injected for tests; default Math.random. */
  readonly random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly minMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 250;
    this.maxMs = options.maxMs ?? 10_000;
    this.factor = options.factor ?? 2;
    this.minMs = Math.min(options.minMs ?? 50, this.maxMs);
    this.random = options.random ?? Math.random;
    if (!(this.initialMs > 0 && this.maxMs >= this.initialMs && this.factor >= 1))
      throw new RangeError('backoff: need 0 < initialMs <= maxMs and factor >= 1');
  }

  /** Attempts since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next attempt, ms; counts the attempt. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt += 1;
    return Math.max(this.minMs, Math.round(this.random() * ceiling));
  }

  reset(): void {
    this.attempt = 0;
  }
}
