import { createServer } from 'node:http';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { FaultGate } from './fault-gate.ts';
import { Inventory } from './inventory.ts';
import type { InitialStock, Position } from './inventory.ts';
import { Ledger } from './ledger.ts';
import type { WmsStateStore } from './wms-state-store.ts';
import { sendProblem } from './problem.ts';
import { DEFAULT_TOLERANCE_S, decodeSecret, verify } from './standard-webhooks.ts';
import {
  parseTransportEvent,
  parseWith,
  pickRequestSchema,
  putawayRequestSchema,
  type FieldError,
  type WmsMode,
} from './wms-wire.ts';

/**
 * A WMS simulator speaking the WMS side of the MES/WMS contract over HTTP: putaway decisions and stock
 * picks (contract, "Look-ups Fleetbridge makes"), and the signed `transport.*` webhooks it receives at
 * `/webhooks` (contract, "Outbound"), booked in a {@link Ledger}.
 */

export interface WmsSimulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Standard Webhooks secrets (`whsec_<base64>`); a webhook signed by any of them is accepted. */
  readonly webhookSecrets: readonly string[];
  /** Storage bin codes, e.g. `B-01-01`, in the order putaway fills them. */
  readonly bins: readonly string[];
  readonly initialStock?: readonly InitialStock[];
  /** Quarantine locations: never used for putaway or picks; moves into them need no expectation. */
  readonly quarantine?: readonly string[];
  /** Bin and station positions (metres): putaway and picks then choose the bin nearest the request's location. */
  readonly positions?: ReadonlyMap<string, Position>;
  /** Default: silent. */
  readonly log?: Logger;
  /** Clock for the ledger and webhook timestamps. Default: the system clock. */
  readonly now?: () => Date;
  /** Allowed webhook timestamp skew, in seconds. Default 300. */
  readonly webhookToleranceS?: number;
  /**
   * Keeps the book between runs: loaded at start (replacing `initialStock` when a saved state exists),
   * saved after every change before answering; a failed save answers 503, which Fleetbridge retries.
   */
  readonly store?: WmsStateStore;
}

