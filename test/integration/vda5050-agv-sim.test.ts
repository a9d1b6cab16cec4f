/**
 * The VDA 5050 AGV simulator against a real Mosquitto (127.0.0.1:1883, or MQTT_URL), with a raw mqtt client
 * playing the master. Each test uses its own serial number so retained messages of other tests never show
 * up, and clears the retained messages it caused. Every state the master sees is checked against the
 * official 2.0.0 state.schema.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { VdaAgv, type VdaAgvOptions } from '../../simulators/vda5050-fleet/vda-agv.ts';
import { VdaFleetSimulator } from '../../simulators/vda5050-fleet/fleet.ts';

const BROKER = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const MANUFACTURER = 'FleetbridgeTest';
const MAP = 'plant';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const schema = (name: string): object =>
  JSON.parse(readFileSync(new URL(`../../standards/vda5050/2.0.0/${name}.schema`, import.meta.url), 'utf8'));
const validateState = ajv.compile(schema('state'));
const validateFactsheet = ajv.compile(schema('factsheet'));
const validateConnection = ajv.compile(schema('connection'));

/** The fields of outbound vehicle messages the tests read (states are schema-checked before use). */
interface WireMessage {
  readonly headerId: number;
  readonly timestamp: string;
  readonly serialNumber: string;
  readonly connectionState?: string;
  readonly protocolFeatures?: {
    readonly agvActions: readonly { readonly actionType: string; readonly actionScopes: readonly string[] }[];
  };
}

interface WireError {
  readonly errorType: string;
  readonly errorLevel: string;
  readonly errorReferences?: readonly { readonly referenceKey: string; readonly referenceValue: string }[];
}

interface WireState extends WireMessage {
  readonly orderId: string;
  readonly orderUpdateId: number;
  readonly lastNodeId: string;
  readonly lastNodeSequenceId: number;
  readonly driving: boolean;
  readonly paused: boolean;
  readonly newBaseRequest: boolean;
  readonly operatingMode: string;
  readonly nodeStates: readonly {
    readonly nodeId: string;
    readonly sequenceId: number;
    readonly released: boolean;
  }[];
  readonly edgeStates: readonly {
    readonly edgeId: string;
    readonly sequenceId: number;
    readonly released: boolean;
  }[];
  readonly agvPosition: {
    readonly x: number;
    readonly y: number;
    readonly theta: number;
    readonly mapId: string;
  };
  readonly loads: readonly { readonly loadId?: string; readonly loadType?: string }[];
  readonly actionStates: readonly { readonly actionId: string; readonly actionStatus: string }[];
  readonly batteryState: { readonly batteryCharge: number; readonly charging: boolean };
  readonly errors: readonly WireError[];
}

interface Received {
  readonly topic: string;
  readonly body: WireMessage;
  readonly retain: boolean;
  readonly qos: number;
}

/** A raw-MQTT master for one vehicle: records everything the vehicle publishes and sends what tests ask. */
class TestMaster {
  readonly received: Received[] = [];
  readonly states: WireState[] = [];
  readonly invalidStates: string[] = [];
  private readonly headerIds = new Map<string, number>();

  private constructor(
    readonly client: MqttClient,
    readonly prefix: string,
    readonly serialNumber: string,
  ) {}

  static async connect(serialNumber: string): Promise<TestMaster> {
    const client = await mqtt.connectAsync(BROKER, { clean: true, keepalive: 15, reconnectPeriod: 0 });
    const master = new TestMaster(client, `uagv/v2/${MANUFACTURER}/${serialNumber}`, serialNumber);
    client.on('message', (topic, payload, packet) => {
      const text = payload.toString('utf8');
      if (text === '') return; // a cleared retained message
      const body = JSON.parse(text);
      master.received.push({ topic, body, retain: packet.retain, qos: packet.qos });
      if (topic.endsWith('/state')) {
        master.states.push(body);
        if (!validateState(body)) master.invalidStates.push(ajv.errorsText(validateState.errors));
      }
    });
    // Only what the vehicle publishes; the master's own order/instantActions messages are not echoed back.
    await client.subscribeAsync(
      ['state', 'connection', 'factsheet', 'visualization'].map((t) => `${master.prefix}/${t}`),
      { qos: 1 },
    );
    return master;
  }

