import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { principalOf } from './auth.ts';
import { ProblemError } from './problem.ts';

export interface RateLimitOptions {
  readonly redis: Redis;
  /** Redis key prefix of the counters. */
  readonly keyPrefix: string;
  /** Requests per second one API key may make; 0 turns the limit off. */
  readonly perSecond: number;
  readonly log: Logger;
}

/**
 * Per API key request limit (contract, "Errors": `429` with `Retry-After`). The counters live in Redis so
 * that every instance of one site shares them (rate-limiter-flexible's atomic fixed window); if Redis does
 * not answer, an in-process limiter of the same size stands in, so an outage neither opens the doors
 * wide nor refuses everyone. Runs after `authenticate`: the key, not the address, is what is limited.
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  if (options.perSecond <= 0)
    return (_req, _res, next) => {
      next();
    };
  const limiter = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: options.keyPrefix,
    points: options.perSecond,
    duration: 1,
    insuranceLimiter: new RateLimiterMemory({ points: options.perSecond, duration: 1 }),
  });
  return (req, res, next) => {
    const { name } = principalOf(req);
    limiter.consume(name).then(
      (result) => {
        res.set('RateLimit-Remaining', String(result.remainingPoints));
        next();
      },
      (rejection: unknown) => {
        if (!(rejection instanceof RateLimiterRes)) {
          options.log.warn({ err: rejection }, 'rate limiter failed; request let through');
          next();
          return;
        }
        const retryAfterS = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        next(
          new ProblemError(
            'rate-limited',
            `more than ${options.perSecond} requests per second with this API key; retry after ${retryAfterS} s`,
            [{ header: 'Authorization', detail: 'this key is over its rate limit' }],
            { 'Retry-After': String(retryAfterS), 'RateLimit-Remaining': '0' },
          ),
        );
      },
    );
  };
}
