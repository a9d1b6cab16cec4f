import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Role } from '../config.ts';
import type { Clock } from '../ports/clock.ts';
import { LIVE_CLOSE, type LiveKpis } from '../http/live-contract.ts';
import { diffLiveViews, hasChanges, liveSnapshot, type LiveChanges, type LiveView } from './live-view.ts';
import { parseLiveClientMessage, WATCH_ROLES } from './live-protocol.ts';

export const LIVE_PATH = '/v1/live';

/** What the live server samples every interval (`LiveSource`). */
export interface LiveFeedSource {
  observe(nowMs: number): void;
  view(nowMs: number): LiveView;
  sampleKpis(nowMs: number): LiveKpis | undefined;
  kpis(): readonly LiveKpis[];
}

export interface LiveServerOptions {
  /** The orchestrator's HTTP server: the feed takes its `upgrade` requests for `LIVE_PATH`. */
  readonly server: Server;
  readonly source: LiveFeedSource;
  /** The role of an API key, as the HTTP API resolves it; undefined for an unknown key. */
  readonly resolveKey: (key: string) => Promise<{ readonly role: Role } | undefined>;
  readonly layoutVersion: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** Between deltas, ms; default 100 (contract: at most 10 per second). */
  readonly intervalMs?: number;
  /** A client that sends no auth message this long is closed with 4401, ms; default 5000. */
  readonly authTimeoutMs?: number;
  /** A client with more than this queued is skipped (and sent a snapshot when it drains), bytes; 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** A client skipped this long is closed with 1013 (it reconnects for a snapshot), ms; default 5000. */
  readonly slowCloseMs?: number;
}

interface Client {
  readonly ws: WebSocket;
  seq: number;
  /** It missed a delta: its next message is a snapshot. */
  stale: boolean;
  overSinceMs?: number;
}

/** Close code 1013 (try again later): the client fell behind. */
const TRY_AGAIN_LATER = 1013;
/** Close code 1001 (going away): the orchestrator stops. */
const GOING_AWAY = 1001;

/**
 * `ws /v1/live` (`http/live-contract.ts`): authenticates each client by its first message, sends it a
 * snapshot, then deltas. One timer for all clients: every interval the view is built once and the same
 * delta goes to every client, each with its own `seq`. The layout is fixed for the life of the process
 * (it is loaded at start-up), so `layout-changed` is never sent.
 */
