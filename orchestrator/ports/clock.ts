/** The one way time enters the service; the engine itself never reads it (it is given `now`). */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
