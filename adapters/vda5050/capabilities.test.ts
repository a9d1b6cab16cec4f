import { describe, expect, it } from 'vitest';
import {
  NO_CAPABILITIES,
  canonicalParameter,
  capabilitiesOf,
  checkInstantAction,
  fitOrder,
  markUnsupported,
  minOrderIntervalMs,
  type Capabilities,
} from './capabilities.ts';
import type { Layout } from '../../orchestrator/domain/layout.ts';
import { OrderBuilder } from './order-builder.ts';
import { SPEC_PROFILE } from './profile.ts';
import { checkSchema } from './schemas.ts';
import type { OrderBody, VdaAction, VdaEdge, VdaNode } from './wire.ts';

/** A factsheet as a small diff-drive carrier might publish it (valid against the 2.0.0 schema). */
function factsheet(
  overrides: { protocolLimits?: object; protocolFeatures?: object } = {},
): Record<string, unknown> {
  return {
    headerId: 3,
    timestamp: '2026-12-01T18:00:00.00Z',
    version: '2.0.0',
    manufacturer: 'Acme',
    serialNumber: 'AMR-0042',
    typeSpecification: {
      seriesName: 'Carrier 600',
      agvKinematic: 'DIFF',
      agvClass: 'CARRIER',
      maxLoadMass: 600,
      localizationTypes: ['NATURAL'],
      navigationTypes: ['PHYSICAL_LINE_GUIDED', 'VIRTUAL_LINE_GUIDED'],
    },
    physicalParameters: {
      speedMin: 0.05,
      speedMax: 1.5,
      accelerationMax: 0.8,
      decelerationMax: 1.2,
      heightMin: 0.3,
      heightMax: 0.35,
      width: 0.8,
      length: 1.2,
    },
    protocolLimits: {
      maxStringLens: { msgLen: 65536, idLen: 32, idNumericalOnly: false, enumLen: 32, loadIdLen: 16 },
      maxArrayLens: {
        'order.nodes': 6,
        'order.edges': 5,
        'node.actions': 2,
        'edge.actions': 0,
        'actions.actionsParameters': 3,
        instantActions: 4,
      },
      timing: { minOrderInterval: 0.5, minStateInterval: 0.1, defaultStateInterval: 30 },
      ...overrides.protocolLimits,
    },
    protocolFeatures: {
      optionalParameters: [
        { parameter: 'order.nodes.nodePosition', support: 'REQUIRED' },
        { parameter: 'order.edges.length', support: 'SUPPORTED' },
      ],
      agvActions: [
        {
          actionType: 'pick',
          actionScopes: ['NODE'],
          actionParameters: [
            { key: 'loadId', valueDataType: 'STRING' },
            { key: 'stationName', valueDataType: 'STRING', isOptional: true },
            { key: 'height', valueDataType: 'FLOAT', isOptional: true },
          ],
        },
        {
          actionType: 'drop',
          actionScopes: ['NODE'],
          actionParameters: [{ key: 'loadId', valueDataType: 'STRING' }],
        },
        {
          actionType: 'startCharging',
          actionScopes: ['NODE', 'INSTANT'],
          actionParameters: [{ key: 'targetCharge', valueDataType: 'INTEGER', isOptional: true }],
        },
        { actionType: 'stopCharging', actionScopes: ['NODE', 'INSTANT'] },
        {
          actionType: 'beep',
          actionScopes: ['EDGE', 'INSTANT'],
          actionParameters: [{ key: 'loud', valueDataType: 'BOOL' }],
        },
        { actionType: 'startPause', actionScopes: ['INSTANT'] },
        { actionType: 'stopPause', actionScopes: ['INSTANT'] },
        { actionType: 'stateRequest', actionScopes: ['INSTANT'] },
      ],
      ...overrides.protocolFeatures,
    },
    agvGeometry: {},
    loadSpecification: { loadPositions: ['top'] },
  };
}

function action(
  actionType: string,
  id: string,
  params: Record<string, string | number | boolean> = {},
): VdaAction {
  const actionParameters = Object.entries(params).map(([key, value]) => ({ key, value }));
  return {
    actionId: id,
    actionType,
    blockingType: 'HARD',
    ...(actionParameters.length > 0 ? { actionParameters } : {}),
  };
}

