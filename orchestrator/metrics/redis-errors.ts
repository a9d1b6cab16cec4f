import type { RedisConnection } from './fleetbridge-metrics.ts';

/** Anything that reports errors as an `error` event: an ioredis client, a BullMQ Worker. */
export interface ErrorSource {
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * Counts the `error` events of each connection in `fleetbridge_redis_errors_total{connection}`. A BullMQ
 * worker's `error` events carry the errors of its own Redis connections (the blocking one included) and
 * of its Redis commands. Adds a listener; takes none away (the sources are closed with the instance).
 */
export function countRedisErrors(
  metrics: { redisError(connection: RedisConnection): void },
  sources: Readonly<Partial<Record<RedisConnection, ErrorSource>>>,
): void {
  for (const [connection, source] of Object.entries(sources) as [RedisConnection, ErrorSource][])
    source.on('error', () => {
      metrics.redisError(connection);
    });
}
