import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Leader election for the engine of one site: a Redis lease with a fencing token.
 *
 * Why not a lock library: redis-semaphore and the Redlock implementations hand out a lock, not a
 * monotonically increasing token that every later write can be checked against in the same Lua step; a
 * deposed leader that wakes up after its lock expired would still write. Here the lease's value is
 * `<instance>:<token>`, the token comes from INCR on an epoch key (it never repeats), and fenced writes
 * compare the lease's value inside their own Lua script (`FENCE_CHECK_LUA`).
 */

export interface Leadership {
  readonly instanceId: string;
  /** Increases with every election; never reused. */
  readonly token: number;
  /** The lease's value while it is held: what fenced writes compare. */
  readonly fence: string;
}

export interface LeaderLeaseOptions {
  readonly redis: Redis;
  /** The lease key and the epoch counter key (RedisKeys.leaderLease / leaderEpoch). */
  readonly leaseKey: string;
  readonly epochKey: string;
  readonly instanceId: string;
  /** Lease time to live, ms. Default 3000: a follower takes over at most this long after a leader dies. */
  readonly ttlMs?: number;
  /** How often the leader renews, ms. Default ttl / 3. */
  readonly renewEveryMs?: number;
  /** How often a follower tries to take the lease, ms. Default 500. */
  readonly campaignEveryMs?: number;
  /**
   * Called on this instance's election, with its token. Not awaited: the lease goes on being renewed
   * while the engine starts (which may take longer than the ttl); the callee orders its own start and stop.
   */
  readonly onElected: (leadership: Leadership) => Promise<void>;
  /** Called when this instance lost the lease (not renewed in time, or taken by another); awaited by `stop`. */
  readonly onDeposed: (leadership: Leadership) => Promise<void>;
  readonly log: Logger;
  /** Local clock (ms), for the lease's own validity; default Date.now. */
  readonly now?: () => number;
}

// Takes a free lease: the value is instance:token, the token the epoch after INCR.
const ACQUIRE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'PX', tonumber(ARGV[2]))
return token
`;
// Extends the lease only while it still holds this instance's value.
const RENEW_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) end
return 0
`;
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * The check a fenced Lua write starts with: the lease key (`KEYS[fenceKey]`) must still hold the writer's
 * value (`ARGV[fenceArg]`). Returns -2 from the script otherwise. An empty fence value means unfenced.
 */
export function fenceCheckLua(keyIndex: number, argIndex: number): string {
  return `if ARGV[${argIndex}] ~= '' and redis.call('GET', KEYS[${keyIndex}]) ~= ARGV[${argIndex}] then return -2 end`;
}

/** A write refused because the writer no longer holds the lease it was fenced with. */
export class FencedOutError extends Error {
  override readonly name = 'FencedOutError';
  readonly code = 'fenced-out';
}

/** What a fenced write carries: the lease key and the value it must still hold. */
export interface Fence {
  readonly key: string;
  readonly value: string;
}

export class LeaderLease {
  private timer: NodeJS.Timeout | undefined;
  private held: Leadership | undefined;
  /** Local time the lease was last taken or renewed: it is surely ours until this plus the ttl. */
  private renewedAt = 0;
  private stopped = false;
  private busy = false;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: LeaderLeaseOptions) {
    this.ttlMs = options.ttlMs ?? 3000;
    this.now = options.now ?? Date.now;
  }

  /** Campaigns at once, then on a timer. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.beat();
    this.schedule();
  }

  /** Stops campaigning; a held lease is handed back (deposed first), so a follower takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    const held = this.held;
    if (!held) return;
    await this.lose(held);
    await this.options.redis.eval(RELEASE_LUA, 1, this.options.leaseKey, held.fence).catch(() => 0);
  }

  /** This instance's leadership, while it surely holds the lease (renewed within the ttl, less a margin). */
  current(): Leadership | undefined {
    if (!this.held) return undefined;
    return this.now() - this.renewedAt < this.ttlMs * 0.8 ? this.held : undefined;
  }

  /** The fence for writes made as leader, or undefined when this instance is not the leader. */
  fence(): Fence | undefined {
    const held = this.current();
    return held ? { key: this.options.leaseKey, value: held.fence } : undefined;
  }

  /** Who holds the lease now (`instance:token`), as Redis says; undefined when nobody does. */
  async holder(): Promise<string | undefined> {
    return (await this.options.redis.get(this.options.leaseKey)) ?? undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    const every = this.held
      ? (this.options.renewEveryMs ?? Math.floor(this.ttlMs / 3))
      : (this.options.campaignEveryMs ?? 500);
    this.timer = setTimeout(() => {
      void this.beat().finally(() => {
        this.schedule();
      });
    }, every);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      if (this.held) await this.renew(this.held);
      else await this.campaign();
    } catch (err) {
      this.options.log.warn({ err }, 'leader lease: redis call failed');
      // Could not renew: once the lease may have lapsed, act as deposed (a follower may hold it now).
      if (this.held && this.now() - this.renewedAt >= this.ttlMs * 0.8) void this.lose(this.held);
    } finally {
      this.busy = false;
    }
  }

  private async campaign(): Promise<void> {
    const startedAt = this.now();
    const token = Number(
      await this.options.redis.eval(
        ACQUIRE_LUA,
        2,
        this.options.leaseKey,
        this.options.epochKey,
        this.options.instanceId,
        String(this.ttlMs),
      ),
    );
    if (token <= 0) return;
    const leadership = {
      instanceId: this.options.instanceId,
      token,
      fence: `${this.options.instanceId}:${token}`,
    };
    this.held = leadership;
    this.renewedAt = startedAt;
    this.options.log.info({ instanceId: leadership.instanceId, token }, 'elected engine leader');
    this.options.onElected(leadership).catch((err: unknown) => {
      this.options.log.error({ err }, 'engine start as leader failed');
    });
  }

  private async renew(held: Leadership): Promise<void> {
    const startedAt = this.now();
    const ok = Number(
      await this.options.redis.eval(RENEW_LUA, 1, this.options.leaseKey, held.fence, String(this.ttlMs)),
    );
    if (ok === 1) this.renewedAt = startedAt;
    else void this.lose(held);
  }

  /** Forgets the lease and tells the callee; resolves once the callee has stopped being leader. */
  private lose(held: Leadership): Promise<void> {
    if (this.held !== held) return Promise.resolve();
    this.held = undefined;
    this.options.log.warn({ instanceId: held.instanceId, token: held.token }, 'deposed as engine leader');
    return this.options.onDeposed(held).catch((err: unknown) => {
      this.options.log.error({ err }, 'engine stop as deposed leader failed');
    });
  }
}
