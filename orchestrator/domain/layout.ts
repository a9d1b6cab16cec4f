/**
 * The facility graph, as the engine sees it. Pure data: JSON-serialisable, no I/O.
 * Coordinates are metres in the map frame (x right, y up); angles are radians.
 */

export type NodeId = string;
export type EdgeId = string;
/** A station id is the plant's own location code (`LINE-3-OUT`, `B-12-04`), as LIF recommends. */
export type StationId = string;
export type VehicleTypeId = string;

export interface LayoutNode {
  readonly id: NodeId;
  /** Metres, map frame (y up). */
  readonly x: number;
  readonly y: number;
  readonly thetaRad?: number;
  /** LIF `mapId` / level; nodes on different maps are only connected through explicit edges. */
  readonly mapId: string;
  /** Vehicle types that may stand on this node; absent means every type. */
  readonly vehicleTypes?: readonly VehicleTypeId[];
}

/** A directed edge. A two-way aisle is two edges. */
export interface LayoutEdge {
  readonly id: EdgeId;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly lengthM: number;
  /** Speed limit on this edge, metres per second; absent means the vehicle's own maximum. */
  readonly maxSpeedMps?: number;
  /** Vehicle types allowed on this edge; absent means every type. */
  readonly vehicleTypes?: readonly VehicleTypeId[];
}

/**
 * Plant roles of a station. LIF itself only knows load stations (pick/drop actions) and chargers
 * (startCharging); the other roles come from the site file (README, "The site file").
 */
export const STATION_ROLES = [
  'line-output',
  'line-side',
  'storage-bin',
  'dock',
  'charger',
  'park',
  'quarantine',
  'empty-buffer',
  'load-station',
] as const;
export type StationRole = (typeof STATION_ROLES)[number];

export interface Station {
  /** The plant location code. */
  readonly id: StationId;
  readonly name?: string;
  /** Nodes where a vehicle stands to interact with the station; the first is the default. */
  readonly nodeIds: readonly NodeId[];
  readonly role: StationRole;
  /** Zone code (for example `STORAGE-A`); a request may name a zone instead of a station. */
  readonly zone?: string;
}

export interface Layout {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly nodes: readonly LayoutNode[];
  readonly edges: readonly LayoutEdge[];
  readonly stations: readonly Station[];
}

/** A warning an importer raises for something it tolerated (LIF deviations, unknown fields). */
export interface ImportWarning {
  readonly code: string;
  readonly message: string;
  /** The element concerned, e.g. `layouts[0].edges[3]` or an element id. */
  readonly path?: string;
}

export interface ImportResult<T> {
  readonly value: T;
  readonly warnings: readonly ImportWarning[];
}

/**
 * One reason an input cannot be used: a stable code, what is wrong and what was expected (without the
 * path), and where, as a path into the source document (`fleet[4].homeNode`, `layouts[0].edges[3]`,
 * `line 7, column 12`).
 */
export interface ImportProblem {
  readonly code: string;
  readonly message: string;
  readonly path?: string;
}

export interface LayoutImportErrorOptions extends ErrorOptions {
  /** Every problem found; default: the one the error itself describes. */
  readonly problems?: readonly ImportProblem[];
}

/**
 * Thrown by importers on input that cannot be used. `problems` lists every problem found (an importer
 * gathers them rather than stopping at the first); `code`, `path` and, for one problem, `message` are
 * those of the first.
 */
export class LayoutImportError extends Error {
  override readonly name = 'LayoutImportError';
  readonly problems: readonly ImportProblem[];
  constructor(
    readonly code: string,
    message: string,
    readonly path?: string,
    options?: LayoutImportErrorOptions,
  ) {
    super(message, options);
    this.problems = options?.problems ?? [{ code, message, ...(path !== undefined ? { path } : {}) }];
  }
}

/** `problem` with its path prefixed: `path: message`, or the message alone. */
export function describeProblem(problem: ImportProblem): string {
  return problem.path === undefined ? problem.message : `${problem.path}: ${problem.message}`;
}

/**
 * The error for all of `problems`, in the order given; nothing when there are none.
 * @throws LayoutImportError when `problems` is not empty.
 */
export function throwProblems(problems: readonly ImportProblem[], options?: ErrorOptions): void {
  const [first, ...more] = problems;
  if (first === undefined) return;
  const message =
    more.length === 0
      ? first.message
      : `${problems.length} problems: ${problems.map(describeProblem).join('; ')}`;
  throw new LayoutImportError(first.code, message, first.path, { ...options, problems });
}
