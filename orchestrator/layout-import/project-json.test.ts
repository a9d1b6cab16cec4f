import { describe, expect, it } from 'vitest';
import type { Layout } from '../domain/layout.ts';
import { LayoutImportError } from '../domain/layout.ts';
import { isJsonObject } from './import-errors.ts';
import { exportProjectLayout, importProjectLayout } from './project-json.ts';

const layout: Layout = {
  id: 'cell-7',
  name: 'Cell 7',
  version: '3',
  nodes: [
    { id: 'N1', x: 0, y: 0, mapId: 'ground', thetaRad: Math.PI / 2 },
    { id: 'N2', x: 3, y: 4, mapId: 'ground', vehicleTypes: ['amr-pallet'] },
  ],
  edges: [
    { id: 'E1', from: 'N1', to: 'N2', lengthM: 5, maxSpeedMps: 0.8, vehicleTypes: ['amr-pallet'] },
    { id: 'E2', from: 'N2', to: 'N1', lengthM: 5 },
  ],
  stations: [
    { id: 'B-01-01', name: 'Bin', nodeIds: ['N2'], role: 'storage-bin', zone: 'STORAGE' },
    { id: 'PARK-1', nodeIds: ['N1'], role: 'park' },
  ],
};

/** The exported document as it comes back from a file: plain JSON, type unknown. */
function onDisk(l: Layout): Record<string, unknown> {
  const doc: unknown = JSON.parse(JSON.stringify(exportProjectLayout(l)));
  if (!isJsonObject(doc)) throw new Error('export is not a JSON object');
  return doc;
}

function importError(doc: unknown): LayoutImportError {
  try {
    importProjectLayout(doc);
  } catch (error) {
    if (error instanceof LayoutImportError) return error;
    throw error;
  }
  throw new Error('expected a LayoutImportError');
}

describe('project layout JSON', () => {
  it('when a layout is exported and imported again, then it comes back equal without warnings', () => {
    const doc = onDisk(layout);
    expect(doc).toMatchObject({ format: 'fleetbridge-layout', formatVersion: 1 });
    expect(importProjectLayout(doc)).toEqual({ value: layout, warnings: [] });
  });

  it('when a layout object carries extra runtime properties, then the export leaves them out', () => {
    const withExtra = { ...layout, nodes: layout.nodes.map((n) => ({ ...n, cache: 1 })) };
    expect(importProjectLayout(onDisk(withExtra)).value).toEqual(layout);
  });

  it.each([
    ['another format', { format: 'lif' }, 'format'],
    ['a newer format version', { formatVersion: 2 }, 'formatVersion'],
    ['an unknown key', { colour: 'red' }, 'colour'],
    ['a bad station role', { stations: [{ id: 'S', nodeIds: ['N1'], role: 'shelf' }] }, 'stations[0].role'],
    [
      'a negative edge length',
      { edges: [{ id: 'E', from: 'N1', to: 'N2', lengthM: -1 }] },
      'edges[0].lengthM',
    ],
  ])('when the document has %s, then it is rejected with the path', (_what, patch, path) => {
    const error = importError({ ...onDisk(layout), ...patch });
    expect(error.code).toBe('project-layout-invalid');
    expect(error.path).toBe(path);
  });

  it('when an edge references an unknown node, then the error names the edge and the node', () => {
    const doc = onDisk({ ...layout, edges: [{ id: 'E7', from: 'N1', to: 'N99', lengthM: 1 }] });
    const error = importError(doc);
    expect(error.code).toBe('dangling-edge-node');
    expect(error.message).toBe('edge E7 references unknown node N99');
    expect(error.path).toBe('edges[0]');
  });

  it('when a station references an unknown node or ids repeat, then the import fails naming the element', () => {
    const dangling = onDisk({ ...layout, stations: [{ id: 'QA-01', nodeIds: ['N5'], role: 'quarantine' }] });
    expect(importError(dangling).message).toBe('station QA-01 references unknown node N5');
    const firstNode = layout.nodes[0]!;
    expect(importError(onDisk({ ...layout, nodes: [...layout.nodes, firstNode] })).code).toBe(
      'duplicate-node-id',
    );
    const firstStation = layout.stations[0]!;
    expect(importError(onDisk({ ...layout, stations: [firstStation, firstStation] })).message).toBe(
      'duplicate station id B-01-01',
    );
  });

  it('when an edge is shorter than the distance between its nodes, then it is a warning', () => {
    const doc = onDisk({ ...layout, edges: [{ id: 'E1', from: 'N1', to: 'N2', lengthM: 1 }] });
    expect(importProjectLayout(doc).warnings).toEqual([
      expect.objectContaining({ code: 'edge-shorter-than-distance', path: 'edges[0]' }),
    ]);
  });

  it('when the document has several problems, then every one is reported with its path', () => {
    const broken = {
      ...layout,
      nodes: [...layout.nodes, layout.nodes[0]!],
      edges: [{ id: 'E7', from: 'N1', to: 'N99', lengthM: 1 }],
      stations: [{ id: 'QA-01', nodeIds: ['N5'], role: 'quarantine' as const }],
    };
    expect(importError(onDisk(broken)).problems.map((p) => [p.code, p.path])).toEqual([
      ['duplicate-node-id', 'nodes[2]'],
      ['dangling-edge-node', 'edges[0]'],
      ['dangling-station-node', 'stations[0]'],
    ]);
    const { id: _id, ...noId } = onDisk(layout);
    expect(importError({ ...noId, nodes: [{ id: 'N1', x: '0', y: 0, mapId: 'ground' }] }).problems).toEqual([
      { code: 'project-layout-invalid', path: 'id', message: 'missing; expected a string' },
      { code: 'project-layout-invalid', path: 'nodes[0].x', message: 'expected a number, got a string "0"' },
    ]);
  });
});
