import { vdaTopic, type ErrorLevel, type VdaTopic } from './vda-wire.ts';

export interface VdaInitialPosition {
  readonly x: number;
  readonly y: number;
  readonly theta: number;
  readonly mapId: string;
  readonly lastNodeId: string;
}

export interface VdaAgvOptions {
  /** e.g. `mqtt://127.0.0.1:1883`. */
  readonly brokerUrl: string;
  /** First topic level. Default `uagv`. */
  readonly interfaceName?: string;
  readonly manufacturer: string;
  /** Topic level; keep to `A-Z a-z 0-9 _ . : -`. */
  readonly serialNumber: string;
  /** Header `version`; its major gives the topic's `v2`. Default `2.0.0`. */
  readonly version?: string;
  readonly initialPosition: VdaInitialPosition;
  /** Cruise speed in simulated m/s (an edge's `maxSpeed` caps it). Default 1. */
  readonly speedMps?: number;
  /** Simulated duration of pick, drop, startCharging and stopCharging. Default 1000. */
  readonly actionDurationMs?: number;
  /** Simulated time runs this many times faster than the clock: divides all durations. Default 1. */
  readonly speedup?: number;
  /** Real milliseconds between simulation steps. Default 50. */
  readonly tickMs?: number;
  /** Heartbeat: a state at least this often (real ms). Default 30000. */
  readonly stateIntervalMs?: number;
  /** Real ms between `visualization` messages; 0 turns them off. Default 1000. */
  readonly visualizationIntervalMs?: number;
  /** Initial state of charge in percent. Default 80. */
  readonly batteryPct?: number;
  /** `newBaseRequest` turns true this many metres before the decision point when a horizon is pending. Default 1. */
  readonly decisionPointLeadM?: number;
  /** Epoch milliseconds; used for timestamps and elapsed time. Default `Date.now`. */
  readonly clock?: () => number;
}

/** The rejection error types of the 2.0 order acceptance flow (Fig. 8). */
export type OrderRejectionType = 'validationError' | 'orderError' | 'noRouteError' | 'orderUpdateError';

export interface InjectedError {
  readonly errorType: string;
  readonly errorLevel: ErrorLevel;
  readonly description?: string;
}

export type ResolvedOptions = Required<Omit<VdaAgvOptions, 'clock'>> & { readonly clock: () => number };

/** The options with every default filled in. */
export function resolveAgvOptions(options: VdaAgvOptions): ResolvedOptions {
  const opts: ResolvedOptions = {
    interfaceName: 'uagv',
    version: '2.0.0',
    speedMps: 1,
    actionDurationMs: 1000,
    speedup: 1,
    tickMs: 50,
    stateIntervalMs: 30_000,
    visualizationIntervalMs: 1000,
    batteryPct: 80,
    decisionPointLeadM: 1,
    ...options,
    clock: options.clock ?? Date.now,
  };
  if (!(opts.speedup > 0) || !(opts.speedMps > 0)) throw new Error('speedup and speedMps must be > 0');
  return opts;
}

/** The MQTT topics of one vehicle's channels. */
export function agvTopics(opts: ResolvedOptions): Readonly<Record<VdaTopic, string>> {
  const topic = (t: VdaTopic): string =>
    vdaTopic(opts.interfaceName, opts.version, opts.manufacturer, opts.serialNumber, t);
  return {
    order: topic('order'),
    instantActions: topic('instantActions'),
    state: topic('state'),
    connection: topic('connection'),
    factsheet: topic('factsheet'),
    visualization: topic('visualization'),
  };
}
