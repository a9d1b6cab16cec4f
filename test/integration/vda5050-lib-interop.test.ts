/**
 * Interop with an AGV we did not write (issue 5): vda-5050-lib 1.4.0's AgvController + VirtualAgvAdapter
 * from the npm registry, in its own process, on the real Mosquitto, driven by our VDA 5050 adapter with
 * the `vda-5050-lib` profile (its known deviations, spec page part B). Orders, updates stitched on the
 * decision point, cancel, and a kill -9 of the peer process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES } from '../../adapters/vda5050/profile.ts';
import { VdaRobotAdapter } from '../../adapters/vda5050/vda-robot-adapter.ts';
import type { Layout } from '../../orchestrator/domain/layout.ts';
import type { RobotCommand, RobotEvent } from '../../orchestrator/domain/robot-messages.ts';
import { until } from '../support/wait-for.ts';

const BROKER = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const PEER = fileURLToPath(new URL('../support/vda5050-lib-agv.ts', import.meta.url));

/** n0 .. n9 along x, 2 m apart, on the lib's default map `local`; two-way. */
const LAYOUT: Layout = {
  id: 'lib-line',
  name: 'lib-line',
  version: '1',
  nodes: Array.from({ length: 10 }, (_, i) => ({ id: `n${i}`, x: 2 * i, y: 0, mapId: 'local' })),
  edges: Array.from({ length: 9 }, (_, i) => [
    { id: `e${i}-${i + 1}`, from: `n${i}`, to: `n${i + 1}`, lengthM: 2 },
    { id: `e${i + 1}-${i}`, from: `n${i + 1}`, to: `n${i}`, lengthM: 2 },
  ]).flat(),
  stations: [],
};

/** A release from node `from` to `to` along the line, with actions on the last node and a horizon. */
function release(
  taskId: string,
  from: number,
  to: number,
  options: { action?: { id: string; type: 'pick' | 'drop' }; horizon?: number } = {},
): RobotCommand {
  const step = to > from ? 1 : -1;
  const ids: number[] = [];
  for (let i = from; i !== to + step; i += step) ids.push(i);
  const horizon: number[] = [];
  for (let i = to + step, n = 0; n < (options.horizon ?? 0) && i >= 0 && i <= 9; i += step, n++)
    horizon.push(i);
  const edge = (a: number, b: number): string => `e${a}-${b}`;
  return {
    type: 'release-segment',
    robotId: 'LIB',
    taskId,
    nodes: ids.map((i, k) => ({
      nodeId: `n${i}`,
      actions:
        k === ids.length - 1 && options.action
          ? [{ actionId: options.action.id, type: options.action.type, loadId: 'pallet-1' }]
          : [],
    })),
    edgeIds: ids.slice(1).map((i, k) => edge(ids[k]!, i)),
    ...(horizon.length > 0
      ? {
          horizon: {
            nodeIds: horizon.map((i) => `n${i}`),
            edgeIds: horizon.map((i, k) => edge(k === 0 ? to : horizon[k - 1]!, i)),
          },
        }
      : {}),
  };
}

describe('VDA 5050 interop: vda-5050-lib 1.4.0 as the AGV, in its own process', () => {
  const serial = `LIB-${randomUUID().slice(0, 8)}`;
  let peer: ChildProcess;
  let adapter: VdaRobotAdapter;
  const events: RobotEvent[] = [];
  const reached = (): string[] => events.flatMap((e) => (e.type === 'node-reached' ? [e.nodeId] : []));
  const lastState = () =>
    events.findLast((e): e is Extract<RobotEvent, { type: 'robot-state' }> => e.type === 'robot-state')
      ?.state;

  beforeAll(async () => {
    // One process (node with tsx's loader), so that SIGKILL kills the AGV itself, not a wrapper.
    peer = spawn(process.execPath, ['--import', 'tsx', PEER], {
      env: { ...process.env, VDA_BROKER: BROKER, VDA_MANUFACTURER: 'Coaty', VDA_SERIAL: serial },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      peer.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      peer.once('exit', (code) => {
        reject(new Error(`the vda-5050-lib peer exited with ${String(code)}`));
      });
    });
    adapter = new VdaRobotAdapter({
      brokerUrl: BROKER,
      layout: LAYOUT,
      robots: [
        {
          robotId: 'LIB',
          manufacturer: 'Coaty',
          serialNumber: serial,
          // Its virtual adapter picks only "floor" stations and EPAL loads.
          profile: {
            ...PROFILES['vda-5050-lib']!,
            actionParameters: {
              pick: [
                { key: 'stationType', value: 'floor' },
                { key: 'loadType', value: 'EPAL' },
              ],
              drop: [
                { key: 'stationType', value: 'floor' },
                { key: 'loadType', value: 'EPAL' },
              ],
            },
          },
        },
      ],
    });
    adapter.onEvent((e) => events.push(e));
    await adapter.start();
  }, 60_000);

  afterAll(async () => {
    await adapter.stop();
    if (peer.exitCode === null) peer.kill('SIGKILL');
    const client = await mqtt.connectAsync(BROKER);
    for (const topic of ['connection', 'factsheet'])
      await client.publishAsync(`uagv/v2/Coaty/${serial}/${topic}`, '', { retain: true, qos: 1 });
    await client.endAsync();
  });

  it('when it comes online, then the master sees it online and at its node', async () => {
    expect(events).toContainEqual({ type: 'connection', robotId: 'LIB', state: 'online' });
    await until(() => lastState()?.nodeId === 'n0', 'a state at n0', 15_000);
  });

  it('when an order is released in three segments (a new order, then updates stitched on the decision point), then it drives them all, and the pick on the first stitching node runs once (profile: stitching actions omitted)', async () => {
    adapter.execute(release('task-1', 0, 1, { action: { id: 'task-1/pick', type: 'pick' }, horizon: 2 }));
    await until(
      () => events.some((e) => e.type === 'action-finished' && e.actionId === 'task-1/pick'),
      'pick',
      15_000,
    );
    adapter.execute(release('task-1', 1, 2, { horizon: 1 }));
    await until(() => reached().includes('n2'), 'n2', 15_000);
    adapter.execute(release('task-1', 2, 4, { action: { id: 'task-1/drop', type: 'drop' } }));
    await until(
      () => events.some((e) => e.type === 'action-finished' && e.actionId === 'task-1/drop'),
      'drop',
      15_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(reached()).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(events.filter((e) => e.type === 'action-failed')).toEqual([]);
    expect(lastState()?.errors).toEqual([]);
    expect(lastState()?.loads).toEqual([]);
  });

  it('when the order is cancelled on a long segment, then it stops short of the end, and a new order from where it stopped is driven', async () => {
    const before = reached().length;
    adapter.execute(release('task-2', 4, 9));
    await until(() => reached().length > before, 'first node of task 2', 15_000);
    adapter.execute({ type: 'cancel-task', robotId: 'LIB' });
    await until(
      () => lastState()?.driving === false && reached().length > before,
      'standing after the cancel',
      15_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stoppedAt = Number(lastState()!.nodeId!.slice(1));
    expect(stoppedAt).toBeLessThan(9);
    adapter.execute(release('task-3', stoppedAt, 0));
    await until(() => reached().at(-1) === 'n0', 'back at n0', 15_000);
    expect(lastState()?.errors).toEqual([]);
  });

  it("when its process is killed (kill -9), then the broker's last will reaches the master as a broken connection", async () => {
    peer.kill('SIGKILL');
    await until(
      () => events.some((e) => e.type === 'connection' && e.state === 'connection-broken'),
      'connection-broken',
      45_000,
    );
  }, 60_000);
});
