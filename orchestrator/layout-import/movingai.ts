/**
 * Import of Moving AI MAPF benchmark grid maps (`.map`) into a `Layout`.
 * Format: movingai.com/benchmarks/formats.html; examples in `fixtures/mapf/` beside this file.
 */
import type {
  ImportProblem,
  ImportResult,
  Layout,
  LayoutEdge,
  LayoutNode,
  Station,
} from '../domain/layout.ts';
import { LayoutImportError, throwProblems } from '../domain/layout.ts';

export interface MovingAiImportOptions {
  /** Layout id, name and `mapId` of every node; default `movingai`. */
  readonly name?: string;
}

const FREE = new Set(['.', 'G', 'S']);
const BLOCKED = new Set(['@', 'O', 'T', 'W']);
/** Any character that is neither free nor blocked (inside a character class `.` is literal). */
const UNKNOWN_CELL = new RegExp(`[^${[...FREE, ...BLOCKED].join('')}]`);

/** The node id of the cell in column `x`, row `y` (row 0 at the top of the file). */
export function cellNodeId(x: number, y: number): string {
  return `${x},${y}`;
}

/**
 * Imports a Moving AI map: one node per free cell (`.`, `G`, `S`), id `x,y` (column, row), placed at
 * x = column, y = height - 1 - row metres (the map frame is y-up, the file is y-down); a 1 m edge in each
 * direction between 4-neighbours, id `x,y>x2,y2`. Every free cell 4-adjacent to a blocked cell that is not
 * on the outer border (a rack, not the wall) becomes a `storage-bin` station `S-x-y`.
 * Lines may end in CRLF; blank lines after the grid are ignored. Never warns (the result has no warnings).
 * @throws LayoutImportError `movingai-header` (bad or missing `type` / `height` / `width` / `map` lines),
 *   `movingai-rows` (row count differs from height), `movingai-row-length` (row width differs from width),
 *   `movingai-cell` (a character that is neither free nor blocked); every problem of the grid, each
 *   with its line (`line 7`, `line 7, column 3`); a bad header stops at the first.
 */
export function importMovingAiMap(text: string, options: MovingAiImportOptions = {}): ImportResult<Layout> {
  const name = options.name ?? 'movingai';
  const lines = text.split(/\r?\n/);
  const { height, width } = parseHeader(lines);
  const rows = lines.slice(4);
  while (rows.length > 0 && rows.at(-1)?.trim() === '') rows.pop();
  const problems: ImportProblem[] = [];
  if (rows.length !== height) {
    problems.push({
      code: 'movingai-rows',
      message: `map has ${rows.length} rows, header says height ${height}`,
      path: 'map',
    });
  }
  rows.forEach((row, r) => {
    const where = `line ${r + 5}`;
    if (row.length !== width) {
      problems.push({
        code: 'movingai-row-length',
        message: `row ${r} has ${row.length} cells, header says width ${width}`,
        path: where,
      });
    }
    const bad = row.search(UNKNOWN_CELL);
    if (bad >= 0) {
      problems.push({
        code: 'movingai-cell',
        message: `unknown cell ${JSON.stringify(row[bad])}; expected one of . G S (free) or @ O T W (blocked)`,
        path: `${where}, column ${bad + 1}`,
      });
    }
  });
  throwProblems(problems);

  const free = (x: number, y: number): boolean => FREE.has(rows[y]?.[x] ?? '@');
  const rack = (x: number, y: number): boolean =>
    x > 0 && y > 0 && x < width - 1 && y < height - 1 && BLOCKED.has(rows[y]?.[x] ?? '.');

  const nodes: LayoutNode[] = [];
  const edges: LayoutEdge[] = [];
  const stations: Station[] = [];
  const link = (x: number, y: number, x2: number, y2: number): void => {
    const a = cellNodeId(x, y);
    const b = cellNodeId(x2, y2);
    edges.push(
      { id: `${a}>${b}`, from: a, to: b, lengthM: 1 },
      { id: `${b}>${a}`, from: b, to: a, lengthM: 1 },
    );
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!free(x, y)) continue;
      const id = cellNodeId(x, y);
      nodes.push({ id, x, y: height - 1 - y, mapId: name });
      if (free(x + 1, y)) link(x, y, x + 1, y);
      if (free(x, y + 1)) link(x, y, x, y + 1);
      if (rack(x - 1, y) || rack(x + 1, y) || rack(x, y - 1) || rack(x, y + 1)) {
        stations.push({ id: `S-${x}-${y}`, nodeIds: [id], role: 'storage-bin' });
      }
    }
  }
  return { value: { id: name, name, version: '1', nodes, edges, stations }, warnings: [] };
}

function parseHeader(lines: readonly string[]): { height: number; width: number } {
  const fail = (line: number, expected: string): never => {
    const got = lines[line];
    throw new LayoutImportError(
      'movingai-header',
      `expected ${expected}, got ${got === undefined ? 'end of file' : JSON.stringify(got)}`,
      `line ${line + 1}`,
    );
  };
  if (!/^type\s+\S+\s*$/.test(lines[0] ?? '')) fail(0, '"type octile"');
  const sizes = new Map<string, number>();
  for (const line of [1, 2]) {
    const match = /^(height|width)\s+(\d+)\s*$/.exec(lines[line] ?? '');
    const key = match?.[1];
    const value = Number(match?.[2]);
    if (key === undefined || sizes.has(key) || !(value > 0))
      fail(line, '"height H" and "width W" (positive integers)');
    else sizes.set(key, value);
  }
  if ((lines[3] ?? '').trim() !== 'map') fail(3, '"map"');
  return { height: sizes.get('height') ?? 0, width: sizes.get('width') ?? 0 };
}