/**
 * An order over the nodes 1, 2, ... `count` (ids numeric so idNumericalOnly can pass), the first
 * `released` of them released, edges of 2 m with maxSpeed 1.
 */
function order(count: number, released: number, actionsAt: Record<number, VdaAction[]> = {}): OrderBody {
  const nodes: VdaNode[] = Array.from({ length: count }, (_, i) => ({
    nodeId: `${i + 1}`,
    sequenceId: 2 * i,
    released: i < released,
    nodePosition: { x: 2 * i, y: 0, mapId: '7' },
    actions: actionsAt[i] ?? [],
  }));
  const edges: VdaEdge[] = nodes.slice(1).map((n, i) => ({
    edgeId: `${i + 1}${i + 2}`,
    sequenceId: 2 * i + 1,
    released: n.released,
    startNodeId: `${i + 1}`,
    endNodeId: `${i + 2}`,
    length: 2,
    maxSpeed: 1,
    actions: [],
  }));
  return { orderId: '1001', orderUpdateId: 0, nodes, edges };
}

function fitted(body: OrderBody, caps: Capabilities): { body: OrderBody; dropped: readonly string[] } {
  const r = fitOrder(body, caps);
  if (!r.ok) throw new Error(`expected ok, got ${r.problems.join('; ')}`);
  return { body: r.body, dropped: r.dropped };
}

function problems(body: OrderBody, caps: Capabilities): readonly string[] {
  const r = fitOrder(body, caps);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
}

/** The order message as published, for the schema check. */
function message(body: OrderBody): object {
  return {
    headerId: 1,
    timestamp: '2026-12-01T18:00:00.00Z',
    version: '2.0.0',
    manufacturer: 'Acme',
    serialNumber: 'AMR-0042',
    ...body,
  };
}

