import { describe, expect, it } from 'vitest';
import type { Layout } from '../../orchestrator/domain/layout.ts';
import { OrderBuilder, wireId, type ReleaseSegment } from './order-builder.ts';
import { PROFILES, SPEC_PROFILE } from './profile.ts';
import { checkSchema } from './schemas.ts';

/** A line A - B - C - D - E, 2 m apart, two-way. */
function line(): Layout {
  const ids = ['A', 'B', 'C', 'D', 'E'];
  return {
    id: 'l',
    name: 'l',
    version: '1',
    nodes: ids.map((id, i) => ({ id, x: 2 * i, y: 0, mapId: 'hall' })),
    edges: ids.slice(1).flatMap((id, i) => [
      { id: `${ids[i]!}${id}`, from: ids[i]!, to: id, lengthM: 2 },
      { id: `${id}${ids[i]!}`, from: id, to: ids[i]!, lengthM: 2, maxSpeedMps: 0.5 },
    ]),
    stations: [],
  };
}

const header = {
  headerId: 0,
  timestamp: '2026-12-01T18:00:00.000Z',
  version: '2.0.0',
  manufacturer: 'M',
  serialNumber: 'S1',
};

function segment(nodes: string[], horizon: string[] = [], taskId = 'task/1'): ReleaseSegment {
  const pairs = (ns: string[]): string[] => ns.slice(1).map((n, i) => `${ns[i]!}${n}`);
  return {
    type: 'release-segment',
    robotId: 'R1',
    taskId,
    nodes: nodes.map((nodeId, i) => ({
      nodeId,
      actions:
        i === nodes.length - 1
          ? [{ actionId: 'order-7/pick', type: 'pick' as const, loadId: 'order-7', stationId: 'ST-1' }]
          : [],
    })),
    edgeIds: pairs(nodes),
    ...(horizon.length > 0
      ? { horizon: { nodeIds: horizon, edgeIds: pairs([nodes[nodes.length - 1]!, ...horizon]) } }
      : {}),
  };
}

