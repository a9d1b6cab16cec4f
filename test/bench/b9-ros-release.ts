/**
 * B9 (issue 15): an engine release to the ROS goal on the rosbridge wire, for an idle robot: the time from
 * `RosbridgeRobotAdapter.execute(release-segment)` to the `move_base/goal` message a second client of the
 * same rosbridge server receives (the adapter's work, roslib, the bridge, and the bridge's relay to a
 * subscriber). Baseline, on the same server and the same path: a bare rosbridge publish round trip (a raw
 * WebSocket client publishing a `std_msgs/String` on a topic it subscribes to). Measured on the real ROS 1
 * rosbridge peer (rosbridge_suite 0.11.17; relays through ROS) when installed, and on our rosbridge
 * simulator. Each release drives the robot one edge, and the next waits until it has arrived (idle robot).
 * Run alone: `npx tsx test/bench/b9-ros-release.ts`.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { RosbridgeRobotAdapter } from '../../adapters/rosbridge/rosbridge-robot-adapter.ts';
import type { Layout, NodeId } from '../../orchestrator/domain/layout.ts';
import type { RobotEvent } from '../../orchestrator/domain/robot-messages.ts';
import { loadPlantFiles } from '../../orchestrator/layout-import/site.ts';
import { RosbridgeFleet } from '../../simulators/rosbridge-fleet/rosbridge-fleet.ts';
import { peerWork, startRos1Peer } from '../support/ros1-peer.ts';
import type { BenchOptions, BenchSection } from './bench-kit.ts';
import { fmt, isMain, markdownTable, percentile, printSection, verdict } from './bench-kit.ts';

const TARGET_P99_MS = 50;
const layoutFile = (name: string): string => fileURLToPath(new URL(`../../layouts/${name}`, import.meta.url));

export interface B9Options extends BenchOptions {
  /** Releases per server; default 100. */
  readonly releases?: number;
  /** Bare publish round trips per server; default 300. */
  readonly pings?: number;
}

/** A raw rosbridge client: subscribes, publishes, and hands every `publish` op it receives to `onTopic`. */
async function rawClient(url: string, onTopic: (topic: string) => void): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      resolve();
    });
    ws.once('error', reject);
  });
  ws.on('message', (data: Buffer) => {
    try {
      const frame = JSON.parse(data.toString()) as { op?: string; topic?: string };
      if (frame.op === 'publish' && typeof frame.topic === 'string') onTopic(frame.topic);
    } catch {
      // not JSON: not ours
    }
  });
  return ws;
}

interface ServerRow {
  readonly server: string;
  readonly release: readonly number[];
  readonly ping: readonly number[];
}

