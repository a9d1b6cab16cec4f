import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LayoutBlocks } from '../engine/engine.ts';
import type { RobotRuntime } from '../engine/engine-types.ts';
import type { Alarm } from '../services/alarm-book.ts';
import type { EngineRuntime } from '../services/engine-runtime.ts';
import { fenceCheckLua, type Fence } from './leader-lease.ts';

/** What the leader publishes of its engine for every instance: robots, blocks, alarms. */
export interface FleetSnapshot {
  readonly leader: string;
  /** Epoch ms at the leader when published. */
  readonly at: number;
  readonly robots: readonly RobotRuntime[];
  readonly blocks: LayoutBlocks;
  readonly alarms: readonly Alarm[];
}

// Fenced: a deposed leader's late view does not overwrite the new leader's.
const PUBLISH_LUA = `
${fenceCheckLua(2, 2)}
redis.call('SET', KEYS[1], ARGV[1])
redis.call('PUBLISH', KEYS[1], ARGV[1])
return 1
`;

const EMPTY: FleetSnapshot = { leader: '', at: 0, robots: [], blocks: { edges: [], nodes: [] }, alarms: [] };

/**
 * The fleet as this instance sees it: the engine's own state on the leader, and on a follower the leader's
 * latest published view (a Redis key for the latest, pub/sub for each new one, at most every `everyMs`).
 * The API's robot and alarm reads and the live feed read it, so any instance may serve the map.
 */
export class FleetView {
  private mirror: FleetSnapshot = EMPTY;
  private timer: NodeJS.Timeout | undefined;
  private published: { robots: unknown; blocks: unknown; alarms: number } | undefined;
  private readonly onMessage = (channel: string, message: string): void => {
    if (channel === this.options.key) this.take(message);
  };

  constructor(
    private readonly options: {
      readonly redis: Redis;
      readonly subscriber: Redis;
      readonly key: string;
      readonly instanceId: string;
      /** The leader's running engine on this instance, if any. */
      readonly local: () => EngineRuntime | undefined;
      readonly log: Logger;
      /** Default 100 ms (the live feed's own interval). */
      readonly everyMs?: number;
    },
  ) {}

  /** Follows the leader's view: the latest one, then each new one. */
  async start(): Promise<void> {
    this.options.subscriber.on('message', this.onMessage);
    await this.options.subscriber.subscribe(this.options.key);
    const latest = await this.options.redis.get(this.options.key);
    if (latest !== null) this.take(latest);
  }

  async stop(): Promise<void> {
    this.stopPublishing();
    this.options.subscriber.off('message', this.onMessage);
    await this.options.subscriber.unsubscribe(this.options.key).catch(() => undefined);
  }

  /** The last view a leader published (a new leader restores its alarms from it). */
  latest(): FleetSnapshot {
    return this.mirror;
  }

  /** As leader: publishes the engine's view whenever it changed, fenced by the lease. */
  startPublishing(runtime: EngineRuntime, fence: () => Fence | undefined): void {
    this.stopPublishing();
    this.timer = setInterval(() => {
      void this.publish(runtime, fence);
    }, this.options.everyMs ?? 100);
    this.timer.unref();
  }

  stopPublishing(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.published = undefined;
  }

  robots(): readonly RobotRuntime[] {
    return this.options.local()?.robots() ?? this.mirror.robots;
  }

  blocks(): LayoutBlocks {
    return this.options.local()?.blocks() ?? this.mirror.blocks;
  }

  /** Newest first. */
  alarms(): readonly Alarm[] {
    return this.options.local()?.recentAlarms() ?? this.mirror.alarms;
  }

  /** The instance whose view this is: this one when it leads, else the last publisher. */
  leader(): string | undefined {
    if (this.options.local()) return this.options.instanceId;
    return this.mirror.leader === '' ? undefined : this.mirror.leader;
  }

  private async publish(runtime: EngineRuntime, fence: () => Fence | undefined): Promise<void> {
    const state = runtime.fleetState();
    const seen = this.published;
    if (
      seen &&
      seen.robots === state.robots &&
      seen.blocks === state.blocks.edges &&
      seen.alarms === runtime.alarms.version
    )
      return;
    const current = fence();
    if (!current) return;
    const snapshot: FleetSnapshot = {
      leader: this.options.instanceId,
      at: Date.now(),
      robots: Object.values(state.robots),
      blocks: state.blocks,
      alarms: runtime.recentAlarms(),
    };
    try {
      const ok = await this.options.redis.eval(
        PUBLISH_LUA,
        2,
        this.options.key,
        current.key,
        JSON.stringify(snapshot),
        current.value,
      );
      if (ok === 1)
        this.published = { robots: state.robots, blocks: state.blocks.edges, alarms: runtime.alarms.version };
    } catch (err) {
      this.options.log.warn({ err }, 'fleet view not published');
    }
  }

  private take(message: string): void {
    try {
      const parsed = JSON.parse(message) as unknown;
      if (isSnapshot(parsed)) this.mirror = parsed;
    } catch {
      this.options.log.warn('fleet view unreadable; ignored');
    }
  }
}

/** The outline of a published view (written by this class on the leader; its records are the engine's own). */
function isSnapshot(value: unknown): value is FleetSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const blocks = v.blocks as Record<string, unknown> | undefined;
  return (
    typeof v.leader === 'string' &&
    typeof v.at === 'number' &&
    Array.isArray(v.robots) &&
    Array.isArray(v.alarms) &&
    typeof blocks === 'object' &&
    Array.isArray(blocks.edges) &&
    Array.isArray(blocks.nodes)
  );
}
