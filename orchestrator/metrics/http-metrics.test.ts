import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, listen, type AppDeps, type RunningServer } from '../http/app.ts';
import type { HttpMetrics } from './http-metrics.ts';

const METRICS_KEY = 'metrics-key-0001';
const WMS_KEY = 'wms-key-00000001';

/** Records what the app reports, and answers a scrape with a fixed body. */
class RecordingMetrics implements HttpMetrics {
  readonly requests: string[] = [];
  readonly contentType = 'text/plain; version=0.0.4; charset=utf-8';
  httpRequest(method: string, route: string, status: number, durationS: number): void {
    expect(durationS).toBeGreaterThanOrEqual(0);
    this.requests.push(`${method} ${route} ${status}`);
  }
  scrape(): Promise<string> {
    return Promise.resolve('fleetbridge_up 1\n');
  }
}

/** The real app on port 0, with no Redis behind it: /v1 answers 401 or 503, which is all routing needs. */
async function start(options: { metricsPublic?: boolean } = {}) {
  const metrics = new RecordingMetrics();
  const deps = {
    apiKeys: [
      { role: 'metrics', key: METRICS_KEY },
      { role: 'wms', key: WMS_KEY },
    ],
    log: pino({ level: 'silent' }),
    ready: () => Promise.resolve(false),
    layout: { edges: [], nodes: [] },
    metrics,
    ...options,
  } as unknown as AppDeps;
  const server = await listen('127.0.0.1', 0);
  server.serve(createApp(deps));
  running = server;
  const get = async (path: string, key?: string) => {
    const res = await fetch(`${server.url}${path}`, {
      redirect: 'manual',
      ...(key ? { headers: { authorization: `Bearer ${key}` } } : {}),
    });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  };
  /** The request reports arrive on `finish`, after the client may have read the answer. */
  const reported = async (count: number) => {
    for (let i = 0; i < 100 && metrics.requests.length < count; i += 1)
      await new Promise((resolve) => setImmediate(resolve));
    return metrics.requests;
  };
  return { get, reported, url: server.url };
}

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('request metrics and GET /metrics', () => {
  it('when requests are answered before routing, by a route, or by nothing, then each is labelled by its route pattern, never its URL', async () => {
    const app = await start();
    await app.get('/v1/transport-orders/TO-12345');
    await app.get('/v1/transport-orders/TO-12345', WMS_KEY);
    await fetch(`${app.url}/v1/robots/AMR-01/pause`, { method: 'POST' });
    await app.get('/healthz');
    await app.get('/problems/rate-limited');
    await app.get('/no/such/thing-42');
    expect(await app.reported(6)).toEqual([
      'GET /v1/transport-orders/:id 401',
      'GET /v1/transport-orders/:id 503',
      'POST /v1/robots/:id/:action 401',
      'GET /healthz 200',
      'GET /problems/:code 302',
      'GET other 404',
    ]);
  });

  it('when /metrics is called without a key, with another role, or with a metrics key, then it answers 401, 403, and the text format', async () => {
    const app = await start();
    const none = await app.get('/metrics');
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ type: '/problems/unauthorized' });
    const wms = await app.get('/metrics', WMS_KEY);
    expect(wms.status).toBe(403);
    expect(JSON.parse(wms.body)).toMatchObject({ type: '/problems/forbidden' });
    // Outside /v1: answered while the service is not ready.
    const scraper = await app.get('/metrics', METRICS_KEY);
    expect(scraper).toEqual({
      status: 200,
      type: 'text/plain; version=0.0.4; charset=utf-8',
      body: 'fleetbridge_up 1\n',
    });
    expect(await app.reported(3)).toEqual(['GET /metrics 401', 'GET /metrics 403', 'GET /metrics 200']);
  });

  it('when METRICS_PUBLIC is set, then /metrics answers without a key', async () => {
    const app = await start({ metricsPublic: true });
    expect((await app.get('/metrics')).status).toBe(200);
  });
});
