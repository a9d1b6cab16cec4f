import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveServerMessage } from '../../orchestrator/http/live-contract.ts';
import { LiveClient, type LiveSocket, type LiveStatus, liveUrl } from './live-client.ts';

class FakeSocket implements LiveSocket {
  onopen: ((ev: Event) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  onclose: ((ev: CloseEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  readonly sent: string[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.onopen?.(new Event('open'));
  }
  receive(msg: unknown): void {
    this.onmessage?.({ data: JSON.stringify(msg) } as MessageEvent);
  }
  drop(code: number, reason = ''): void {
    this.onclose?.({ code, reason } as CloseEvent);
  }
}

const snapshot = (seq: number) => ({
  type: 'snapshot',
  seq,
  layoutVersion: 'v',
  robots: [],
  orders: [],
  alarms: [],
  kpis: [],
  blocked: { edges: [], nodes: [] },
});

describe('LiveClient', () => {
  let sockets: FakeSocket[];
  let statuses: LiveStatus[];
  let messages: LiveServerMessage[];
  let refused: [number, string][];
  let client: LiveClient;

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    statuses = [];
    messages = [];
    refused = [];
    client = new LiveClient({
      url: 'ws://plant/v1/live',
      key: 'k1',
      onMessage: (m) => messages.push(m),
      onStatus: (s) => statuses.push(s),
      onAuthRefused: (code, reason) => refused.push([code, reason]),
      createSocket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      random: () => 0,
    });
  });
  afterEach(() => {
    client.stop();
    vi.useRealTimers();
  });

  it('when the socket opens, then the auth message goes first, and messages are handed on validated', () => {
    client.start();
    sockets[0]!.open();
    expect(sockets[0]!.sent.map((s) => JSON.parse(s))).toEqual([{ type: 'auth', key: 'k1' }]);
    sockets[0]!.receive(snapshot(1));
    expect(messages).toHaveLength(1);
    expect(statuses).toEqual(['connecting', 'live']);
  });

  it('when the connection drops, then it reconnects after 0.5 s, 1 s, 2 s ... and shows reconnecting', () => {
    client.start();
    sockets[0]!.drop(1006);
    expect(statuses.at(-1)).toBe('reconnecting');
    vi.advanceTimersByTime(499);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop(1006);
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    sockets[2]!.open();
    sockets[2]!.receive(snapshot(9));
    expect(statuses.at(-1)).toBe('live');
    sockets[2]!.drop(1006);
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(4);
  });

  it('when the key is refused (4401 or 4403), then it reports why and never reconnects', () => {
    client.start();
    sockets[0]!.drop(4403, 'role mes may not watch');
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(refused).toEqual([[4403, 'role mes may not watch']]);
  });

  it('when a malformed message arrives or a resync is asked, then it drops the socket and connects again', () => {
    client.start();
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'delta' });
    expect(sockets[0]!.closed).toBe(true);
    expect(messages).toHaveLength(0);
    vi.advanceTimersByTime(0);
    expect(sockets).toHaveLength(2);
    client.resync('seq gap');
    expect(sockets[1]!.closed).toBe(true);
    vi.advanceTimersByTime(0);
    expect(sockets).toHaveLength(3);
  });

  it('when the page is https, then the feed is wss on the same host', () => {
    expect(liveUrl({ protocol: 'https:', host: 'map.plant:8443' })).toBe('wss://map.plant:8443/v1/live');
    expect(liveUrl({ protocol: 'http:', host: 'localhost:8080' })).toBe('ws://localhost:8080/v1/live');
  });
});
