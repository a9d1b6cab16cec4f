import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LayoutImportError } from '../domain/layout.ts';
import { importLif } from './lif.ts';

const examplesDir = new URL('./fixtures/lif/', import.meta.url);
const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith('.json'));
const readExample = (file: string): unknown => JSON.parse(readFileSync(new URL(file, examplesDir), 'utf8'));
const example = (prefix: string): unknown => readExample(exampleFiles.find((f) => f.startsWith(prefix))!);

/** Just enough of a LIF file to count its elements independently of the importer. */
const counted = z.object({
  layouts: z.array(z.object({ nodes: z.array(z.unknown()), edges: z.array(z.unknown()) })),
});

/** A minimal conformant LIF document with one layout. */
function lif(layout: {
  nodes?: unknown[];
  edges?: unknown[];
  stations?: unknown[];
}): Record<string, unknown> {
  return {
    metaInformation: {
      projectIdentification: 'test',
      creator: 'test',
      exportTimestamp: '2025-01-01T00:00:00Z',
      lifVersion: '1.0.0',
    },
    layouts: [{ layoutId: 'L', layoutVersion: '1', nodes: [], edges: [], stations: [], ...layout }],
  };
}
const vt = [{ vehicleTypeId: 'T' }];
const lifNode = (nodeId: string, x: number, y: number): unknown => ({
  nodeId,
  nodePosition: { x, y },
  vehicleTypeNodeProperties: vt,
});
const lifEdge = (edgeId: string, startNodeId: string, endNodeId: string, props?: unknown[]): unknown => ({
  edgeId,
  startNodeId,
  endNodeId,
  vehicleTypeEdgeProperties: props ?? [{ vehicleTypeId: 'T', rotationAllowed: false }],
});

function importError(doc: unknown, options = {}): LayoutImportError {
  try {
    importLif(doc, options);
  } catch (error) {
    if (error instanceof LayoutImportError) return error;
    throw error;
  }
  throw new Error('expected a LayoutImportError');
}

