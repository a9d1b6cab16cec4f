import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { REDIS_URL, testPrefix } from '../support/redis-prefix.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * `npm start` exactly as a newcomer runs it (real time, default MES rate, default fleet), on its own
 * Redis prefix and a free port. The bar: 20 orders confirmed within 2 minutes of MES traffic, and
 * a WMS ledger with no discrepancy.
 */
describe('npm start: the demo plant', () => {
  const { prefix, cleanup } = testPrefix('demo');
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      process.kill(-child.pid, 'SIGINT');
      await exited;
    }
    await cleanup();
  });

  it(
    'when started on defaults, then within 2 minutes 20 orders are confirmed and the WMS ledger has no discrepancy',
    { timeout: 200_000 },
    async () => {
      child = spawn('npm', ['start'], {
        env: { ...process.env, PORT: '0', REDIS_URL, REDIS_PREFIX: prefix },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // its own process group, so the teardown stops npm and the service together
      });
      const banner: { api?: string | undefined; ledger?: string | undefined } = {};
      createInterface({ input: child.stdout! }).on('line', (line) => {
        banner.api ??= /^\s+API\s+(http:\/\/\S+)/.exec(line)?.[1];
        banner.ledger ??= /^\s+WMS ledger\s+(http:\/\/\S+)\/ledger/.exec(line)?.[1];
      });
      const { api, ledger } = await waitFor(
        'the banner',
        () =>
          Promise.resolve(
            banner.api && banner.ledger ? { api: banner.api, ledger: banner.ledger } : undefined,
          ),
        60_000,
      );
      const startedAt = Date.now();

      const confirmed = await waitFor(
        '20 confirmed orders',
        async () => {
          const r = await call(api, 'GET', '/v1/transport-orders?status=confirmed&limit=500', {
            key: 'demo-supervisor-key',
          });
          return r.body.items.length >= 20 ? (r.body.items.length as number) : undefined;
        },
        180_000,
        1000,
      );
      const elapsedS = (Date.now() - startedAt) / 1000;
      console.log(`demo plant: ${confirmed} orders confirmed after ${elapsedS.toFixed(0)} s of real time`);

      const book = await call(ledger, 'GET', '/ledger');
      expect(book.body.discrepancies).toEqual([]);
      expect(book.body.moves.length).toBeGreaterThanOrEqual(20);
      const failed = await call(api, 'GET', '/v1/transport-orders?status=failed&limit=500', {
        key: 'demo-supervisor-key',
      });
      // The MES posts faster than 8 robots carry, so the WMS may refuse space or stock for the backlog:
      // business answers. Anything else failing (unreachable, action-failed ...) is a defect.
      const reasons = failed.body.items.map((o: { failureReason: string }) => o.failureReason);
      expect(reasons.filter((r: string) => r !== 'no-space' && r !== 'no-stock')).toEqual([]);
    },
  );
});
