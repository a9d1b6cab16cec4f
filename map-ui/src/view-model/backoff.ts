export interface BackoffOptions {
  /** First delay, milliseconds; default 500. */
  readonly baseMs?: number;
  /** Largest delay, milliseconds; default 10,000. */
  readonly maxMs?: number;
  /** Share of the delay drawn at random, 0..1; default 0.25. */
  readonly jitter?: number;
}

/**
 * The delay before reconnect attempt `attempt` (0 for the first): base doubling up to max, then
 * reduced by up to `jitter` of itself so that many clients do not reconnect in step. `random` is in [0, 1).
 */
export function backoffDelayMs(attempt: number, random: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 10_000;
  const jitter = options.jitter ?? 0.25;
  const raw = Math.min(max, base * 2 ** Math.max(0, attempt));
  return Math.round(raw * (1 - jitter * random));
}
