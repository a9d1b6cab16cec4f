/**
 * The VDA 5050 master adapter against a scripted AGV double on the real Mosquitto broker: what the
 * checklist (`specs/vda5050-master.md` part C) says can be seen on the wire, by item id. The double is a
 * bare MQTT client: it sees every message the adapter publishes and answers with hand-written states.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VdaRobotAdapter } from '../../adapters/vda5050/vda-robot-adapter.ts';
import { checkSchema } from '../../adapters/vda5050/schemas.ts';
import type { RobotEvent } from '../../orchestrator/domain/robot-messages.ts';
import { AgvDouble, agvWarning, BROKER, LAYOUT, release } from '../support/vda-agv-double.ts';
import { until } from '../support/wait-for.ts';

describe('VDA 5050 adapter on Mosquitto, against a scripted AGV', () => {
  let agv: AgvDouble;
  let other: AgvDouble;
  let adapter: VdaRobotAdapter;
  let events: RobotEvent[];

  beforeEach(async () => {
    const serial = `S${randomUUID().slice(0, 8)}`;
    agv = await AgvDouble.connect('Acme', serial);
    other = await AgvDouble.connect('Other_Co', serial);
    await agv.connection('ONLINE');
    adapter = new VdaRobotAdapter({
      brokerUrl: BROKER,
      layout: LAYOUT,
      robots: [
        { robotId: 'R1', manufacturer: 'Acme', serialNumber: serial },
        { robotId: 'R2', manufacturer: 'Other_Co', serialNumber: serial },
      ],
      ackTimeoutMs: 300,
      maxResends: 2,
    });
    events = [];
    adapter.onEvent((e) => events.push(e));
    await adapter.start();
  });

  afterEach(async () => {
    await adapter.stop();
    await agv.close();
    await other.close();
  });

  const stateOf = (robotId: string) =>
    events.filter(
      (e): e is Extract<RobotEvent, { type: 'robot-state' }> =>
        e.type === 'robot-state' && e.robotId === robotId,
    );

  it('C1, T3, F1: a retained ONLINE marks the AGV reachable, the master asks for a fresh state, and an AGV never seen is offline', async () => {
    expect(events).toContainEqual({ type: 'connection', robotId: 'R1', state: 'online' });
    expect(events).toContainEqual({ type: 'connection', robotId: 'R2', state: 'offline' });
    await until(() => agv.received('instantActions').length >= 2, 'stateRequest and factsheetRequest');
    // F1: no retained factsheet on the broker for this AGV, so it is asked for one too (one action per
    // message: a peer, vda-5050-lib, crashes on two).
    const asked = agv
      .received('instantActions')
      .slice(0, 2)
      .map((m) => (m.body.actions as { actionType: string }[]).map((a) => a.actionType));
    expect(asked).toEqual([['stateRequest'], ['factsheetRequest']]);
    expect(stateOf('R1')).toEqual([]);
    await agv.state();
    await until(() => stateOf('R1').length >= 1, 'robot-state');
    expect(stateOf('R1')[0]!.state).toMatchObject({
      nodeId: 'A',
      batteryPct: 90,
      mode: 'automatic',
    });
  });

  it('T1, T2, T4, T5, T6: orders go to the AGV topic with QoS 0, not retained, with a full header and a headerId per topic counting up by one', async () => {
    await agv.state();
    await until(() => stateOf('R1').length >= 1, 'robot-state');
    adapter.execute(release(['A', 'B'], 'task-1', ['C']));
    await until(() => agv.received('order').length >= 1, 'order');
    const [order] = agv.received('order');
    expect(order).toMatchObject({ topic: `${agv.base}/order`, qos: 0, retain: false });
    expect(order!.body).toMatchObject({
      headerId: 0,
      version: '2.0.0',
      manufacturer: 'Acme',
      serialNumber: agv.serialNumber,
      orderUpdateId: 0,
    });
    expect(order!.body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(checkSchema('2.0.0', 'order', order!.body)).toEqual({ ok: true });
    // instantActions has its own counter: the stateRequest was 0. (This double never acknowledges instant
    // actions, so resends may come in between: each with the next headerId too.)
    adapter.execute({ type: 'pause', robotId: 'R1' });
    const types = () =>
      agv
        .received('instantActions')
        .flatMap((m) => (m.body.actions as { actionType: string }[]).map((a) => a.actionType));
    await until(() => types().includes('startPause'), 'startPause');
    const ids = agv.received('instantActions').map((s) => s.body.headerId);
    expect(ids).toEqual(ids.map((_, i) => i));
    expect(ids.length).toBeGreaterThanOrEqual(3);
  });

  it('O18, O19, R1: without an acknowledging state the identical order is sent again a bounded number of times, then the AGV is reported faulty; an echo acknowledges', async () => {
    await agv.state();
    await until(() => stateOf('R1').length >= 1, 'robot-state');
    adapter.execute(release(['A', 'B']));
    await until(() => agv.received('order').length >= 3, 'two resends');
    const sends = agv.received('order').map((s) => s.body);
    expect(sends.map((b) => b.headerId)).toEqual([0, 1, 2]);
    const content = ({ headerId: _h, timestamp: _t, ...rest }: Record<string, unknown>) => rest;
    expect(new Set(sends.map((b) => JSON.stringify(content(b)))).size).toBe(1);
    await agv.state({ driving: true }); // any state: the adapter reports the fault with it
    await until(
      () =>
        stateOf('R1').some((s) =>
          s.state.errors.some((e) => e.code === 'order-unacknowledged' && e.level === 'fatal'),
        ),
      'order-unacknowledged fault',
    );
    await new Promise((r) => setTimeout(r, 700));
    expect(agv.received('order')).toHaveLength(3);
    // The AGV answers after all: the fault clears.
    const orderId = sends[0]!.orderId as string;
    await agv.state({ orderId, orderUpdateId: 0, driving: true });
    await until(() => stateOf('R1').at(-1)!.state.errors.length === 0, 'fault cleared');
  });

  it('O21, R2, A8: passing released nodes gives node-reached in order, a FINISHED pick gives action-finished, once', async () => {
    await agv.state();
    await until(() => stateOf('R1').length >= 1, 'robot-state');
    adapter.execute(release(['A', 'B', 'C']));
    await until(() => agv.received('order').length >= 1, 'order');
    const orderId = agv.received('order')[0]!.body.orderId as string;
    const pick = { actionId: 'task-1:pick', actionType: 'pick', actionStatus: 'WAITING' };
    await agv.state({
      orderId,
      nodeStates: [
        { nodeId: 'B', sequenceId: 2, released: true },
        { nodeId: 'C', sequenceId: 4, released: true },
      ],
      actionStates: [pick],
    });
    // Both nodes passed between two states (a lost state, R2): both are reported, in order.
    await agv.state({
      orderId,
      lastNodeId: 'C',
      lastNodeSequenceId: 4,
      actionStates: [{ ...pick, actionStatus: 'FINISHED' }],
    });
    await agv.state({
      orderId,
      lastNodeId: 'C',
      lastNodeSequenceId: 4,
      actionStates: [{ ...pick, actionStatus: 'FINISHED' }],
      driving: false,
      batteryState: { batteryCharge: 89, charging: false },
    });
    await until(() => events.some((e) => e.type === 'action-finished'), 'action-finished');
    await new Promise((r) => setTimeout(r, 200));
    const progress = events.filter((e) => e.type === 'node-reached' || e.type === 'action-finished');
    expect(progress).toEqual([
      { type: 'node-reached', robotId: 'R1', nodeId: 'B' },
      { type: 'node-reached', robotId: 'R1', nodeId: 'C' },
      { type: 'action-finished', robotId: 'R1', actionId: 'task-1/pick' },
    ]);
  });

  it('O10, E2: an update is stitched on the decision point; when the AGV rejects it, the AGV is reported faulty and the update is not sent again', async () => {
    await agv.state();
    await until(() => stateOf('R1').length >= 1, 'robot-state');
    adapter.execute(release(['A', 'B'], 'task-1', ['C']));
    await until(() => agv.received('order').length >= 1, 'order');
    const orderId = agv.received('order')[0]!.body.orderId as string;
    await agv.state({ orderId, lastNodeId: 'B', lastNodeSequenceId: 2 });
    adapter.execute(release(['B', 'C']));
    await until(() => agv.received('order').length >= 2, 'update');
    const update = agv.received('order')[1]!.body as {
      orderId: string;
      orderUpdateId: number;
      nodes: { nodeId: string; sequenceId: number }[];
    };
    expect(update).toMatchObject({ orderId, orderUpdateId: 1 });
    expect(update.nodes.map((n) => [n.nodeId, n.sequenceId])).toEqual([
      ['B', 2],
      ['C', 4],
    ]);
    await agv.state({
      orderId,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      errors: [agvWarning('orderUpdateError', { orderId, orderUpdateId: 1 })],
    });
    await until(
      () =>
        stateOf('R1')
          .at(-1)!
          .state.errors.some(
            (e) =>
              e.code === 'order-rejected' && e.level === 'fatal' && e.message.includes('orderUpdateError'),
          ),
      'order-rejected',
    );
    await new Promise((r) => setTimeout(r, 700));
    expect(agv.received('order')).toHaveLength(2);
  });

  it('S3: an AGV that is online but silent is asked for a state, then reported stale; the next state clears it', async () => {
    const watchful = new VdaRobotAdapter({
      brokerUrl: BROKER,
      layout: LAYOUT,
      robots: [{ robotId: 'R1', manufacturer: 'Acme', serialNumber: agv.serialNumber }],
      ackTimeoutMs: 300,
      staleAfterMs: 600,
    });
    const seen: RobotEvent[] = [];
    watchful.onEvent((e) => seen.push(e));
    await watchful.start();
    try {
      await agv.state();
      const faults = () =>
        seen.flatMap((e) => (e.type === 'robot-state' ? e.state.errors.map((x) => x.code) : []));
      await until(() => faults().includes('state-stale'), 'state-stale');
      const asked = agv
        .received('instantActions')
        .flatMap((m) => (m.body.actions as { actionType: string }[]).map((a) => a.actionType));
      expect(asked.filter((t) => t === 'stateRequest').length).toBeGreaterThanOrEqual(3); // 2 on ONLINE, 1 stale
      await agv.state({ driving: false, batteryState: { batteryCharge: 88, charging: false } });
      await until(() => {
        const last = seen.findLast((e) => e.type === 'robot-state');
        return last?.type === 'robot-state' && last.state.errors.length === 0;
      }, 'stale cleared');
    } finally {
      await watchful.stop();
    }
  });

  it('C4: when the AGV comes back without the order it had acknowledged (a reboot), then the robot is reported faulty and the next release is a new order', async () => {
    await agv.state();
    await until(() => stateOf('R1').length >= 1, 'robot-state');
    adapter.execute(release(['A', 'B'], 'task-1', ['C']));
    await until(() => agv.received('order').length >= 1, 'order');
    const first = agv.received('order')[0]!.body.orderId as string;
    await agv.state({
      orderId: first,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      nodeStates: [{ nodeId: 'C', sequenceId: 4, released: false }],
    });
    await agv.state({ lastNodeId: 'B', lastNodeSequenceId: 0 }); // rebooted: no order, standing on B
    await until(
      () =>
        stateOf('R1')
          .at(-1)!
          .state.errors.some((e) => e.code === 'order-lost' && e.level === 'fatal'),
      'order-lost',
    );
    adapter.execute(release(['B', 'C'], 'task-2'));
    await until(() => agv.received('order').length >= 2, 'new order');
    expect(agv.received('order')[1]!.body).toMatchObject({ orderUpdateId: 0 });
    expect(agv.received('order')[1]!.body.orderId).not.toBe(first);
  });

  it('T7, bad input: malformed JSON, a schema-invalid state, another major version and an AGV nobody configured are ignored; the next good state is used', async () => {
    await agv.raw('state', '{"headerId": 1,');
    await agv.raw('state', JSON.stringify({ ...agv.header(), lastNodeId: 'A' }));
    await agv.raw('state', JSON.stringify({ ...agv.header(), version: '3.0.0' }));
    const stranger = await AgvDouble.connect('Acme', `${agv.serialNumber}X`);
    await stranger.state();
    await stranger.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(events.filter((e) => e.type === 'robot-state')).toEqual([]);
    // T7: extra properties are fine, and so is a 2.1 version string.
    await agv.state({ vendorExtra: { anything: true }, version: '2.1.0' });
    await until(() => stateOf('R1').length >= 1, 'robot-state after the bad ones');
  });

  it('C2, C3, R4: a broken connection (the last will) is reported, nothing is sent to the AGV meanwhile, and AGVs of two manufacturers with one serial number stay apart', async () => {
    await other.connection('ONLINE');
    await until(
      () => events.some((e) => e.type === 'connection' && e.robotId === 'R2' && e.state === 'online'),
      'R2 online',
    );
    await agv.connection('CONNECTIONBROKEN');
    await until(
      () =>
        events.some((e) => e.type === 'connection' && e.robotId === 'R1' && e.state === 'connection-broken'),
      'broken',
    );
    const before = agv.received('order').length;
    adapter.execute(release(['A', 'B']));
    adapter.execute({ ...release(['A', 'B'], 'task-2'), robotId: 'R2' });
    await until(() => other.received('order').length >= 1, 'R2 order');
    await new Promise((r) => setTimeout(r, 300));
    expect(agv.received('order')).toHaveLength(before);
    expect(other.received('order')[0]!.body).toMatchObject({ manufacturer: 'Other_Co' });
  });
});
