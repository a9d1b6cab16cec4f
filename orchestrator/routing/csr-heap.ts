/**
 * An indexed binary min-heap of node indices on typed arrays, with decrease-key. Pure: no I/O.
 */

/**
 * Holds each node `0 .. capacity - 1` at most once, ordered by `key`, then by `tie` (both ascending).
 * `clear()` is O(1): membership is read from the slot arrays, so no per-search reset of `capacity`-sized
 * arrays is needed.
 */
export class IndexedMinHeap {
  private readonly slotNode: Int32Array;
  private readonly slotKey: Float64Array;
  private readonly slotTie: Float64Array;
  /** Where node `v` sits; trusted only when `slotNode[position[v]] === v` and within `size`. */
  private readonly position: Int32Array;
  private count = 0;

  constructor(readonly capacity: number) {
    this.slotNode = new Int32Array(capacity);
    this.slotKey = new Float64Array(capacity);
    this.slotTie = new Float64Array(capacity);
    this.position = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.count = 0;
  }

  has(node: number): boolean {
    const p = this.position[node]!;
    return p < this.count && this.slotNode[p] === node;
  }

  /** The smallest key; Infinity when empty. */
  peekKey(): number {
    return this.count > 0 ? this.slotKey[0]! : Infinity;
  }

  /**
   * Inserts `node`, or moves it up when it is already held: the new (key, tie) must then not be greater
   * than its current one (decrease-key only).
   */
  push(node: number, key: number, tie: number): void {
    const p = this.has(node) ? this.position[node]! : this.count++;
    this.siftUp(p, node, key, tie);
  }

  /** Removes and returns the node with the smallest (key, tie); -1 when empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const top = this.slotNode[0]!;
    const last = --this.count;
    if (last > 0) this.siftDown(0, this.slotNode[last]!, this.slotKey[last]!, this.slotTie[last]!);
    return top;
  }

  private siftUp(from: number, node: number, key: number, tie: number): void {
    const nodes = this.slotNode;
    const keys = this.slotKey;
    const ties = this.slotTie;
    let p = from;
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const pk = keys[parent]!;
      if (pk < key || (pk === key && ties[parent]! <= tie)) break;
      const pn = nodes[parent]!;
      nodes[p] = pn;
      keys[p] = pk;
      ties[p] = ties[parent]!;
      this.position[pn] = p;
      p = parent;
    }
    nodes[p] = node;
    keys[p] = key;
    ties[p] = tie;
    this.position[node] = p;
  }

  private siftDown(from: number, node: number, key: number, tie: number): void {
    const nodes = this.slotNode;
    const keys = this.slotKey;
    const ties = this.slotTie;
    const n = this.count;
    let p = from;
    for (;;) {
      let child = 2 * p + 1;
      if (child >= n) break;
      const right = child + 1;
      if (
        right < n &&
        (keys[right]! < keys[child]! || (keys[right] === keys[child] && ties[right]! < ties[child]!))
      ) {
        child = right;
      }
      const ck = keys[child]!;
      if (key < ck || (key === ck && tie <= ties[child]!)) break;
      const cn = nodes[child]!;
      nodes[p] = cn;
      keys[p] = ck;
      ties[p] = ties[child]!;
      this.position[cn] = p;
      p = child;
    }
    nodes[p] = node;
    keys[p] = key;
    ties[p] = tie;
    this.position[node] = p;
  }
}