describe('importLif on the official examples', () => {
  it('has all 18 examples', () => {
    expect(exampleFiles).toHaveLength(18);
  });

  it.each(exampleFiles)('when %s is imported, then node and edge counts match the file', (file) => {
    const doc = readExample(file);
    const { layouts } = counted.parse(doc);
    const { value, warnings } = importLif(doc);
    expect(value.nodes).toHaveLength(layouts.reduce((n, l) => n + l.nodes.length, 0));
    expect(value.edges).toHaveLength(layouts.reduce((n, l) => n + l.edges.length, 0));
    // Only the documented deviations of the examples (and their 0.11.0 version) are reported.
    const expected = ['lif-missing-stations', 'lif-numeric-string', 'lif-version', 'lif-trajectory-mismatch'];
    expect(warnings.map((w) => w.code).filter((c) => !expected.includes(c))).toEqual([]);
    expect(warnings.some((w) => w.code === 'lif-missing-stations' || w.code === 'lif-numeric-string')).toBe(
      true,
    );
  });

  it('when a layout has no stations, then the warning names the layout', () => {
    const { warnings } = importLif(example('01-'));
    expect(warnings).toContainEqual(
      expect.objectContaining({ code: 'lif-missing-stations', path: 'layouts[0]' }),
    );
  });

  it('when a file holds two layouts, then they are merged and nodes keep their mapId', () => {
    const { value } = importLif(example('05-'));
    expect(value.id).toBe('Layout_Ground_Level+Layout_Upper_Level');
    expect(value.nodes.map((n) => `${n.id}@${n.mapId}`)).toEqual([
      'N1@Map_Z-Level_1',
      'N2@Map_Z-Level_1',
      'N101@Map_Z-Level_2',
      'N102@Map_Z-Level_2',
    ]);
  });

  it('when layoutId is given, then only that layout is imported and edges into others are dropped', () => {
    const { value, warnings } = importLif(example('14-'), { layoutId: 'Layout_Ground_Level' });
    expect(value.id).toBe('Layout_Ground_Level');
    expect(value.nodes.map((n) => n.id)).toEqual(['N1', 'N2']);
    expect(value.edges.map((e) => e.id)).toEqual(['N1-N2']);
    expect(warnings).toContainEqual(
      expect.objectContaining({ code: 'lif-edge-leaves-layout', path: 'layouts[0].edges[1]' }),
    );
    expect(importLif(example('14-')).value.edges.map((e) => e.id)).toContain('N2-N102');
    expect(importError(example('14-'), { layoutId: 'nope' }).code).toBe('lif-unknown-layout');
  });

  it('when an interaction node offers startCharging, then the station is a charger, else a load station', () => {
    expect(importLif(example('13-')).value.stations).toEqual([
      { id: 'N_CHARGER', name: 'Battery Charging Station', nodeIds: ['N_CHARGER'], role: 'charger' },
    ]);
    expect(importLif(example('10-')).value.stations.map((s) => [s.id, s.role, s.nodeIds])).toEqual([
      ['NS', 'load-station', ['NSL', 'NSB', 'NSR']],
    ]);
  });

  it('when edges carry maxSpeed and vehicle types, then they become the speed limit and allowed types', () => {
    const { value } = importLif(example('12-'));
    const speeds = Object.fromEntries(value.edges.map((e) => [e.id, e.maxSpeedMps]));
    expect(speeds).toEqual({
      'N0-N1_Unloaded': undefined,
      'N1-N0_Stable_Load': 0.8,
      'N1-N0_Unstable_Load': 0.3,
    });
    expect(value.edges[0]).toMatchObject({
      from: 'N0',
      to: 'N1',
      lengthM: 5,
      vehicleTypes: ['Vehicle_Type_1'],
    });
    const nsr = importLif(example('10-')).value.nodes.find((n) => n.id === 'NSR');
    expect(nsr?.vehicleTypes).toEqual(['Vehicle_Type_2', 'Vehicle_Type_3']);
  });
});

