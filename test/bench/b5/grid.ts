/**
 * A minimal 4-connected grid graph for the B5 reference solvers, parsed straight from Moving AI `.map`
 * text (`layouts/mapf/README.md`): one node per free cell (`.`, `G`, `S`), numbered row-major, id `x,y`
 * (column, row 0 at the top), exactly as `importMovingAiMap` names them; unit edges both ways between
 * 4-neighbours. Neighbours are CSR typed arrays; goal distance tables are BFS results behind an LRU cache.
 */

/** Distance of a node that cannot reach the goal; larger than any real distance, and safe to add to. */
export const UNREACHABLE = 1 << 30;

export interface GridOptions {
  /**
   * Distance tables kept in the LRU cache. Default: as many as fit in 64 MiB (4 bytes per node each),
   * at least 16. Callers may keep evicted tables; they stay valid (tables are never reused).
   */
  readonly cacheTables?: number;
}

export interface DistanceCacheStats {
  readonly hits: number;
  /** BFS runs. */
  readonly misses: number;
}

const FREE = new Set(['.', 'G', 'S']);
const BLOCKED = new Set(['@', 'O', 'T', 'W']);
const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

export class Grid {
  readonly width: number;
  readonly height: number;
  readonly nodeCount: number;
  /** Node ids `x,y`, by node index. */
  readonly nodeIds: readonly string[];
  /** CSR: the neighbours of node `v` are `neighbours[offsets[v] .. offsets[v + 1])`. */
  readonly offsets: Int32Array;
  readonly neighbours: Int32Array;
  /** Column and row of each node. */
  readonly xs: Int32Array;
  readonly ys: Int32Array;

  readonly #indexByCell: Int32Array;
  readonly #cache = new Map<number, Int32Array>();
  readonly #cacheTables: number;
  readonly #queue: Int32Array;
  #hits = 0;
  #misses = 0;

  /**
   * Parses a Moving AI map. Lines may end in CRLF; blank lines after the grid are ignored.
   * @throws {Error} on a malformed header, wrong row count or width, or an unknown cell character.
   */
  constructor(mapText: string, options: GridOptions = {}) {
    const lines = mapText.split(/\r?\n/);
    const height = Number(/^height\s+(\d+)\s*$/.exec(lines[1] ?? '')?.[1]);
    const width = Number(/^width\s+(\d+)\s*$/.exec(lines[2] ?? '')?.[1]);
    if (!/^type\s+\S+/.test(lines[0] ?? '') || !(height > 0) || !(width > 0) || lines[3]?.trim() !== 'map') {
      throw new Error('not a Moving AI map: expected "type", "height H", "width W", "map" header lines');
    }
    const rows = lines.slice(4);
    while (rows.length > 0 && rows.at(-1)?.trim() === '') rows.pop();
    if (rows.length !== height) throw new Error(`map has ${rows.length} rows, header says ${height}`);

    this.width = width;
    this.height = height;
    this.#indexByCell = new Int32Array(width * height).fill(-1);
    const ids: string[] = [];
    const xs: number[] = [];
    const ys: number[] = [];
    rows.forEach((row, y) => {
      if (row.length !== width) throw new Error(`row ${y} has ${row.length} cells, header says ${width}`);
      for (let x = 0; x < width; x++) {
        const cell = row.charAt(x);
        if (FREE.has(cell)) {
          this.#indexByCell[y * width + x] = ids.length;
          ids.push(`${x},${y}`);
          xs.push(x);
          ys.push(y);
        } else if (!BLOCKED.has(cell)) {
          throw new Error(`row ${y}: unknown cell ${JSON.stringify(cell)} at column ${x}`);
        }
      }
    });
    this.nodeCount = ids.length;
    this.nodeIds = ids;
    this.xs = Int32Array.from(xs);
    this.ys = Int32Array.from(ys);

    // Neighbour order per node: right, down, left, up.
    const offsets = new Int32Array(this.nodeCount + 1);
    const neighbours: number[] = [];
    for (let v = 0; v < this.nodeCount; v++) {
      const x = this.xs[v]!;
      const y = this.ys[v]!;
      for (const [nx, ny] of [
        [x + 1, y],
        [x, y + 1],
        [x - 1, y],
        [x, y - 1],
      ] as const) {
        const u = this.cellIndex(nx, ny);
        if (u >= 0) neighbours.push(u);
      }
      offsets[v + 1] = neighbours.length;
    }
    this.offsets = offsets;
    this.neighbours = Int32Array.from(neighbours);
    this.#queue = new Int32Array(this.nodeCount);
    this.#cacheTables =
      options.cacheTables ??
      Math.max(16, Math.floor(DEFAULT_CACHE_BYTES / (4 * Math.max(1, this.nodeCount))));
  }

