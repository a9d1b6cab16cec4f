import { describe, expect, it } from 'vitest';
import { ApiError, FleetApi, problemFrom } from './api.ts';
import { loginMessage } from './login.ts';

function problem(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

describe('FleetApi', () => {
  it('when a call is made, then it carries the Bearer key and a JSON body', async () => {
    const seen: { url: string; init: RequestInit | undefined }[] = [];
    const api = new FleetApi('k-123', (url, init) => {
      seen.push({ url, init });
      return Promise.resolve(new Response('{"ok":true}', { status: 200 }));
    });
    await api.setEdgeBlocked('E 1', true);
    await api.robotAction('AMR-01', 'out-of-service');
    await api.setPriority('TO-1', 7);
    expect(
      seen.map(
        (s) => `${s.init?.method ?? ''} ${s.url} ${typeof s.init?.body === 'string' ? s.init.body : ''}`,
      ),
    ).toEqual([
      'PUT /v1/layout/edges/E%201/blocked {"blocked":true}',
      'POST /v1/robots/AMR-01/out-of-service {}',
      'PATCH /v1/transport-orders/TO-1 {"priority":7}',
    ]);
    expect((seen[0]!.init!.headers as Record<string, string>).Authorization).toBe('Bearer k-123');
  });

  it('when the server refuses with problem+json, then the error carries title, detail and field errors', async () => {
    const api = new FleetApi('k', () =>
      Promise.resolve(
        problem(409, {
          title: 'The order is in a state that does not allow this',
          detail: 'robot AMR-01 has an order',
          errors: [{ pointer: '/priority', detail: 'too big' }],
        }),
      ),
    );
    const error = await api.cancelOrder('TO-1').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 409,
      detail: 'robot AMR-01 has an order',
      fieldErrors: ['/priority: too big'],
    });
  });

  it('when the body is not JSON, then the status is the title', async () => {
    const e = await problemFrom(new Response('<html>', { status: 502, statusText: 'Bad Gateway' }));
    expect(e.title).toBe('HTTP 502');
    expect(e.detail).toBe('Bad Gateway');
  });

  it('when the key is unknown or lacks the role, then the login says which', () => {
    expect(loginMessage(new ApiError(401, 'x', ''))).toMatch(/Unknown API key/);
    expect(loginMessage(new ApiError(403, 'x', ''))).toMatch(/supervisor/);
    expect(loginMessage(new TypeError('Failed to fetch'))).toMatch(/Cannot reach/);
  });
});
