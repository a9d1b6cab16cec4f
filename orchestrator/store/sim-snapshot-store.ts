import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { SimRobotSnapshot } from '../../adapters/sim/sim-robot.ts';
import type { SimSnapshotStore } from '../../adapters/sim/sim-robot-adapter.ts';
import { FencedOutError, fenceCheckLua, type Fence } from '../cluster/leader-lease.ts';

// Fenced: a deposed leader's simulated fleet cannot move the robots back under the new leader.
const SAVE_LUA = `
${fenceCheckLua(2, 2)}
redis.call('SET', KEYS[1], ARGV[1])
return 1
`;

const snapshots = z.array(
  z.object({ id: z.string(), nodeId: z.string(), batteryPct: z.number(), loads: z.array(z.string()) }),
);

/**
 * Keeps the simulated robots' positions and loads in Redis, as real robots keep theirs across our restart
 * (and across a leader change: the next leader's simulated fleet starts where this one left it). With
 * `fence`, a save happens only while the lease still holds the fence's value.
 */
export class RedisSimSnapshotStore implements SimSnapshotStore {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly fence?: () => Fence | undefined,
  ) {}

  async load(): Promise<readonly SimRobotSnapshot[]> {
    const raw = await this.redis.get(this.key);
    if (raw === null) return [];
    const parsed = snapshots.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : [];
  }

  /** @throws FencedOutError when fenced and no longer the leader (nothing was written). */
  async save(list: readonly SimRobotSnapshot[]): Promise<void> {
    if (!this.fence) {
      await this.redis.set(this.key, JSON.stringify(list));
      return;
    }
    const fence = this.fence();
    const ok = fence
      ? await this.redis.eval(SAVE_LUA, 2, this.key, fence.key, JSON.stringify(list), fence.value)
      : -2;
    if (ok === -2) throw new FencedOutError('simulated fleet snapshot: no longer the engine leader');
  }
}
