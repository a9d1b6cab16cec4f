/**
 * The VDA 5050 master adapter on the real Mosquitto broker, against the scripted AGV double: the
 * checklist items (`specs/vda5050-master.md` part C) about when the master must hold back (a cancel in
 * flight, a charging, paused, stopped or manual AGV), how it recovers (rejections, a restart, a stale
 * update) and what the factsheet allows.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VdaRobotAdapter, type AdapterLog } from '../../adapters/vda5050/vda-robot-adapter.ts';
import { checkSchema } from '../../adapters/vda5050/schemas.ts';
import type { RobotCommand, RobotEvent, RobotStateReport } from '../../orchestrator/domain/robot-messages.ts';
import { AgvDouble, agvWarning, BROKER, LAYOUT, release } from '../support/vda-agv-double.ts';
import { until } from '../support/wait-for.ts';

type Body = Record<string, unknown>;
interface WireNode {
  nodeId: string;
  sequenceId: number;
  released: boolean;
  nodePosition?: { allowedDeviationXY?: number };
  actions: { actionId: string; actionType: string; actionParameters?: { key: string; value: unknown }[] }[];
}
interface WireOrder {
  orderId: string;
  orderUpdateId: number;
  nodes: WireNode[];
  edges: { edgeId: string; length?: number }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A log that keeps what the adapter says. */
function recordingLog(): AdapterLog & { lines: string[] } {
  const lines: string[] = [];
  const keep = (details: object, message: string) => {
    lines.push(`${message} ${JSON.stringify(details)}`);
  };
  return { lines, info: keep, warn: keep, error: keep };
}

/** A schema-valid factsheet with the given limits and features. */
function factsheet(serialNumber: string, limits: Body, features: Body): Body {
  const message = {
    headerId: 0,
    timestamp: new Date().toISOString(),
    version: '2.0.0',
    manufacturer: 'Acme',
    serialNumber,
    typeSpecification: {
      seriesName: 'Carrier',
      agvKinematic: 'DIFF',
      agvClass: 'CARRIER',
      maxLoadMass: 500,
      localizationTypes: ['NATURAL'],
      navigationTypes: ['VIRTUAL_LINE_GUIDED'],
    },
    physicalParameters: {
      speedMin: 0.1,
      speedMax: 1.5,
      accelerationMax: 0.8,
      decelerationMax: 1,
      heightMin: 0.3,
      heightMax: 0.3,
      width: 0.8,
      length: 1.2,
    },
    protocolLimits: limits,
    protocolFeatures: features,
    agvGeometry: {},
    loadSpecification: {},
  };
  expect(checkSchema('2.0.0', 'factsheet', message)).toEqual({ ok: true });
  return message;
}

const INSTANTS = [
  'stateRequest',
  'factsheetRequest',
  'cancelOrder',
  'startPause',
  'stopPause',
  'stopCharging',
].map((actionType) => ({ actionType, actionScopes: ['INSTANT'] }));