describe('VDA 5050 order builder', () => {
  it('O1-O3: a new order has sequenceIds 0,1,2... over nodes and edges, edges matching the nodes, and the released part as a prefix', () => {
    const built = new OrderBuilder(line(), SPEC_PROFILE).build(
      segment(['A', 'B'], ['C', 'D']),
      undefined,
      'x1',
    );
    const { nodes, edges } = built.body;
    expect(nodes.map((n) => [n.nodeId, n.sequenceId, n.released])).toEqual([
      ['A', 0, true],
      ['B', 2, true],
      ['C', 4, false],
      ['D', 6, false],
    ]);
    expect(edges.map((e) => [e.edgeId, e.sequenceId, e.released, e.startNodeId, e.endNodeId])).toEqual([
      ['AB', 1, true, 'A', 'B'],
      ['BC', 3, false, 'B', 'C'],
      ['CD', 5, false, 'C', 'D'],
    ]);
    expect(edges).toHaveLength(nodes.length - 1);
    expect(built.body.orderId).toBe('task:1:x1');
    expect(built.body.orderUpdateId).toBe(0);
    expect(nodes[1]!.actions).toEqual([
      {
        actionId: 'order-7:pick',
        actionType: 'pick',
        blockingType: 'HARD',
        actionParameters: [
          { key: 'loadId', value: 'order-7' },
          { key: 'stationName', value: 'ST-1' },
        ],
      },
    ]);
    expect(built.actions).toEqual([{ wireId: 'order-7:pick', engineId: 'order-7/pick' }]);
    expect(checkSchema('2.0.0', 'order', { ...header, ...built.body })).toEqual({ ok: true });
  });

  it('O10, O11: an update stitches on the decision point with the same nodeId, sequenceId and content, re-sends nothing earlier, and replaces the horizon', () => {
    const builder = new OrderBuilder(line(), SPEC_PROFILE);
    const first = builder.build(segment(['A', 'B'], ['C']), undefined, 'x1');
    const update = builder.build(segment(['B', 'C'], ['D', 'E']), first.track, 'x2');
    expect(update.body.orderId).toBe(first.body.orderId);
    expect(update.body.orderUpdateId).toBe(1);
    expect(update.body.nodes[0]).toEqual(first.body.nodes[1]);
    expect(update.body.nodes.map((n) => [n.nodeId, n.sequenceId, n.released])).toEqual([
      ['B', 2, true],
      ['C', 4, true],
      ['D', 6, false],
      ['E', 8, false],
    ]);
    expect(update.body.edges.map((e) => [e.edgeId, e.sequenceId])).toEqual([
      ['BC', 3],
      ['CD', 5],
      ['DE', 7],
    ]);
    expect(checkSchema('2.0.0', 'order', { ...header, ...update.body })).toEqual({ ok: true });
  });

  it('O11: for a peer whose profile says omit (vda-5050-lib), the stitching node goes without its actions', () => {
    const builder = new OrderBuilder(line(), PROFILES['vda-5050-lib']!);
    const first = builder.build(segment(['A', 'B']), undefined, 'x1');
    const update = builder.build(segment(['B', 'C']), first.track, 'x2');
    expect(first.body.nodes[1]!.actions).toHaveLength(1);
    expect(update.body.nodes[0]).toEqual({ ...first.body.nodes[1], actions: [] });
  });

  it('O11: new actions where the AGV stands go on the same node once more after a zero-length edge, never onto the stitching node', () => {
    const builder = new OrderBuilder(line(), SPEC_PROFILE);
    const first = builder.build(segment(['A', 'B'], ['C']), undefined, 'x1');
    const here: ReleaseSegment = {
      ...segment(['B']),
      nodes: [{ nodeId: 'B', actions: [{ actionId: 'order-8/pick', type: 'pick', loadId: 'order-8' }] }],
      edgeIds: [],
    };
    const update = builder.build(here, first.track, 'x2');
    expect(update.body.nodes[0]).toEqual(first.body.nodes[1]);
    expect(
      update.body.nodes.map((n) => [n.nodeId, n.sequenceId, n.actions.map((a) => a.actionType)]),
    ).toEqual([
      ['B', 2, ['pick']],
      ['B', 4, ['pick']],
    ]);
    expect(update.body.nodes[1]!.actions[0]!.actionId).toBe('order-8:pick');
    expect(update.body.edges).toEqual([
      {
        edgeId: 'B:stay',
        sequenceId: 3,
        released: true,
        startNodeId: 'B',
        endNodeId: 'B',
        length: 0,
        actions: [],
      },
    ]);
    expect(update.track.decision).toMatchObject({ nodeId: 'B', sequenceId: 4 });
    expect(checkSchema('2.0.0', 'order', { ...header, ...update.body })).toEqual({ ok: true });
  });

  it('horizon edges are checked against the layout by node id, whatever characters the ids have', () => {
    const layout: Layout = {
      ...line(),
      nodes: [
        { id: '0,0', x: 0, y: 0, mapId: 'm' },
        { id: '1,0', x: 1, y: 0, mapId: 'm' },
        { id: '2,0', x: 2, y: 0, mapId: 'm' },
      ],
      edges: [
        { id: '0,0>1,0', from: '0,0', to: '1,0', lengthM: 1 },
        { id: '1,0>2,0', from: '1,0', to: '2,0', lengthM: 1 },
      ],
    };
    const built = new OrderBuilder(layout, SPEC_PROFILE).build(
      {
        type: 'release-segment',
        robotId: 'R1',
        taskId: 't',
        nodes: [
          { nodeId: '0,0', actions: [] },
          { nodeId: '1,0', actions: [] },
        ],
        edgeIds: ['0,0>1,0'],
        horizon: { nodeIds: ['2,0'], edgeIds: ['1,0>2,0'] },
      },
      undefined,
      'x',
    );
    expect(built.body.nodes.map((n) => n.nodeId)).toEqual(['0:0', '1:0', '2:0']);
  });

  it('O17: when the next task starts at the decision point, then it continues the order (the AGV would refuse a new orderId while its horizon is pending)', () => {
    const builder = new OrderBuilder(line(), SPEC_PROFILE);
    const first = builder.build(segment(['A', 'B'], ['C']), undefined, 'x1');
    const next = builder.build(segment(['B', 'C'], [], 'task/2'), first.track, 'x2');
    expect(next.body).toMatchObject({ orderId: 'task:1:x1', orderUpdateId: 1 });
    expect(next.track.taskId).toBe('task/2');
  });

  it('when the segment starts elsewhere, or there is no order, then it is a new order from sequenceId 0', () => {
    const builder = new OrderBuilder(line(), SPEC_PROFILE);
    const first = builder.build(segment(['A', 'B']), undefined, 'x1');
    const other = builder.build(segment(['C', 'D'], [], 'task/2'), first.track, 'x2');
    expect(other.body.orderId).toBe('task:2:x2');
    expect(other.body.orderUpdateId).toBe(0);
    expect(other.body.nodes[0]!.sequenceId).toBe(0);
    expect(builder.build(segment(['B', 'C'], [], 'task/3'), undefined, 'x3').body.orderUpdateId).toBe(0);
  });

  it('O8: a profile that wants string parameters gets strings; edge speed limits and lengths go along', () => {
    const builder = new OrderBuilder(line(), { ...SPEC_PROFILE, parameterValues: 'string' });
    expect(builder.values([{ key: 'height', value: 1.5 }])).toEqual([{ key: 'height', value: '1.5' }]);
    const back = builder.build(segment(['C', 'B']), undefined, 'x1');
    expect(back.body.edges[0]).toMatchObject({ edgeId: 'CB', length: 2, maxSpeed: 0.5 });
  });

  it('R5: parameters a peer wants on an action type (station and load types) are added from its profile', () => {
    const builder = new OrderBuilder(line(), {
      ...SPEC_PROFILE,
      actionParameters: {
        pick: [
          { key: 'stationType', value: 'floor' },
          { key: 'loadId', value: 'ignored' },
        ],
      },
    });
    const pick = builder.build(segment(['A', 'B']), undefined, 'x').body.nodes[1]!.actions[0]!;
    expect(pick.actionParameters).toEqual([
      { key: 'loadId', value: 'order-7' },
      { key: 'stationName', value: 'ST-1' },
      { key: 'stationType', value: 'floor' },
    ]);
  });

  it('when a segment names an edge that does not join its nodes, then it is refused before anything is sent', () => {
    const bad: ReleaseSegment = { ...segment(['A', 'B']), edgeIds: ['CD'] };
    expect(() => new OrderBuilder(line(), SPEC_PROFILE).build(bad, undefined, 'x')).toThrow(RangeError);
  });

  it('T1: ids get only the recommended characters', () => {
    expect(wireId('R1/move 2,3')).toBe('R1:move:2:3');
    expect(wireId('Abc_1.2:3-4')).toBe('Abc_1.2:3-4');
  });
});
