import { pino } from 'pino';
import { loadConfig } from '../../orchestrator/config.ts';
import { loadPlant, runPlant, type RunningPlant } from '../../orchestrator/main.ts';
import { REDIS_URL, testPrefix } from './redis-prefix.ts';
import { testEnv as baseTestEnv } from './test-env.ts';

export { KEYS, WEBHOOK_SECRET } from './test-env.ts';

/** The test environment on the Redis the integration project's global setup provides. */
export function testEnv(prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return baseTestEnv(prefix, REDIS_URL, extra);
}

export type TestPlant = RunningPlant & { cleanup: () => Promise<void> };

/** The demo plant in this process: real Redis (own prefix), real HTTP, WMS simulator, simulated fleet. */
export async function startTestPlant(name: string, extra: Record<string, string> = {}): Promise<TestPlant> {
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
