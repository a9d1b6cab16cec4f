/**
 * The rosbridge adapter, through the RobotAdapter port, on the real ROS 1 peer: rosbridge_suite 0.11.17
 * with the move_base-style robot (`../shared/peers/ros1-rosbridge`), a peer of its own per test. The
 * robot starts at map (0, 0), which `mapFrame` puts on node A of a small layout; node X lies 70 m out in
 * the robot's map, outside the peer's +-50 m box, so a goal there is ABORTED by the robot itself.
 * The test watches the peer over a WebSocket of its own (`PeerWatch`), never through the adapter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RosbridgeRobotAdapter } from '../../adapters/rosbridge/rosbridge-robot-adapter.ts';
import type { Layout } from '../../orchestrator/domain/layout.ts';
import type { RobotAction, RobotCommand } from '../../orchestrator/domain/robot-messages.ts';
import {
  EventQueue,
  isActionFailed,
  isActionFinished,
  isNodeReached,
  isRobotState,
} from '../contract/event-queue.ts';
import { startRos1Peer, type Ros1Peer } from '../support/ros1-peer.ts';

const ROBOT = 'AMR-R1';
const node = (id: string, x: number, y: number): Layout['nodes'][number] => ({ id, x, y, mapId: 'm' });
const NODES = [
  node('A', 10, 10),
  node('B', 12, 10),
  node('C', 14, 10),
  node('D', 16, 10),
  node('E', 18, 10),
  node('X', 80, 10),
];
const CHAIN = ['A', 'B', 'C', 'D', 'E', 'X'];
const layout: Layout = {
  id: 'peer-line',
  name: 'peer line',
  version: '1',
  nodes: NODES,
  edges: CHAIN.slice(1).flatMap((to, i) => {
    const from = CHAIN[i]!;
    const a = NODES.find((n) => n.id === from)!;
    const b = NODES.find((n) => n.id === to)!;
    const lengthM = Math.hypot(b.x - a.x, b.y - a.y);
    return [
      { id: `${from}-${to}`, from, to, lengthM },
      { id: `${to}-${from}`, from: to, to: from, lengthM },
    ];
  }),
  stations: [],
};

/** A release of `nodeIds` (the first is where the robot stands), `lastActions` on the last node. */
function release(
  taskId: string,
  nodeIds: readonly string[],
  lastActions: readonly RobotAction[] = [],
): RobotCommand {
  return {
    type: 'release-segment',
    robotId: ROBOT,
    taskId,
    nodes: nodeIds.map((nodeId, i) => ({ nodeId, actions: i === nodeIds.length - 1 ? lastActions : [] })),
    edgeIds: nodeIds.slice(1).map((to, i) => `${nodeIds[i]!}-${to}`),
  };
}

interface Published {
  readonly topic: string;
  readonly msg: Record<string, unknown>;
}

