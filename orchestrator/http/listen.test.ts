import { createServer, type Server } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, ListenError, type RunningServer } from './app.ts';

const opened: (RunningServer | Server)[] = [];
afterEach(async () => {
  await Promise.all(
    opened.splice(0).map((s) => ('serve' in s ? s.close() : new Promise((resolve) => s.close(resolve)))),
  );
});

async function failure(host: string, port: number): Promise<unknown> {
  return listen(host, port).then(
    (server) => {
      opened.push(server);
      return 'listening';
    },
    (err: unknown) => err,
  );
}

describe('listen', () => {
  it('when bound before the app is served, then requests get 503 not-ready, and the app once served', async () => {
    const server = await listen('127.0.0.1', 0);
    opened.push(server);
    const early = await fetch(`${server.url}/healthz`);
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('5');
    expect(await early.json()).toMatchObject({ type: '/problems/not-ready', status: 503 });
    const app = express();
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok' });
    });
    server.serve(app);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
  });

  it('when the port is taken, then it fails with port-in-use naming host and port', async () => {
    const busy = createServer();
    opened.push(busy);
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const address = busy.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const err = await failure('127.0.0.1', port);
    expect(err).toBeInstanceOf(ListenError);
    expect(err).toMatchObject({ code: 'port-in-use', host: '127.0.0.1', port });
  });

  it('when HOST is no address of this machine, then it fails with address-unavailable', async () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a host.
    expect(await failure('192.0.2.1', 0)).toMatchObject({ code: 'address-unavailable', host: '192.0.2.1' });
  });
});
