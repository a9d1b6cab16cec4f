import express, { type Request, type RequestHandler, type Router } from 'express';
import type { ApiKeyEntry } from '../config.ts';
import { authenticate, requireRole } from '../http/auth.ts';
import { OPERATIONS, rolesOf, type Operation } from '../http/operations.ts';
import type { ApiKeyStore } from '../store/api-key-store.ts';

/** What the HTTP layer needs of the metrics: the request hook and the scrape. */
export interface HttpMetrics {
  httpRequest(method: string, route: string, status: number, durationS: number): void;
  scrape(): Promise<string>;
  readonly contentType: string;
}

/** The route label of a request no route pattern matched (map UI assets, unknown paths). */
export const OTHER_ROUTE = 'other';
/** The route label of an API request refused for overload before routing (`MAX_IN_FLIGHT`). */
export const OVERLOADED_ROUTE = 'overloaded';

const OPERATION_ROUTES = (Object.values(OPERATIONS) as Operation[]).map((op) => ({
  method: op.method.toUpperCase(),
  route: op.path.replace(/\{(\w+)\}/g, ':$1'),
  pattern: new RegExp(
    `^${op.path
      .split(/\{\w+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+')}$`,
  ),
}));

/**
 * The route pattern of a request, express style (`/v1/transport-orders/:id`), never its URL: the API's
 * operations by method and path (so a 401 or 429 answered before routing is labelled too, and an error
 * that left the router, which resets `baseUrl`, still is), else the express route that answered it,
 * else `other`.
 */
export function routeOf(req: Request): string {
  const path = req.originalUrl.split('?')[0] ?? '';
  const operation = OPERATION_ROUTES.find((r) => r.method === req.method && r.pattern.test(path));
  if (operation) return operation.route;
  const routePath = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof routePath === 'string') return `${req.baseUrl}${routePath}`;
  return OTHER_ROUTE;
}

/** Observes every request when its answer has been sent: method, route pattern, status, seconds. */
export function countRequests(metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationS = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequest(req.method, routeOf(req), res.statusCode, durationS);
    });
    next();
  };
}

export interface MetricsRouteDeps {
  readonly metrics: HttpMetrics;
  /**
   * `METRICS_PUBLIC=1`: `/metrics` answers without a key, for a scraper inside the plant network when
   * the port is not reachable from outside. Otherwise a key of a role `getMetrics` names.
   */
  readonly metricsPublic?: boolean;
  readonly apiKeys: readonly ApiKeyEntry[];
  readonly keyStore: ApiKeyStore;
}

/**
 * `GET /metrics`: Prometheus text. Outside `/v1`: it is neither rate limited nor refused while the service
 * is not ready, when its numbers matter most.
 */
export function metricsRoutes(deps: MetricsRouteDeps): Router {
  const router = express.Router();
  const guard: RequestHandler[] = deps.metricsPublic
    ? []
    : [authenticate(deps.apiKeys, deps.keyStore), requireRole(...rolesOf('getMetrics'))];
  router.get(OPERATIONS.getMetrics.path, ...guard, async (_req, res) => {
    const body = await deps.metrics.scrape();
    res.set('Content-Type', deps.metrics.contentType).send(body);
  });
  return router;
}
