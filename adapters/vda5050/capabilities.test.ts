import { describe, expect, it } from 'vitest';
import {
  NO_CAPABILITIES,
  canonicalParameter,
  capabilitiesOf,
  minOrderIntervalMs,
  type Capabilities,
} from './capabilities.ts';
import { action, factsheet, fitted, message, order, problems } from './capabilities.fixtures.ts';
import { checkSchema } from './schemas.ts';

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
});