  messages(topic: string): Received[] {
    return this.received.filter((m) => m.topic === `${this.prefix}/${topic}`);
  }

  get latest(): WireState {
    return this.states[this.states.length - 1]!;
  }

  private header(topic: string): Record<string, unknown> {
    const headerId = this.headerIds.get(topic) ?? 0;
    this.headerIds.set(topic, headerId + 1);
    return {
      headerId,
      timestamp: new Date().toISOString(),
      version: '2.0.0',
      manufacturer: MANUFACTURER,
      serialNumber: this.serialNumber,
    };
  }

  async sendOrder(
    orderId: string,
    orderUpdateId: number,
    nodes: unknown[],
    edges: unknown[],
  ): Promise<number> {
    const header = this.header('order');
    await this.client.publishAsync(
      `${this.prefix}/order`,
      JSON.stringify({ ...header, orderId, orderUpdateId, nodes, edges }),
    );
    return header.headerId as number;
  }

  async sendRaw(topic: string, payload: string): Promise<void> {
    await this.client.publishAsync(`${this.prefix}/${topic}`, payload);
  }

  async instant(
    ...actions: { actionId: string; actionType: string; actionParameters?: unknown[] }[]
  ): Promise<void> {
    const body = {
      ...this.header('instantActions'),
      actions: actions.map((a) => ({ blockingType: 'NONE', ...a })),
    };
    await this.client.publishAsync(`${this.prefix}/instantActions`, JSON.stringify(body));
  }

  /** Resolves with the first state from index `from` on that satisfies `predicate`. */
  async waitForState(
    predicate: (state: WireState) => boolean,
    from = 0,
    timeoutMs = 8000,
  ): Promise<WireState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.states.slice(from).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no matching state within ${timeoutMs} ms; latest: ${JSON.stringify(this.latest)}`);
      }
      await delay(10);
    }
  }

  async waitForMessage(
    topic: string,
    predicate: (m: Received) => boolean,
    timeoutMs = 8000,
  ): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages(topic).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${topic} message within ${timeoutMs} ms`);
      await delay(10);
    }
  }
}

const node = (nodeId: string, sequenceId: number, x: number, released = true, actions: unknown[] = []) => ({
  nodeId,
  sequenceId,
  released,
  nodePosition: { x, y: 0, mapId: MAP },
  actions,
});
const edge = (
  edgeId: string,
  sequenceId: number,
  startNodeId: string,
  endNodeId: string,
  released = true,
) => ({
  edgeId,
  sequenceId,
  released,
  startNodeId,
  endNodeId,
  actions: [],
});
const action = (
  actionId: string,
  actionType: string,
  blockingType = 'HARD',
  params: Record<string, string> = {},
) => ({
  actionId,
  actionType,
  blockingType,
  actionParameters: Object.entries(params).map(([key, value]) => ({ key, value })),
});
const errorsOf = (state: WireState, errorType: string): WireError[] =>
  state.errors.filter((e) => e.errorType === errorType);
const refValue = (error: WireError | undefined, key: string): string | undefined =>
  error?.errorReferences?.find((r) => r.referenceKey === key)?.referenceValue;
const actionStatus = (state: WireState, actionId: string): string | undefined =>
  state.actionStates.find((a) => a.actionId === actionId)?.actionStatus;

interface Rig {
  readonly agv: VdaAgv;
  readonly master: TestMaster;
  readonly serial: string;
}

const rigs: Rig[] = [];
const extraClients: MqttClient[] = [];

/** A started vehicle at n0 (0,0) plus its master; both are torn down and retained messages cleared afterwards. */
async function rig(options: Partial<VdaAgvOptions> = {}): Promise<Rig> {
  const serial = `sim-${randomBytes(4).toString('hex')}`;
  const master = await TestMaster.connect(serial);
  const agv = new VdaAgv({
    brokerUrl: BROKER,
    manufacturer: MANUFACTURER,
    serialNumber: serial,
    initialPosition: { x: 0, y: 0, theta: 0, mapId: MAP, lastNodeId: 'n0' },
    speedup: 20,
    ...options,
  });
  const r = { agv, master, serial };
  rigs.push(r);
  await agv.start();
  await master.waitForState(() => true);
  return r;
}

