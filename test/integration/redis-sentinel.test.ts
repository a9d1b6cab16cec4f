/**
 * Issue 16, Redis HA: the orchestrator reaches Redis through Sentinel (REDIS_SENTINELS). On real
 * redis-server processes (a master, a replica, one sentinel in `redis-server --sentinel` mode): orders are
 * accepted and planned through the master the sentinel names; after a Sentinel failover to the replica
 * the same instance goes on accepting and planning orders, and the orders from before are all there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisAnswers } from '../../orchestrator/services/local-redis.ts';
import { call } from '../support/api.ts';
import { startOrchestratorProcess, type OrchestratorProcess } from '../support/orchestrator-process.ts';
import { KEYS, testEnv } from '../support/test-env.ts';
import { freePort } from '../support/ros1-peer.ts';
import { waitFor } from '../support/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'fb-sentinel-'));
const children: ChildProcess[] = [];

function redisServer(args: string[]): ChildProcess {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  children.push(child);
  return child;
}

const answers = async (port: number): Promise<true | undefined> =>
  (await redisAnswers(`redis://127.0.0.1:${port}`)) ? true : undefined;

describe('Redis through Sentinel', () => {
  let orchestrator: OrchestratorProcess | undefined;
  afterAll(async () => {
    await orchestrator?.stop();
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the sentinels fail the master over to the replica, then the orchestrator follows and loses nothing', async () => {
    const [master, replica, sentinel] = [await freePort(), await freePort(), await freePort()];
    const base = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes'];
    redisServer(['--port', String(master), '--dir', mkdtempSync(join(dir, 'm-')), ...base]);
    redisServer([
      '--port',
      String(replica),
      '--dir',
      mkdtempSync(join(dir, 'r-')),
      ...base,
      '--replicaof',
      '127.0.0.1',
      String(master),
    ]);
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${sentinel}`,
        'bind 127.0.0.1',
        `sentinel monitor fbmaster 127.0.0.1 ${master} 1`,
        'sentinel down-after-milliseconds fbmaster 1000',
        'sentinel failover-timeout fbmaster 5000',
        '',
      ].join('\n'),
    );
    redisServer([conf, '--sentinel']);
    for (const port of [master, replica, sentinel])
      await waitFor(`redis on ${port}`, () => answers(port), 10_000);

    orchestrator = await startOrchestratorProcess(
      testEnv('sentinel', 'redis://127.0.0.1:1', {
        REDIS_SENTINELS: `127.0.0.1:${sentinel}`,
        REDIS_SENTINEL_NAME: 'fbmaster',
        SIMULATE: 'fleet',
      }),
    );
    const post = async (n: number): Promise<string> => {
      const r = await call(orchestrator!.url, 'POST', '/v1/transport-requests', {
        key: KEYS.wms,
        headers: { 'idempotency-key': `sentinel-${n}` },
        body: {
          type: 'custom',
          from: { location: 'DOCK-1' },
          to: { location: 'DOCK-2' },
          load: { handlingUnitId: `HU-SEN-${n}` },
        },
      });
      expect(r.status).toBe(202);
      return r.body.id as string;
    };
    const before = [await post(1), await post(2)];

    // A failover promotes the replica: it must have caught up first (as in any real Sentinel deployment).
    const primary = new Redis({ port: master, host: '127.0.0.1' });
    const copy = new Redis({ port: replica, host: '127.0.0.1' });
    await waitFor(
      'the replica in sync',
      async () => {
        const role = (await copy.call('ROLE')) as [string, string, number, string, number];
        return role[3] === 'connected' && (await copy.dbsize()) === (await primary.dbsize())
          ? true
          : undefined;
      },
      20_000,
    );
    primary.disconnect();
    copy.disconnect();
    const admin = new Redis({ port: sentinel, host: '127.0.0.1' });
    // The sentinel learns of the replica from the master's INFO (every 10 s): until then, NOGOODSLAVE.
    await waitFor(
      'the sentinel to take the failover',
      () =>
        admin.call('SENTINEL', 'FAILOVER', 'fbmaster').then(
          () => true as const,
          () =>
            new Promise<undefined>((r) =>
              setTimeout(() => {
                r(undefined);
              }, 500),
            ),
        ),
      30_000,
    );
    await waitFor(
      'the replica promoted',
      async () => {
        const [, port] = (await admin.call('SENTINEL', 'get-master-addr-by-name', 'fbmaster')) as [
          string,
          string,
        ];
        return Number(port) === replica ? true : undefined;
      },
      20_000,
    );
    admin.disconnect();

    const after = await waitFor(
      'an order accepted after the failover',
      async () => {
        try {
          return await post(3);
        } catch {
          return undefined;
        }
      },
      20_000,
    );
    for (const id of [...before, after]) {
      const order = await waitFor(
        `order ${id} past intake`,
        async () => {
          const r = await call(orchestrator!.url, 'GET', `/v1/transport-orders/${id}`, {
            key: KEYS.supervisor,
          });
          return r.status === 200 && r.body.status !== 'received' ? r.body : undefined;
        },
        20_000,
      );
      expect(order.id).toBe(id);
    }
    // The data lives on the promoted replica now.
    const promoted = new Redis({ port: replica, host: '127.0.0.1' });
    expect((await promoted.call('ROLE')) as unknown[]).toContain('master');
    const keys = await promoted.keys('*');
    expect(
      keys.filter((k) => k.startsWith('sentinel')),
      keys.slice(0, 10).join(','),
    ).not.toHaveLength(0);
    promoted.disconnect();
  }, 90_000);
});
