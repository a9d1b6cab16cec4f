import { pino } from 'pino';
import { loadConfig, type Config } from '../../orchestrator/config.ts';
import { loadPlant, runPlant, type RunningPlant } from '../../orchestrator/main.ts';
import { REDIS_URL, testPrefix } from './redis-prefix.ts';

export const KEYS = {
  mes: 'test-mes-key-0001',
  wms: 'test-wms-key-0001',
  supervisor: 'test-supervisor-key-0001',
  integrator: 'test-integrator-key-0001',
  admin: 'test-admin-key-0001',
} as const;
export const WEBHOOK_SECRET = 'whsec_dGVzdC13ZWJob29rLXNlY3JldC1mb3ItaW50ZWdyYXRpb24=';

export function testEnv(prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL,
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

/** The demo plant in this process: real Redis (own prefix), real HTTP, WMS simulator, simulated fleet. */
export async function startTestPlant(
  name: string,
  extra: Record<string, string> = {},
): Promise<RunningPlant & { config: Config; cleanup: () => Promise<void> }> {
  const { prefix, cleanup } = testPrefix(name);
  const config = loadConfig(testEnv(prefix, extra));
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const running = await runPlant(config, log);
  return {
    ...running,
    async cleanup() {
      await running.stop();
      await cleanup();
    },
  };
}

export { loadPlant };
