import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { startOrchestratorProcess, type OrchestratorProcess } from '../support/orchestrator-process.ts';
import { KEYS, testEnv } from '../support/plant-harness.ts';
import { testPrefix } from '../support/redis-prefix.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * A transport request whose body is sent in two parts: the server holds it (reading its body) until
 * `finish()`; `answered` resolves with its status.
 */
function heldRequest(url: string): { finish: () => void; answered: Promise<number> } {
  const req = request(`${url}/v1/transport-requests`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${KEYS.wms}`,
      'content-type': 'application/json',
      'idempotency-key': 'overload-held',
    },
    signal: AbortSignal.timeout(10_000),
  });
  const answered = new Promise<number>((resolve, reject) => {
    req.once('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
  });
  req.write('{"type":');
  return {
    finish: () => {
      req.end('"custom"}');
    },
    answered,
  };
}

describe('bounded work in flight (issue 16)', () => {
  const { prefix, cleanup } = testPrefix('overload');
  let orchestrator: OrchestratorProcess | undefined;

  beforeAll(async () => {
    orchestrator = await startOrchestratorProcess(
      testEnv(prefix, { SIMULATE: '', RATE_LIMIT_PER_S: '0', MAX_IN_FLIGHT: '1' }),
    );
  });
  afterAll(async () => {
    await orchestrator?.stop();
    await cleanup();
  });

  it('when MAX_IN_FLIGHT requests are in flight, then the next is answered 503 overloaded with Retry-After at once, and probes are not', async () => {
    const url = orchestrator!.url;
    const held = heldRequest(url);
    const list = (): ReturnType<typeof call> =>
      call(url, 'GET', '/v1/transport-orders', { key: KEYS.supervisor, signal: AbortSignal.timeout(5000) });

    // The held request counts once its headers are in: from then on the next one is refused.
    const refused = await waitFor(
      'a request refused while one is held',
      async () => {
        const r = await list();
        return r.status === 503 ? r : undefined;
      },
      5000,
      20,
    );
    expect(refused.body.type).toBe('/problems/overloaded');
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await call(url, 'GET', '/healthz')).status).toBe(200);
    expect((await call(url, 'GET', '/readyz')).status).toBe(200);
    expect((await call(url, 'GET', '/metrics', { key: KEYS.metrics })).status).toBe(200);

    held.finish();
    expect(await held.answered).toBe(400); // the held body was not a transport request: it was answered
    expect((await list()).status).toBe(200);
  });
});
