import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { problemBody } from './problem.ts';

export interface InFlightLimit {
  /** Requests under `/v1` this instance works on at once; the next one is refused. */
  readonly maxInFlight: number;
  /** Seconds a refused client is told to wait (`Retry-After`). Default 1. */
  readonly retryAfterS?: number;
  /**
   * Also refused while the event loop lags more than this, ms: default 200. A CPU-bound instance reads its
   * sockets late, so requests wait before they are counted; refusing while it lags is what keeps every
   * answer within a second when more is offered than it can do (B3 at 3,000 req/s).
   */
  readonly maxLagMs?: number;
  /** Told of each refusal (metrics). */
  readonly onRefused?: (req: IncomingMessage) => void;
}

/** How often the event loop's lag is sampled, ms. */
const LAG_SAMPLE_MS = 20;

/**
 * Bounds the API requests in flight (issue 16, graceful overload): one above `maxInFlight` is answered at
 * once `503 overloaded` with `Retry-After`, before any work (no routing, no Redis, no body read, no log
 * line), so that refusing costs next to nothing and a burst is pushed back instead of queueing until
 * clients time out. A request counts from its headers until its response is finished or its connection
 * closed, whichever comes first. Only `/v1` counts: health, readiness, metrics, the docs and the map UI
 * are answered as ever, so probes and scrapes see an overloaded instance as alive.
 */
export function boundInFlight(
  handler: RequestListener,
  limit: InFlightLimit,
): RequestListener & { stop(): void } {
  const retryAfter = String(limit.retryAfterS ?? 1);
  const maxLagMs = limit.maxLagMs ?? 200;
  let inFlight = 0;
  const lag = lagMonitor();
  const refuse = (req: IncomingMessage, res: ServerResponse): void => {
    const why =
      inFlight >= limit.maxInFlight
        ? `this instance is working on ${inFlight} requests, its limit`
        : `this instance is ${Math.round(lag.ms())} ms behind`;
    const body = problemBody('overloaded', `${why}; retry after ${retryAfter} s`, [], req.url);
    res.writeHead(503, { 'Content-Type': 'application/problem+json', 'Retry-After': retryAfter });
    res.end(JSON.stringify(body));
    limit.onRefused?.(req);
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (!isApi(req.url)) {
      handler(req, res);
      return;
    }
    if (inFlight >= limit.maxInFlight || lag.ms() > maxLagMs) {
      refuse(req, res);
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
    handler(req, res);
  };
  return Object.assign(listener, {
    stop: () => {
      lag.stop();
    },
  });
}

/**
 * The event loop's lag, ms: how late the last sample timer fired, or, while one is overdue, how overdue
 * it is (a loop stuck in one long task is behind even before the timer can tell).
 */
function lagMonitor(): { ms(): number; stop(): void } {
  let expected = performance.now() + LAG_SAMPLE_MS;
  let last = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    last = Math.max(0, now - expected);
    expected = now + LAG_SAMPLE_MS;
  }, LAG_SAMPLE_MS);
  timer.unref();
  return {
    ms: () => Math.max(last, performance.now() - expected),
    stop: () => {
      clearInterval(timer);
    },
  };
}

function isApi(url: string | undefined): boolean {
  return url !== undefined && (url.startsWith('/v1/') || url === '/v1' || url.startsWith('/v1?'));
}
