/**
 * What a broken or hostile bridge sends, from a tiny rosbridge of our own (a `ws` server on port 0): the
 * adapter logs each kind of problem once, naming the robot (or the bridge's robots), ignores the input,
 * never throws, and reports the robot faulty where it can no longer be trusted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Layout } from '../../orchestrator/domain/layout.ts';
import type { RobotEvent } from '../../orchestrator/domain/robot-messages.ts';
import { RosbridgeRobotAdapter, type RosbridgeAdapterOptions } from './rosbridge-robot-adapter.ts';

const layout: Layout = {
  id: 'L',
  name: 'L',
  version: '1',
  nodes: [
    { id: 'A', x: 0, y: 0, mapId: 'm' },
    { id: 'B', x: 2, y: 0, mapId: 'm' },
  ],
  edges: [
    { id: 'A-B', from: 'A', to: 'B', lengthM: 2 },
    { id: 'B-A', from: 'B', to: 'A', lengthM: 2 },
  ],
  stations: [],
};

const amcl = (x: number, y: number, frame = 'map'): object => ({
  header: { stamp: { secs: 1, nsecs: 0 }, frame_id: frame },
  pose: { pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } },
});

type Frame = Record<string, unknown>;

/** A rosbridge that answers only what a test tells it to; the robot's pose is latched on subscribe. */
class TinyBridge {
  readonly received: Frame[] = [];
  private socket: WebSocket | undefined;
  private readonly waiters = new Set<() => void>();
  private constructor(private readonly server: WebSocketServer) {
    server.on('connection', (ws) => {
      this.socket = ws;
      ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as Frame;
        this.received.push(frame);
        const topic = String(frame.topic);
        if (frame.op === 'subscribe' && topic.endsWith('/amcl_pose')) this.publish(topic, amcl(0, 0));
        for (const w of [...this.waiters]) w();
      });
    });
  }

  static async start(port = 0): Promise<TinyBridge> {
    const server = new WebSocketServer({ host: '127.0.0.1', port });
    await new Promise((resolve) => server.once('listening', resolve));
    return new TinyBridge(server);
  }

  get url(): string {
    const address = this.server.address();
    return `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  get connections(): number {
    return this.server.clients.size;
  }

  raw(text: string): void {
    this.socket?.send(text);
  }

  publish(topic: string, msg: unknown): void {
    this.raw(JSON.stringify({ op: 'publish', topic, msg }));
  }

  next(match: (frame: Frame) => boolean, timeoutMs = 3000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.received.find(match);
        if (!hit) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        reject(new Error('the adapter did not send the expected frame'));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise((resolve) => {
      this.server.close(resolve);
    });
  }
}

describe('RosbridgeRobotAdapter on bad input', () => {
  let bridge: TinyBridge;
  let adapter: RosbridgeRobotAdapter;
  let events: RobotEvent[];
  let warnings: { details: Record<string, unknown>; message: string }[];

  afterEach(async () => {
    await adapter.stop();
    await bridge.close();
  });

  async function start(options: Partial<RosbridgeAdapterOptions> = {}): Promise<void> {
    bridge = await TinyBridge.start();
    warnings = [];
    events = [];
    const log = {
      info: () => undefined,
      error: () => undefined,
      warn: (details: object, message: string) =>
        warnings.push({ details: details as Record<string, unknown>, message }),
    };
    adapter = new RosbridgeRobotAdapter({
      layout,
      log,
      startTimeoutMs: 2000,
      ...options,
      robots: (
        options.robots ?? [{ robotId: 'R1', url: '', profile: 'ros1-move-base', namespace: '/amr1' }]
      ).map((r) => ({ ...r, url: bridge.url })),
    });
    adapter.onEvent((e) => events.push(e));
    await adapter.start();
    expect(events).toContainEqual({ type: 'connection', robotId: 'R1', state: 'online' });
    await until(() => lastState()?.nodeId === 'A', 'robot-state on A');
  }

  const lastState = (): Extract<RobotEvent, { type: 'robot-state' }>['state'] | undefined =>
    events.flatMap((e) => (e.type === 'robot-state' ? [e.state] : [])).at(-1);
  const kinds = (kind: string): typeof warnings => warnings.filter((w) => w.details.kind === kind);
  const errorCodes = (): string[] => lastState()?.errors.map((e) => e.code) ?? [];

  /** Awaits a condition on what the adapter emitted: checked now and on each event, with a timeout. */
  function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!condition()) return;
        clearTimeout(timer);
        off();
        resolve();
      };
      const off = adapter.onEvent(() => {
        check();
      });
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out waiting for ${what}; last state ${JSON.stringify(lastState())}`));
      }, timeoutMs);
      check();
    });
  }

  /** A well-formed pose at (x, y): when it shows in robot-state, everything sent before it was handled. */
  async function barrier(x: number): Promise<void> {
    bridge.publish('/amr1/amcl_pose', amcl(x, 0));
    await until(() => lastState()?.pose?.x === x, `the pose at x=${x}`);
  }

  it('when frames are not JSON, lack an op, name an unknown op or choke roslib, then each kind is logged once for the bridge robots', async () => {
    await start({ reportEveryMs: 0 });
    for (let i = 0; i < 2; i += 1) {
      bridge.raw('{"op": "publish", "topic": ');
      bridge.raw('{"topic": "/amr1/amcl_pose"}');
      bridge.raw('{"op": "set_level", "level": "info"}');
      // roslib routes a service_response by id; one carrying a topic's name makes roslib's topic throw.
      bridge.raw('{"op": "service_response", "id": "/amr1/amcl_pose", "result": true, "values": {}}');
    }
    await barrier(0.1);
    for (const kind of ['malformed-json', 'no-op', 'unknown-op', 'decode-error']) {
      expect(kinds(kind), kind).toHaveLength(1);
      expect(kinds(kind)[0]!.details).toMatchObject({ url: `${bridge.url}/`, robotIds: ['R1'] });
    }
    expect(errorCodes().filter((c) => c !== 'battery-unknown')).toEqual([]);
  });

  it('when a pose or a battery state has the wrong shape, then it is logged once with the robot id and ignored', async () => {
    await start({ reportEveryMs: 0 });
    for (let i = 0; i < 3; i += 1) {
      bridge.publish('/amr1/amcl_pose', {
        header: { frame_id: 'map' },
        pose: { pose: { position: 'here' } },
      });
      bridge.publish('/amr1/battery_state', { percentage: 'full', power_supply_status: 2 });
    }
    await barrier(0.2);
    expect(kinds('bad-pose')).toHaveLength(1);
    expect(kinds('bad-pose')[0]!.details).toMatchObject({ robotId: 'R1' });
    expect(kinds('bad-battery')).toHaveLength(1);
    bridge.publish('/amr1/battery_state', { percentage: 0.5, power_supply_status: 1 });
    await until(
      () => lastState()?.batteryPct === 50 && lastState()?.charging === true,
      'the good battery state',
    );
    // rosbridge writes a NaN percentage as null: the charge is unknown, the last one is kept, with a warning.
    bridge.publish('/amr1/battery_state', { percentage: null, power_supply_status: 2 });
    await until(() => errorCodes().includes('battery-unknown'), 'battery-unknown');
    expect(lastState()?.batteryPct).toBe(50);
    expect(lastState()?.errors.find((e) => e.code === 'battery-unknown')?.level).toBe('warning');
  });

  it('when poses come in another frame only, then they are logged once and ignored, and the robot turns pose-stale until a map pose', async () => {
    await start({ staleAfterMs: 300 });
    const sender = setInterval(() => {
      bridge.publish('/amr1/amcl_pose', amcl(1, 0, 'odom'));
    }, 50);
    try {
      await until(() => errorCodes().includes('pose-stale'), 'pose-stale');
    } finally {
      clearInterval(sender);
    }
    expect(kinds('pose-frame')).toHaveLength(1);
    expect(kinds('pose-frame')[0]!.details).toMatchObject({ robotId: 'R1' });
    expect(lastState()?.errors.find((e) => e.code === 'pose-stale')?.level).toBe('fatal');
    expect(lastState()?.pose?.x).toBe(0);
    bridge.publish('/amr1/amcl_pose', amcl(0, 0));
    await until(() => !errorCodes().includes('pose-stale'), 'pose-stale cleared');
  });

  it('when the pose is far off the graph, then the robot is off-graph (fatal, logged once) until it is back on it', async () => {
    await start();
    bridge.publish('/amr1/amcl_pose', amcl(1, 9));
    bridge.publish('/amr1/amcl_pose', amcl(1, 8));
    await until(() => errorCodes().includes('off-graph'), 'off-graph');
    expect(kinds('off-graph')).toHaveLength(1);
    expect(lastState()?.errors.find((e) => e.code === 'off-graph')?.level).toBe('fatal');
    bridge.publish('/amr1/amcl_pose', amcl(1, 0.5));
    await until(() => !errorCodes().includes('off-graph'), 'off-graph cleared');
  });

  it('when the goal gets a status actionlib does not have, then it is logged once and the unanswered goal becomes goal-aborted', async () => {
    await start({ goalAcceptTimeoutMs: 300 });
    const drop = { actionId: 'drop-1', type: 'drop' as const, loadId: 'L' };
    adapter.execute({
      type: 'release-segment',
      robotId: 'R1',
      taskId: 't',
      nodes: [
        { nodeId: 'A', actions: [] },
        { nodeId: 'B', actions: [drop] },
      ],
      edgeIds: ['A-B'],
    });
    const goal = await bridge.next((f) => f.op === 'publish' && f.topic === '/amr1/move_base/goal');
    const goalId = ((goal.msg as Frame).goal_id as { id: string }).id;
    const status = {
      status_list: [{ goal_id: { id: goalId, stamp: { secs: 0, nsecs: 0 } }, status: 42, text: '' }],
    };
    bridge.publish('/amr1/move_base/status', status);
    bridge.publish('/amr1/move_base/status', status);
    await until(() => errorCodes().includes('goal-aborted'), 'goal-aborted', 4000);
    expect(kinds('unknown-goal-status')).toHaveLength(1);
    expect(kinds('unknown-goal-status')[0]!.details).toMatchObject({ robotId: 'R1' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'action-failed', actionId: 'drop-1' }));
    expect(lastState()?.routeNodeIds).toEqual([]);
  });

  it('when two robots share a bridge URL, then one WebSocket carries both', async () => {
    await start({
      robots: [
        { robotId: 'R1', url: '', profile: 'ros1-move-base', namespace: '/amr1' },
        { robotId: 'R2', url: '', profile: 'ros2-nav2', namespace: '/amr2' },
      ],
    });
    await until(
      () => events.some((e) => e.type === 'robot-state' && e.robotId === 'R2' && e.state.nodeId === 'A'),
      'R2 on A',
    );
    expect(bridge.connections).toBe(1);
    const subscribed = bridge.received.filter((f) => f.op === 'subscribe').map((f) => String(f.topic));
    expect(subscribed).toEqual(
      expect.arrayContaining(['/amr1/amcl_pose', '/amr2/amcl_pose', '/amr1/move_base/status']),
    );
  });
});

