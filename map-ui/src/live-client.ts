import {
  LIVE_CLOSE,
  type LiveClientMessage,
  type LiveServerMessage,
} from '../../orchestrator/http/live-contract.ts';
import { backoffDelayMs } from './view-model/backoff.ts';
import { parseLiveMessage } from './view-model/live-guards.ts';

/** The part of a browser WebSocket the client uses (injected so tests can fake it). */
export interface LiveSocket {
  onopen: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

export interface LiveClientOptions {
  readonly url: string;
  readonly key: string;
  readonly onMessage: (msg: LiveServerMessage) => void;
  readonly onStatus: (status: LiveStatus, detail: string) => void;
  /** The key was refused (4401) or its role may not watch (4403): no reconnect. */
  readonly onAuthRefused: (code: number, reason: string) => void;
  readonly createSocket?: (url: string) => LiveSocket;
  /** [0, 1); default Math.random. */
  readonly random?: () => number;
}

/** `ws(s)://<host>/v1/live` for the page's location. */
export function liveUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/v1/live`;
}

/**
 * The `/v1/live` connection: sends the auth message first, hands on validated messages, and reconnects
 * with exponential backoff (0.5 s doubling to 10 s, jittered) until stopped or refused.
 */
export class LiveClient {
  private socket: LiveSocket | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private everConnected = false;

  constructor(private readonly options: LiveClientOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const s = this.socket;
    this.socket = undefined;
    s?.close(1000, 'client stopped');
  }

  /** Drops the connection and opens a new one at once, for a fresh snapshot (after a seq gap). */
  resync(reason: string): void {
    const s = this.socket;
    this.socket = undefined;
    s?.close(1000, 'resync');
    this.options.onStatus('reconnecting', reason);
    this.schedule(0);
  }

  private connect(): void {
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url));
    if (!this.everConnected && this.attempt === 0) this.options.onStatus('connecting', '');
    let socket: LiveSocket;
    try {
      socket = create(this.options.url);
    } catch (error) {
      this.scheduleReconnect(error instanceof Error ? error.message : String(error));
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      const auth: LiveClientMessage = { type: 'auth', key: this.options.key };
      socket.send(JSON.stringify(auth));
    };
    socket.onmessage = (ev) => {
      if (this.socket !== socket || typeof ev.data !== 'string') return;
      let raw: unknown;
      try {
        raw = JSON.parse(ev.data);
      } catch {
        this.resync('unreadable message');
        return;
      }
      const parsed = parseLiveMessage(raw);
      if (!parsed.ok) {
        console.warn(`live: ${parsed.reason}`);
        this.resync(parsed.reason);
        return;
      }
      if (parsed.message.type === 'snapshot') {
        this.attempt = 0;
        this.everConnected = true;
        this.options.onStatus('live', '');
      }
      this.options.onMessage(parsed.message);
    };
    socket.onerror = () => undefined;
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (ev.code === LIVE_CLOSE.unauthenticated || ev.code === LIVE_CLOSE.forbidden) {
        this.stopped = true;
        this.options.onAuthRefused(ev.code, ev.reason);
        return;
      }
      this.scheduleReconnect(ev.reason || `connection closed (${ev.code})`);
    };
  }

  private scheduleReconnect(detail: string): void {
    if (this.stopped) return;
    this.options.onStatus('reconnecting', detail);
    this.schedule(backoffDelayMs(this.attempt, (this.options.random ?? Math.random)()));
    this.attempt++;
  }

  private schedule(delayMs: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) this.connect();
    }, delayMs);
  }
}
