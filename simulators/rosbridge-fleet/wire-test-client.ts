/**
 * A bare rosbridge client for the tests: raw frames out, every frame in kept in a queue, and `next`
 * awaiting the first frame that matches (already received or still to come) with a timeout. No sleeps.
 */
import WebSocket from 'ws';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed wire frames; the tests' expectations check them
export type Frame = Record<string, any>;

interface Waiter {
  readonly match: (frame: Frame) => boolean;
  readonly resolve: (frame: Frame) => void;
}

export class WireTestClient {
  private readonly queue: Frame[] = [];
  private readonly waiters = new Set<Waiter>();
  private syncs = 0;
  /** Resolves with the close code when the connection ends. */
  readonly closed: Promise<number>;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const parsed: unknown = JSON.parse(data.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null) return;
      const frame = parsed as Frame;
      for (const waiter of this.waiters) {
        if (waiter.match(frame)) {
          this.waiters.delete(waiter);
          waiter.resolve(frame);
          return;
        }
      }
      this.queue.push(frame);
    });
    this.closed = new Promise((resolve) => socket.once('close', resolve));
  }

  static async connect(url: string, timeoutMs = 3000): Promise<WireTestClient> {
    const socket = new WebSocket(url);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => {
          resolve();
        });
        socket.once('error', reject);
      }),
      timeoutMs,
      `connecting to ${url}`,
    );
    return new WireTestClient(socket);
  }

  send(op: Frame): void {
    this.socket.send(JSON.stringify(op));
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  /** The first frame matching `match`, taken out of the queue; fails after `timeoutMs` naming `what`. */
  next(match: (frame: Frame) => boolean, what: string, timeoutMs = 3000): Promise<Frame> {
    const index = this.queue.findIndex(match);
    if (index >= 0) return Promise.resolve(this.queue.splice(index, 1)[0] as Frame);
    let waiter: Waiter | undefined;
    const arrived = new Promise<Frame>((resolve) => {
      waiter = { match, resolve };
      this.waiters.add(waiter);
    });
    return withTimeout(arrived, timeoutMs, what).finally(() => {
      if (waiter) this.waiters.delete(waiter);
    });
  }

  /** A `publish` on `topic`, optionally one that also satisfies `match`. */
  nextOn(topic: string, match: (msg: Frame) => boolean = () => true, timeoutMs = 3000): Promise<Frame> {
    return this.next(
      (f) => f.op === 'publish' && f.topic === topic && match(f.msg as Frame),
      `a publish on ${topic}`,
      timeoutMs,
    ).then((f) => f.msg as Frame);
  }

  /**
   * Resolves once the server has handled every frame sent before: a call to a service that does not
   * exist is answered in order on the same connection.
   */
  async sync(): Promise<void> {
    const id = `sync-${++this.syncs}`;
    this.send({ op: 'call_service', id, service: '/__sync__' });
    await this.next((f) => f.op === 'service_response' && f.id === id, 'the sync round trip');
  }

  /** Frames received and not taken by `next` that match. */
  queued(match: (frame: Frame) => boolean): Frame[] {
    return this.queue.filter(match);
  }

  close(): void {
    this.socket.close();
  }
}

export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Collects the bridge's log lines for assertions. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly log = (level: string, message: string): void => {
    this.lines.push(`${level} ${message}`);
  };

  has(fragment: string): boolean {
    return this.lines.some((line) => line.includes(fragment));
  }
}
