import { redisAnswers, startPrivateRedis, type PrivateRedis } from '../orchestrator/services/local-redis.ts';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Redis the integration tests use: REDIS_URL, the local default, or a private one started here. */
    redisUrl: string;
  }
}

let privateRedis: PrivateRedis | undefined;

/** Uses the Redis at REDIS_URL (default local); where none answers, starts a private redis-server. */
export async function setup(project: TestProject): Promise<void> {
  const wanted = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await redisAnswers(wanted)) {
    project.provide('redisUrl', wanted);
    return;
  }
  privateRedis = await startPrivateRedis();
  if (!privateRedis) {
    throw new Error(
      `no Redis at ${wanted} and no redis-server to start: the integration tests need one (bash .ci/run installs it)`,
    );
  }
  process.env.REDIS_URL = privateRedis.url;
  project.provide('redisUrl', privateRedis.url);
}

export function teardown(): void {
  privateRedis?.stop();
}
