import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Redis the integration tests use: REDIS_URL, the local default, or a private one started here. */
    redisUrl: string;
  }
}

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    server.once('error', reject);
  });
}

let child: ChildProcess | undefined;
let dir: string | undefined;

/** Uses the Redis at REDIS_URL (default local); where none answers, starts a private redis-server. */
export async function setup(project: TestProject): Promise<void> {
  const wanted = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await answers(wanted)) {
    project.provide('redisUrl', wanted);
    return;
  }
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error(`no Redis at ${wanted} and redis-server is not installed: the integration tests need one (bash .ci/run installs it)`);
  }
  const port = await freePort();
  dir = mkdtempSync(join(tmpdir(), 'fleetbridge-test-redis-'));
  child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && !(await answers(url)); i += 1) await new Promise((r) => setTimeout(r, 50));
  process.env.REDIS_URL = url;
  project.provide('redisUrl', url);
}

export function teardown(): void {
  child?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
