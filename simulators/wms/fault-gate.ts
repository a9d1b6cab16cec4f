import { setTimeout as delay } from 'node:timers/promises';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { mulberry32 } from '../mes/mulberry32.ts';
import { sendProblem } from './problem.ts';
import { parseWith, wmsModeSchema, type ParseResult, type WmsMode } from './wms-wire.ts';

/**
 * Fault injection for the WMS simulator's business routes (look-ups and webhooks; the server mounts
 * admin, ledger and health routes before the gate). `flaky` draws from a PRNG seeded by the mode, so a
 * given seed fails the same sequence of requests.
 */
export class FaultGate {
  #mode: WmsMode = { kind: 'normal' };
  #random: () => number = mulberry32(0);
  readonly #closing = new AbortController();

  get mode(): WmsMode {
    return this.#mode;
  }

  /**
   * Switches mode; `flaky` restarts its PRNG from the seed.
   * @throws {ZodError} when the mode is out of range (failRate outside [0, 1], negative delay).
   */
  set(mode: WmsMode): void {
    const valid = wmsModeSchema.parse(mode);
    if (valid.kind === 'flaky') this.#random = mulberry32(valid.seed);
    clearTimeout(this.#revert);
    this.#mode = valid;
    if (valid.kind === 'down' && valid.forMs !== undefined) {
      this.#revert = setTimeout(() => {
        if (this.#mode === valid) this.#mode = { kind: 'normal' };
      }, valid.forMs);
      this.#revert.unref();
    }
  }

  /** Ends a timed outage (`down` with `forMs`). */
  #revert: NodeJS.Timeout | undefined;

  /** Validates a mode received over HTTP and applies it when valid. */
  setFromWire(raw: unknown): ParseResult<WmsMode> {
    const parsed = parseWith(wmsModeSchema, raw);
    if (parsed.ok) this.set(parsed.value);
    return parsed;
  }

  /** Aborts pending `slow` and `slow-ack` delays (their requests are then left to the closing server). */
  close(): void {
    clearTimeout(this.#revert);
    this.#closing.abort();
  }

  readonly middleware: RequestHandler = async (_req: Request, res: Response, next: NextFunction) => {
    const mode = this.#mode;
    switch (mode.kind) {
      case 'normal':
        next();
        return;
      case 'down':
        unavailable(res, 'down');
        return;
      case 'flaky':
        if (this.#random() < mode.failRate) unavailable(res, 'flaky');
        else next();
        return;
      case 'slow':
        try {
          await delay(mode.delayMs, undefined, { signal: this.#closing.signal });
        } catch {
          return; // closing
        }
        next();
        return;
      case 'slow-ack': {
        // The handler runs (and books) now; its answer leaves only after the delay.
        const end = res.end.bind(res) as (...args: unknown[]) => Response;
        res.end = ((...args: unknown[]) => {
          delay(mode.delayMs, undefined, { signal: this.#closing.signal }).then(
            () => end(...args),
            () => res.destroy(),
          );
          return res;
        }) as Response['end'];
        next();
        return;
      }
    }
  };
}

function unavailable(res: Response, kind: 'down' | 'flaky'): void {
  sendProblem(
    res,
    { status: 503, code: 'unavailable', title: 'Service Unavailable', detail: `fault injection: ${kind}` },
    { 'Retry-After': '1' },
  );
}
