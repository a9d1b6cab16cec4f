/**
 * The VDA 5050 master adapter against the checklist of `specs/vda5050-master.md` part C, item by item,
 * asserted on the wire (what a scripted AGV double receives) or on the adapter's events. Companion of
 * `vda5050-adapter.test.ts`, same broker and double; C6 runs against a private Mosquitto it restarts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VdaRobotAdapter } from '../../adapters/vda5050/vda-robot-adapter.ts';
import type { RobotEvent } from '../../orchestrator/domain/robot-messages.ts';
import { AgvDouble, BROKER, LAYOUT, release } from '../support/vda-agv-double.ts';
import { until } from '../support/wait-for.ts';

interface WireAction {
  actionId: string;
  actionType: string;
  blockingType: string;
}
interface WireNode {
  nodeId: string;
  sequenceId: number;
  released: boolean;
  actions: WireAction[];
}
interface WireEdge {
  edgeId: string;
  sequenceId: number;
  released: boolean;
  startNodeId: string;
  endNodeId: string;
  length?: number;
  actions: WireAction[];
}
interface WireOrder {
  orderId: string;
  orderUpdateId: number;
  nodes: WireNode[];
  edges: WireEdge[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ADAPTER_OPTIONS = { ackTimeoutMs: 300, maxResends: 2 } as const;

/** O1, O2, O3 on one message: the graph, the sequenceIds from `from`, the released prefix. */
function expectWellFormed(order: WireOrder, from: number): void {
  expect(order.nodes.length).toBeGreaterThanOrEqual(1);
  expect(order.edges).toHaveLength(order.nodes.length - 1);
  order.edges.forEach((e, i) => {
    expect([e.startNodeId, e.endNodeId]).toEqual([order.nodes[i]!.nodeId, order.nodes[i + 1]!.nodeId]);
    expect(e.sequenceId).toBe(from + 2 * i + 1);
    if (e.released) expect([order.nodes[i]!.released, order.nodes[i + 1]!.released]).toEqual([true, true]);
  });
  expect(order.nodes.map((n) => n.sequenceId)).toEqual(order.nodes.map((_, i) => from + 2 * i));
  const chain = [...order.nodes, ...order.edges].sort((a, b) => a.sequenceId - b.sequenceId);
  const firstUnreleased = chain.findIndex((x) => !x.released);
  if (firstUnreleased >= 0) expect(chain.slice(firstUnreleased).every((x) => !x.released)).toBe(true);
}

const lastReleased = (order: WireOrder): WireNode => order.nodes.filter((n) => n.released).at(-1)!;

