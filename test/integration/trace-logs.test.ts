import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../orchestrator/config.ts';
import { runPlant, type RunningPlant } from '../../orchestrator/main.ts';
import { call, getOrder } from '../support/api.ts';
import { KEYS, testEnv } from '../support/plant-harness.ts';
import { testPrefix } from '../support/redis-prefix.ts';

/** `traceparent` into the JSON logs and onto the order (contract, "Outbound": the W3C trace travels). */
describe('trace context in logs', () => {
  const lines: Record<string, unknown>[] = [];
  let plant: RunningPlant | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  let url: string;
  beforeAll(async () => {
    const prefix = testPrefix('trace-logs');
    cleanup = prefix.cleanup;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    plant = await runPlant(
      loadConfig(testEnv(prefix.prefix, { LOG_LEVEL: 'info' })),
      pino({ level: 'info' }, sink),
    );
    url = plant.orchestrator.url;
  });
  afterAll(async () => {
    await plant?.stop();
    await cleanup?.();
  });

  const request = (n: string, headers: Record<string, string> = {}) =>
    call(url, 'POST', '/v1/transport-requests', {
      key: KEYS.wms,
      headers: { 'idempotency-key': `trace-${n}`, ...headers },
      body: { type: 'custom', from: { location: 'DOCK-1' }, to: { location: 'DOCK-2' } },
    });
  const requestLine = (traceId: string) =>
    lines.find((l) => l.msg === 'request' && l.traceId === traceId && l.path === '/v1/transport-requests');

  it('when a request carries a traceparent, then its log line and its order carry that trace', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const res = await request('given', { traceparent });
    expect(res.status).toBe(202);
    const line = requestLine('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(line).toMatchObject({ method: 'POST', status: 202, principal: expect.stringMatching(/^wms:/) });
    expect(typeof line?.ms).toBe('number');
    expect((await getOrder(url, res.body.id as string)).traceparent).toBe(traceparent);
  });

  it('when a request comes without one (or with a malformed one), then a new trace is started and logged', async () => {
    for (const headers of [{}, { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' }]) {
      const res = await request(`new-${Object.keys(headers).length}`, headers);
      const traceparent = (await getOrder(url, res.body.id as string)).traceparent as string;
      expect(traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
      expect(traceparent).not.toContain('00000000000000000000000000000000');
      expect(requestLine(traceparent.split('-')[1]!)).toMatchObject({ status: 202 });
    }
  });

  it('when a request is refused, then the refusal is logged with its trace and status', async () => {
    const res = await call(url, 'GET', '/v1/robots', {
      key: KEYS.wms,
      headers: { traceparent: '00-11111111111111111111111111111111-2222222222222222-00' },
    });
    expect(res.status).toBe(403);
    expect(lines.find((l) => l.traceId === '11111111111111111111111111111111')).toMatchObject({
      msg: 'request',
      status: 403,
      path: '/v1/robots',
    });
  });
});
