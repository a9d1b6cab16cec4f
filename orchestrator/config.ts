import { z } from 'zod';
import type { RedisTarget } from './store/redis-connection.ts';
import { subscriptionInput, type SubscriptionInput } from './services/subscriber-directory.ts';
import { NOTIFY_SCHEDULE_MS } from './queue/queues.ts';
import { TRAFFIC_GUIDANCE, type TrafficGuidance } from './engine/traffic/guidance.ts';

/** Fixed keys for the demo only; README lists them with a warning. The service refuses them outside demo mode. */
export const DEMO_API_KEYS =
  'mes=demo-mes-key,wms=demo-wms-key,supervisor=demo-supervisor-key,integrator=demo-integrator-key,admin=demo-admin-key,metrics=demo-metrics-key';
export const DEMO_WEBHOOK_SECRET = 'whsec_ZGVtby13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5';

/** `metrics`: a scraper's key, `GET /metrics` only. */
export const ROLES = ['mes', 'wms', 'supervisor', 'integrator', 'admin', 'metrics'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKeyEntry {
  readonly role: Role;
  /** The key itself; compared in constant time. */
  readonly key: string;
}

const apiKeys = z.string().transform((text, ctx): ApiKeyEntry[] => {
  const entries: ApiKeyEntry[] = [];
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    // Split at the first '=' only: keys may contain '=' (base64 padding).
    const at = pair.indexOf('=');
    const role = at < 0 ? pair : pair.slice(0, at).trim();
    const key = at < 0 ? '' : pair.slice(at + 1).trim();
    const parsedRole = z.enum(ROLES).safeParse(role);
    if (!parsedRole.success || !key || key.length < 8) {
      ctx.addIssue({
        code: 'custom',
        message: `"${pair}" is not role=key (roles: ${ROLES.join(', ')}; keys of 8+ characters)`,
      });
      return z.NEVER;
    }
    entries.push({ role: parsedRole.data, key });
  }
  return entries;
});

/** An integer variable; an empty value is an error, not 0 (z.coerce would make '' into 0). */
const intVar = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** `WEBHOOK_SUBSCRIBERS`: a JSON array of subscriptions, each with an optional `id`. */
const webhookSubscribers = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of subscriptions' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(
        subscriptionInput.extend({
          id: z
            .string()
            .regex(/^[\w.-]{1,64}$/)
            .optional(),
        }),
      )
      .max(50),
  );

/** `WEBHOOK_RETRIES_MS`: the delays between webhook attempts, comma-separated milliseconds. */
const retryDelays = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'must be comma-separated milliseconds')
  .transform((text) => text.split(',').map(Number))
  .pipe(z.array(z.number().int().min(1).max(86_400_000)).min(1).max(100));

/** `REDIS_SENTINELS`: `host:port` pairs, comma-separated. */
const sentinelList = z
  .string()
  .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, 'must be host:port pairs, comma-separated')
  .transform((text) =>
    text.split(',').map((pair) => {
      const at = pair.lastIndexOf(':');
      return { host: pair.slice(0, at), port: Number(pair.slice(at + 1)) };
    }),
  );