describe('VDA 5050 master conformance (spec part C), against a scripted AGV', () => {
  let agv: AgvDouble;
  let adapter: VdaRobotAdapter;
  let events: RobotEvent[];

  beforeEach(async () => {
    const serial = `S${randomUUID().slice(0, 8)}`;
    agv = await AgvDouble.connect('Acme', serial);
    await agv.connection('ONLINE');
    adapter = new VdaRobotAdapter({
      brokerUrl: BROKER,
      layout: LAYOUT,
      robots: [{ robotId: 'R1', manufacturer: 'Acme', serialNumber: serial }],
      ...ADAPTER_OPTIONS,
    });
    events = [];
    adapter.onEvent((e) => events.push(e));
    await adapter.start();
  });

  afterEach(async () => {
    await adapter.stop();
    await agv.close();
  });

  const states = () =>
    events.flatMap((e) => (e.type === 'robot-state' && e.robotId === 'R1' ? [e.state] : []));
  const progress = () =>
    events.filter(
      (e) => e.type === 'node-reached' || e.type === 'action-finished' || e.type === 'action-failed',
    );
  const fatal = () => states().flatMap((s) => s.errors.filter((e) => e.level === 'fatal'));

  /** The order messages received, resends dropped (one per orderId and orderUpdateId). */
  const orders = (): WireOrder[] => {
    const seen = new Map<string, WireOrder>();
    for (const m of agv.received('order')) {
      const o = m.body as unknown as WireOrder;
      const key = `${o.orderId}#${o.orderUpdateId}`;
      if (!seen.has(key)) seen.set(key, o);
    }
    return [...seen.values()];
  };
  const instantActions = (): WireAction[] =>
    agv.received('instantActions').flatMap((m) => m.body.actions as WireAction[]);

  /** A first state, reported. */
  const ready = async (extra: Record<string, unknown> = {}) => {
    await agv.state(extra);
    await until(() => states().length >= 1, 'first robot-state');
  };

  /** Executes a release and returns the order (update) it produced. */
  const send = async (command: Parameters<VdaRobotAdapter['execute']>[0]): Promise<WireOrder> => {
    const before = orders().length;
    adapter.execute(command);
    await until(() => orders().length > before, `order for ${command.type}`);
    return orders().at(-1)!;
  };

  /** A new order and two updates stitched on it, each with a horizon but the last, each acknowledged. */
  const orderAndTwoUpdates = async (): Promise<WireOrder[]> => {
    await ready();
    const first = await send(release(['A', 'B'], 't1', ['C']));
    const { orderId } = first;
    await agv.state({
      orderId,
      driving: true,
      nodeStates: [
        { nodeId: 'B', sequenceId: 2, released: true },
        { nodeId: 'C', sequenceId: 4, released: false },
      ],
    });
    const second = await send(release(['B', 'C'], 't2', ['D']));
    await agv.state({
      orderId,
      orderUpdateId: 1,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      driving: true,
      nodeStates: [
        { nodeId: 'C', sequenceId: 4, released: true },
        { nodeId: 'D', sequenceId: 6, released: false },
      ],
    });
    const third = await send(release(['C', 'D'], 't3'));
    await agv.state({ orderId, orderUpdateId: 2, lastNodeId: 'C', lastNodeSequenceId: 4, driving: true });
    return [first, second, third];
  };

  it('T8: a state whose timestamp has another precision, or no Z, is accepted', async () => {
    const send = (timestamp: string, batteryCharge: number) =>
      agv.raw(
        'state',
        JSON.stringify(agv.stateMessage({ timestamp, batteryState: { batteryCharge, charging: false } })),
      );
    await send('2024-05-01T10:00:00Z', 81);
    await until(() => states().at(-1)?.batteryPct === 81, 'state with a timestamp without fraction');
    await send('2024-05-01T10:00:00.1234567Z', 82);
    await until(() => states().at(-1)?.batteryPct === 82, 'state with a 7-digit fraction');
    await send('2024-05-01T10:00:00.12', 83);
    await until(() => states().at(-1)?.batteryPct === 83, 'state with a timestamp without Z', 2000);
  });

  it('T8: states are not ordered by the AGV timestamp: an older timestamp after a newer one is used', async () => {
    await ready({
      timestamp: new Date().toISOString(),
      batteryState: { batteryCharge: 80, charging: false },
    });
    await agv.state({
      timestamp: new Date(Date.now() - 3_600_000).toISOString(),
      batteryState: { batteryCharge: 70, charging: false },
      lastNodeId: 'B',
    });
    await until(() => states().at(-1)?.batteryPct === 70, 'the state with the older timestamp');
    expect(states().at(-1)).toMatchObject({ nodeId: 'B' });
  });

  it('O1, O2, O3: a new order and two stitched updates are well-formed graphs with consecutive sequenceIds and a released prefix', async () => {
    const messages = await orderAndTwoUpdates();
    expect(messages.map((m) => [m.orderId, m.orderUpdateId])).toEqual([
      [messages[0]!.orderId, 0],
      [messages[0]!.orderId, 1],
      [messages[0]!.orderId, 2],
    ]);
    expectWellFormed(messages[0]!, 0);
    // Updates count on from the decision point of the message before.
    expectWellFormed(messages[1]!, lastReleased(messages[0]!).sequenceId);
    expectWellFormed(messages[2]!, lastReleased(messages[1]!).sequenceId);
    expect(messages.map((m) => m.nodes.some((n) => !n.released))).toEqual([true, true, false]);
    // Across the order's messages a sequenceId always names the same element.
    const at = new Map<number, Set<string>>();
    const name = (seq: number, what: string) => at.set(seq, (at.get(seq) ?? new Set()).add(what));
    for (const m of messages) {
      for (const n of m.nodes) name(n.sequenceId, `node ${n.nodeId}`);
      for (const e of m.edges) name(e.sequenceId, `edge ${e.edgeId}`);
    }
    expect([...at].filter(([, names]) => names.size > 1)).toEqual([]);
    expect(messages[2]!.nodes.map((n) => [n.nodeId, n.sequenceId])).toEqual([
      ['C', 4],
      ['D', 6],
    ]);
  });

  it('O4: the first node of a new order is the node the AGV reports it stands on', async () => {
    await ready({ lastNodeId: 'B', lastNodeSequenceId: 0 });
    const order = await send(release(['B', 'C']));
    expect(order.orderUpdateId).toBe(0);
    expect(order.nodes[0]).toMatchObject({ nodeId: 'B', sequenceId: 0, released: true });
  });

  it('O7, A1: every actionId is unique over several orders, updates and instant actions; cancel is one cancelOrder, blockingType NONE, with a fresh actionId', async () => {
    await ready();
    const first = await send(release(['A', 'B'], 't1'));
    await agv.state({
      orderId: first.orderId,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      actionStates: [{ actionId: first.nodes[1]!.actions[0]!.actionId, actionStatus: 'FINISHED' }],
    });
    await send(release(['B', 'C'], 't2'));
    adapter.execute({ type: 'pause', robotId: 'R1' });
    adapter.execute({ type: 'resume', robotId: 'R1' });
    await until(() => instantActions().some((a) => a.actionType === 'stopPause'), 'stopPause');
    const idsBeforeCancel = new Set([
      ...instantActions().map((a) => a.actionId),
      ...orders().flatMap((o) => [...o.nodes, ...o.edges].flatMap((x) => x.actions.map((a) => a.actionId))),
    ]);
    const cancels = () =>
      agv
        .received('instantActions')
        .filter((m) => (m.body.actions as WireAction[]).some((a) => a.actionType === 'cancelOrder'));
    adapter.execute({ type: 'cancel-task', robotId: 'R1' });
    await until(() => cancels().length >= 1, 'cancelOrder');
    const [cancel] = cancels()[0]!.body.actions as WireAction[];
    expect(cancels()[0]!.body.actions).toHaveLength(1); // A1: alone
    expect(cancel).toMatchObject({ actionType: 'cancelOrder', blockingType: 'NONE' });
    expect(idsBeforeCancel.has(cancel!.actionId)).toBe(false);
    await agv.state({
      orderId: first.orderId,
      orderUpdateId: 1,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      actionStates: [{ actionId: cancel!.actionId, actionType: 'cancelOrder', actionStatus: 'FINISHED' }],
    });
    const second = await send(release(['B', 'C'], 't3'));
    expect(second.orderId).not.toBe(first.orderId);
    await agv.state({ orderId: second.orderId, lastNodeId: 'C', lastNodeSequenceId: 2 });
    await send(release(['C'], 't4')); // a pick where it stands: a stay edge (A7)
    adapter.execute({ type: 'cancel-task', robotId: 'R1' });
    await until(
      () =>
        cancels().length >= 2 &&
        new Set(cancels().map((m) => (m.body.actions as WireAction[])[0]!.actionId)).size === 2,
      'second cancelOrder',
    );

    // An actionId names one action in one place: seen again only as the identical resend (O19, A4) or
    // the stitching node re-sent with its actions (O11).
    const where = new Map<string, Set<string>>();
    const note = (id: string, place: string) => where.set(id, (where.get(id) ?? new Set()).add(place));
    for (const o of orders()) {
      for (const n of o.nodes)
        for (const a of n.actions)
          note(a.actionId, `${o.orderId} node ${n.nodeId}#${n.sequenceId} ${JSON.stringify(a)}`);
      for (const e of o.edges)
        for (const a of e.actions)
          note(a.actionId, `${o.orderId} edge ${e.edgeId}#${e.sequenceId} ${JSON.stringify(a)}`);
    }
    for (const a of instantActions()) note(a.actionId, `instant ${JSON.stringify(a)}`);
    expect(where.size).toBeGreaterThanOrEqual(10); // 4 picks, stateRequest, factsheetRequest, pause, resume, 2 cancels
    expect([...where].filter(([, places]) => places.size > 1)).toEqual([]);
  });

  it('O11, O12: an update re-sends no earlier released element, and the decision point only identically', async () => {
    const messages = await orderAndTwoUpdates();
    for (let k = 1; k < messages.length; k++) {
      const decision = lastReleased(messages[k - 1]!);
      const update = messages[k]!;
      expect(update.nodes[0]).toEqual(decision);
      const earlierBase = messages
        .slice(0, k)
        .flatMap((m) => [...m.nodes, ...m.edges])
        .filter((x) => x.released && x.sequenceId !== decision.sequenceId)
        .map((x) => x.sequenceId);
      const sent = [...update.nodes, ...update.edges].map((x) => x.sequenceId);
      expect(sent.filter((s) => earlierBase.includes(s))).toEqual([]);
    }
  });

  it('O13: an update replaces the horizon: the previous horizon is not carried along, a different one is fine', async () => {
    await ready();
    const first = await send(release(['A', 'B'], 't1', ['C', 'D']));
    expect(first.nodes.filter((n) => !n.released).map((n) => n.nodeId)).toEqual(['C', 'D']);
    // Horizon nodes carry no actions: nothing there can be assumed started.
    expect(first.nodes.filter((n) => !n.released).flatMap((n) => n.actions)).toEqual([]);
    await agv.state({
      orderId: first.orderId,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      nodeStates: [
        { nodeId: 'C', sequenceId: 4, released: false },
        { nodeId: 'D', sequenceId: 6, released: false },
      ],
    });
    // The route turns back at C: horizon C -> B instead of C -> D.
    const turned = await send(release(['B', 'C'], 't2', ['B']));
    expect(turned.nodes.map((n) => [n.nodeId, n.sequenceId, n.released])).toEqual([
      ['B', 2, true],
      ['C', 4, true],
      ['B', 6, false],
    ]);
    expect(turned.edges.map((e) => [e.edgeId, e.released])).toEqual([
      ['BC', true],
      ['CB', false],
    ]);
    await agv.state({ orderId: first.orderId, orderUpdateId: 1, lastNodeId: 'C', lastNodeSequenceId: 4 });
    const none = await send(release(['C', 'D'], 't3'));
    expect(none.nodes.every((n) => n.released)).toBe(true);
    expect(none.nodes.map((n) => n.nodeId)).toEqual(['C', 'D']);
  });

  it('O16: after the AGV finished (idle at the decision point, no horizon), a continuation starts at (lastNodeId, lastNodeSequenceId)', async () => {
    await ready();
    const first = await send(release(['A', 'B'], 't1'));
    await agv.state({
      orderId: first.orderId,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      nodeStates: [],
      actionStates: [{ actionId: first.nodes[1]!.actions[0]!.actionId, actionStatus: 'FINISHED' }],
    });
    await until(() => events.some((e) => e.type === 'action-finished'), 'pick finished');
    const next = await send(release(['B', 'C'], 't2'));
    expect(next).toMatchObject({ orderId: first.orderId, orderUpdateId: 1 });
    expect(next.nodes[0]).toMatchObject({ nodeId: 'B', sequenceId: 2 });
  });

  it('O17: while the state shows the AGV still has nodeStates of its order, a release starting elsewhere than the decision point is not sent as a new orderId at once; it goes once the AGV is idle', async () => {
    await ready();
    const first = await send(release(['A', 'B'], 't1', ['C', 'D']));
    await agv.state({
      orderId: first.orderId,
      driving: true,
      nodeStates: [
        { nodeId: 'B', sequenceId: 2, released: true },
        { nodeId: 'C', sequenceId: 4, released: false },
        { nodeId: 'D', sequenceId: 6, released: false },
      ],
      actionStates: [{ actionId: first.nodes[1]!.actions[0]!.actionId, actionStatus: 'WAITING' }],
    });
    await until(() => states().at(-1)?.routeNodeIds?.length === 1, 'AGV busy');
    adapter.execute(release(['C', 'D'], 't2')); // starts at C, the decision point is B
    await sleep(600);
    const foreign = () => orders().filter((o) => o.orderId !== first.orderId);
    expect(foreign().map((o) => o.orderId)).toEqual([]);
    // Deferred, not dropped: once the AGV is idle the new order goes out.
    await agv.state({
      orderId: first.orderId,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      actionStates: [{ actionId: first.nodes[1]!.actions[0]!.actionId, actionStatus: 'FINISHED' }],
    });
    await until(() => foreign().length === 1, 'the new order once the AGV is idle');
    expect(foreign()[0]!.orderUpdateId).toBe(0);
  });

  it('O17, A2: after a cancel-task, while the state still shows the cancel RUNNING and nodeStates, a release is not sent as a new orderId at once; it goes once the cancel ended', async () => {
    await ready();
    const first = await send(release(['A', 'B', 'C'], 't1'));
    const busy = {
      orderId: first.orderId,
      driving: true,
      nodeStates: [
        { nodeId: 'B', sequenceId: 2, released: true },
        { nodeId: 'C', sequenceId: 4, released: true },
      ],
    };
    await agv.state(busy);
    adapter.execute({ type: 'cancel-task', robotId: 'R1' });
    await until(() => instantActions().some((a) => a.actionType === 'cancelOrder'), 'cancelOrder');
    const cancelId = instantActions().find((a) => a.actionType === 'cancelOrder')!.actionId;
    await agv.state({
      ...busy,
      actionStates: [{ actionId: cancelId, actionType: 'cancelOrder', actionStatus: 'RUNNING' }],
    });
    await sleep(100);
    adapter.execute(release(['B', 'C'], 't2'));
    await sleep(600);
    const foreign = () => orders().filter((o) => o.orderId !== first.orderId);
    expect(foreign().map((o) => o.orderId)).toEqual([]);
    // The AGV stopped on B and the cancel ended: now the new order goes out, from B.
    await agv.state({
      orderId: first.orderId,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      actionStates: [{ actionId: cancelId, actionType: 'cancelOrder', actionStatus: 'FINISHED' }],
    });
    await until(() => foreign().length === 1, 'the new order once the cancel ended');
    expect(foreign()[0]).toMatchObject({ orderUpdateId: 0 });
    expect(foreign()[0]!.nodes[0]).toMatchObject({ nodeId: 'B', sequenceId: 0 });
  });

  it('A3: cancelOrder answered FAILED with noOrderToCancel is not sent again, the robot reports no fault, and the next release is a new order', async () => {
    await ready();
    adapter.execute({ type: 'cancel-task', robotId: 'R1' });
    const cancels = () => instantActions().filter((a) => a.actionType === 'cancelOrder');
    await until(() => cancels().length >= 1, 'cancelOrder');
    const { actionId } = cancels()[0]!;
    await agv.state({
      actionStates: [{ actionId, actionType: 'cancelOrder', actionStatus: 'FAILED' }],
      errors: [
        {
          errorType: 'noOrderToCancel',
          errorLevel: 'WARNING',
          errorReferences: [{ referenceKey: 'actionId', referenceValue: actionId }],
        },
      ],
    });
    await until(
      () =>
        states()
          .at(-1)!
          .errors.some((e) => e.code === 'noOrderToCancel'),
      'warning reported',
    );
    await sleep(3 * ADAPTER_OPTIONS.ackTimeoutMs + 300);
    expect(cancels()).toHaveLength(1);
    expect(fatal()).toEqual([]);
    const order = await send(release(['A', 'B'], 't2'));
    expect(order.orderUpdateId).toBe(0);
  });

  it('A7: a pick at the node the AGV stands on goes in an order (after a zero-length stay edge when continuing), never as an instant action', async () => {
    await ready();
    // No order yet: a one-node order with the pick on it.
    const here = await send(release(['A'], 't1'));
    expectWellFormed(here, 0);
    expect(here.nodes).toHaveLength(1);
    expect(here.nodes[0]!.actions.map((a) => a.actionType)).toEqual(['pick']);
    await agv.state({
      orderId: here.orderId,
      actionStates: [{ actionId: here.nodes[0]!.actions[0]!.actionId, actionStatus: 'FINISHED' }],
    });
    // Continuing from the decision point A: the pick rides on A once more, after A -> A of length 0.
    const again = await send(release(['A'], 't2'));
    expectWellFormed(again, 0);
    expect(again.orderId).toBe(here.orderId);
    expect(again.edges).toHaveLength(1);
    expect(again.edges[0]).toMatchObject({ startNodeId: 'A', endNodeId: 'A', length: 0, released: true });
    expect(again.nodes[1]).toMatchObject({ nodeId: 'A', sequenceId: 2 });
    expect(again.nodes[1]!.actions.map((a) => a.actionType)).toEqual(['pick']);
    expect(instantActions().map((a) => a.actionType)).not.toContain('pick');
  });

  it('A10: a HARD pick RUNNING with driving false at its node is no fault', async () => {
    await ready();
    const order = await send(release(['A', 'B'], 't1'));
    const pick = order.nodes[1]!.actions[0]!;
    expect(pick.blockingType).toBe('HARD');
    const standing = {
      orderId: order.orderId,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      driving: false,
      actionStates: [{ actionId: pick.actionId, actionType: 'pick', actionStatus: 'RUNNING' }],
    };
    await agv.state(standing);
    await until(() => states().at(-1)?.nodeId === 'B', 'at B');
    for (let i = 0; i < 4; i++) {
      await sleep(ADAPTER_OPTIONS.ackTimeoutMs);
      await agv.state(standing);
    }
    expect(states().at(-1)!.errors).toEqual([]);
    expect(progress()).toEqual([{ type: 'node-reached', robotId: 'R1', nodeId: 'B' }]);
  });

  it('A11: WAITING actionStates of a horizon an update removed, lingering (2.x), cause no event', async () => {
    await ready();
    const first = await send(release(['A', 'B'], 't1', ['C', 'D']));
    const pick = first.nodes[1]!.actions[0]!.actionId;
    const lingering = {
      actionId: 'vendor-horizon-action',
      actionType: 'detectObject',
      actionStatus: 'WAITING',
    };
    await agv.state({
      orderId: first.orderId,
      driving: true,
      nodeStates: [
        { nodeId: 'B', sequenceId: 2, released: true },
        { nodeId: 'C', sequenceId: 4, released: false },
        { nodeId: 'D', sequenceId: 6, released: false },
      ],
      actionStates: [{ actionId: pick, actionStatus: 'WAITING' }, lingering],
    });
    const update = await send(release(['B', 'C'], 't2')); // horizon C, D gone
    const pick2 = update.nodes.at(-1)!.actions[0]!.actionId;
    await agv.state({
      orderId: first.orderId,
      orderUpdateId: 1,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      nodeStates: [{ nodeId: 'C', sequenceId: 4, released: true }],
      actionStates: [
        { actionId: pick, actionStatus: 'WAITING' },
        lingering,
        { actionId: pick2, actionStatus: 'WAITING' },
      ],
    });
    await until(() => states().at(-1)?.nodeId === 'B', 'at B');
    await sleep(300);
    expect(progress()).toEqual([{ type: 'node-reached', robotId: 'R1', nodeId: 'B' }]);
    expect(fatal()).toEqual([]);
    // The same AGV's FINISHED is used: the adapter was listening all along.
    await agv.state({
      orderId: first.orderId,
      orderUpdateId: 1,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      nodeStates: [{ nodeId: 'C', sequenceId: 4, released: true }],
      actionStates: [
        { actionId: pick, actionStatus: 'FINISHED' },
        lingering,
        { actionId: pick2, actionStatus: 'WAITING' },
      ],
    });
    await until(() => events.some((e) => e.type === 'action-finished'), 'pick finished');
    expect(progress().slice(1)).toEqual([{ type: 'action-finished', robotId: 'R1', actionId: 't1/pick' }]);
  });

  it('A13, E5: a FAILED pick with an error referencing its actionId gives action-failed with the error description; the order is not taken as gone', async () => {
    await ready();
    const order = await send(release(['A', 'B'], 't1'));
    const pick = order.nodes[1]!.actions[0]!.actionId;
    await agv.state({
      orderId: order.orderId,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      actionStates: [{ actionId: pick, actionType: 'pick', actionStatus: 'FAILED' }],
      errors: [
        {
          errorType: 'pickError',
          errorLevel: 'WARNING',
          errorDescription: 'no load at the station',
          errorReferences: [{ referenceKey: 'actionId', referenceValue: pick }],
        },
      ],
    });
    await until(() => events.some((e) => e.type === 'action-failed'), 'action-failed');
    const failed = events.find((e) => e.type === 'action-failed');
    expect(failed).toMatchObject({ robotId: 'R1', actionId: 't1/pick' });
    expect(failed?.type === 'action-failed' && failed.reason).toContain('no load at the station');
    const next = await send(release(['B', 'C'], 't2'));
    expect(next).toMatchObject({ orderId: order.orderId, orderUpdateId: 1 });
    expect(next.nodes[0]).toMatchObject({ nodeId: 'B', sequenceId: 2 });
  });

  it('E5: an error referencing an instant action (actionId + topic instantActions) is not taken for a rejection of the pending order', async () => {
    await ready();
    adapter.execute({ type: 'pause', robotId: 'R1' });
    await until(() => instantActions().some((a) => a.actionType === 'startPause'), 'startPause');
    const pause = instantActions().find((a) => a.actionType === 'startPause')!.actionId;
    const order = await send(release(['A', 'B'], 't1'));
    // This state left the AGV before it took the order over: it still reports no order.
    await agv.state({
      errors: [
        {
          errorType: 'validationError',
          errorLevel: 'WARNING',
          errorDescription: 'startPause not possible now',
          errorReferences: [
            { referenceKey: 'topic', referenceValue: 'instantActions' },
            { referenceKey: 'actionId', referenceValue: pause },
          ],
        },
      ],
    });
    await until(
      () =>
        states()
          .at(-1)!
          .errors.some((e) => e.code === 'validationError'),
      'warning reported',
    );
    await sleep(100);
    expect(fatal()).toEqual([]);
    expect(events.filter((e) => e.type === 'action-failed')).toEqual([]);
    // It takes the order over: the pick is tracked as usual.
    await agv.state({
      orderId: order.orderId,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      actionStates: [{ actionId: order.nodes[1]!.actions[0]!.actionId, actionStatus: 'FINISHED' }],
    });
    await until(() => events.some((e) => e.type === 'action-finished'), 'action-finished');
  });

  it('S1: a state with only the required fields gives a robot-state; the latest state wins', async () => {
    const minimal = agv.stateMessage();
    for (const optional of [
      'agvPosition',
      'loads',
      'velocity',
      'paused',
      'newBaseRequest',
      'information',
      'zoneSetId',
    ])
      expect(minimal).not.toHaveProperty(optional);
    await ready();
    expect(states().at(-1)).toMatchObject({
      nodeId: 'A',
      batteryPct: 90,
      paused: false,
      driving: false,
      errors: [],
    });
    expect(states().at(-1)).not.toHaveProperty('pose');
    await agv.state({
      lastNodeId: 'B',
      lastNodeSequenceId: 0,
      batteryState: { batteryCharge: 80, charging: false },
    });
    await agv.state({
      lastNodeId: 'C',
      lastNodeSequenceId: 0,
      batteryState: { batteryCharge: 70, charging: true },
    });
    await until(() => states().at(-1)?.batteryPct === 70, 'latest state');
    expect(states().at(-1)).toMatchObject({ nodeId: 'C', charging: true });
  });

  it('S5: an information-only change emits nothing', async () => {
    await ready();
    await sleep(100);
    const before = events.length;
    await agv.state({
      information: [{ infoType: 'debugInfo', infoLevel: 'INFO', infoDescription: 'hello' }],
    });
    await agv.state({ information: [{ infoType: 'debugInfo', infoLevel: 'DEBUG', infoDescription: 'bye' }] });
    await sleep(400);
    expect(events.slice(before)).toEqual([]);
    await agv.state({ batteryState: { batteryCharge: 50, charging: false } }); // the adapter is listening
    await until(() => states().at(-1)?.batteryPct === 50, 'a real change');
  });

  it('S8: a visualization message with another position changes nothing; the pose comes from state.agvPosition', async () => {
    const position = (x: number) => ({ x, y: 0, theta: 0, mapId: 'hall', positionInitialized: true });
    await ready({ agvPosition: position(1) });
    expect(states().at(-1)!.pose).toEqual({ x: 1, y: 0, thetaRad: 0 });
    const before = events.length;
    await agv.raw(
      'visualization',
      JSON.stringify({ ...agv.header(), agvPosition: position(5), velocity: { vx: 1 } }),
    );
    await sleep(400);
    expect(events.slice(before)).toEqual([]);
    await agv.state({ agvPosition: position(2) });
    await until(() => states().at(-1)?.pose?.x === 2, 'pose from the state');
  });

  it('R3: duplicate states and a headerId back at 0 (AGV restart) give no duplicate node-reached or action-finished', async () => {
    await ready();
    const order = await send(release(['A', 'B', 'C'], 't1'));
    const pick = order.nodes[2]!.actions[0]!.actionId;
    const atB = {
      orderId: order.orderId,
      lastNodeId: 'B',
      lastNodeSequenceId: 2,
      driving: true,
      nodeStates: [{ nodeId: 'C', sequenceId: 4, released: true }],
      actionStates: [{ actionId: pick, actionStatus: 'WAITING' }],
    };
    const atC = {
      orderId: order.orderId,
      lastNodeId: 'C',
      lastNodeSequenceId: 4,
      actionStates: [{ actionId: pick, actionStatus: 'FINISHED' }],
    };
    await agv.state(atB);
    await agv.repeatState();
    agv.resetHeaderIds();
    await agv.state(atB);
    await agv.repeatState();
    await agv.state(atC);
    await agv.repeatState();
    agv.resetHeaderIds();
    await agv.state(atC);
    await agv.repeatState();
    await until(() => events.some((e) => e.type === 'action-finished'), 'action-finished');
    await sleep(300);
    expect(progress()).toEqual([
      { type: 'node-reached', robotId: 'R1', nodeId: 'B' },
      { type: 'node-reached', robotId: 'R1', nodeId: 'C' },
      { type: 'action-finished', robotId: 'R1', actionId: 't1/pick' },
    ]);
  });
});

