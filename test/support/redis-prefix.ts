import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

/** The Redis the integration project's global setup found or started. */
export const REDIS_URL = inject('redisUrl');

/** A key prefix private to one test, and a way to remove every key under it afterwards. */
export function testPrefix(name: string): { prefix: string; cleanup: () => Promise<void> } {
  const prefix = `fbtest-${name}-${randomUUID().slice(0, 8)}`;
  return {
    prefix,
    async cleanup() {
      const redis = new Redis(REDIS_URL);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
