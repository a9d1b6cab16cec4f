/**
 * The WebSocket side of the bridge: one `ClientSession` per connection over a shared `RosGraph`. It can
 * be killed (every connection dropped without a close handshake, the port closed, as when
 * rosbridge_websocket dies) and started again on the same port while the robots behind it run on.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ClientSession, type BridgeLog } from './client-session.ts';
import type { RosGraph } from './ros-graph.ts';

export interface RosbridgeServerOptions {
  readonly graph: RosGraph;
  /** Interface to bind; default 127.0.0.1. */
  readonly host?: string;
  /** Port; 0 (the default) picks a free one, which a restart keeps. */
  readonly port?: number;
  readonly log: BridgeLog;
  /** Wall clock, ms (subscription throttling). */
  readonly clock: () => number;
}

function text(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

export class RosbridgeServer {
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Map<WebSocket, ClientSession>();
  private readonly host: string;
  private port: number;
  private nextClientId = 0;

  constructor(private readonly opts: RosbridgeServerOptions) {
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
  }

  /** `ws://host:port` once listening (IPv6 hosts in brackets). */
  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `ws://${host}:${this.port}`;
  }

  get listening(): boolean {
    return this.wss !== undefined;
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Binds (again) and resolves when listening; rejects with the bind error (e.g. EADDRINUSE). */
  async start(): Promise<void> {
    if (this.wss) return;
    const wss = new WebSocketServer({ host: this.host, port: this.port });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    wss.on('error', (err) => {
      this.opts.log('error', `websocket server: ${err.message}`);
    });
    this.port = (wss.address() as AddressInfo).port;
    wss.on('connection', (socket) => {
      this.accept(socket);
    });
    this.wss = wss;
    this.opts.log('info', `Rosbridge WebSocket server started at ${this.url}`);
  }

  private accept(socket: WebSocket): void {
    const session = new ClientSession({
      clientId: this.nextClientId++,
      graph: this.opts.graph,
      log: this.opts.log,
      clock: this.opts.clock,
      send: (frame) => {
        if (socket.readyState === socket.OPEN) socket.send(frame);
      },
    });
    this.sockets.set(socket, session);
    this.opts.log('info', `Client connected.  ${this.sockets.size} clients total.`);
    socket.on('message', (data) => {
      try {
        session.handleText(text(data));
      } catch (err) {
        this.opts.log('error', `${session.owner}: unexpected error: ${String(err)}`);
      }
    });
    socket.on('error', (err) => {
      this.opts.log('warn', `${session.owner}: socket error: ${err.message}`);
    });
    socket.on('close', () => {
      session.close();
      if (this.sockets.delete(socket))
        this.opts.log('info', `Client disconnected. ${this.sockets.size} clients total.`);
    });
  }

  /** Drops every connection without a close handshake and closes the port, as a killed bridge would. */
  async kill(): Promise<void> {
    const wss = this.wss;
    if (!wss) return;
    this.wss = undefined;
    for (const [socket, session] of this.sockets) {
      session.close();
      socket.terminate();
    }
    this.sockets.clear();
    await new Promise<void>((resolve) => {
      wss.close(() => {
        resolve();
      });
    });
    this.opts.log('info', 'Rosbridge WebSocket server killed');
  }
}
