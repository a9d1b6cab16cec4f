import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveServer, type LiveFeedSource, type LiveServerOptions } from './live-server.ts';
import { connectLive } from './live-test-client.ts';
import { liveRobot } from './live-test-fixtures.ts';
import { buildLiveView, type LiveRobotSource } from './live-view.ts';

const robot = (id: string, x: number): LiveRobotSource =>
  liveRobot(id, { pose: { x, y: 0, thetaRad: 0 }, batteryPct: 50 });

/** A source over a mutable fleet; KPI samples never due. */
function fakeSource(fleet: { robots: LiveRobotSource[] }): LiveFeedSource {
  return {
    observe: () => undefined,
    sampleKpis: () => undefined,
    kpis: () => [],
    view: (nowMs) =>
      buildLiveView({
        nowMs,
        robots: fleet.robots,
        orders: [],
        alarms: [],
        blocks: { edges: [], nodes: [] },
        routes: { path: () => undefined, seconds: () => Infinity, stationNode: () => undefined },
      }),
  };
}

describe('LiveServer', () => {
  let http: Server;
  let live: LiveServer | undefined;
  let base: string;
  const fleet = { robots: [robot('r1', 0), robot('r2', 5)] };
  const keys: Record<string, 'supervisor' | 'admin' | 'wms'> = {
    sup: 'supervisor',
    adm: 'admin',
    wms: 'wms',
  };

  const defaults = (): LiveServerOptions => ({
    server: http,
    source: fakeSource(fleet),
    resolveKey: (key) => Promise.resolve(keys[key] ? { role: keys[key] } : undefined),
    layoutVersion: 'v1',
    clock: { now: () => Date.now() },
    log: pino({ level: 'silent' }),
    intervalMs: 20,
    authTimeoutMs: 200,
  });
  const start = (patch: Partial<LiveServerOptions> = {}) => {
    live = new LiveServer({ ...defaults(), ...patch });
  };

  beforeEach(async () => {
    fleet.robots = [robot('r1', 0), robot('r2', 5)];
    http = createServer((_req, res) => res.end('http'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    base = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    await new Promise((resolve) => http.close(resolve));
  });

  it('when a supervisor authenticates, then a snapshot comes, then a delta with only the robot that moved', async () => {
    start();
    const c = connectLive(`${base}/v1/live`);
    await c.send(JSON.stringify({ type: 'auth', key: 'sup' }));
    const snapshot = await c.next();
    expect(snapshot.type).toBe('snapshot');
    expect(snapshot.seq).toBe(1);
    if (snapshot.type !== 'snapshot') return;
    expect(snapshot.robots.map((r) => r.id)).toEqual(['r1', 'r2']);
    fleet.robots = [robot('r1', 1), robot('r2', 5)];
    const delta = await c.next();
    expect(delta).toMatchObject({ type: 'delta', seq: 2 });
    if (delta.type !== 'delta') return;
    expect(delta.robots?.upsert.map((r) => [r.id, r.pose?.x])).toEqual([['r1', 1]]);
    fleet.robots = [robot('r1', 2), robot('r2', 5)];
    expect(await c.next()).toMatchObject({ type: 'delta', seq: 3 });
    c.ws.close();
  });

  it.each([
    ['an unknown key', JSON.stringify({ type: 'auth', key: 'nope' }), 4401],
    ['a role that may not watch', JSON.stringify({ type: 'auth', key: 'wms' }), 4403],
    ['a malformed message', '{"type":"auth",', 4400],
  ])('when the first message is %s, then the socket closes with %s', async (_what, text, code) => {
    start();
    const c = connectLive(`${base}/v1/live`);
    await c.send(text);
    expect((await c.closed).code).toBe(code);
    expect(live?.watching).toBe(0);
  });

  it('when no auth message comes in time, then the socket closes with 4401', async () => {
    start({ authTimeoutMs: 50 });
    const c = connectLive(`${base}/v1/live`);
    const closed = await c.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/no auth message/);
  });

  it('when a client stays behind, then it is closed with 1013', async () => {
    start({ maxBufferedBytes: -1, slowCloseMs: 60 });
    const c = connectLive(`${base}/v1/live`);
    await c.send(JSON.stringify({ type: 'auth', key: 'adm' }));
    expect((await c.next()).type).toBe('snapshot');
    expect((await c.closed).code).toBe(1013);
  });

  it('when a client was behind and catches up, then it gets a fresh snapshot instead of the deltas it missed', async () => {
    const views: (() => void)[] = [];
    const source = fakeSource(fleet);
    const counted: LiveFeedSource = {
      ...source,
      view: (nowMs) => {
        const view = source.view(nowMs);
        views.shift()?.();
        return view;
      },
    };
    // The limit is read on every interval: the test changes it on the options object it passed.
    const options = { ...defaults(), source: counted, maxBufferedBytes: -1, slowCloseMs: 60_000 };
    live = new LiveServer(options);
    const c = connectLive(`${base}/v1/live`);
    await c.send(JSON.stringify({ type: 'auth', key: 'sup' }));
    expect(await c.next()).toMatchObject({ type: 'snapshot', seq: 1 });
    fleet.robots = [robot('r1', 3), robot('r2', 5)];
    // One interval sees the change while the client is over its limit: it is skipped.
    await new Promise<void>((resolve) => views.push(resolve));
    await new Promise<void>((resolve) => views.push(resolve));
    options.maxBufferedBytes = 1024 * 1024;
    const next = await c.next();
    expect(next).toMatchObject({ type: 'snapshot', seq: 2 });
    if (next.type === 'snapshot') expect(next.robots.find((r) => r.id === 'r1')?.pose?.x).toBe(3);
    c.ws.close();
  });

  it('when the upgrade is for another path, then the socket is dropped', async () => {
    start();
    const c = connectLive(`${base}/v1/other`);
    await expect(c.opened).rejects.toThrow();
  });

  it('when the server stops, then watching clients are closed with 1001', async () => {
    start();
    const c = connectLive(`${base}/v1/live`);
    await c.send(JSON.stringify({ type: 'auth', key: 'sup' }));
    await c.next();
    await live?.stop();
    live = undefined;
    expect((await c.closed).code).toBe(1001);
  });
});