async function measure(
  server: string,
  url: string,
  namespace: string,
  layout: Layout,
  home: NodeId,
  mapFrame: { x: number; y: number; thetaRad: number },
  options: B9Options,
): Promise<ServerRow> {
  const goalTopic = `${namespace}/move_base/goal`;
  let seen: (() => void) | undefined;
  const spy = await rawClient(url, (topic) => {
    if (topic === goalTopic || topic === '/b9/ping') seen?.();
  });
  const send = (frame: object): void => {
    spy.send(JSON.stringify(frame));
  };
  send({ op: 'subscribe', id: 'b9-goal', topic: goalTopic, type: 'move_base_msgs/MoveBaseActionGoal' });
  send({ op: 'advertise', id: 'b9-adv', topic: '/b9/ping', type: 'std_msgs/String' });
  send({ op: 'subscribe', id: 'b9-ping', topic: '/b9/ping', type: 'std_msgs/String' });
  await new Promise((r) => setTimeout(r, 1000)); // subscriptions set up through ROS
  const wait = (what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        seen = undefined;
        reject(new Error(`B9 ${server}: no ${what} within 5 s`));
      }, 5000);
      seen = () => {
        clearTimeout(timer);
        seen = undefined;
        resolve();
      };
    });

  const ping: number[] = [];
  for (let i = 0; i < (options.pings ?? 300); i += 1) {
    const arrived = wait('ping');
    const t0 = performance.now();
    send({ op: 'publish', topic: '/b9/ping', msg: { data: `ping-${i}` } });
    await arrived;
    ping.push(performance.now() - t0);
  }

  const robotId = 'B9-ROBOT';
  const adapter = new RosbridgeRobotAdapter({
    layout,
    robots: [{ robotId, url, profile: 'ros1-move-base', namespace, mapFrame }],
  });
  const reached: NodeId[] = [];
  adapter.onEvent((e: RobotEvent) => {
    if (e.type === 'node-reached' && e.robotId === robotId) reached.push(e.nodeId);
  });
  await adapter.start();
  // There and back: an edge from the home node and its reverse.
  const out = layout.edges.find(
    (e) => e.from === home && layout.edges.some((b) => b.from === e.to && b.to === home),
  )!;
  const back = layout.edges.find((e) => e.from === out.to && e.to === home)!;
  const release: number[] = [];
  let at = home;
  try {
    for (let i = 0; i < (options.releases ?? 100); i += 1) {
      const edge = at === home ? out : back;
      const to = edge.to;
      const arrived = wait('goal');
      const count = reached.length;
      const t0 = performance.now();
      adapter.execute({
        type: 'release-segment',
        robotId,
        taskId: `b9-${i}`,
        nodes: [
          { nodeId: at, actions: [] },
          { nodeId: to, actions: [] },
        ],
        edgeIds: [edge.id],
      });
      await arrived;
      release.push(performance.now() - t0);
      const deadline = Date.now() + 20_000;
      while (!reached.slice(count).includes(to)) {
        if (Date.now() > deadline) throw new Error(`B9 ${server}: the robot did not reach ${to}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      at = to;
      await new Promise((r) => setTimeout(r, 100)); // idle before the next release
    }
  } finally {
    await adapter.stop();
    spy.close();
  }
  return { server, release, ping };
}

export async function run(options: B9Options = {}): Promise<BenchSection> {
  const log = options.log ?? (() => {});
  const plant = await loadPlantFiles(layoutFile('demo-plant.lif.json'), layoutFile('demo-plant.site.json'));
  const { layout } = plant.value;
  // The node nearest the plant's centre, where the real peer's robot stands (map origin).
  const centre = layout.nodes.reduce((best, n) =>
    Math.hypot(n.x - 24, n.y - 16) < Math.hypot(best.x - 24, best.y - 16) ? n : best,
  );
  const rows: ServerRow[] = [];
  if (existsSync(`${peerWork()}/env.sh`)) {
    log('B9: the real ROS 1 rosbridge peer');
    const peer = await startRos1Peer({ speedMps: 5 });
    try {
      rows.push(
        await measure(
          'rosbridge_suite 0.11.17 on ROS 1 (real peer)',
          peer.url,
          '',
          layout,
          centre.id,
          {
            x: centre.x,
            y: centre.y,
            thetaRad: 0,
          },
          options,
        ),
      );
    } finally {
      await peer.stop();
    }
  } else log('B9: the ROS 1 peer is not installed; only the simulator is measured');
  log('B9: the rosbridge simulator');
  const sim = await RosbridgeFleet.start({
    robots: [{ name: 'b9', profile: 'ros1-move-base', start: { x: centre.x, y: centre.y, thetaRad: 0 } }],
    port: 0,
    speedup: 5,
    boxHalfSizeM: 100,
    log: () => undefined,
  });
  try {
    rows.push(
      await measure(
        'our rosbridge simulator (ros1-move-base)',
        sim.url,
        '/b9',
        layout,
        centre.id,
        {
          x: 0,
          y: 0,
          thetaRad: 0,
        },
        options,
      ),
    );
  } finally {
    await sim.close();
  }
  const met = rows.every((r) => percentile(r.release, 99) <= TARGET_P99_MS);
  const table = markdownTable(
    [
      'server',
      'releases',
      'release to goal on the wire p50 / p99 / max (ms)',
      'bare publish round trip p50 / p99 (ms)',
      'p99 over baseline p99 (ms)',
    ],
    rows.map((r) => [
      r.server,
      String(r.release.length),
      `${fmt(percentile(r.release, 50))} / ${fmt(percentile(r.release, 99))} / ${fmt(Math.max(...r.release))}`,
      `${fmt(percentile(r.ping, 50))} / ${fmt(percentile(r.ping, 99))}`,
      fmt(percentile(r.release, 99) - percentile(r.ping, 99)),
    ]),
  );
  const markdown = `An idle ROS 1 move_base robot on the demo plant, driven one edge per release by the rosbridge adapter;
the clock runs from \`execute(release-segment)\` to the \`move_base/goal\` message a second, raw client of the
same rosbridge server receives. The baseline is that raw client's own publish round trip on the same server
(a \`std_msgs/String\` on a topic it subscribes to): the same bridge and relay, without the adapter and roslib.

${table}

- Release to the goal on the wire, p99 <= ${TARGET_P99_MS} ms on every server: ${verdict(met)}
`;
  return {
    id: 'B9',
    title: 'engine release to the ROS goal on the rosbridge wire (issue 15)',
    markdown,
    targetsMet: met,
    figures: Object.fromEntries(rows.map((r, i) => [`p99ReleaseMs${i}`, percentile(r.release, 99)])),
  };
}

if (isMain(import.meta.url)) await printSection(run);
