import type { Layout } from '../../orchestrator/domain/layout.ts';
import type { RobotId } from '../../orchestrator/domain/robot.ts';
import type { RobotEvent } from '../../orchestrator/domain/robot-messages.ts';
import type { Clock } from '../../orchestrator/ports/clock.ts';
import { SPEC_PROFILE, type PeerProfile } from './profile.ts';

/** One AGV as the master knows it: our robot id and its VDA 5050 identity (R4: any manufacturer). */
export interface VdaRobotConfig {
  readonly robotId: RobotId;
  readonly manufacturer: string;
  readonly serialNumber: string;
  /**
   * A profile: a built-in name (`PROFILES`), overrides on one as the site file writes them
   * (`profileConfigSchema`), or a complete profile; default `spec`.
   */
  readonly profile?: string | PeerProfile | Readonly<Record<string, unknown>>;
}

/** What the adapter logs; pino's logger fits. */
export interface AdapterLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface VdaAdapterOptions {
  /** `mqtt://host:port`. */
  readonly brokerUrl: string;
  readonly layout: Layout;
  readonly robots: readonly VdaRobotConfig[];
  readonly clock?: Clock;
  readonly log?: AdapterLog;
  /** An order (update) without an acknowledging state for this long is sent again (O19). Default 5000. */
  readonly ackTimeoutMs?: number;
  /** How often an unacknowledged order or instant action is sent again before an alarm. Default 3. */
  readonly maxResends?: number;
  /**
   * An online AGV whose last state is older than this is asked for one, and reported faulty (stale) if
   * none comes within `ackTimeoutMs` more (S3). Default 60000: twice the 30 s heartbeat.
   */
  readonly staleAfterMs?: number;
  /**
   * E3: after a noRouteError on a new order, its first node is sent once more with an allowed deviation
   * that covers the AGV's reported position, if that is at most this far from the node (localisation
   * drift, not a robot somewhere else). Default 0.5 m.
   */
  readonly maxFirstNodeDeviationM?: number;
  /** MQTT client id; default `fleetbridge-<random>`. */
  readonly clientId?: string;
}

export const SILENT_LOG: AdapterLog = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** What every part of the adapter shares: the clock, the log and the way out to the engine. */
export interface AdapterContext {
  readonly clock: Clock;
  readonly log: AdapterLog;
  readonly emit: (event: RobotEvent) => void;
}

/** A complete profile (as tests pass it), not overrides to resolve: it has every field of `spec`. */
export function isPeerProfile(p: unknown): p is PeerProfile {
  return typeof p === 'object' && p !== null && Object.keys(SPEC_PROFILE).every((key) => key in p);
}
