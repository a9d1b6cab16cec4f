import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from './app.ts';
import { OPERATIONS, type Operation } from './operations.ts';

interface Layer {
  /** Where a router is mounted (`app.use('/v1', router)`), `/` for none. */
  readonly rawPath?: unknown;
  readonly route?: { readonly path: string | readonly string[]; readonly methods: Record<string, boolean> };
  readonly handle?: { readonly stack?: readonly Layer[] };
}

/** Method and path of every route mounted on the app, routers' mount paths included. */
function mountedRoutes(stack: readonly Layer[], prefix: string): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const { path, methods } = layer.route;
      return (typeof path === 'string' ? [path] : path).flatMap((p) =>
        Object.keys(methods).map((m) => `${m} ${`${prefix}${p}`.replace(/:(\w+)/g, '{$1}')}`),
      );
    }
    const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
    return layer.handle?.stack ? mountedRoutes(layer.handle.stack, `${prefix}${mount}`) : [];
  });
}

describe('operations', () => {
  it('when the app is built, then every route under /v1 (and /metrics) is a documented operation and every operation is mounted', () => {
    const deps = {
      apiKeys: [],
      log: pino({ level: 'silent' }),
      ready: () => Promise.resolve(true),
      layout: { edges: [], nodes: [] },
    } as unknown as AppDeps;
    const app = createApp(deps) as unknown as { router: { stack: Layer[] } };
    const mounted = mountedRoutes(app.router.stack, '').filter(
      (r) => r.includes(' /v1/') || r === 'get /metrics',
    );
    const documented = (Object.values(OPERATIONS) as Operation[]).map((op) => `${op.method} ${op.path}`);
    expect(mounted.sort()).toEqual(documented.sort());
  });
});
