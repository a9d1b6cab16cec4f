import type { Redis } from 'ioredis';
import type { RobotHolds } from '../engine/engine.ts';
import type { RobotIntervention } from '../engine/engine-types.ts';
import type { RedisKeys } from './redis-keys.ts';
import { FencedOutError, fenceCheckLua, type Fence } from '../cluster/leader-lease.ts';

// KEYS[1] the set to add to, KEYS[2] the set to remove from (either may be the same dummy), KEYS[3] the lease.
const APPLY_LUA = `
${fenceCheckLua(3, 2)}
if ARGV[3] == 'add' then redis.call('SADD', KEYS[1], ARGV[1]) else redis.call('SREM', KEYS[1], ARGV[1]) end
return 1
`;

/**
 * Robots an operator paused or took out of service, kept in Redis (two sets) so that the hold survives a
 * restart: the engine is restored with them before it plans anything (a paused robot must not set off
 * because the orchestrator restarted).
 */
export class RobotHoldStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async load(): Promise<RobotHolds> {
    const [paused, outOfService] = await Promise.all([
      this.redis.smembers(this.keys.robotHold('paused')),
      this.redis.smembers(this.keys.robotHold('out-of-service')),
    ]);
    return { paused: paused.sort(), outOfService: outOfService.sort() };
  }

  /**
   * Records what an intervention the engine accepted changed; charge and park hold nothing. With `fence`
   * (the engine leader's), the write happens only while the lease still holds it.
   * @throws FencedOutError when fenced and the lease moved on (nothing was written).
   */
  async apply(robotId: string, action: RobotIntervention, fence?: Fence): Promise<void> {
    const change =
      action === 'pause' || action === 'resume'
        ? { set: this.keys.robotHold('paused'), op: action === 'pause' ? 'add' : 'rem' }
        : action === 'out-of-service' || action === 'into-service'
          ? { set: this.keys.robotHold('out-of-service'), op: action === 'out-of-service' ? 'add' : 'rem' }
          : undefined;
    if (!change) return;
    const ok = await this.redis.eval(
      APPLY_LUA,
      3,
      change.set,
      change.set,
      fence?.key ?? change.set,
      robotId,
      fence?.value ?? '',
      change.op,
    );
    if (ok === -2) throw new FencedOutError(`robot ${robotId}: the leader lease moved on; hold not recorded`);
  }
}
