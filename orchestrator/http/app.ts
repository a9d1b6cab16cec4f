import express, { type Express, type RequestHandler } from 'express';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { authenticate } from './auth.ts';
import {
  notFoundHandler,
  problemBody,
  problemHandler,
  ProblemError,
  PROBLEM_TYPES,
  requireJson,
} from './problem.ts';
import { openApiDocument } from './openapi.ts';
import { docsPage } from './docs-page.ts';
import { traceRequests } from './trace.ts';
import { intakeRoutes, type IntakeRouteDeps } from './routes/intake-routes.ts';
import { queryRoutes, type QueryRouteDeps } from './routes/query-routes.ts';
import { layoutRoutes, type LayoutRouteDeps } from './routes/layout-routes.ts';
import { orderCommandRoutes, type OrderCommandRouteDeps } from './routes/order-command-routes.ts';
import { webhookRoutes, type WebhookRouteDeps } from './routes/webhook-routes.ts';
import { keyRoutes, type KeyRouteDeps } from './routes/key-routes.ts';
import { robotRoutes, type RobotRouteDeps } from './routes/robot-routes.ts';
import { mapUiRoutes } from '../live/map-ui-static.ts';
import { countRequests, metricsRoutes, type MetricsRouteDeps } from '../metrics/http-metrics.ts';

export interface AppDeps
  extends
    IntakeRouteDeps,
    QueryRouteDeps,
    LayoutRouteDeps,
    OrderCommandRouteDeps,
    WebhookRouteDeps,
    KeyRouteDeps,
    RobotRouteDeps,
    MetricsRouteDeps {
  /** Per-key request limit; none when absent. */
  readonly rateLimit?: RequestHandler;
  readonly log: Logger;
  /** True once Redis answers and the engine has started; `/readyz` and the API answer 503 until then. */
  readonly ready: () => Promise<boolean>;
  /** This instance in the cluster, shown by `/readyz`: its id, whether it runs the engine, and the leader's id. */
  readonly cluster?: () => {
    readonly instance: string;
    readonly engine: 'leader' | 'follower';
    readonly leader?: string;
  };
  /** The map UI's build (`npm run build:ui`), served at `/`; default `map-ui/dist`. */
  readonly mapUiDir?: string;
}

/** Request bodies above this are refused with 413 (contract, "Errors"). */
export const BODY_LIMIT = '64kb';

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use(traceRequests(deps.log));
  app.use(countRequests(deps.metrics));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await deps.ready().catch(() => false);
    res
      .status(ready ? 200 : 503)
      .set(ready ? {} : { 'Retry-After': '5' })
      .json({ status: ready ? 'ready' : 'not-ready', ...deps.cluster?.() });
  });

  // The contract's description is public: it holds no data and no secrets.
  const document = openApiDocument();
  const openapi = JSON.stringify(document);
  const docs = docsPage(document);
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openapi);
  });
  app.get('/docs', (_req, res) => {
    res.type('html').send(docs);
  });
  app.get('/problems/:code', (req, res, next) => {
    if (Object.hasOwn(PROBLEM_TYPES, req.params.code)) res.redirect(302, `/docs#problem-${req.params.code}`);
    else next();
  });

  app.use(metricsRoutes(deps));

  const v1 = express.Router();
  v1.use(authenticate(deps.apiKeys, deps.keyStore));
  if (deps.rateLimit) v1.use(deps.rateLimit);
  v1.use(async (_req, _res, next) => {
    if (await deps.ready().catch(() => false)) next();
    else
      next(
        new ProblemError('not-ready', 'the service is starting or has lost Redis; retry', [], {
          'Retry-After': '5',
        }),
      );
  });
  v1.use(requireJson);
  v1.use(express.json({ limit: BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] }));
  v1.use(intakeRoutes(deps));
  v1.use(queryRoutes(deps));
  v1.use(layoutRoutes(deps));
  v1.use(orderCommandRoutes(deps));
  v1.use(webhookRoutes(deps));
  v1.use(keyRoutes(deps));
  v1.use(robotRoutes(deps));
  app.use('/v1', v1);
  // After the API and the docs: the map UI shadows none of their paths.
  app.use(mapUiRoutes(deps.mapUiDir));

  app.use(notFoundHandler);
  app.use(
    problemHandler((err) => {
      deps.log.error({ err }, 'unhandled error in request');
    }),
  );
  return app;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** The Node server, for protocols that upgrade from HTTP (`ws /v1/live`). */
  readonly server: Server;
  /** Starts answering with `app`; until then every request gets `503 not-ready` with `Retry-After`. */
  serve(app: RequestListener): void;
  close(): Promise<void>;
}

/** Connections waiting to be accepted. */
const LISTEN_BACKLOG = 4096;

/** Why the HTTP server could not listen; `host` and `port` are the ones asked for. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    /** `port-in-use` (EADDRINUSE), `port-denied` (EACCES: a port below 1024 without the privilege),
     * `address-unavailable` (EADDRNOTAVAIL: HOST is no address of this machine), `listen-failed`. */
    readonly code: 'port-in-use' | 'port-denied' | 'address-unavailable' | 'listen-failed',
    readonly host: string,
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super(`cannot listen on ${host}:${port}: ${code}`, options);
  }
}

const LISTEN_ERRORS: Readonly<Record<string, ListenError['code']>> = {
  EADDRINUSE: 'port-in-use',
  EACCES: 'port-denied',
  EADDRNOTAVAIL: 'address-unavailable',
};

/**
 * Listens on `host:port` (0 = any free port) and returns the bound address, before the app exists: a
 * taken port fails start-up before anything else is started, and the URL is known early.
 * @throws ListenError when the port cannot be bound.
 */
export function listen(host: string, port: number): Promise<RunningServer> {
  let handler: RequestListener = (_req, res) => {
    const body = problemBody('not-ready', 'the service is starting; retry', []);
    res.writeHead(503, { 'Content-Type': 'application/problem+json', 'Retry-After': '5' });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req, res) => {
    handler(req, res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (cause: NodeJS.ErrnoException) => {
      reject(new ListenError(LISTEN_ERRORS[cause.code ?? ''] ?? 'listen-failed', host, port, { cause }));
    });
    // A burst of new connections beyond the accept backlog (Node's default 511) has its SYNs dropped: the
    // client retries after 1, 3, 7 s, a hang the overload bound never sees (issue 16, B3 at 3,000 req/s).
    // The kernel caps it at net.core.somaxconn.
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      const address = server.address() as AddressInfo;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
        port: address.port,
        server,
        serve: (app) => {
          handler = app;
        },
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => {
              done();
            });
          }),
      });
    });
  });
}
