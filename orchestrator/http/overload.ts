import type { RequestHandler } from 'express';
import { ProblemError } from './problem.ts';

export interface InFlightLimit {
  /** Requests this instance works on at once; the next one is refused. */
  readonly maxInFlight: number;
  /** Seconds a refused client is told to wait (`Retry-After`). Default 1. */
  readonly retryAfterS?: number;
}

/**
 * Bounds the requests in flight (issue 16, graceful overload): one above `maxInFlight` is answered at once
 * `503 overloaded` with `Retry-After`, before any work (no Redis, no body read), so a burst is pushed back
 * instead of queueing until clients time out. A request counts from here until its response is finished
 * or its connection closed, whichever comes first. Mount it in front of the work it guards only: health,
 * readiness and metrics stay outside, so probes and scrapes see an overloaded instance as alive.
 */
export function boundInFlight(limit: InFlightLimit): RequestHandler {
  const retryAfter = String(limit.retryAfterS ?? 1);
  let inFlight = 0;
  return (_req, res, next) => {
    if (inFlight >= limit.maxInFlight) {
      next(
        new ProblemError(
          'overloaded',
          `this instance is working on ${inFlight} requests, its limit; retry after ${retryAfter} s`,
          [],
          { 'Retry-After': retryAfter },
        ),
      );
      return;
    }
    inFlight += 1;
    let counted = true;
    const done = (): void => {
      if (!counted) return;
      counted = false;
      inFlight -= 1;
    };
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}