describe('importLif on hand-made documents', () => {
  it('when a trajectory meets the edge nodes, then the edge is as long as the curve', () => {
    // A rational quadratic NURBS: exactly a quarter circle of radius 2 from (2,0) to (0,2), length pi.
    // Weights (1, sqrt(1/2), 1) scaled by sqrt(2): the schema wants weights >= 1 (its text says >= 0).
    const trajectory = {
      degree: 2,
      knotVector: [0, 0, 0, 1, 1, 1],
      controlPoints: [
        { x: 2, y: 0, weight: Math.SQRT2 },
        { x: 2, y: 2, weight: 1 },
        { x: 0, y: 2, weight: Math.SQRT2 },
      ],
    };
    const doc = lif({
      nodes: [lifNode('A', 2, 0), lifNode('B', 0, 2)],
      edges: [lifEdge('A-B', 'A', 'B', [{ vehicleTypeId: 'T', rotationAllowed: false, trajectory }])],
    });
    const { value, warnings } = importLif(doc);
    expect(warnings).toEqual([]);
    expect(value.edges[0]?.lengthM).toBeCloseTo(Math.PI, 4);
  });

  it('when action parameter values or stationHeight have the wrong type, then it is a warning', () => {
    const node = {
      nodeId: 'A',
      nodePosition: { x: 0, y: 0 },
      vehicleTypeNodeProperties: [
        {
          vehicleTypeId: 'T',
          actions: [
            { actionType: 'pick', blockingType: 'HARD', actionParameters: [{ key: 'height', value: 0.55 }] },
          ],
        },
      ],
    };
    const { value, warnings } = importLif(
      lif({ nodes: [node], stations: [{ stationId: 'S', interactionNodeIds: ['A'], stationHeight: '0.5' }] }),
    );
    expect(value.stations).toHaveLength(1);
    expect(warnings.map((w) => [w.code, w.path])).toEqual([
      [
        'lif-action-parameter-type',
        'layouts[0].nodes[0].vehicleTypeNodeProperties[0].actions[0].actionParameters[0].value',
      ],
      ['lif-numeric-string', 'layouts[0].stations[0].stationHeight'],
    ]);
  });

  it.each([
    ['an empty object', {}, /metaInformation is missing/],
    ['an array', [], /got array/],
    ['a VDA 5050 order', { headerId: 1, orderId: 'o1', nodes: [], edges: [] }, /VDA 5050 order/],
    ['a document without layouts', { metaInformation: {} }, /layouts is missing/],
  ])('when the input is %s, then it is rejected as not LIF', (_what, doc, message) => {
    const error = importError(doc);
    expect(error.code).toBe('not-lif');
    expect(error.message).toMatch(message);
  });

  it('when a node has no position, then the error names its path', () => {
    const error = importError(lif({ nodes: [{ nodeId: 'A', vehicleTypeNodeProperties: vt }] }));
    expect(error.code).toBe('lif-invalid');
    expect(error.path).toBe('layouts[0].nodes[0].nodePosition');
  });

  it('when an edge references an unknown node, then the error names the edge and the node', () => {
    const error = importError(lif({ nodes: [lifNode('N1', 0, 0)], edges: [lifEdge('E7', 'N1', 'N99')] }));
    expect(error.code).toBe('dangling-edge-node');
    expect(error.message).toBe('edge E7 references unknown node N99');
    expect(error.path).toBe('layouts[0].edges[0]');
  });

  it('when a station references an unknown interaction node, then the error names the station', () => {
    const error = importError(
      lif({ nodes: [lifNode('N1', 0, 0)], stations: [{ stationId: 'S1', interactionNodeIds: ['N5'] }] }),
    );
    expect(error.code).toBe('dangling-station-node');
    expect(error.message).toBe('station S1 references unknown node N5');
  });

  it('when ids repeat, then the import fails naming the id', () => {
    const nodes = [lifNode('N1', 0, 0), lifNode('N2', 1, 0)];
    expect(importError(lif({ nodes: [...nodes, lifNode('N1', 5, 5)] })).message).toBe('duplicate node id N1');
    const edges = [lifEdge('E1', 'N1', 'N2'), lifEdge('E1', 'N2', 'N1')];
    expect(importError(lif({ nodes, edges })).message).toBe('duplicate edge id E1');
  });

  it('when a layout has several broken references, then every one is reported in document order', () => {
    const error = importError(
      lif({
        nodes: [lifNode('N1', 0, 0), lifNode('N1', 1, 0)],
        edges: [lifEdge('E1', 'N1', 'N98'), lifEdge('E2', 'N99', 'N1')],
        stations: [{ stationId: 'S1', interactionNodeIds: ['N5'] }],
      }),
    );
    expect(error.problems).toEqual([
      { code: 'duplicate-node-id', message: 'duplicate node id N1', path: 'layouts[0].nodes[1]' },
      {
        code: 'dangling-edge-node',
        message: 'edge E1 references unknown node N98',
        path: 'layouts[0].edges[0]',
      },
      {
        code: 'dangling-edge-node',
        message: 'edge E2 references unknown node N99',
        path: 'layouts[0].edges[1]',
      },
      {
        code: 'dangling-station-node',
        message: 'station S1 references unknown node N5',
        path: 'layouts[0].stations[0]',
      },
    ]);
  });

  it('when several nodes lack a position, then each is reported with what a position is', () => {
    const error = importError(lif({ nodes: [{ nodeId: 'A' }, lifNode('B', 0, 0), { nodeId: 'C' }] }));
    expect(error.problems.map((p) => `${p.path ?? ''}: ${p.message}`)).toEqual([
      'layouts[0].nodes[0].nodePosition: missing; expected a position {"x": …, "y": …} in metres',
      'layouts[0].nodes[2].nodePosition: missing; expected a position {"x": …, "y": …} in metres',
    ]);
  });
});
