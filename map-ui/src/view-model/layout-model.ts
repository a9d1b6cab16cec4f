import type { LiveBlocks } from '../../../orchestrator/http/live-contract.ts';
import { distanceToSegment, type Bounds, boundsOf, type Point } from './camera.ts';

/** `GET /v1/layout` as the map uses it: metres, map frame (y up). Only the fields drawn are kept. */
export interface MapLayout {
  readonly id: string;
  readonly version: string;
  readonly nodes: readonly { readonly id: string; readonly x: number; readonly y: number }[];
  /** Directed: a two-way aisle is two edges. */
  readonly edges: readonly { readonly id: string; readonly from: string; readonly to: string }[];
  readonly stations: readonly {
    readonly id: string;
    readonly role: string;
    readonly nodeIds: readonly string[];
  }[];
  readonly blocked: LiveBlocks;
}

type Rec = Record<string, unknown>;
const isRec = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string';

/** Accepts a `GET /v1/layout` answer; throws naming the first bad element. */
export function parseLayout(x: unknown): MapLayout {
  if (!isRec(x) || !Array.isArray(x.nodes) || !Array.isArray(x.edges))
    throw new Error('layout: nodes and edges arrays expected');
  const nodes = x.nodes.map((n: unknown, i) => {
    if (!isRec(n) || !isStr(n.id) || !isNum(n.x) || !isNum(n.y)) throw new Error(`layout: bad nodes[${i}]`);
    return { id: n.id, x: n.x, y: n.y };
  });
  const edges = x.edges.map((e: unknown, i) => {
    if (!isRec(e) || !isStr(e.id) || !isStr(e.from) || !isStr(e.to))
      throw new Error(`layout: bad edges[${i}]`);
    return { id: e.id, from: e.from, to: e.to };
  });
  const stations = (Array.isArray(x.stations) ? x.stations : []).flatMap((s: unknown) =>
    isRec(s) && isStr(s.id) && isStr(s.role) && Array.isArray(s.nodeIds)
      ? [{ id: s.id, role: s.role, nodeIds: s.nodeIds.filter(isStr) }]
      : [],
  );
  const b = x.blocked;
  const blocked =
    isRec(b) && Array.isArray(b.edges) && Array.isArray(b.nodes)
      ? { edges: b.edges.filter(isStr), nodes: b.nodes.filter(isStr) }
      : { edges: [], nodes: [] };
  return {
    id: isStr(x.id) ? x.id : '',
    version: isStr(x.version) ? x.version : '',
    nodes,
    edges,
    stations,
    blocked,
  };
}

export interface DrawnEdge {
  readonly id: string;
  readonly a: Point;
  readonly b: Point;
  /** No edge runs the other way: drawn with an arrow. */
  readonly oneWay: boolean;
}

export interface StationMarker {
  readonly id: string;
  readonly role: string;
  readonly at: Point;
  readonly kind: 'charger' | 'park' | 'station';
}

/** The layout indexed for drawing and hit-testing. */
export class LayoutIndex {
  readonly nodes: ReadonlyMap<string, Point>;
  readonly edges: readonly DrawnEdge[];
  readonly stations: readonly StationMarker[];
  readonly bounds: Bounds | undefined;

  constructor(readonly layout: MapLayout) {
    const nodes = new Map<string, Point>();
    for (const n of layout.nodes) nodes.set(n.id, { x: n.x, y: n.y });
    this.nodes = nodes;
    const pairs = new Set(layout.edges.map((e) => `${e.from}\u0000${e.to}`));
    this.edges = layout.edges.flatMap((e) => {
      const a = nodes.get(e.from);
      const b = nodes.get(e.to);
      if (!a || !b) return [];
      return [{ id: e.id, a, b, oneWay: !pairs.has(`${e.to}\u0000${e.from}`) }];
    });
    this.stations = layout.stations.flatMap((s) => {
      const first = s.nodeIds[0];
      const at = first === undefined ? undefined : nodes.get(first);
      if (!at) return [];
      const kind = s.role === 'charger' ? 'charger' : s.role === 'park' ? 'park' : 'station';
      return [{ id: s.id, role: s.role, at, kind }];
    });
    this.bounds = boundsOf(nodes.values());
  }

  /** Node positions along a list of node ids, skipping unknown ones. */
  path(nodeIds: readonly string[]): Point[] {
    return nodeIds.flatMap((id) => {
      const p = this.nodes.get(id);
      return p ? [p] : [];
    });
  }

  /** The edge nearest to `world` within `toleranceM` metres, or undefined. */
  edgeAt(world: Point, toleranceM: number): DrawnEdge | undefined {
    let best: DrawnEdge | undefined;
    let bestD = toleranceM;
    for (const e of this.edges) {
      const d = distanceToSegment(world, e.a, e.b);
      if (d <= bestD) {
        bestD = d;
        best = e;
      }
    }
    return best;
  }
}
