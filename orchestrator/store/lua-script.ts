import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run by its SHA-1 (`EVALSHA`), sent in full (`EVAL`) only when Redis does not have it yet
 * (first use, or after a restart or `SCRIPT FLUSH`): the intake's scripts are a kilobyte each, sent twice
 * per order (B3) as `EVAL`.
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** The script's reply; Redis errors propagate (NOSCRIPT is handled here). */
  async run(redis: Redis, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
