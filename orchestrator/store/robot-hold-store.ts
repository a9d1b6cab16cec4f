import type { Redis } from 'ioredis';
import type { RobotHolds } from '../engine/engine.ts';
import type { RobotIntervention } from '../engine/engine-types.ts';
import type { RedisKeys } from './redis-keys.ts';

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

  /** Records what an intervention the engine accepted changed; charge and park hold nothing. */
  async apply(robotId: string, action: RobotIntervention): Promise<void> {
    const paused = this.keys.robotHold('paused');
    const out = this.keys.robotHold('out-of-service');
    if (action === 'pause') await this.redis.sadd(paused, robotId);
    else if (action === 'resume') await this.redis.srem(paused, robotId);
    else if (action === 'out-of-service') await this.redis.sadd(out, robotId);
    else if (action === 'into-service') await this.redis.srem(out, robotId);
  }
}
