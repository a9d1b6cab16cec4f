/**
 * `npm run cluster` (issue 16): two orchestrator instances behind one port. Through that port the API and
 * the live feed answer; kill -9 of the leader's pid, and the other instance takes the engine over while
 * the port goes on answering.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { LiveSnapshot } from '../../orchestrator/http/live-contract.ts';
import { connectLive } from '../../orchestrator/live/live-test-client.ts';
import { freePort } from '../support/ros1-peer.ts';
import { testPrefix } from '../support/redis-prefix.ts';
import { waitFor } from '../support/wait-for.ts';

describe('npm run cluster', () => {
  const { prefix, cleanup } = testPrefix('cluster-demo');
  let stop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await stop?.();
    await cleanup();
  });

  it('when the leader of the two instances is killed, then the one port goes on answering and the other instance leads', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/cluster.ts'], {
      env: { ...process.env, PORT: String(port), REDIS_PREFIX: prefix, SIMULATE: 'fleet,wms' },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    stop = async () => {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGINT');
      await exited;
    };
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (l) => lines.push(l));
    const pids = await waitFor(
      'the banner',
      () => {
        const line = lines.find((l) => l.includes('Instances'));
        const m = line && /instance-a pid (\d+) (\w+), instance-b pid (\d+) (\w+)/.exec(line);
        return Promise.resolve(m ? { a: [Number(m[1]), m[2]], b: [Number(m[3]), m[4]] } : undefined);
      },
      60_000,
    );
    const url = `http://127.0.0.1:${port}`;
    const leaderPid = pids.a[1] === 'leader' ? pids.a[0] : pids.b[0];
    expect([pids.a[1], pids.b[1]].sort()).toEqual(['follower', 'leader']);

    const live = connectLive(`ws://127.0.0.1:${port}/v1/live`);
    await live.send(JSON.stringify({ type: 'auth', key: 'demo-supervisor-key' }));
    expect(((await live.next()) as LiveSnapshot).robots).toHaveLength(8);
    live.ws.close();

    process.kill(Number(leaderPid), 'SIGKILL');
    await waitFor(
      'the other instance leading, seen through the port',
      async () => {
        try {
          const r = (await (await fetch(`${url}/readyz`)).json()) as { engine?: string; instance?: string };
          const robots = await fetch(`${url}/v1/robots`, {
            headers: { authorization: 'Bearer demo-supervisor-key' },
          });
          return r.engine === 'leader' && robots.status === 200 ? true : undefined;
        } catch {
          return undefined;
        }
      },
      30_000,
    );
    expect(lines.some((l) => l.includes('exited; starting it again'))).toBe(true);
  }, 120_000);
});