  /** The node index of cell (x, y), or -1 when it is blocked or off the map. */
  cellIndex(x: number, y: number): number {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return -1;
    return this.#indexByCell[y * this.width + x] ?? -1;
  }

  /**
   * The node index of id `x,y`.
   * @throws {RangeError} when the id is not a free cell of this map.
   */
  indexOf(id: string): number {
    const match = /^(\d+),(\d+)$/.exec(id);
    const v = match ? this.cellIndex(Number(match[1]), Number(match[2])) : -1;
    if (v < 0) throw new RangeError(`${id} is not a free cell of this map`);
    return v;
  }

  /** Whether `u` and `v` are 4-neighbours. */
  adjacent(u: number, v: number): boolean {
    for (let k = this.offsets[u]!; k < this.offsets[u + 1]!; k++) if (this.neighbours[k] === v) return true;
    return false;
  }

  /**
   * Steps from every node to `goal` (BFS, unit edges); {@link UNREACHABLE} where there is no path.
   * Cached (LRU); the returned table must not be written to.
   */
  distanceTo(goal: number): Int32Array {
    const cached = this.#cache.get(goal);
    if (cached) {
      this.#hits++;
      this.#cache.delete(goal);
      this.#cache.set(goal, cached);
      return cached;
    }
    this.#misses++;
    const table = this.#bfs(goal);
    this.#cache.set(goal, table);
    if (this.#cache.size > this.#cacheTables) {
      const oldest = this.#cache.keys().next();
      if (oldest.done !== true) this.#cache.delete(oldest.value);
    }
    return table;
  }

  get cacheStats(): DistanceCacheStats {
    return { hits: this.#hits, misses: this.#misses };
  }

  /** Node indices of the largest connected component, ascending. */
  largestComponent(): number[] {
    const label = new Int32Array(this.nodeCount).fill(-1);
    let best: number[] = [];
    for (let s = 0; s < this.nodeCount; s++) {
      if (label[s] !== -1) continue;
      const members = [s];
      label[s] = s;
      for (let head = 0; head < members.length; head++) {
        const v = members[head]!;
        for (let k = this.offsets[v]!; k < this.offsets[v + 1]!; k++) {
          const u = this.neighbours[k]!;
          if (label[u] === -1) {
            label[u] = s;
            members.push(u);
          }
        }
      }
      if (members.length > best.length) best = members;
    }
    return best.sort((a, b) => a - b);
  }

  #bfs(goal: number): Int32Array {
    if (!(goal >= 0 && goal < this.nodeCount)) throw new RangeError(`no node ${goal}`);
    const dist = new Int32Array(this.nodeCount).fill(UNREACHABLE);
    const queue = this.#queue;
    const { offsets, neighbours } = this;
    dist[goal] = 0;
    queue[0] = goal;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const v = queue[head++]!;
      const next = dist[v]! + 1;
      const end = offsets[v + 1]!;
      for (let k = offsets[v]!; k < end; k++) {
        const u = neighbours[k]!;
        if (dist[u] === UNREACHABLE) {
          dist[u] = next;
          queue[tail++] = u;
        }
      }
    }
    return dist;
  }
}