describe('VDA 5050 factsheet capabilities', () => {
  it('the fixture is a valid 2.0.0 factsheet', () => {
    expect(checkSchema('2.0.0', 'factsheet', factsheet())).toEqual({ ok: true });
  });

  it('reads limits, timing, optional parameters and actions from a factsheet', () => {
    const caps = capabilitiesOf(factsheet());
    expect(caps.maxStringLens).toEqual({ msgLen: 65536, idLen: 32, enumLen: 32, loadIdLen: 16 });
    expect(caps.idNumericalOnly).toBe(false);
    // edge.actions 0 means "no explicit limit" (F2): it is not kept as a limit.
    expect(caps.maxArrayLens).toEqual({
      'order.nodes': 6,
      'order.edges': 5,
      'node.actions': 2,
      'actions.actionsParameters': 3,
      instantActions: 4,
    });
    expect(minOrderIntervalMs(caps)).toBe(500);
    expect([...(caps.optionalParameters?.values() ?? [])]).toEqual([
      { parameter: 'order.nodes.nodePosition', support: 'REQUIRED' },
      { parameter: 'order.edges.length', support: 'SUPPORTED' },
    ]);
    const pick = caps.agvActions?.get('pick');
    expect([...(pick?.scopes ?? [])]).toEqual(['NODE']);
    expect(pick?.parameters.get('height')).toBe('FLOAT');
    expect(caps.agvActions?.size).toBe(8);
  });

  it('F2: missing sections, zeros and garbage mean no limit and nothing known', () => {
    for (const fs of [
      undefined,
      null,
      'factsheet',
      {},
      { protocolLimits: {}, protocolFeatures: {} },
      {
        protocolLimits: {
          maxStringLens: { idLen: 0 },
          maxArrayLens: { 'order.nodes': 0, 'order.edges': -1 },
          timing: { minOrderInterval: 0 },
        },
        protocolFeatures: { optionalParameters: [], agvActions: [] },
      },
      { protocolLimits: { maxArrayLens: { 'order.nodes': '5' } }, protocolFeatures: { agvActions: 'all' } },
    ]) {
      const caps = capabilitiesOf(fs);
      expect(caps.maxStringLens).toEqual({});
      expect(caps.maxArrayLens).toEqual({});
      expect(minOrderIntervalMs(caps)).toBe(0);
      expect(caps.optionalParameters).toBeUndefined();
      expect(caps.agvActions).toBeUndefined();
      const body = order(20, 12, { 3: [action('anything', 'a1', { n: '5' })] });
      expect(fitted(body, caps)).toEqual({ body, dropped: [] });
    }
    expect(NO_CAPABILITIES.agvActions).toBeUndefined();
  });

  it('reads minOrderInterval seconds as whole milliseconds', () => {
    const caps = (s: number): Capabilities =>
      capabilitiesOf(factsheet({ protocolLimits: { timing: { minOrderInterval: s, minStateInterval: 1 } } }));
    expect(minOrderIntervalMs(caps(1.1))).toBe(1100);
    expect(minOrderIntervalMs(caps(2))).toBe(2000);
    expect(minOrderIntervalMs(caps(0.0005))).toBe(1);
  });

  it('canonical optional parameter names', () => {
    expect(canonicalParameter('order.nodes.nodePosition.allowedDeviationTheta')).toBe(
      'order.nodes.nodePosition.allowedDeviationTheta',
    );
    expect(canonicalParameter('nodes[].nodePosition')).toBe('order.nodes.nodePosition');
    expect(canonicalParameter('edge.maxSpeed')).toBe('order.edges.maxSpeed');
    expect(canonicalParameter('nodePosition.theta')).toBe('order.nodes.nodePosition.theta');
    expect(canonicalParameter('state.agvPosition')).toBe('state.agvPosition');
  });

  describe('O6 node and edge counts', () => {
    const caps = capabilitiesOf(factsheet());

    it('an order within the limits goes as built', () => {
      const body = order(6, 6);
      expect(fitted(body, caps).body.nodes).toHaveLength(6);
    });

    it('trims the unreleased horizon from the end before failing, keeping edges = nodes - 1', () => {
      const body = order(9, 3);
      const r = fitted(body, caps);
      // order.edges 5 binds first: 6 nodes, 5 edges.
      expect(r.body.nodes.map((n) => n.nodeId)).toEqual(['1', '2', '3', '4', '5', '6']);
      expect(r.body.edges).toHaveLength(r.body.nodes.length - 1);
      expect(r.body.edges.at(-1)?.endNodeId).toBe('6');
      expect(r.body.nodes.filter((n) => n.released)).toHaveLength(3);
      expect(r.dropped).toEqual([expect.stringMatching(/^horizon: last 3 node/), 'order.edges.maxSpeed']);
      expect(checkSchema('2.0.0', 'order', message(r.body))).toEqual({ ok: true });
    });

    it('trims only as much horizon as needed', () => {
      const tight = capabilitiesOf(
        factsheet({
          protocolLimits: {
            maxArrayLens: { 'order.nodes': 4 },
            timing: { minOrderInterval: 0, minStateInterval: 1 },
          },
        }),
      );
      expect(fitted(order(5, 2), tight).body.nodes.map((n) => n.released)).toEqual([
        true,
        true,
        false,
        false,
      ]);
    });

    it('a released base over the limit is a problem, not trimmed', () => {
      expect(problems(order(7, 7), caps)).toEqual([
        'released base has 7 nodes, the AGV takes at most 6 (order.nodes)',
        'released base has 6 edges, the AGV takes at most 5 (order.edges)',
      ]);
      // The horizon is cut, but the base of 7 still does not fit.
      expect(problems(order(9, 7), caps)).toHaveLength(2);
    });
  });

  describe('O6 ids and strings', () => {
    it('idLen: ids over the limit are problems, naming the field', () => {
      const caps = capabilitiesOf(
        factsheet({
          protocolLimits: {
            maxStringLens: { idLen: 4 },
            maxArrayLens: {},
            timing: { minOrderInterval: 0, minStateInterval: 1 },
          },
        }),
      );
      const body = { ...order(2, 2, { 1: [action('pick', 'abcde', { loadId: 'L1' })] }), orderId: '123456' };
      expect(problems(body, caps)).toEqual([
        'orderId "123456" has 6 characters, the AGV takes at most 4 (idLen)',
        'actionId "abcde" has 5 characters, the AGV takes at most 4 (idLen)',
      ]);
    });

    it('idNumericalOnly: a non-numerical id is a problem; ids are not mapped to numbers', () => {
      const caps = capabilitiesOf(
        factsheet({
          protocolLimits: {
            maxStringLens: { idNumericalOnly: true },
            maxArrayLens: {},
            timing: { minOrderInterval: 0, minStateInterval: 1 },
          },
        }),
      );
      expect(fitted(order(3, 3), caps).body.nodes).toHaveLength(3);
      const body = order(2, 2, { 1: [action('pick', 'task:7:pick')] });
      const p = problems({ ...body, orderId: 'task:7:x1' }, caps);
      expect(p).toEqual([
        'orderId "task:7:x1" is not numerical and the AGV takes numerical ids only (idNumericalOnly); mapping ids to numbers is not supported',
        'actionId "task:7:pick" is not numerical and the AGV takes numerical ids only (idNumericalOnly); mapping ids to numbers is not supported',
      ]);
    });

    it('enumLen and loadIdLen', () => {
      const caps = capabilitiesOf(factsheet());
      const body = order(2, 2, { 1: [action('pick', 'a1', { loadId: 'PALLET-000000000017' })] });
      expect(problems(body, caps)).toEqual([
        'loadId "PALLET-000000000017" has 19 characters, the AGV takes at most 16 (loadIdLen)',
      ]);
    });

    it('actions per node and parameters per action', () => {
      const caps = capabilitiesOf(factsheet());
      const many = { loadId: 'L1', stationName: 'S1', height: 0.1, extra: 'x' };
      const body = order(2, 2, {
        1: [action('pick', 'a1', many), action('drop', 'a2'), action('stopCharging', 'a3')],
      });
      expect(problems(body, caps)).toEqual([
        'node 2 (sequenceId 2) has 3 actions, the AGV takes at most 2 (node.actions)',
        'action a1 (pick) has 4 parameters, the AGV takes at most 3 (actions.actionsParameters)',
      ]);
    });
  });

  describe('O5 optional fields', () => {
    it('drops optional fields the factsheet does not list, and reports them', () => {
      const caps = capabilitiesOf(factsheet());
      const r = fitted(order(3, 3), caps);
      expect(r.dropped).toEqual(['order.edges.maxSpeed']);
      expect(r.body.edges.every((e) => e.maxSpeed === undefined && e.length === 2)).toBe(true);
      expect(r.body.nodes.every((n) => n.nodePosition !== undefined)).toBe(true);
      expect(checkSchema('2.0.0', 'order', message(r.body))).toEqual({ ok: true });
    });

    it('drops node positions and their deviation when not listed', () => {
      const caps = capabilitiesOf(
        factsheet({
          protocolFeatures: {
            optionalParameters: [{ parameter: 'order.edges.maxSpeed', support: 'SUPPORTED' }],
          },
        }),
      );
      const base = order(2, 2);
      const body = {
        ...base,
        nodes: base.nodes.map((n) => ({
          ...n,
          nodePosition: { x: 1, y: 2, mapId: '7', allowedDeviationXY: 0.1 },
        })),
      };
      const r = fitted(body, caps);
      expect(r.dropped).toEqual(['order.nodes.nodePosition', 'order.edges.length']);
      expect(r.body.nodes.map((n) => n.nodePosition)).toEqual([undefined, undefined]);
      expect(r.body.edges[0]).toMatchObject({ maxSpeed: 1 });
      expect(r.body.edges[0]?.length).toBeUndefined();
    });

    it('keeps nodePosition but drops allowedDeviationXY when only the position is listed', () => {
      const caps = capabilitiesOf(factsheet());
      const base = order(2, 2);
      const body = {
        ...base,
        nodes: base.nodes.map((n) => ({
          ...n,
          nodePosition: { x: 1, y: 2, mapId: '7', allowedDeviationXY: 0.1 },
        })),
      };
      const r = fitted(body, caps);
      expect(r.dropped).toEqual(['order.nodes.nodePosition.allowedDeviationXY', 'order.edges.maxSpeed']);
      expect(r.body.nodes[0]?.nodePosition).toEqual({ x: 1, y: 2, mapId: '7' });
    });

    it('a listed sub-field implies its parent', () => {
      const caps = capabilitiesOf(
        factsheet({
          protocolFeatures: {
            optionalParameters: [
              { parameter: 'order.nodes.nodePosition.allowedDeviationXY', support: 'SUPPORTED' },
            ],
          },
        }),
      );
      expect(fitted(order(2, 2), caps).dropped).toEqual(['order.edges.length', 'order.edges.maxSpeed']);
    });

    it('sends everything when the factsheet has no list, or an empty one (unknown, not "nothing")', () => {
      for (const optionalParameters of [undefined, []]) {
        const caps = capabilitiesOf(factsheet({ protocolFeatures: { optionalParameters } }));
        expect(fitted(order(3, 3), caps)).toEqual({ body: order(3, 3), dropped: [] });
      }
    });

    it('a REQUIRED parameter the master cannot supply is a problem', () => {
      const caps = capabilitiesOf(
        factsheet({
          protocolFeatures: {
            optionalParameters: [
              { parameter: 'order.nodes.nodePosition', support: 'REQUIRED' },
              { parameter: 'order.nodes.nodePosition.theta', support: 'REQUIRED' },
              { parameter: 'order.edges.maxSpeed', support: 'REQUIRED' },
              { parameter: 'state.agvPosition', support: 'REQUIRED' },
            ],
          },
        }),
      );
      const base = order(3, 3);
      const body = {
        ...base,
        edges: base.edges.map(({ maxSpeed: _, ...e }, i) => (i === 0 ? e : { ...e, maxSpeed: 1 })),
      };
      expect(problems(body, caps)).toEqual([
        'the AGV requires order.nodes.nodePosition.theta, which the master does not supply',
        'the AGV requires order.edges.maxSpeed, which the master does not supply',
      ]);
    });

    it('E4: a parameter the AGV refused is dropped even without a list', () => {
      const caps = markUnsupported(NO_CAPABILITIES, { parameter: 'edge.maxSpeed' });
      expect(fitted(order(2, 2), caps).dropped).toEqual(['order.edges.maxSpeed']);
      expect(NO_CAPABILITIES.refused.parameters.size).toBe(0);
    });
  });

  describe('O8 parameter value types', () => {
    const caps = capabilitiesOf(factsheet());

    it('converts values to the declared valueDataType, leaves undeclared ones as they are', () => {
      const body = order(3, 3, {
        1: [action('pick', 'a1', { loadId: 17, stationName: 'S1', height: '0.25' })],
        2: [action('startCharging', 'a2', { targetCharge: '80', note: '5' })],
      });
      const r = fitted(body, caps);
      expect(r.body.nodes[1]?.actions[0]?.actionParameters).toEqual([
        { key: 'loadId', value: '17' },
        { key: 'stationName', value: 'S1' },
        { key: 'height', value: 0.25 },
      ]);
      expect(r.body.nodes[2]?.actions[0]?.actionParameters).toEqual([
        { key: 'targetCharge', value: 80 },
        { key: 'note', value: '5' },
      ]);
    });

    it('BOOL from "true"/"false", on an edge action', () => {
      const base = order(2, 2);
      const body = {
        ...base,
        edges: base.edges.map((e) => ({ ...e, actions: [action('beep', 'b1', { loud: 'TRUE' })] })),
      };
      expect(fitted(body, caps).body.edges[0]?.actions[0]?.actionParameters).toEqual([
        { key: 'loud', value: true },
      ]);
    });

    it('a value that is not of the declared type is a problem', () => {
      const body = order(2, 2, {
        0: [action('startCharging', 'a1', { targetCharge: 'full' })],
        1: [action('startCharging', 'a2', { targetCharge: 80.5 })],
      });
      expect(problems(body, caps)).toEqual([
        'action a1 (startCharging): parameter targetCharge = "full" is not a valid INTEGER',
        'action a2 (startCharging): parameter targetCharge = 80.5 is not a valid INTEGER',
      ]);
    });

    it('a peer profile that sends strings keeps them', () => {
      const body = order(2, 2, { 1: [action('pick', 'a1', { height: '0.25' })] });
      const r = fitOrder(body, caps, { parameterValues: 'string' });
      expect(r.ok && r.body.nodes[1]?.actions[0]?.actionParameters).toEqual([
        { key: 'height', value: '0.25' },
      ]);
    });
  });

  describe('O9 action types and scopes', () => {
    const caps = capabilitiesOf(factsheet());

    it('names an actionType the factsheet does not list, even a predefined one', () => {
      const noCharge = capabilitiesOf(
        factsheet({ protocolFeatures: { agvActions: [{ actionType: 'pick', actionScopes: ['NODE'] }] } }),
      );
      const body = order(2, 2, { 1: [action('pick', 'a1'), action('startCharging', 'a2')] });
      expect(problems(body, noCharge)).toEqual([
        "actionType startCharging is not in the factsheet's agvActions",
      ]);
    });

    it('an action used in a scope it is not declared for is a problem', () => {
      const base = order(2, 2, { 1: [action('beep', 'a1', { loud: true })] });
      const body = { ...base, edges: base.edges.map((e) => ({ ...e, actions: [action('pick', 'a2')] })) };
      expect(problems(body, caps)).toEqual([
        'actionType beep is not declared with scope NODE',
        'actionType pick is not declared with scope EDGE',
      ]);
    });

    it('E4: an actionType the AGV refused is a problem afterwards', () => {
      const refused = markUnsupported(caps, { actionType: 'drop' });
      expect(problems(order(2, 2, { 1: [action('drop', 'a1')] }), refused)).toEqual([
        'actionType drop was refused by the AGV and is marked unsupported',
      ]);
      expect(fitOrder(order(2, 2, { 1: [action('drop', 'a1')] }), caps).ok).toBe(true);
    });

    it('instant actions need scope INSTANT; cancelOrder is always allowed', () => {
      expect(checkInstantAction('cancelOrder', caps)).toEqual({ ok: true });
      expect(checkInstantAction('stopCharging', caps)).toEqual({ ok: true });
      expect(checkInstantAction('stateRequest', caps)).toEqual({ ok: true });
      expect(checkInstantAction('factsheetRequest', caps)).toEqual({
        ok: false,
        problem: "actionType factsheetRequest is not in the factsheet's agvActions",
      });
      expect(checkInstantAction('pick', caps)).toEqual({
        ok: false,
        problem: 'actionType pick is not declared with scope INSTANT',
      });
      expect(checkInstantAction('factsheetRequest', NO_CAPABILITIES)).toEqual({ ok: true });
      const refused = markUnsupported(NO_CAPABILITIES, { actionType: 'cancelOrder' });
      expect(checkInstantAction('cancelOrder', refused)).toEqual({ ok: true });
    });
  });

  it('an order as the OrderBuilder writes it fits the fixture factsheet', () => {
    const ids = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
    const layout: Layout = {
      id: 'l',
      name: 'l',
      version: '1',
      nodes: ids.map((id, i) => ({ id, x: 2 * i, y: 0, mapId: 'hall' })),
      edges: ids
        .slice(1)
        .map((id, i) => ({ id: `${ids[i]!}${id}`, from: ids[i]!, to: id, lengthM: 2, maxSpeedMps: 1 })),
      stations: [],
    };
    const built = new OrderBuilder(layout, SPEC_PROFILE).build(
      {
        type: 'release-segment',
        robotId: 'R1',
        taskId: 'task/1',
        nodes: [
          { nodeId: 'A', actions: [] },
          { nodeId: 'B', actions: [{ actionId: 'o7/pick', type: 'pick', loadId: 'o7', stationId: 'ST-1' }] },
        ],
        edgeIds: ['AB'],
        horizon: { nodeIds: ['C', 'D', 'E', 'F', 'G', 'H'], edgeIds: ['BC', 'CD', 'DE', 'EF', 'FG', 'GH'] },
      },
      undefined,
      'x1',
    );
    const r = fitted(built.body, capabilitiesOf(factsheet()));
    expect(r.body.nodes.map((n) => n.nodeId)).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(r.dropped).toEqual([expect.stringMatching(/^horizon: last 2 node/), 'order.edges.maxSpeed']);
    expect(checkSchema('2.0.0', 'order', message(r.body))).toEqual({ ok: true });
  });
});
