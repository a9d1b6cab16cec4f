import { Redis } from 'ioredis';

/** A Redis Sentinel deployment: the sentinels to ask, and the name of the master they watch. */
export interface SentinelTarget {
  /** REDIS_URL: its password, user name and database are used with the master the sentinels name. */
  readonly url: string;
  readonly sentinels: readonly { readonly host: string; readonly port: number }[];
  /** The master's name in the sentinels' configuration (`sentinel monitor <name> ...`). */
  readonly name: string;
}

/** The connection options the service uses (a subset of ioredis's). */
export interface ConnectOptions {
  readonly maxRetriesPerRequest?: number | null;
  readonly lazyConnect?: boolean;
  readonly enableAutoPipelining?: boolean;
  readonly enableOfflineQueue?: boolean;
  readonly commandTimeout?: number;
}

/** Where Redis is: a URL (`REDIS_URL`), or a Sentinel deployment (`REDIS_SENTINELS`, high availability). */
export type RedisTarget = string | SentinelTarget;

/**
 * A connection to `target`. With sentinels, ioredis asks them for the current master and follows a
 * failover by itself (it reconnects to the new master; commands in flight are retried per `options`).
 */
export function connectRedis(target: RedisTarget, options: ConnectOptions = {}): Redis {
  if (typeof target === 'string') return new Redis(target, options);
  const url = new URL(target.url);
  const db = Number(url.pathname.slice(1) || '0');
  return new Redis({
    ...options,
    sentinels: target.sentinels.map((s) => ({ host: s.host, port: s.port })),
    name: target.name,
    ...(url.password
      ? { password: decodeURIComponent(url.password), sentinelPassword: decodeURIComponent(url.password) }
      : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
  });
}

/** How a target reads in a log line or an error message (no password). */
export function describeTarget(target: RedisTarget): string {
  if (typeof target !== 'string')
    return `sentinels ${target.sentinels.map((s) => `${s.host}:${String(s.port)}`).join(',')} (master ${target.name})`;
  const url = new URL(target);
  url.password = url.password ? '***' : '';
  return url.toString();
}
