/**
 * The orchestrator environment tests and benchmarks run it with: fixed test keys and secret, free port,
 * own Redis prefix. No vitest imports, so benchmarks (plain tsx scripts) can use it too.
 */
export const KEYS = {
  mes: 'test-mes-key-0001',
  wms: 'test-wms-key-0001',
  supervisor: 'test-supervisor-key-0001',
  integrator: 'test-integrator-key-0001',
  admin: 'test-admin-key-0001',
  metrics: 'test-metrics-key-0001',
} as const;
export const WEBHOOK_SECRET = 'whsec_dGVzdC13ZWJob29rLXNlY3JldC1mb3ItaW50ZWdyYXRpb24=';

export function testEnv(
  prefix: string,
  redisUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    API_KEYS: Object.entries(KEYS)
      .map(([role, key]) => `${role}=${key}`)
      .join(','),
    WMS_WEBHOOK_SECRET: WEBHOOK_SECRET,
    SIMULATE: 'fleet,wms',
    SIM_SPEEDUP: '10',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}