afterEach(async () => {
  for (const { agv, master } of rigs.splice(0)) {
    await agv.stop();
    // Clear what the vehicle left retained, so the broker does not accumulate test vehicles.
    for (const topic of ['connection', 'factsheet']) {
      await master.client.publishAsync(`${master.prefix}/${topic}`, '', { qos: 1, retain: true });
    }
    await master.client.endAsync();
    expect(master.invalidStates).toEqual([]);
  }
  for (const client of extraClients.splice(0)) await client.endAsync();
});

describe('VDA 5050 AGV simulator: connection and factsheet', () => {
  it('announces ONLINE (QoS 1, retained) and a schema-valid retained factsheet, with per-topic headerIds', async () => {
    const { agv, master, serial } = await rig();
    // A late subscriber must get both as retained messages.
    const late = await mqtt.connectAsync(BROKER, { reconnectPeriod: 0 });
    extraClients.push(late);
    const retained: Received[] = [];
    late.on('message', (topic, payload, packet) => {
      if (payload.length > 0)
        retained.push({
          topic,
          body: JSON.parse(payload.toString()),
          retain: packet.retain,
          qos: packet.qos,
        });
    });
    await late.subscribeAsync([`${master.prefix}/connection`, `${master.prefix}/factsheet`], { qos: 1 });
    await expect.poll(() => retained.length).toBe(2);
    const connection = retained.find((m) => m.topic.endsWith('/connection'))!;
    expect(connection.retain).toBe(true);
    expect(connection.qos).toBe(1);
    expect(connection.body.connectionState).toBe('ONLINE');
    expect(validateConnection(connection.body)).toBe(true);
    expect(connection.body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const factsheet = retained.find((m) => m.topic.endsWith('/factsheet'))!;
    expect(factsheet.retain).toBe(true);
    expect(validateFactsheet(factsheet.body), ajv.errorsText(validateFactsheet.errors)).toBe(true);
    expect(factsheet.body.serialNumber).toBe(serial);
    const scopes = Object.fromEntries(
      factsheet.body.protocolFeatures!.agvActions.map((a) => [a.actionType, [...a.actionScopes].sort()]),
    );
    expect(scopes).toMatchObject({
      pick: ['NODE'],
      drop: ['NODE'],
      startCharging: ['INSTANT', 'NODE'],
      cancelOrder: ['INSTANT'],
      factsheetRequest: ['INSTANT'],
    });

    // stateRequest and factsheetRequest: each adds an actionState FINISHED; headerIds count per topic.
    const from = master.states.length;
    await master.instant(
      { actionId: 'sr1', actionType: 'stateRequest' },
      { actionId: 'fr1', actionType: 'factsheetRequest' },
    );
    await master.waitForState(
      (s) => actionStatus(s, 'sr1') === 'FINISHED' && actionStatus(s, 'fr1') === 'FINISHED',
      from,
    );
    await master.waitForMessage('factsheet', (m) => m.body.headerId === 1);
    const stateIds = master.states.map((s) => s.headerId);
    expect(stateIds).toEqual(stateIds.map((_, i) => stateIds[0]! + i));
    expect(master.messages('factsheet').map((m) => m.body.headerId)).toEqual([0, 1]);
    expect(agv.state.orderId).toBe('');
  });

  it('graceful stop leaves OFFLINE; kill() makes the broker publish the last will CONNECTIONBROKEN', async () => {
    const a = await rig();
    await a.agv.stop();
    const offline = await a.master.waitForMessage('connection', (m) => m.body.connectionState === 'OFFLINE');
    expect(offline.qos).toBe(1);
    expect(a.master.messages('connection').some((m) => m.body.connectionState === 'CONNECTIONBROKEN')).toBe(
      false,
    );

    const b = await rig();
    b.agv.kill();
    const will = await b.master.waitForMessage(
      'connection',
      (m) => m.body.connectionState === 'CONNECTIONBROKEN',
    );
    expect(will.qos).toBe(1);
    expect(validateConnection(will.body)).toBe(true);
    // The will was built at connect time, before ONLINE: its headerId is the older one (part A 1.8).
    const online = b.master.messages('connection').find((m) => m.body.connectionState === 'ONLINE')!;
    expect(will.body.headerId).toBeLessThan(online.body.headerId);
    expect(b.master.messages('connection').some((m) => m.body.connectionState === 'OFFLINE')).toBe(false);
  });

  it('after a connection drop it keeps driving its base, then comes back ONLINE', async () => {
    const { agv, master } = await rig({ speedup: 2 });
    await master.sendOrder('d1', 0, [node('n0', 0, 0), node('n1', 2, 3)], [edge('e1', 1, 'n0', 'n1')]);
    await master.waitForState((s) => s.orderId === 'd1' && s.driving);
    agv.dropConnection();
    await master.waitForMessage('connection', (m) => m.body.connectionState === 'CONNECTIONBROKEN');
    const onlines = () => master.messages('connection').filter((m) => m.body.connectionState === 'ONLINE');
    await expect.poll(onlines, { timeout: 5000 }).toHaveLength(2);
    // 3 m at 2 m/s: the vehicle finished its released base while (or right after) it was offline.
    const done = await master.waitForState((s) => s.lastNodeId === 'n1' && s.nodeStates.length === 0);
    expect(done.orderId).toBe('d1');
  });
});

describe('VDA 5050 AGV simulator: orders', () => {
  it('drives the base to the decision point, stops there with newBaseRequest, continues after a stitched update', async () => {
    const { master } = await rig();
    await master.sendOrder(
      'o1',
      0,
      [node('n0', 0, 0), node('n1', 2, 3), node('n2', 4, 6, false)],
      [edge('e1', 1, 'n0', 'n1'), edge('e2', 3, 'n1', 'n2', false)],
    );
    // Within decisionPointLeadM (1 m) of n1, still driving on e1.
    const early = await master.waitForState((s) => s.newBaseRequest && s.lastNodeId === 'n0');
    expect(early.driving).toBe(true);
    expect(early.agvPosition.x).toBeGreaterThanOrEqual(2 - 1e-6);
    const atDecision = await master.waitForState((s) => s.lastNodeId === 'n1' && !s.driving);
    expect(atDecision).toMatchObject({
      orderId: 'o1',
      orderUpdateId: 0,
      lastNodeSequenceId: 2,
      newBaseRequest: true,
      nodeStates: [{ nodeId: 'n2', sequenceId: 4, released: false }],
      edgeStates: [{ edgeId: 'e2', sequenceId: 3, released: false }],
    });
    expect(atDecision.agvPosition.x).toBeCloseTo(3, 6);
    // It stays at the decision point while the base is not extended.
    await delay(300);
    expect(master.latest.agvPosition.x).toBeCloseTo(3, 6);
    expect(master.latest.lastNodeId).toBe('n1');

    const from = master.states.length;
    await master.sendOrder(
      'o1',
      1,
      [node('n1', 2, 3), node('n2', 4, 6), node('n3', 6, 9)],
      [edge('e2', 3, 'n1', 'n2'), edge('e3', 5, 'n2', 'n3')],
    );
    const done = await master.waitForState((s) => s.lastNodeId === 'n3' && !s.driving, from);
    expect(done).toMatchObject({
      orderUpdateId: 1,
      lastNodeSequenceId: 6,
      nodeStates: [],
      edgeStates: [],
      newBaseRequest: false,
    });
    expect(done.errors).toEqual([]);
    expect(done.agvPosition.x).toBeCloseTo(9, 6);
    // Traversal was reported node by node.
    expect(master.states.slice(from).some((s) => s.lastNodeId === 'n2')).toBe(true);
  });

  it('rejects a wrong stitching node and a new orderId while active with orderUpdateError, keeping the order', async () => {
    const { master } = await rig();
    await master.sendOrder(
      'o1',
      0,
      [node('n0', 0, 0), node('n1', 2, 1), node('n2', 4, 2, false)],
      [edge('e1', 1, 'n0', 'n1'), edge('e2', 3, 'n1', 'n2', false)],
    );
    await master.waitForState((s) => s.lastNodeId === 'n1' && !s.driving);

    // Right nodeId, wrong sequenceId.
    const headerId = await master.sendOrder(
      'o1',
      1,
      [node('n1', 4, 1), node('n2', 6, 2)],
      [edge('e2', 5, 'n1', 'n2')],
    );
    const wrongStitch = await master.waitForState((s) => errorsOf(s, 'orderUpdateError').length === 1);
    const error = errorsOf(wrongStitch, 'orderUpdateError')[0];
    expect(error?.errorLevel).toBe('WARNING');
    expect([
      refValue(error, 'orderId'),
      refValue(error, 'orderUpdateId'),
      refValue(error, 'headerId'),
      refValue(error, 'topic'),
    ]).toEqual(['o1', '1', String(headerId), 'order']);
    expect(wrongStitch).toMatchObject({
      orderId: 'o1',
      orderUpdateId: 0,
      nodeStates: [{ nodeId: 'n2', sequenceId: 4 }],
    });

    await master.sendOrder('o2', 0, [node('n1', 0, 1), node('n5', 2, 5)], [edge('e5', 1, 'n1', 'n5')]);
    const newOrder = await master.waitForState((s) => errorsOf(s, 'orderUpdateError').length === 2);
    expect(refValue(errorsOf(newOrder, 'orderUpdateError')[1], 'orderId')).toBe('o2');
    expect(newOrder).toMatchObject({ orderId: 'o1', orderUpdateId: 0, lastNodeId: 'n1' });

    // A duplicate of the current update is discarded silently, a lower one is rejected.
    await master.sendOrder('o1', 0, [node('n0', 0, 0)], []);
    await delay(150);
    expect(errorsOf(master.latest, 'orderUpdateError')).toHaveLength(2);
    expect(master.latest.orderId).toBe('o1');

    // A correct update is accepted and clears the rejection warnings.
    await master.sendOrder('o1', 2, [node('n1', 2, 1), node('n2', 4, 2)], [edge('e2', 3, 'n1', 'n2')]);
    const accepted = await master.waitForState((s) => s.orderUpdateId === 2 && s.lastNodeId === 'n2');
    expect(accepted.errors).toEqual([]);
  });

  it('reports validationError for invalid JSON, schema-invalid and graph-invalid orders, and takes none of them', async () => {
    const { master } = await rig();
    await master.sendRaw('order', '{not json');
    await master.waitForState((s) => errorsOf(s, 'validationError').length === 1);
    await master.sendRaw('order', JSON.stringify({ headerId: 7, orderId: 'bad', orderUpdateId: 0 }));
    const schemaInvalid = await master.waitForState((s) => errorsOf(s, 'validationError').length === 2);
    expect(refValue(errorsOf(schemaInvalid, 'validationError')[1], 'orderId')).toBe('bad');
    expect(refValue(errorsOf(schemaInvalid, 'validationError')[1], 'headerId')).toBe('7');
    // Two nodes but no edge.
    await master.sendOrder('bad2', 0, [node('n0', 0, 0), node('n1', 2, 1)], []);
    const graphInvalid = await master.waitForState((s) => errorsOf(s, 'validationError').length === 3);
    expect(graphInvalid).toMatchObject({ orderId: '', nodeStates: [], driving: false });
    // The instantActions topic is validated as well; a 1.1-only message (no `actions`) is invalid.
    await master.sendRaw('instantActions', JSON.stringify({ headerId: 0, instantActions: [] }));
    await master.waitForState((s) => errorsOf(s, 'validationError').length === 4);
  });

  it('rejects an unreachable first node with noRouteError and unsupported actions with orderError', async () => {
    const { master, agv } = await rig();
    await master.sendOrder('far', 0, [node('nX', 0, 10), node('nY', 2, 12)], [edge('eX', 1, 'nX', 'nY')]);
    const noRoute = await master.waitForState((s) => errorsOf(s, 'noRouteError').length === 1);
    expect(refValue(errorsOf(noRoute, 'noRouteError')[0], 'nodeId')).toBe('nX');
    expect(noRoute.orderId).toBe('');

    await master.sendOrder(
      'odd',
      0,
      [node('n0', 0, 0, true, [action('w1', 'weld')]), node('n1', 2, 1)],
      [edge('e1', 1, 'n0', 'n1')],
    );
    const orderError = await master.waitForState((s) => errorsOf(s, 'orderError').length === 1);
    expect(refValue(errorsOf(orderError, 'orderError')[0], 'actionType')).toBe('weld');
    expect(orderError.orderId).toBe('');

    agv.rejectNextOrder('noRouteError');
    await master.sendOrder('ok', 0, [node('n0', 0, 0), node('n1', 2, 1)], [edge('e1', 1, 'n0', 'n1')]);
    await master.waitForState((s) => errorsOf(s, 'noRouteError').length === 2);
    expect(master.latest.orderId).toBe('');
    // Within the default 0.5 m deviation counts as reachable, and acceptance clears the warnings.
    await master.sendOrder('ok', 0, [node('nZ', 0, 0.4), node('n1', 2, 1)], [edge('e1', 1, 'nZ', 'n1')]);
    const accepted = await master.waitForState((s) => s.orderId === 'ok' && s.lastNodeId === 'n1');
    expect(accepted.errors).toEqual([]);
  });

  it('pick and drop change loads; the actions go RUNNING then FINISHED and HARD blocks driving', async () => {
    const { master } = await rig({ actionDurationMs: 2000 });
    await master.sendOrder(
      'pd',
      0,
      [
        node('n0', 0, 0),
        node('n1', 2, 2, true, [action('pick1', 'pick', 'HARD', { loadId: 'HU-1', loadType: 'EPAL' })]),
        node('n2', 4, 4, true, [action('drop1', 'drop', 'HARD')]),
      ],
      [edge('e1', 1, 'n0', 'n1'), edge('e2', 3, 'n1', 'n2')],
    );
    const accepted = await master.waitForState((s) => s.orderId === 'pd');
    expect(actionStatus(accepted, 'pick1')).toBe('WAITING');
    const picking = await master.waitForState((s) => actionStatus(s, 'pick1') === 'RUNNING');
    expect(picking).toMatchObject({ lastNodeId: 'n1', driving: false, loads: [] });
    const picked = await master.waitForState((s) => actionStatus(s, 'pick1') === 'FINISHED');
    expect(picked.loads).toEqual([{ loadId: 'HU-1', loadType: 'EPAL', loadPosition: 'default' }]);
    const dropped = await master.waitForState((s) => actionStatus(s, 'drop1') === 'FINISHED');
    expect(dropped).toMatchObject({ lastNodeId: 'n2', loads: [], nodeStates: [], driving: false });
    // While the pick ran, the vehicle never moved.
    const duringPick = master.states.filter((s) => actionStatus(s, 'pick1') === 'RUNNING');
    expect(duringPick.every((s) => !s.driving && s.agvPosition.x === 2)).toBe(true);
  });

  it('does not run stitching-node actions again when the update re-sends them (same actionId)', async () => {
    const { master } = await rig();
    await master.sendOrder(
      'st',
      0,
      [
        node('n0', 0, 0),
        node('n1', 2, 2, true, [action('pick1', 'pick', 'HARD', { loadId: 'HU-2' })]),
        node('n2', 4, 4, false),
      ],
      [edge('e1', 1, 'n0', 'n1'), edge('e2', 3, 'n1', 'n2', false)],
    );
    await master.waitForState((s) => actionStatus(s, 'pick1') === 'FINISHED');
    const from = master.states.length;
    await master.sendOrder(
      'st',
      1,
      [node('n1', 2, 2, true, [action('pick1', 'pick', 'HARD', { loadId: 'HU-2' })]), node('n2', 4, 4)],
      [edge('e2', 3, 'n1', 'n2')],
    );
    const done = await master.waitForState((s) => s.orderUpdateId === 1 && s.lastNodeId === 'n2', from);
    expect(done.errors).toEqual([]);
    expect(done.loads).toHaveLength(1);
    expect(done.actionStates.filter((a) => a.actionId === 'pick1')).toEqual([
      expect.objectContaining({ actionStatus: 'FINISHED' }),
    ]);
    expect(master.states.slice(from).some((s) => actionStatus(s, 'pick1') === 'RUNNING')).toBe(false);
  });
});

describe('VDA 5050 AGV simulator: instant actions', () => {
  it('cancelOrder stops at the next node, fails waiting actions, keeps orderId; a second cancel gives noOrderToCancel', async () => {
    // Heartbeat states every 100 ms show the vehicle between nodes (events alone only report nodes).
    const { master } = await rig({ speedup: 5, stateIntervalMs: 100 });
    await master.sendOrder(
      'c1',
      0,
      [
        node('n0', 0, 0),
        node('n1', 2, 5),
        node('n2', 4, 10, true, [action('drop9', 'drop')]),
        node('n3', 6, 15),
      ],
      [edge('e1', 1, 'n0', 'n1'), edge('e2', 3, 'n1', 'n2'), edge('e3', 5, 'n2', 'n3')],
    );
    await master.waitForState((s) => s.driving && s.lastNodeId === 'n0' && s.agvPosition.x > 0.5);
    const from = master.states.length;
    await master.instant({ actionId: 'cancel1', actionType: 'cancelOrder' });
    const running = await master.waitForState((s) => actionStatus(s, 'cancel1') === 'RUNNING', from);
    expect(running.nodeStates.map((n) => n.nodeId)).toEqual(['n1']);
    expect(actionStatus(running, 'drop9')).toBe('FAILED');
    const finished = await master.waitForState((s) => actionStatus(s, 'cancel1') === 'FINISHED', from);
    expect(finished).toMatchObject({
      orderId: 'c1',
      orderUpdateId: 0,
      lastNodeId: 'n1',
      lastNodeSequenceId: 2,
      nodeStates: [],
      edgeStates: [],
      driving: false,
    });
    expect(finished.agvPosition.x).toBeCloseTo(5, 6);
    await delay(200);
    expect(master.latest.agvPosition.x).toBeCloseTo(5, 6);

    await master.instant({ actionId: 'cancel2', actionType: 'cancelOrder' });
    const failed = await master.waitForState((s) => actionStatus(s, 'cancel2') === 'FAILED');
    const noOrder = errorsOf(failed, 'noOrderToCancel');
    expect(noOrder).toHaveLength(1);
    expect(noOrder[0]?.errorLevel).toBe('WARNING');
    expect(refValue(noOrder[0], 'actionId')).toBe('cancel2');

    // After the cancel, a new order from the node it stopped at is accepted.
    await master.sendOrder('c2', 0, [node('n1', 0, 5), node('n4', 2, 6)], [edge('e4', 1, 'n1', 'n4')]);
    const next = await master.waitForState((s) => s.orderId === 'c2' && s.lastNodeId === 'n4');
    expect(next.errors).toEqual([]);
  });

  it('startPause stops the vehicle, stopPause resumes it', async () => {
    const { master } = await rig({ speedup: 5, stateIntervalMs: 100 });
    await master.sendOrder('p1', 0, [node('n0', 0, 0), node('n1', 2, 10)], [edge('e1', 1, 'n0', 'n1')]);
    await master.waitForState((s) => s.driving && s.agvPosition.x > 0.5);
    await master.instant({ actionId: 'pause1', actionType: 'startPause' });
    const paused = await master.waitForState((s) => actionStatus(s, 'pause1') === 'FINISHED');
    expect(paused).toMatchObject({ paused: true, driving: false });
    await delay(100);
    const x = master.latest.agvPosition.x;
    await delay(300);
    expect(master.latest.agvPosition.x).toBe(x);
    expect(master.latest.lastNodeId).toBe('n0');
    await master.instant({ actionId: 'resume1', actionType: 'stopPause' });
    const resumed = await master.waitForState((s) => actionStatus(s, 'resume1') === 'FINISHED');
    expect(resumed.paused).toBe(false);
    await master.waitForState((s) => s.lastNodeId === 'n1' && !s.driving);
  });

  it('charging, initPosition, unknown instant actions and MANUAL mode', async () => {
    const { master, agv } = await rig();
    await master.instant({ actionId: 'ch1', actionType: 'startCharging' });
    const charging = await master.waitForState((s) => actionStatus(s, 'ch1') === 'FINISHED');
    expect(charging.batteryState.charging).toBe(true);
    await master.instant({ actionId: 'ch2', actionType: 'stopCharging' });
    await master.waitForState((s) => actionStatus(s, 'ch2') === 'FINISHED' && !s.batteryState.charging);

    await master.instant({ actionId: 'x1', actionType: 'selfDestruct' });
    const unknown = await master.waitForState((s) => actionStatus(s, 'x1') === 'FAILED');
    expect(refValue(errorsOf(unknown, 'instantActionError')[0], 'actionId')).toBe('x1');

    await master.instant({
      actionId: 'ip1',
      actionType: 'initPosition',
      actionParameters: [
        { key: 'x', value: 7 },
        { key: 'y', value: 1 },
        { key: 'theta', value: 0.5 },
        { key: 'mapId', value: MAP },
        { key: 'lastNodeId', value: 'n7' },
      ],
    });
    const moved = await master.waitForState((s) => actionStatus(s, 'ip1') === 'FINISHED');
    expect(moved).toMatchObject({ lastNodeId: 'n7', agvPosition: { x: 7, y: 1, theta: 0.5 } });

    await master.sendOrder(
      'm1',
      0,
      [node('n7', 0, 7), node('n8', 2, 30), node('n9', 4, 31, false)],
      [edge('e8', 1, 'n7', 'n8'), edge('e9', 3, 'n8', 'n9', false)],
    );
    await master.waitForState((s) => s.orderId === 'm1' && s.driving);
    agv.setOperatingMode('MANUAL');
    const manual = await master.waitForState((s) => s.operatingMode === 'MANUAL');
    expect(manual).toMatchObject({ orderId: 'm1', nodeStates: [], edgeStates: [], driving: false });
    await master.sendOrder('m2', 0, [node('n7', 0, 7)], []);
    await master.waitForState((s) => errorsOf(s, 'orderError').length === 1);
    expect(master.latest.orderId).toBe('m1');

    agv.injectError({ errorType: 'bumperHit', errorLevel: 'FATAL', description: 'test' });
    await master.waitForState((s) => errorsOf(s, 'bumperHit').length === 1);
    agv.clearErrors();
    await master.waitForState((s) => s.errors.length === 0);
  });
});

describe('VDA 5050 fleet simulator', () => {
  it('runs several vehicles independently and kills one', async () => {
    const serials = [0, 1].map(() => `fleet-${randomBytes(4).toString('hex')}`);
    const masters = await Promise.all(serials.map((s) => TestMaster.connect(s)));
    const fleet = new VdaFleetSimulator({
      brokerUrl: BROKER,
      speedup: 20,
      vehicles: serials.map((serialNumber, i) => ({
        manufacturer: MANUFACTURER,
        serialNumber,
        initialPosition: { x: i * 10, y: 0, theta: 0, mapId: MAP, lastNodeId: `home${i}` },
      })),
    });
    try {
      await fleet.start();
      for (const m of masters)
        await m.waitForMessage('connection', (msg) => msg.body.connectionState === 'ONLINE');
      await masters[0]!.sendOrder(
        'f1',
        0,
        [node('home0', 0, 0), node('a', 2, 3)],
        [edge('ea', 1, 'home0', 'a')],
      );
      await masters[0]!.waitForState((s) => s.lastNodeId === 'a');
      expect(masters[1]!.latest.orderId).toBe('');
      fleet.kill(serials[1]!);
      await masters[1]!.waitForMessage('connection', (m) => m.body.connectionState === 'CONNECTIONBROKEN');
      await fleet.stop();
      await masters[0]!.waitForMessage('connection', (m) => m.body.connectionState === 'OFFLINE');
    } finally {
      await fleet.stop();
      for (const m of masters) {
        for (const topic of ['connection', 'factsheet']) {
          await m.client.publishAsync(`${m.prefix}/${topic}`, '', { qos: 1, retain: true });
        }
        await m.client.endAsync();
        expect(m.invalidStates).toEqual([]);
      }
    }
  });
});