describe('VDA 5050 adapter: holding back, recovering, and the factsheet (Mosquitto, scripted AGV)', () => {
  let agv: AgvDouble;
  let adapter: VdaRobotAdapter;
  let events: RobotEvent[];
  let log: ReturnType<typeof recordingLog>;
  const started: VdaRobotAdapter[] = [];

  async function startAdapter(): Promise<VdaRobotAdapter> {
    const a = new VdaRobotAdapter({
      brokerUrl: BROKER,
      layout: LAYOUT,
      robots: [{ robotId: 'R1', manufacturer: 'Acme', serialNumber: agv.serialNumber }],
      ackTimeoutMs: 300,
      maxResends: 2,
      log,
    });
    a.onEvent((e) => events.push(e));
    await a.start();
    started.push(a);
    return a;
  }

  beforeEach(async () => {
    agv = await AgvDouble.connect('Acme', `G${randomUUID().slice(0, 8)}`);
    await agv.connection('ONLINE');
    events = [];
    log = recordingLog();
  });

  afterEach(async () => {
    for (const a of started.splice(0)) await a.stop();
    // Clear a retained factsheet a test left.
    await agv.client.publishAsync(`${agv.base}/factsheet`, '', { qos: 1, retain: true });
    await agv.close();
  });

  const states = (): RobotStateReport[] =>
    events.flatMap((e) => (e.type === 'robot-state' && e.robotId === 'R1' ? [e.state] : []));
  const orders = (): WireOrder[] => agv.received('order').map((s) => s.body as unknown as WireOrder);
  const instants = () =>
    agv
      .received('instantActions')
      .flatMap((m) => (m.body.actions as { actionId: string; actionType: string }[]).map((a) => a));
  const instantTypes = () => instants().map((a) => a.actionType);
  const located = async () => {
    await agv.state();
    await until(() => states().length >= 1, 'robot-state');
  };

  it('A2: after a cancel, the next release waits until the cancel is FINISHED and the AGV holds no nodes; then it is a new order from where the AGV stopped', async () => {
    adapter = await startAdapter();
    await located();
    adapter.execute(release(['A', 'B', 'C'], 'task-1'));
    await until(() => orders().length === 1, 'order');
    const first = orders()[0]!.orderId;
    await agv.state({
      orderId: first,
      driving: true,
      nodeStates: [
        { nodeId: 'B', sequenceId: 2, released: true },
        { nodeId: 'C', sequenceId: 4, released: true },
      ],
      edgeStates: [
        { edgeId: 'AB', sequenceId: 1, released: true },
        { edgeId: 'BC', sequenceId: 3, released: true },
      ],
    });
    adapter.execute({ type: 'cancel-task', robotId: 'R1' });
    await until(() => instantTypes().includes('cancelOrder'), 'cancelOrder');
    const cancel = instants().find((a) => a.actionType === 'cancelOrder')!;
    adapter.execute(release(['B', 'C'], 'task-2'));
    // Cancel running, the AGV still driving to B: nothing goes out.
    await agv.state({
      orderId: first,
      driving: true,
      nodeStates: [{ nodeId: 'B', sequenceId: 2, released: true }],
      edgeStates: [{ edgeId: 'AB', sequenceId: 1, released: true }],
      actionStates: [{ actionId: cancel.actionId, actionType: 'cancelOrder', actionStatus: 'RUNNING' }],
    });
    await sleep(400);
    expect(orders()).toHaveLength(1);
    // Stopped at B, cancel finished, nothing held: now the new order goes, starting at B.
    await agv.state({
      orderId: first,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      actionStates: [{ actionId: cancel.actionId, actionType: 'cancelOrder', actionStatus: 'FINISHED' }],
    });
    await until(() => orders().length === 2, 'the new order');
    const next = orders()[1]!;
    expect(next.orderId).not.toBe(first);
    expect(next.orderUpdateId).toBe(0);
    expect(next.nodes[0]).toMatchObject({ nodeId: 'B', sequenceId: 0 });
  });

  it('A5: while the cancel runs, the robot still reports the node it approaches as its route (the engine keeps it reserved), and drops it once the AGV holds nothing', async () => {
    adapter = await startAdapter();
    await located();
    adapter.execute(release(['A', 'B'], 'task-1'));
    await until(() => orders().length === 1, 'order');
    const orderId = orders()[0]!.orderId;
    adapter.execute({ type: 'cancel-task', robotId: 'R1' });
    await until(() => instantTypes().includes('cancelOrder'), 'cancelOrder');
    const cancel = instants().find((a) => a.actionType === 'cancelOrder')!;
    await agv.state({
      orderId,
      driving: true,
      nodeStates: [{ nodeId: 'B', sequenceId: 2, released: true }],
      edgeStates: [{ edgeId: 'AB', sequenceId: 1, released: true }],
      actionStates: [{ actionId: cancel.actionId, actionType: 'cancelOrder', actionStatus: 'RUNNING' }],
    });
    await until(() => states().at(-1)?.driving === true, 'driving on');
    expect(states().at(-1)!.routeNodeIds).toEqual(['B']);
    await agv.state({
      orderId,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      actionStates: [{ actionId: cancel.actionId, actionType: 'cancelOrder', actionStatus: 'FINISHED' }],
    });
    await until(() => states().at(-1)?.nodeId === 'B', 'at B');
    expect(states().at(-1)!.routeNodeIds).toEqual([]);
  });

  it('O15: newBaseRequest reaches the engine as a request for more base (its runtime then runs traffic at once); without it nothing is asked', async () => {
    adapter = await startAdapter();
    await located();
    expect(states().at(-1)!.baseRequested).toBeUndefined();
    await agv.state({ driving: true, newBaseRequest: true });
    await until(() => states().at(-1)?.baseRequested === true, 'base requested');
    await agv.state({ driving: true, newBaseRequest: false });
    await until(() => states().at(-1)?.baseRequested === undefined, 'request over');
  });

  it('A4: a cancel the AGV never acknowledges is sent again with the same actionId, a bounded number of times, then the AGV is reported faulty', async () => {
    adapter = await startAdapter();
    await located();
    adapter.execute({ type: 'cancel-task', robotId: 'R1' });
    await until(() => instantTypes().filter((t) => t === 'cancelOrder').length >= 3, 'two resends');
    await agv.state({ driving: false, batteryState: { batteryCharge: 80, charging: false } });
    await until(
      () =>
        states()
          .at(-1)!
          .errors.some((e) => e.code === 'instant-unacknowledged' && e.level === 'fatal'),
      'instant-unacknowledged fault',
    );
    await sleep(700);
    const cancels = instants().filter((a) => a.actionType === 'cancelOrder');
    expect(cancels).toHaveLength(3);
    expect(new Set(cancels.map((a) => a.actionId)).size).toBe(1);
  });

  it('A6: a paused AGV (a hardware pause, no instant action) is reported paused and gets no new base until it resumes', async () => {
    adapter = await startAdapter();
    await agv.state({ paused: true });
    await until(() => states().at(-1)?.paused === true, 'paused');
    adapter.execute(release(['A', 'B'], 'task-1'));
    await sleep(400);
    expect(orders()).toHaveLength(0);
    expect(instantTypes()).not.toContain('startPause');
    await agv.state({ paused: false });
    await until(() => orders().length === 1, 'order after the pause');
  });

  it('A9: an illegal action status change is logged and the end is still reported', async () => {
    adapter = await startAdapter();
    await located();
    adapter.execute(release(['A', 'B'], 'task-1'));
    await until(() => orders().length === 1, 'order');
    const orderId = orders()[0]!.orderId;
    const pick = { actionId: 'task-1:pick', actionType: 'pick' };
    await agv.state({ orderId, actionStates: [{ ...pick, actionStatus: 'RUNNING' }] });
    await agv.state({ orderId, actionStates: [{ ...pick, actionStatus: 'WAITING' }] });
    await agv.state({ orderId, actionStates: [{ ...pick, actionStatus: 'FINISHED' }] });
    await until(() => events.some((e) => e.type === 'action-finished'), 'action-finished');
    expect(log.lines.filter((l) => l.includes('illegal action status change'))).toHaveLength(1);
    expect(log.lines.find((l) => l.includes('illegal'))).toContain('"from":"RUNNING","to":"WAITING"');
  });

  it('S2: a state without `loads` leaves the load unknown; an empty `loads` means unloaded', async () => {
    adapter = await startAdapter();
    await agv.state();
    await until(() => states().length >= 1, 'robot-state');
    expect(states().at(-1)!.loads).toBeUndefined();
    await agv.state({ loads: [] });
    await until(() => states().at(-1)!.loads !== undefined, 'loads known');
    expect(states().at(-1)!.loads).toEqual([]);
    await agv.state({ loads: [{ loadId: 'HU-1' }] });
    await until(() => states().at(-1)!.loads?.[0] === 'HU-1', 'the load');
  });

  it('S4: an AGV in MANUAL mode gets neither orders nor instant actions; back in AUTOMATIC it does', async () => {
    adapter = await startAdapter();
    await agv.state({ operatingMode: 'MANUAL' });
    await until(() => states().at(-1)?.mode === 'manual', 'manual');
    await sleep(350); // the ONLINE requests may still be resent; then nothing more
    const before = agv.received('instantActions').length;
    adapter.execute(release(['A', 'B']));
    adapter.execute({ type: 'pause', robotId: 'R1' });
    adapter.execute({ type: 'cancel-task', robotId: 'R1' });
    await sleep(400);
    expect(orders()).toHaveLength(0);
    expect(instantTypes().slice(before)).not.toContain('startPause');
    expect(instantTypes()).not.toContain('cancelOrder');
    await agv.state({ operatingMode: 'SEMIAUTOMATIC' });
    await until(() => states().at(-1)?.mode === 'automatic', 'automatic');
    adapter.execute(release(['A', 'B']));
    await until(() => orders().length === 1, 'order in SEMIAUTOMATIC');
  });

  it('S6: before an order that leaves the charger, stopCharging goes as an instant action and the order waits for charging: false; the engine hears that its stop-charging is done', async () => {
    adapter = await startAdapter();
    await agv.state({ batteryState: { batteryCharge: 70, charging: true } });
    await until(() => states().at(-1)?.charging === true, 'charging');
    const leave: RobotCommand = {
      type: 'release-segment',
      robotId: 'R1',
      taskId: 'task-1',
      nodes: [
        { nodeId: 'A', actions: [{ actionId: 'R1/stop-charging/1', type: 'stop-charging' }] },
        { nodeId: 'B', actions: [] },
      ],
      edgeIds: ['AB'],
    };
    adapter.execute(leave);
    await until(() => instantTypes().includes('stopCharging'), 'stopCharging');
    await sleep(400);
    expect(orders()).toHaveLength(0);
    const stop = instants().find((a) => a.actionType === 'stopCharging')!;
    await agv.state({
      batteryState: { batteryCharge: 70, charging: false },
      actionStates: [{ actionId: stop.actionId, actionType: 'stopCharging', actionStatus: 'FINISHED' }],
    });
    await until(() => orders().length === 1, 'the order');
    expect(orders()[0]!.nodes.flatMap((n) => n.actions.map((a) => a.actionType))).not.toContain(
      'stopCharging',
    );
    expect(events).toContainEqual({ type: 'action-finished', robotId: 'R1', actionId: 'R1/stop-charging/1' });
    expect(instantTypes().filter((t) => t === 'stopCharging')).toHaveLength(1);
  });

  it('S7: an emergency stop or a protective field violation is shown, pauses the AGV for dispatch, and holds new base until it clears', async () => {
    adapter = await startAdapter();
    await agv.state({ safetyState: { eStop: 'MANUAL', fieldViolation: false } });
    await until(
      () =>
        states()
          .at(-1)
          ?.errors.some((e) => e.code === 'e-stop') === true,
      'e-stop shown',
    );
    expect(states().at(-1)!.paused).toBe(true);
    adapter.execute(release(['A', 'B']));
    await agv.state({ safetyState: { eStop: 'NONE', fieldViolation: true } });
    await until(
      () =>
        states()
          .at(-1)
          ?.errors.some((e) => e.code === 'field-violation') === true,
      'field violation shown',
    );
    await sleep(300);
    expect(orders()).toHaveLength(0);
    await agv.state({ safetyState: { eStop: 'NONE', fieldViolation: false } });
    await until(() => orders().length === 1, 'the order once clear');
    expect(states().at(-1)!.paused).toBe(false);
  });

  it('E1: a FATAL error reaches the engine as a fatal robot error (the engine then holds the order, alarms and releases nothing) and clears when the AGV drops it', async () => {
    adapter = await startAdapter();
    await located();
    await agv.state({
      errors: [{ errorType: 'laserScannerBroken', errorLevel: 'FATAL', errorDescription: 'front scanner' }],
    });
    await until(
      () =>
        states()
          .at(-1)!
          .errors.some(
            (e) => e.level === 'fatal' && e.code === 'laserScannerBroken' && e.message === 'front scanner',
          ),
      'fatal error',
    );
    await agv.state({ errors: [] });
    await until(() => states().at(-1)!.errors.length === 0, 'cleared');
  });

  it('E3, O4: a new order refused with noRouteError goes once more with its first node widened to where the AGV is; refused again, the AGV is reported faulty', async () => {
    adapter = await startAdapter();
    const near = { x: 0.2, y: 0.1, theta: 0, mapId: 'hall' };
    await agv.state({ agvPosition: { ...near, positionInitialized: true } });
    await until(() => states().length >= 1, 'robot-state');
    adapter.execute(release(['A', 'B']));
    await until(() => orders().length === 1, 'order');
    const refuse = async (order: WireOrder) =>
      agv.state({
        agvPosition: { ...near, positionInitialized: true },
        errors: [agvWarning('noRouteError', { orderId: order.orderId, orderUpdateId: order.orderUpdateId })],
      });
    await refuse(orders()[0]!);
    await until(() => orders().length === 2, 'the order again');
    const again = orders()[1]!;
    expect(again.nodes[0]!.nodePosition!.allowedDeviationXY).toBeGreaterThanOrEqual(Math.hypot(0.2, 0.1));
    expect(again.nodes.slice(1)).toEqual(orders()[0]!.nodes.slice(1));
    await refuse(again);
    await until(
      () =>
        states()
          .at(-1)!
          .errors.some((e) => e.code === 'order-rejected' && e.message.includes('noRouteError')),
      'order-rejected',
    );
    await sleep(500);
    expect(orders()).toHaveLength(2);
  });

  it('E4: an orderError naming an action marks it unsupported, asks for a fresh factsheet and escalates; the next such action fails here without an order', async () => {
    adapter = await startAdapter();
    await located();
    adapter.execute(release(['A', 'B'], 'task-1'));
    await until(() => orders().length === 1, 'order');
    const order = orders()[0]!;
    const pick = order.nodes[1]!.actions[0]!;
    const requests = instantTypes().filter((t) => t === 'factsheetRequest').length;
    await agv.state({
      errors: [agvWarning('orderError', { orderId: order.orderId, actionId: pick.actionId })],
    });
    await until(
      () =>
        states()
          .at(-1)!
          .errors.some((e) => e.code === 'order-rejected'),
      'order-rejected',
    );
    await until(
      () => instantTypes().filter((t) => t === 'factsheetRequest').length > requests,
      'factsheetRequest',
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'action-failed', actionId: 'task-1/pick' }),
    );
    adapter.execute(release(['A', 'B'], 'task-2'));
    await until(
      () => events.some((e) => e.type === 'action-failed' && e.actionId === 'task-2/pick'),
      'local failure',
    );
    expect(orders()).toHaveLength(1);
    expect(
      states()
        .at(-1)!
        .errors.some((e) => e.code === 'order-unsupported'),
    ).toBe(true);
  });

  it('O20: an update refused as stale (the AGV already holds a later orderUpdateId) is resynchronised from the state and sent on top of it, without a fault', async () => {
    adapter = await startAdapter();
    await located();
    adapter.execute(release(['A', 'B'], 'task-1'));
    await until(() => orders().length === 1, 'order');
    const orderId = orders()[0]!.orderId;
    await agv.state({ orderId, lastNodeId: 'B', lastNodeSequenceId: 2 });
    adapter.execute(release(['B', 'C'], 'task-1'));
    await until(() => orders().length === 2, 'update 1');
    // The AGV says it already took update 3 (a master it lost track of), ending at B seq 2, idle.
    await agv.state({
      orderId,
      orderUpdateId: 3,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      errors: [agvWarning('orderUpdateError', { orderId, orderUpdateId: 1 })],
    });
    await until(() => orders().length === 3, 'the resynchronised update');
    const resent = orders()[2]!;
    expect(resent).toMatchObject({ orderId, orderUpdateId: 4 });
    expect(resent.nodes.map((n) => [n.nodeId, n.sequenceId])).toEqual([
      ['B', 2],
      ['C', 4],
    ]);
    await agv.state({ orderId, orderUpdateId: 4, lastNodeId: 'B', lastNodeSequenceId: 2 });
    await sleep(200);
    expect(states().at(-1)!.errors).toEqual([]);
  });

  it('C5: after the master restarts, it continues the order the AGV reports with the next orderUpdateId (never 0), stitched on where the AGV is', async () => {
    await agv.state({ orderId: 'earlier-order', orderUpdateId: 7, lastNodeId: 'B', lastNodeSequenceId: 4 });
    adapter = await startAdapter();
    await agv.state({ orderId: 'earlier-order', orderUpdateId: 7, lastNodeId: 'B', lastNodeSequenceId: 4 });
    await until(() => states().length >= 1, 'robot-state');
    adapter.execute(release(['B', 'C'], 'task-9'));
    await until(() => orders().length === 1, 'update');
    const update = orders()[0]!;
    expect(update).toMatchObject({ orderId: 'earlier-order', orderUpdateId: 8 });
    expect(update.nodes[0]).toMatchObject({ nodeId: 'B', sequenceId: 4 });
    expect(update.nodes[1]).toMatchObject({ nodeId: 'C', sequenceId: 6 });
  });

  it('O5, O6, O8, O9, F2: the retained factsheet shapes every order (horizon cut to the node limit, unlisted fields left out, parameters typed, order interval kept) and an action it lacks fails here', async () => {
    const fs = factsheet(
      agv.serialNumber,
      {
        maxStringLens: {},
        maxArrayLens: { 'order.nodes': 3, 'order.edges': 0 },
        timing: { minOrderInterval: 0.5, minStateInterval: 0.1 },
      },
      {
        optionalParameters: [{ parameter: 'order.nodes.nodePosition', support: 'SUPPORTED' }],
        agvActions: [
          {
            actionType: 'pick',
            actionScopes: ['NODE'],
            actionParameters: [{ key: 'loadId', valueDataType: 'STRING' }],
          },
          ...INSTANTS,
        ],
      },
    );
    await agv.client.publishAsync(`${agv.base}/factsheet`, JSON.stringify(fs), { qos: 1, retain: true });
    adapter = await startAdapter();
    await located();
    // F1 and F2: a retained factsheet is there, so none is requested.
    expect(instantTypes()).not.toContain('factsheetRequest');
    const pick: RobotCommand = {
      type: 'release-segment',
      robotId: 'R1',
      taskId: 'task-1',
      nodes: [
        { nodeId: 'A', actions: [] },
        { nodeId: 'B', actions: [{ actionId: 'task-1/pick', type: 'pick', loadId: '42' }] },
      ],
      edgeIds: ['AB'],
      horizon: { nodeIds: ['C', 'D'], edgeIds: ['BC', 'CD'] },
    };
    adapter.execute(pick);
    await until(() => orders().length === 1, 'order');
    const order = orders()[0]!;
    // O6: 3 nodes at most: the horizon is cut to one node; 'order.edges': 0 means no limit (F2).
    expect(order.nodes.map((n) => [n.nodeId, n.released])).toEqual([
      ['A', true],
      ['B', true],
      ['C', false],
    ]);
    // O5: edge length is not listed, so it is left out; nodePosition is listed.
    expect(order.edges.every((e) => e.length === undefined)).toBe(true);
    expect(order.nodes[0]!.nodePosition).toBeDefined();
    // O8: loadId is declared STRING.
    expect(order.nodes[1]!.actions[0]!.actionParameters).toContainEqual({ key: 'loadId', value: '42' });
    // O6: the next order keeps minOrderInterval (0.5 s) from the first.
    await agv.state({ orderId: order.orderId, lastNodeId: 'B', lastNodeSequenceId: 2 });
    adapter.execute(release(['B', 'C'], 'task-1'));
    await until(() => orders().length === 2, 'update');
    const at = agv.received('order').map((m) => Date.parse(m.body.timestamp as string));
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(500);
    // O9: drop is not in agvActions: it fails here, and nothing is published.
    await agv.state({ orderId: order.orderId, orderUpdateId: 1, lastNodeId: 'C', lastNodeSequenceId: 4 });
    adapter.execute({
      type: 'release-segment',
      robotId: 'R1',
      taskId: 'task-2',
      nodes: [
        { nodeId: 'C', actions: [] },
        { nodeId: 'D', actions: [{ actionId: 'task-2/drop', type: 'drop', loadId: '42' }] },
      ],
      edgeIds: ['CD'],
    });
    await until(
      () => events.some((e) => e.type === 'action-failed' && e.actionId === 'task-2/drop'),
      'drop refused here',
    );
    await sleep(600);
    expect(orders()).toHaveLength(2);
  });
});
