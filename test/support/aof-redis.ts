import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { redisAnswers } from '../../orchestrator/services/local-redis.ts';
import { waitFor } from './wait-for.ts';

/** A redis-server of a test's own, with its data in `dir` (AOF on), that can be stopped and started again. */
export interface AofRedis {
  readonly url: string;
  /** SIGTERM: Redis writes its AOF and exits; resolves once it has. */
  stop(): Promise<void>;
  /** Starts it again on the same port and dir; resolves once it answers PING. */
  start(): Promise<void>;
}

/**
 * Starts `redis-server --port <port> --appendonly yes --dir <dir> --save ''` and resolves once it answers:
 * every write acknowledged is in the AOF, so a restart keeps it (fsync once a second, as a plant runs it).
 */
export async function startAofRedis(port: number, dir: string): Promise<AofRedis> {
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--dir', dir, '--save', ''],
      { stdio: 'ignore' },
    );
    await waitFor(
      `redis-server on ${port}`,
      async () => ((await redisAnswers(url)) ? true : undefined),
      10_000,
    );
  };
  await start();
  return {
    url,
    start,
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = once(running, 'exit');
      running.kill('SIGTERM');
      await exited;
    },
  };
}