const envSchema = z.object({
  PORT: intVar(0, 65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** Redis Sentinel for high availability: the sentinels (host:port,...); REDIS_URL then gives only credentials and db. */
  REDIS_SENTINELS: sentinelList.optional(),
  /** The master's name the sentinels watch. */
  REDIS_SENTINEL_NAME: z.string().min(1).default('mymaster'),
  /** Key prefix of this site in Redis (one per site/shard). */
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w.-]+$/)
    .default('fb'),
  MQTT_URL: z.url().default('mqtt://127.0.0.1:1883'),
  /**
   * The protocol the simulated fleet speaks: in process (`sim`), VDA 5050 over MQTT_URL (`vda5050`), or
   * ROS through rosbridge (`ros`: the rosbridge simulator's robots, ROS 1 move_base and ROS 2 Nav2 by turns).
   */
  FLEET: z.enum(['sim', 'vda5050', 'ros']).default('sim'),
  LAYOUT: z.string().optional(),
  SITE: z.string().optional(),
  /** Soft one-way lanes for traffic (`engine/traffic/guidance.ts`); default: crisscross on a `.map` grid. */
  TRAFFIC_GUIDANCE: z.enum(TRAFFIC_GUIDANCE).optional(),
  WMS_URL: z.url().optional(),
  WMS_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be whsec_<base64>')
    .optional(),
  /** Milliseconds a WMS look-up may take. */
  WMS_TIMEOUT_MS: intVar(1, 600_000).default(5000),
  WEBHOOK_SUBSCRIBERS: webhookSubscribers.optional(),
  WEBHOOK_RETRIES_MS: retryDelays.optional(),
  API_KEYS: apiKeys.optional(),
  /** Requests per second one API key may make (429 with Retry-After above it); 0 turns the limit off. */
  RATE_LIMIT_PER_S: intVar(0, 1_000_000).default(2000),
  /**
   * Requests one instance works on at once (issue 16); above it `503 overloaded` with `Retry-After` at once.
   * Health, readiness and metrics are not counted.
   */
  MAX_IN_FLIGHT: intVar(1, 1_000_000).default(256),
  SIMULATE: z.string().default('fleet,mes,wms'),
  /** Plant time speed-up of the simulated fleet (tests and demos). */
  SIM_SPEEDUP: z.coerce.number().positive().default(1),
  /** MES simulator events per minute. */
  MES_RATE_PER_MIN: z.coerce.number().nonnegative().default(30),
  /** The MES simulator posts no new event while this many of its orders are not yet delivered (0: no limit). */
  MES_MAX_OPEN_ORDERS: intVar(0, 1_000_000).optional(),
  /** Orders waiting for a robot above which the backlog alarm is raised; default 3 per robot, at least 10. */
  BACKLOG_ALARM_ORDERS: intVar(1, 10_000_000).optional(),
  /**
   * The engine leader's lease, ms: a follower takes over at most this long after the leader died (it renews
   * every third of it). Default 3000.
   */
  LEADER_LEASE_MS: intVar(300, 60_000).default(3000),
  DEMO: z.enum(['0', '1']).default('0'),
  /** Milliseconds a `/v1/live` client has to send its auth message. */
  LIVE_AUTH_TIMEOUT_MS: intVar(1, 600_000).default(5000),
  /** `1`: `GET /metrics` answers without an API key (a scraper inside the plant network). */
  METRICS_PUBLIC: z.enum(['0', '1']).default('0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Simulated = 'fleet' | 'mes' | 'wms';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly redisUrl: string;
  /** Set with REDIS_SENTINELS: connect through Sentinel (`redisTarget`). */
  readonly redisSentinels?: readonly { readonly host: string; readonly port: number }[];
  readonly redisSentinelName: string;
  readonly redisPrefix: string;
  readonly mqttUrl: string;
  /** How the simulated fleet is driven: in process, as VDA 5050 AGVs over MQTT, or as ROS robots over rosbridge. */
  readonly fleet: 'sim' | 'vda5050' | 'ros';
  /** Path of the layout file (LIF, Moving AI or project JSON); undefined means the demo plant. */
  readonly layoutPath?: string;
  readonly sitePath?: string;
  /** Soft one-way lanes for traffic: crisscross on a Moving AI grid unless set, none on a plant. */
  readonly trafficGuidance: TrafficGuidance;
  readonly wmsUrl?: string;
  readonly wmsWebhookSecret?: string;
  readonly wmsTimeoutMs: number;
  /** Subscribers given at start-up, beside the WMS. */
  readonly webhookSubscribers: readonly (SubscriptionInput & { readonly id?: string | undefined })[];
  /** Delays between webhook attempts; after the last, the webhook is dead-lettered. */
  readonly webhookRetriesMs: readonly number[];
  readonly apiKeys: readonly ApiKeyEntry[];
  readonly rateLimitPerS: number;
  /** Requests in flight per instance above which `503 overloaded` is answered (`MAX_IN_FLIGHT`, default 256). */
  readonly maxInFlight: number;
  readonly simulate: ReadonlySet<Simulated>;
  readonly simSpeedup: number;
  readonly mesRatePerMin: number;
  /** Undefined: the plant's default (twice the robots). 0: the MES simulator does not pace itself. */
  readonly mesMaxOpenOrders?: number;
  /** Undefined: 3 per robot, at least 10. */
  readonly backlogAlarmOrders?: number;
  /** The engine leader's lease time to live, ms. */
  readonly leaderLeaseMs: number;
  readonly demo: boolean;
  readonly logLevel: string;
  /** Milliseconds a `/v1/live` client has to authenticate (default 5000). */
  readonly liveAuthTimeoutMs: number;
  /** `GET /metrics` without an API key (`METRICS_PUBLIC=1`). */
  readonly metricsPublic: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and checks the environment once at start-up; throws ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const demo = e.DEMO === '1';
  const simulate = new Set<Simulated>();
  for (const part of e.SIMULATE.split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (part !== 'fleet' && part !== 'mes' && part !== 'wms')
      throw new ConfigError(`SIMULATE: unknown simulator "${part}" (fleet, mes, wms)`);
    simulate.add(part);
  }
  // An empty API_KEYS (e.g. `API_KEYS=` from docker-compose) counts as unset.
  const keys = e.API_KEYS && e.API_KEYS.length > 0 ? e.API_KEYS : demo ? apiKeys.parse(DEMO_API_KEYS) : [];
  if (!demo) {
    if (keys.length === 0)
      throw new ConfigError(
        'API_KEYS is required outside demo mode (e.g. mes=<key>,wms=<key>,supervisor=<key>,admin=<key>)',
      );
    const demoKeys = new Set(apiKeys.parse(DEMO_API_KEYS).map((k) => k.key));
    if (keys.some((k) => demoKeys.has(k.key)))
      throw new ConfigError('API_KEYS contains a demo key; set real keys outside demo mode');
    if (e.WMS_URL && !e.WMS_WEBHOOK_SECRET)
      throw new ConfigError('WMS_WEBHOOK_SECRET is required when WMS_URL is set');
    if (e.WMS_WEBHOOK_SECRET === DEMO_WEBHOOK_SECRET)
      throw new ConfigError('WMS_WEBHOOK_SECRET is the demo secret; set a real one');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    ...(e.REDIS_SENTINELS ? { redisSentinels: e.REDIS_SENTINELS } : {}),
    redisSentinelName: e.REDIS_SENTINEL_NAME,
    redisPrefix: e.REDIS_PREFIX,
    mqttUrl: e.MQTT_URL,
    fleet: e.FLEET,
    ...(e.LAYOUT ? { layoutPath: e.LAYOUT } : {}),
    trafficGuidance: e.TRAFFIC_GUIDANCE ?? (e.LAYOUT?.endsWith('.map') ? 'crisscross' : 'none'),
    ...(e.SITE ? { sitePath: e.SITE } : {}),
    ...(e.WMS_URL ? { wmsUrl: e.WMS_URL.replace(/\/$/, '') } : {}),
    ...((e.WMS_WEBHOOK_SECRET ?? (demo ? DEMO_WEBHOOK_SECRET : undefined))
      ? { wmsWebhookSecret: e.WMS_WEBHOOK_SECRET ?? DEMO_WEBHOOK_SECRET }
      : {}),
    wmsTimeoutMs: e.WMS_TIMEOUT_MS,
    webhookSubscribers: e.WEBHOOK_SUBSCRIBERS ?? [],
    webhookRetriesMs: e.WEBHOOK_RETRIES_MS ?? NOTIFY_SCHEDULE_MS,
    apiKeys: keys,
    rateLimitPerS: e.RATE_LIMIT_PER_S,
    maxInFlight: e.MAX_IN_FLIGHT,
    simulate,
    simSpeedup: e.SIM_SPEEDUP,
    mesRatePerMin: e.MES_RATE_PER_MIN,
    ...(e.MES_MAX_OPEN_ORDERS === undefined ? {} : { mesMaxOpenOrders: e.MES_MAX_OPEN_ORDERS }),
    ...(e.BACKLOG_ALARM_ORDERS === undefined ? {} : { backlogAlarmOrders: e.BACKLOG_ALARM_ORDERS }),
    leaderLeaseMs: e.LEADER_LEASE_MS,
    demo,
    logLevel: e.LOG_LEVEL,
    liveAuthTimeoutMs: e.LIVE_AUTH_TIMEOUT_MS,
    metricsPublic: e.METRICS_PUBLIC === '1',
  };
}

/** Where this configuration's Redis is: REDIS_URL, or the Sentinel deployment of REDIS_SENTINELS. */
export function redisTarget(
  config: Pick<Config, 'redisUrl' | 'redisSentinels' | 'redisSentinelName'>,
): RedisTarget {
  return config.redisSentinels
    ? { url: config.redisUrl, sentinels: config.redisSentinels, name: config.redisSentinelName }
    : config.redisUrl;
}
