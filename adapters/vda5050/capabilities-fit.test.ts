import { describe, expect, it } from 'vitest';
import {
  NO_CAPABILITIES,
  capabilitiesOf,
  checkInstantAction,
  fitOrder,
  markUnsupported,
} from './capabilities.ts';
import { action, factsheet, fitted, message, order, problems } from './capabilities.fixtures.ts';
import type { Layout } from '../../orchestrator/domain/layout.ts';
import { OrderBuilder } from './order-builder.ts';
import { SPEC_PROFILE } from './profile.ts';
import { checkSchema } from './schemas.ts';

describe('VDA 5050 factsheet capabilities', () => {
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
