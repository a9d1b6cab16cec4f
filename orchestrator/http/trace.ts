import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { principalOf } from './auth.ts';
import { randomBytes } from 'node:crypto';
import { parseTraceparent, type TraceContext } from '../domain/trace-context.ts';

/** A new trace, for a request that came without one. */
function newTrace(): TraceContext {
  return { traceId: randomBytes(16).toString('hex'), parentId: randomBytes(8).toString('hex'), flags: '01' };
}

const traces = new WeakMap<Request, TraceContext>();

/** The trace of a request (set by `traceRequests`). */
export function traceOf(req: Request): TraceContext {
  let t = traces.get(req);
  if (!t) {
    t = newTrace();
    traces.set(req, t);
  }
  return t;
}

/**
 * Joins each request to the caller's trace (`traceparent`), or starts a new one, and logs one structured
 * line per request when it ends: method, path, status, duration, the key's principal and the trace id,
 * so a request, the order it made and the webhooks it caused can be found by one id.
 */
export function traceRequests(log: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = parseTraceparent(req.get('traceparent'));
    if (incoming) traces.set(req, incoming);
    const trace = traceOf(req);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      let principal: string | undefined;
      try {
        principal = principalOf(req).name;
      } catch {
        principal = undefined;
      }
      const entry = {
        traceId: trace.traceId,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        ...(principal ? { principal } : {}),
      };
      if (res.statusCode >= 500) log.error(entry, 'request');
      else log.info(entry, 'request');
    });
    next();
  };
}
