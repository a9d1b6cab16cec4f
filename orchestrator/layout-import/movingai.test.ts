import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LayoutImportError } from '../domain/layout.ts';
import { importMovingAiMap } from './movingai.ts';

const readMap = (file: string): string =>
  readFileSync(new URL(`./fixtures/mapf/${file}`, import.meta.url), 'utf8');

function importError(text: string): LayoutImportError {
  try {
    importMovingAiMap(text);
  } catch (error) {
    if (error instanceof LayoutImportError) return error;
    throw error;
  }
  throw new Error('expected a LayoutImportError');
}

/**
 *   x: 01234
 * y=0 @@@@@      border wall
 * y=1 @..T@      T at (3,1) is a rack inside the map
 * y=2 @.@.@      @ at (2,2) too
 * y=3 @@@@@
 */
const small = 'type octile\nheight 4\nwidth 5\nmap\n@@@@@\n@..T@\n@.@.@\n@@@@@\n';

describe('importMovingAiMap', () => {
  it.each([
    ['warehouse-10-20-10-2-1.map', 5699, 8778],
    ['warehouse-10-20-10-2-2.map', 9776, 16902],
    ['warehouse-20-40-10-2-1.map', 22599, 35158],
  ])(
    'when %s is imported, then it has one node per free cell and two edges per neighbour pair',
    (file, free, pairs) => {
      const { value, warnings } = importMovingAiMap(readMap(file), { name: file });
      expect(value.nodes).toHaveLength(free);
      expect(value.edges).toHaveLength(2 * pairs);
      expect(value.stations.length).toBeGreaterThan(0);
      expect(value.stations.every((s) => s.role === 'storage-bin')).toBe(true);
      expect(warnings).toEqual([]);
    },
  );

  it('when a small map is imported, then ids, positions (y up), edges and stations follow the grid', () => {
    const { value } = importMovingAiMap(small, { name: 'small' });
    expect(value).toMatchObject({ id: 'small', name: 'small' });
    expect(value.nodes).toEqual([
      { id: '1,1', x: 1, y: 2, mapId: 'small' },
      { id: '2,1', x: 2, y: 2, mapId: 'small' },
      { id: '1,2', x: 1, y: 1, mapId: 'small' },
      { id: '3,2', x: 3, y: 1, mapId: 'small' },
    ]);
    expect(value.edges.map((e) => e.id)).toEqual(['1,1>2,1', '2,1>1,1', '1,1>1,2', '1,2>1,1']);
    expect(value.edges.every((e) => e.lengthM === 1)).toBe(true);
    // Next to the rack T(3,1) or the inner block (2,2); the border walls do not count.
    expect(value.stations).toEqual([
      { id: 'S-2-1', nodeIds: ['2,1'], role: 'storage-bin' },
      { id: 'S-1-2', nodeIds: ['1,2'], role: 'storage-bin' },
      { id: 'S-3-2', nodeIds: ['3,2'], role: 'storage-bin' },
    ]);
  });

  it('when lines end in CRLF and the file has trailing blank lines, then it still imports', () => {
    expect(importMovingAiMap(`${small.replaceAll('\n', '\r\n')}\r\n\r\n`).value.nodes).toHaveLength(4);
  });

  it.each([
    ['a missing type line', 'height 4\nwidth 5\nmap\n', 'movingai-header', 'line 1'],
    ['a non-numeric height', 'type octile\nheight four\nwidth 5\nmap\n', 'movingai-header', 'line 2'],
    ['no map line', 'type octile\nheight 4\nwidth 5\n@@@@@\n', 'movingai-header', 'line 4'],
    ['a short row', small.replace('@..T@', '@..T'), 'movingai-row-length', 'line 6'],
    ['a missing row', small.replace('@.@.@\n', ''), 'movingai-rows', 'map'],
    ['an unknown cell', small.replace('@..T@', '@.xT@'), 'movingai-cell', 'line 6, column 3'],
  ])('when the map has %s, then the import fails with code and line', (_what, text, code, path) => {
    const error = importError(text);
    expect(error.code).toBe(code);
    expect(error.path).toBe(path);
  });

  it('when several rows are wrong, then each is reported with its line (and column for a cell)', () => {
    const text = small.replace('@..T@', '@.xT').replace('@.@.@', '@.@.?');
    expect(importError(text).problems.map((p) => [p.code, p.path])).toEqual([
      ['movingai-row-length', 'line 6'],
      ['movingai-cell', 'line 6, column 3'],
      ['movingai-cell', 'line 7, column 5'],
    ]);
  });
});