export interface WmsSimulator {
  /** Base URL, e.g. `http://127.0.0.1:53211` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly ledger: Ledger;
  readonly inventory: Inventory;
  /** @throws {ZodError} on an out-of-range mode. */
  setMode(mode: WmsMode): void;
  mode(): WmsMode;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

/** Counters of webhooks refused before reaching the ledger. */
interface Rejections {
  unauthorized: number;
  malformed: number;
}

/**
 * Starts the simulator and resolves once it listens.
 * @throws {TypeError} on a malformed webhook secret; {RangeError} on invalid bins or initial stock.
 */
export async function createWmsSimulator(options: WmsSimulatorOptions): Promise<WmsSimulator> {
  if (options.webhookSecrets.length === 0) throw new TypeError('at least one webhook secret is required');
  options.webhookSecrets.forEach(decodeSecret);
  const log = options.log ?? pino({ level: 'silent' });
  const now = options.now ?? (() => new Date());
  const inventory = new Inventory({
    bins: options.bins,
    ...(options.initialStock ? { initialStock: options.initialStock } : {}),
    ...(options.quarantine ? { quarantine: options.quarantine } : {}),
    ...(options.positions ? { positions: options.positions } : {}),
  });
  const ledger = new Ledger({ inventory, now });
  const saved = await options.store?.load();
  if (saved) ledger.restore(saved);
  /** Saves the book; false (after answering 503) when the store failed. */
  const persisted = async (res: Response): Promise<boolean> => {
    if (!options.store) return true;
    try {
      await options.store.save(ledger.state());
      return true;
    } catch (err) {
      log.error({ err }, 'wms-sim could not save its book');
      sendProblem(res, { status: 503, code: 'unavailable', title: 'The WMS could not save its book' });
      return false;
    }
  };
  const gate = new FaultGate();
  const rejected: Rejections = { unauthorized: 0, malformed: 0 };

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  const jsonBody = express.json({ limit: '64kb' });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', mode: gate.mode });
  });
  app.get('/ledger', (_req, res) => {
    res.json({ ...ledger.snapshot(), webhooksRejected: rejected });
  });
  app.get('/admin/mode', (_req, res) => {
    res.json(gate.mode);
  });
  app.post('/admin/mode', requireJson, jsonBody, (req, res) => {
    const body: unknown = req.body;
    const result = gate.setFromWire(body);
    if (!result.ok) {
      badRequest(res, result.errors);
      return;
    }
    log.info({ mode: gate.mode }, 'wms-sim mode changed');
    res.json(gate.mode);
  });

  app.use(gate.middleware);

  app.post('/putaway-decisions', requireJson, jsonBody, async (req, res) => {
    const parsed = parseWith(putawayRequestSchema, req.body);
    if (!parsed.ok) {
      badRequest(res, parsed.errors);
      return;
    }
    const decision = ledger.decidePutaway(parsed.value);
    log.info({ request: parsed.value, decision }, 'putaway decision');
    if (!(await persisted(res))) return;
    switch (decision.kind) {
      case 'location':
        res.json({ location: decision.location });
        return;
      case 'no-space':
        sendProblem(res, { status: 409, code: 'no-space', title: 'No free storage bin' });
        return;
      case 'request-id-reused':
        requestIdReused(res);
        return;
    }
  });

  app.post('/stock-picks', requireJson, jsonBody, async (req, res) => {
    const parsed = parseWith(pickRequestSchema, req.body);
    if (!parsed.ok) {
      badRequest(res, parsed.errors);
      return;
    }
    const decision = ledger.decidePick(parsed.value);
    log.info({ request: parsed.value, decision }, 'stock pick');
    if (!(await persisted(res))) return;
    switch (decision.kind) {
      case 'pick':
        res.json({ location: decision.location, handlingUnitId: decision.handlingUnitId });
        return;
      case 'no-stock':
        sendProblem(res, {
          status: 409,
          code: 'no-stock',
          title: 'No stock',
          detail: `no unreserved handling unit of ${parsed.value.sku}`,
        });
        return;
      case 'request-id-reused':
        requestIdReused(res);
        return;
    }
  });

  app.post('/webhooks', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const body: unknown = req.body;
    const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    const verdict = verify(
      options.webhookSecrets,
      {
        id: req.get('webhook-id'),
        timestamp: req.get('webhook-timestamp'),
        signature: req.get('webhook-signature'),
        body: raw,
      },
      {
        nowS: Math.floor(now().getTime() / 1000),
        toleranceS: options.webhookToleranceS ?? DEFAULT_TOLERANCE_S,
      },
    );
    if (!verdict.ok) {
      rejected.unauthorized += 1;
      log.warn({ reason: verdict.reason, webhookId: req.get('webhook-id') }, 'webhook rejected');
      sendProblem(res, { status: 401, code: 'bad-signature', title: 'Unauthorized', detail: verdict.reason });
      return;
    }
    const webhookId = req.get('webhook-id') ?? '';
    let parsedJson: unknown;
    try {
      parsedJson = JSON.parse(raw.toString('utf8'));
    } catch {
      rejected.malformed += 1;
      badRequest(res, [{ pointer: '/', detail: 'body is not JSON' }]);
      return;
    }
    const event = parseTransportEvent(parsedJson);
    if (!event.ok) {
      rejected.malformed += 1;
      log.warn({ webhookId, errors: event.errors }, 'webhook malformed');
      badRequest(res, event.errors);
      return;
    }
    const outcome = ledger.applyWebhook(webhookId, event.value);
    if (outcome.kind === 'moved' && outcome.discrepancies.length > 0) {
      log.warn({ webhookId, discrepancies: outcome.discrepancies }, 'move booked with discrepancies');
    } else if (outcome.kind === 'duplicate') {
      log.warn({ webhookId, discrepancy: outcome.discrepancy }, 'duplicate move confirmation');
    } else {
      log.info({ webhookId, type: event.value.type, outcome: outcome.kind }, 'webhook booked');
    }
    if (!(await persisted(res))) return;
    res.status(204).end();
  });

  app.use((_req: Request, res: Response) => {
    sendProblem(res, { status: 404, code: 'not-found', title: 'Not Found' });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = httpStatusOf(err);
    if (status >= 500) log.error({ err }, 'wms-sim request failed');
    sendProblem(res, {
      status,
      code: status === 413 ? 'too-large' : status < 500 ? 'bad-request' : 'internal',
      title: status < 500 ? 'Bad Request' : 'Internal Server Error',
      ...(err instanceof Error ? { detail: err.message } : {}),
    });
  });

  const server = createServer(app);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('wms-sim: no TCP address');
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  log.info({ url, bins: options.bins.length }, 'wms-sim listening');

  let closed: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    ledger,
    inventory,
    setMode: (mode) => {
      gate.set(mode);
    },
    mode: () => gate.mode,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        gate.close();
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function requireJson(req: Request, res: Response, next: NextFunction): void {
  if (req.is('application/json')) {
    next();
    return;
  }
  sendProblem(res, { status: 415, code: 'unsupported-media-type', title: 'Body must be application/json' });
}

function badRequest(res: Response, errors: readonly FieldError[]): void {
  sendProblem(res, { status: 400, code: 'invalid-body', title: 'Invalid request body', errors });
}

function requestIdReused(res: Response): void {
  sendProblem(res, {
    status: 409,
    code: 'idempotency-key-reused',
    title: 'requestId reused with a different body',
  });
}

/** The HTTP status an error carries (body-parser sets `status`), else 500. */
function httpStatusOf(err: unknown): number {
  if (typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number') {
    return err.status >= 400 && err.status < 600 ? err.status : 500;
  }
  return 500;
}