/** A client of our own on the peer: subscribes to topics and awaits the messages the test expects. */
class PeerWatch {
  private readonly seen: Published[] = [];
  private readonly waiters = new Set<() => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as {
        op?: string;
        topic?: string;
        msg?: Record<string, unknown>;
      };
      if (frame.op !== 'publish' || frame.topic === undefined || frame.msg === undefined) return;
      this.seen.push({ topic: frame.topic, msg: frame.msg });
      for (const w of [...this.waiters]) w();
    });
  }

  static async open(url: string, topics: readonly string[]): Promise<PeerWatch> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    for (const topic of topics) ws.send(JSON.stringify({ op: 'subscribe', topic }));
    return new PeerWatch(ws);
  }

  next(
    topic: string,
    match: (msg: Record<string, unknown>) => boolean,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> {
    const from = this.seen.length;
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.seen.slice(from).find((p) => p.topic === topic && match(p.msg));
        if (!hit) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(hit.msg);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${topic} message as expected within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  close(): void {
    this.ws.close();
  }
}

type Xy = { x: number; y: number };
const odomXy = (msg: Record<string, unknown>): Xy =>
  (msg as { pose: { pose: { position: Xy } } }).pose.pose.position;
const statusOf = (msg: Record<string, unknown>): number =>
  (msg as { status: { status: number } }).status.status;

describe('RosbridgeRobotAdapter on the real ROS 1 rosbridge peer', () => {
  let peer: Ros1Peer | undefined;
  let adapter: RosbridgeRobotAdapter | undefined;
  let watch: PeerWatch | undefined;
  let events: EventQueue;

  afterEach(async () => {
    events.close();
    watch?.close();
    await adapter?.stop();
    await peer?.stop();
  });

  async function start(speedMps: number): Promise<void> {
    peer = await startRos1Peer({ speedMps });
    adapter = new RosbridgeRobotAdapter({
      layout,
      robots: [
        { robotId: ROBOT, url: peer.url, profile: 'ros1-move-base', mapFrame: { x: 10, y: 10, thetaRad: 0 } },
      ],
      reconnect: { initialMs: 200, maxMs: 1000 },
    });
    events = new EventQueue(adapter, 15_000);
    watch = await PeerWatch.open(peer.url, ['/odom', '/move_base/result']);
    await adapter.start();
    const first = await events.next(
      'robot-state on A',
      isRobotState(ROBOT, (s) => s.nodeId === 'A'),
      { from: 0 },
    );
    expect(first.state.pose).toEqual({ x: 10, y: 10, thetaRad: 0 });
  }

  const reached = (from = 0): string[] =>
    events.since(from).flatMap((e) => (e.type === 'node-reached' ? [e.nodeId] : []));

  it('when a route is released, then the robot drives it node by node to the goal and the drop there finishes', async () => {
    await start(3);
    const drop: RobotAction = { actionId: 'drop-1', type: 'drop', loadId: 'L1' };
    const mark = events.mark();
    adapter!.execute(release('t1', ['A', 'B', 'C', 'D', 'E'], [drop]));
    await events.next('node-reached E', isNodeReached(ROBOT, 'E'));
    await events.next('drop finished', isActionFinished(ROBOT, 'drop-1'));
    const state = await events.next(
      'robot-state standing on E',
      isRobotState(ROBOT, (s) => s.nodeId === 'E' && !s.driving),
    );
    expect(reached(mark)).toEqual(['B', 'C', 'D', 'E']);
    expect(state.state.pose?.x).toBeCloseTo(18, 1);
    expect(state.state.pose?.y).toBeCloseTo(10, 1);
    expect(state.state.routeNodeIds).toEqual([]);
    expect(state.state.errors.filter((e) => e.level === 'fatal')).toEqual([]);
  });

  it('when the task is cancelled, then the goal is preempted and the robot stands still before the end', async () => {
    await start(1);
    adapter!.execute(release('t2', ['A', 'B', 'C', 'D', 'E']));
    await events.next('node-reached B', isNodeReached(ROBOT, 'B'));
    const mark = events.mark();
    const preempted = watch!.next('/move_base/result', (m) => statusOf(m) === 2);
    adapter!.execute({ type: 'cancel-task', robotId: ROBOT });
    await events.next(
      'robot-state stopped',
      isRobotState(ROBOT, (s) => !s.driving),
      { from: mark },
    );
    await preempted;
    const a = odomXy(await watch!.next('/odom', () => true));
    await new Promise((r) => setTimeout(r, 600)); // an absence of motion is only seen over time
    const b = odomXy(await watch!.next('/odom', () => true));
    expect(Math.hypot(b.x - a.x, b.y - a.y)).toBeLessThan(0.01);
    expect(a.x).toBeLessThan(8 - 0.5); // map x: E is at 8
    expect(reached(mark).length).toBeLessThanOrEqual(1);
  });

  it('when the robot aborts a goal, then it is a goal-aborted fault and the segment actions fail', async () => {
    await start(3);
    const pick: RobotAction = { actionId: 'pick-x', type: 'pick', loadId: 'LX' };
    adapter!.execute(release('t3', ['A', 'B', 'C', 'D', 'E', 'X'], [pick]));
    await events.next('node-reached E', isNodeReached(ROBOT, 'E'));
    const failed = await events.next('pick failed', isActionFailed(ROBOT, 'pick-x'));
    expect(failed.reason).toMatch(/outside the 100 m box/);
    const state = await events.next(
      'robot-state with the fault',
      isRobotState(ROBOT, (s) => s.errors.some((e) => e.code === 'goal-aborted')),
      { from: 0 },
    );
    const fault = state.state.errors.find((e) => e.code === 'goal-aborted')!;
    expect(fault.level).toBe('fatal');
    expect(fault.message).toMatch(/aborted: goal outside the 100 m box/);
    expect(reached()).not.toContain('X');
  });

  it('when rosbridge is killed mid-route, then the robot goes offline, comes back, and the route completes with the drop done once', async () => {
    await start(1.5);
    const drop: RobotAction = { actionId: 'drop-k', type: 'drop', loadId: 'LK' };
    const mark = events.mark();
    adapter!.execute(release('t4', ['A', 'B', 'C', 'D', 'E'], [drop]));
    await events.next('node-reached B', isNodeReached(ROBOT, 'B'));
    await peer!.killBridge();
    await events.next('offline', (e) => e.type === 'connection' && e.state === 'offline');
    await events.next('online again', (e) => e.type === 'connection' && e.state === 'online', {
      timeoutMs: 20_000,
    });
    await events.next('drop finished', isActionFinished(ROBOT, 'drop-k'), { timeoutMs: 20_000 });
    await events.next(
      'robot-state on E',
      isRobotState(ROBOT, (s) => s.nodeId === 'E' && !s.driving),
    );
    expect(reached(mark)).toEqual(['B', 'C', 'D', 'E']);
    const drops = events
      .since(mark)
      .filter((e) => (e.type === 'action-finished' || e.type === 'action-failed') && e.actionId === 'drop-k');
    expect(drops).toHaveLength(1);
  });
});