describe('RosbridgeRobotAdapter when the bridge is down at start', () => {
  it('when no bridge answers, then start resolves with the robot offline, and once one listens it is online on its node', async () => {
    const probe = await TinyBridge.start();
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const events: RobotEvent[] = [];
    const adapter = new RosbridgeRobotAdapter({
      layout,
      robots: [
        { robotId: 'R1', url: `ws://127.0.0.1:${port}`, profile: 'ros1-move-base', namespace: '/amr1' },
      ],
      startTimeoutMs: 200,
      reconnect: { initialMs: 50, maxMs: 200 },
    });
    adapter.onEvent((e) => events.push(e));
    await adapter.start();
    expect(events).toEqual([
      { type: 'connection', robotId: 'R1', state: 'offline' },
      expect.objectContaining({
        type: 'robot-state',
        robotId: 'R1',
        state: expect.not.objectContaining({ nodeId: 'A' }),
      }),
    ]);
    const bridge = await TinyBridge.start(port);
    try {
      await new Promise<void>((resolve, reject) => {
        const onNode = (): boolean => events.some((e) => e.type === 'robot-state' && e.state.nodeId === 'A');
        const timer = setTimeout(() => {
          reject(new Error(`never online on A: ${JSON.stringify(events)}`));
        }, 4000);
        const off = adapter.onEvent(() => {
          if (!onNode()) return;
          clearTimeout(timer);
          off();
          resolve();
        });
      });
      expect(events).toContainEqual({ type: 'connection', robotId: 'R1', state: 'online' });
    } finally {
      await adapter.stop();
      await bridge.close();
    }
  });
});
