import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from './app.ts';
import { OPERATIONS, type Operation } from './operations.ts';

interface Layer {
  readonly route?: { readonly path: string; readonly methods: Record<string, boolean> };
  readonly handle?: { readonly stack?: readonly Layer[] };
}

/** Method and path of every route mounted on the app; routes inside a sub-router are under `/v1`. */
function mountedRoutes(stack: readonly Layer[], prefix: string): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = `${prefix}${layer.route.path}`.replace(/:(\w+)/g, '{$1}');
      return Object.keys(layer.route.methods).map((m) => `${m} ${path}`);
    }
    return layer.handle?.stack ? mountedRoutes(layer.handle.stack, prefix === '' ? '/v1' : prefix) : [];
  });
}

describe('operations', () => {
  it('when the app is built, then every route under /v1 is a documented operation and every operation is mounted', () => {
    const deps = {
      apiKeys: [],
      log: pino({ level: 'silent' }),
      ready: () => Promise.resolve(true),
      layout: { edges: [], nodes: [] },
    } as unknown as AppDeps;
    const app = createApp(deps) as unknown as { router: { stack: Layer[] } };
    const mounted = mountedRoutes(app.router.stack, '').filter((r) => r.includes(' /v1/'));
    const documented = (Object.values(OPERATIONS) as Operation[]).map((op) => `${op.method} ${op.path}`);
    expect(mounted.sort()).toEqual(documented.sort());
  });
});