/** A Mosquitto of this test's own, on a free port, that can be killed and started again. */
class PrivateBroker {
  private process: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'fb-mosquitto-'));
  log = '';

  private constructor(readonly port: number) {
    writeFileSync(
      join(this.dir, 'mosquitto.conf'),
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence false',
        'log_dest stderr',
        'log_type all',
        '',
      ].join('\n'),
    );
  }

  static async create(): Promise<PrivateBroker> {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => {
          resolve(typeof address === 'object' && address ? address.port : 0);
        });
      });
    });
    return new PrivateBroker(port);
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.log = '';
    const child = spawn('/usr/sbin/mosquitto', ['-c', join(this.dir, 'mosquitto.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const append = (chunk: Buffer) => {
      this.log += chunk.toString();
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    this.process = child;
    await until(() => this.log.includes(' running'), `mosquitto on port ${this.port}`);
    const accepts = () =>
      new Promise<boolean>((resolve) => {
        const socket = createConnection(this.port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => {
          resolve(false);
        });
      });
    for (let i = 0; i < 50 && !(await accepts()); i++) await sleep(50);
  }

  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Cleanup that must not hang when the broker is gone. */
const within = (ms: number, work: Promise<unknown>) => Promise.race([work.catch(() => undefined), sleep(ms)]);

describe('VDA 5050 master conformance: the MQTT connection', () => {
  let broker: PrivateBroker | undefined;
  let agv: AgvDouble | undefined;
  let adapter: VdaRobotAdapter | undefined;

  afterAll(async () => {
    if (adapter) await within(2000, adapter.stop());
    if (agv) await within(2000, broker?.running ? agv.close() : agv.client.endAsync(true));
    await broker?.dispose();
  });

  it('C6: keep-alive at most 15 s and a clean session; after the broker restarts the client reconnects and resubscribes', async () => {
    broker = await PrivateBroker.create();
    await broker.start();
    const serial = `S${randomUUID().slice(0, 8)}`;
    const clientId = `fb-c6-${serial}`;
    agv = await AgvDouble.connectTo(broker.url, 'Acme', serial);
    await agv.connection('ONLINE');
    adapter = new VdaRobotAdapter({
      brokerUrl: broker.url,
      layout: LAYOUT,
      robots: [{ robotId: 'R1', manufacturer: 'Acme', serialNumber: serial }],
      clientId,
      ...ADAPTER_OPTIONS,
    });
    const events: RobotEvent[] = [];
    adapter.onEvent((e) => events.push(e));
    await adapter.start();
    const battery = () => events.findLast((e) => e.type === 'robot-state')?.state.batteryPct;
    // Mosquitto logs "New client connected from … as <id> (p<protocol>, c<clean>, k<keepalive>)".
    const hello = new RegExp(`as ${clientId} \\(p\\d, c(\\d), k(\\d+)\\)`).exec(broker.log);
    expect(hello).not.toBeNull();
    expect(hello![1]).toBe('1');
    expect(Number(hello![2])).toBeGreaterThan(0);
    expect(Number(hello![2])).toBeLessThanOrEqual(15);
    await agv.state({ batteryState: { batteryCharge: 80, charging: false } });
    await until(() => battery() === 80, 'state before the restart');

    await broker.kill();
    await sleep(300);
    await broker.start();
    const doubleId = agv.client.options.clientId!;
    await until(
      () =>
        broker!.log.includes(`Received SUBSCRIBE from ${clientId}`) &&
        broker!.log.includes(`Received SUBSCRIBE from ${doubleId}`),
      'adapter and double resubscribed',
      15_000,
    );
    await agv.state({ batteryState: { batteryCharge: 70, charging: false } });
    await until(() => battery() === 70, 'state after the restart');
  });
});