export class LiveServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly clients = new Map<WebSocket, Client>();
  private readonly timer: NodeJS.Timeout;
  private current: LiveView | undefined;
  private stopping = false;

  constructor(private readonly options: LiveServerOptions) {
    // A first KPI sample now, so even the first snapshot has one.
    options.source.sampleKpis(options.clock.now());
    options.server.on('upgrade', this.onUpgrade);
    this.timer = setInterval(() => {
      this.tick();
    }, options.intervalMs ?? 100);
    this.timer.unref();
  }

  /** Clients that passed auth and are fed. */
  get watching(): number {
    return this.clients.size;
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (this.stopping || pathOf(req.url) !== LIVE_PATH) {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.accept(ws);
    });
  };

  private accept(ws: WebSocket): void {
    const timeoutMs = this.options.authTimeoutMs ?? 5000;
    const timer = setTimeout(() => {
      ws.close(LIVE_CLOSE.unauthenticated, `no auth message within ${timeoutMs} ms`);
    }, timeoutMs);
    ws.on('error', (err) => {
      this.options.log.debug({ err: err.message }, 'live client socket error');
    });
    ws.once('close', () => {
      clearTimeout(timer);
      this.clients.delete(ws);
    });
    // Only the first message counts; later ones are ignored (the protocol has no others).
    ws.once('message', (data, isBinary) => {
      clearTimeout(timer);
      void this.authenticate(ws, isBinary ? undefined : textOf(data));
    });
  }

  private async authenticate(ws: WebSocket, text: string | undefined): Promise<void> {
    const message = text === undefined ? undefined : parseLiveClientMessage(text);
    if (!message) {
      ws.close(LIVE_CLOSE.badMessage, 'first message must be {"type":"auth","key":"<api key>"}');
      return;
    }
    let principal: { readonly role: Role } | undefined;
    try {
      principal = await this.options.resolveKey(message.key);
    } catch (err) {
      this.options.log.warn({ err }, 'live feed: cannot check an API key');
      ws.close(1011, 'cannot check the key now; retry');
      return;
    }
    if (ws.readyState !== WebSocket.OPEN || this.stopping) return;
    if (!principal) {
      ws.close(LIVE_CLOSE.unauthenticated, 'unknown API key');
      return;
    }
    if (!WATCH_ROLES.includes(principal.role)) {
      ws.close(
        LIVE_CLOSE.forbidden,
        `role ${principal.role} may not watch the fleet (${WATCH_ROLES.join(', ')})`,
      );
      return;
    }
    const client: Client = { ws, seq: 0, stale: false };
    this.clients.set(ws, client);
    this.sendSnapshot(client, this.clock());
  }

  private clock(): number {
    return this.options.clock.now();
  }

  private sendSnapshot(client: Client, nowMs: number): void {
    this.current ??= this.options.source.view(nowMs);
    client.seq += 1;
    client.ws.send(
      JSON.stringify(
        liveSnapshot(this.current, {
          seq: client.seq,
          layoutVersion: this.options.layoutVersion,
          kpis: this.options.source.kpis(),
        }),
      ),
    );
  }

  /** One interval: tally, sample KPIs, and when anyone watches, build the view once and fan the delta out. */
  private tick(): void {
    const nowMs = this.clock();
    try {
      this.options.source.observe(nowMs);
      const kpis = this.options.source.sampleKpis(nowMs);
      if (this.clients.size === 0) {
        this.current = undefined;
        return;
      }
      const next = this.options.source.view(nowMs);
      const changes: LiveChanges = {
        ...(this.current ? diffLiveViews(this.current, next) : {}),
        ...(kpis ? { kpis } : {}),
      };
      this.current = next;
      const body = hasChanges(changes) ? JSON.stringify(changes).slice(1) : undefined;
      for (const client of this.clients.values()) this.deliver(client, body, nowMs);
    } catch (err) {
      this.options.log.error({ err }, 'live feed: interval failed');
    }
  }

  /** Sends the delta (`body`: its JSON without the opening brace), or skips a client that is behind. */
  private deliver(client: Client, body: string | undefined, nowMs: number): void {
    const { ws } = client;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > (this.options.maxBufferedBytes ?? 1024 * 1024)) {
      client.overSinceMs ??= nowMs;
      client.stale = client.stale || body !== undefined;
      if (nowMs - client.overSinceMs >= (this.options.slowCloseMs ?? 5000))
        ws.close(TRY_AGAIN_LATER, 'too far behind; reconnect for a snapshot');
      return;
    }
    delete client.overSinceMs;
    if (client.stale) {
      client.stale = false;
      this.sendSnapshot(client, nowMs);
      return;
    }
    if (body === undefined) return;
    client.seq += 1;
    ws.send(`{"type":"delta","seq":${client.seq},${body}`);
  }

  /** Closes every client (1001) and stops taking upgrades; call before the HTTP server closes. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.options.server.off('upgrade', this.onUpgrade);
    const sockets = [...this.wss.clients];
    const closed = Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) {
              resolve();
              return;
            }
            ws.once('close', () => {
              resolve();
            });
            ws.close(GOING_AWAY, 'orchestrator stopping');
          }),
      ),
    );
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      closed,
      new Promise<void>((resolve) => {
        grace = setTimeout(resolve, 1000);
      }),
    ]);
    clearTimeout(grace);
    for (const ws of this.wss.clients) ws.terminate();
    this.clients.clear();
    await new Promise<void>((resolve) => {
      this.wss.close(() => {
        resolve();
      });
    });
  }
}

function pathOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.from(new Uint8Array(data)).toString('utf8');
}
