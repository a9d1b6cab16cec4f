import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { SimRobotSnapshot } from '../../adapters/sim/sim-robot.ts';
import type { SimSnapshotStore } from '../../adapters/sim/sim-robot-adapter.ts';

const snapshots = z.array(
  z.object({ id: z.string(), nodeId: z.string(), batteryPct: z.number(), loads: z.array(z.string()) }),
);

/** Keeps the simulated robots' positions and loads in Redis, as real robots keep theirs across our restart. */
export class RedisSimSnapshotStore implements SimSnapshotStore {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async load(): Promise<readonly SimRobotSnapshot[]> {
    const raw = await this.redis.get(this.key);
    if (raw === null) return [];
    const parsed = snapshots.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : [];
  }

  async save(list: readonly SimRobotSnapshot[]): Promise<void> {
    await this.redis.set(this.key, JSON.stringify(list));
  }
}
