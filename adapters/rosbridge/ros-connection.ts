/**
 * One roslib `Ros` per rosbridge URL, shared by every robot behind that bridge, kept up like a product:
 * roslib never reconnects by itself (specs/rosbridge.md, "roslib 2.x facts"), so a closed link is
 * reopened after a `Backoff` delay (full jitter) until `stop()`. roslib's topics re-send their subscribe
 * and advertise on the next connection; what else was in flight is the robots' business.
 *
 * Frames pass a screen before roslib sees them (`ScreeningTransport`): invalid JSON, binary frames, frames
 * without an `op` and unknown ops are reported to `onProblem` and dropped, never thrown.
 */
import { WebSocket } from 'ws';
import { AbstractTransport, Ros } from 'roslib';
import { Backoff, type BackoffOptions } from '../kit/backoff.ts';
import { SERVER_OPS } from './wire.ts';

/** A problem with what the bridge sent, not attributable to one robot: `kind` is stable. */
export type ConnectionProblem = (kind: string, detail: string) => void;

type RosbridgeMessage = Parameters<AbstractTransport['send']>[0];

/** roslib transport over `ws` that screens every frame before roslib decodes it. */
export class ScreeningTransport extends AbstractTransport {
  constructor(
    private readonly socket: WebSocket,
    onProblem: ConnectionProblem,
  ) {
    super();
    socket.on('open', (event: unknown) => this.emit('open', event));
    socket.on('close', (code: number) => this.emit('close', code));
    socket.on('error', (err: Error) => this.emit('error', err));
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        onProblem('binary-frame', `a binary frame of ${data.length} bytes (no compression was asked for)`);
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString('utf8'));
      } catch (err) {
        onProblem('malformed-json', (err as Error).message);
        return;
      }
      const op = typeof parsed === 'object' && parsed !== null ? (parsed as { op?: unknown }).op : undefined;
      if (typeof op !== 'string') {
        onProblem('no-op', 'a frame without an op');
        return;
      }
      if (!SERVER_OPS.has(op)) {
        onProblem('unknown-op', `unknown op ${JSON.stringify(op).slice(0, 60)}`);
        return;
      }
      this.handleRawMessage(parsed);
    });
  }

  send(message: RosbridgeMessage): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
  close(): void {
    this.socket.close();
  }
  isConnecting(): boolean {
    return this.socket.readyState === WebSocket.CONNECTING;
  }
  isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }
  isClosing(): boolean {
    return this.socket.readyState === WebSocket.CLOSING;
  }
  isClosed(): boolean {
    return this.socket.readyState === WebSocket.CLOSED;
  }
}

export interface ConnectionListener {
  opened(): void;
  closed(): void;
}

export class RosConnection {
  readonly ros: Ros;
  private readonly backoff: Backoff;
  private readonly listeners = new Set<ConnectionListener>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  private open = false;

  constructor(
    readonly url: string,
    options: { readonly reconnect?: BackoffOptions; readonly onProblem: ConnectionProblem },
  ) {
    this.backoff = new Backoff(options.reconnect);
    this.ros = new Ros({
      transportFactory: (url) =>
        Promise.resolve(new ScreeningTransport(new WebSocket(url), options.onProblem)),
    });
    this.ros.on('connection', () => {
      this.open = true;
      this.backoff.reset();
      for (const l of [...this.listeners]) l.opened();
    });
    this.ros.on('close', () => {
      const was = this.open;
      this.open = false;
      if (was) for (const l of [...this.listeners]) l.closed();
      this.schedule();
    });
    this.ros.on('error', (err: unknown) => {
      // Socket errors are followed by a close; anything else roslib threw while decoding is reported.
      if (err instanceof Error && !('code' in err)) options.onProblem('decode-error', err.message);
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  listen(listener: ConnectionListener): void {
    this.listeners.add(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
    this.ros.close();
  }

  private connect(): void {
    if (this.stopped) return;
    this.ros.connect(this.url).catch((err: unknown) => {
      // The factory does not reject; a bad URL throws in `new WebSocket`: retry as for a refused link.
      this.open = false;
      if (err instanceof Error) this.ros.emit('error', err);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, this.backoff.next());
    this.timer.unref();
  }
}
