import type { Redis } from 'ioredis';
import type { LayoutBlocks } from '../engine/engine.ts';
import type { RedisKeys } from './redis-keys.ts';

/**
 * Blocked edges and nodes, kept in Redis (two sets) so that a block a supervisor set survives a restart:
 * the engine is restored with them before it plans anything.
 */
export class LayoutBlockStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async load(): Promise<LayoutBlocks> {
    const [edges, nodes] = await Promise.all([
      this.redis.smembers(this.keys.blocked('edge')),
      this.redis.smembers(this.keys.blocked('node')),
    ]);
    return { edges: edges.sort(), nodes: nodes.sort() };
  }

  async set(target: 'edge' | 'node', id: string, blocked: boolean): Promise<void> {
    const key = this.keys.blocked(target);
    if (blocked) await this.redis.sadd(key, id);
    else await this.redis.srem(key, id);
  }
}
