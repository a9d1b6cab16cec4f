import type { RobotEvent } from '../../orchestrator/domain/robot-messages.ts';
import type { RobotAdapter } from '../../orchestrator/ports/robot-adapter.ts';

type Match<T extends RobotEvent> = ((event: RobotEvent) => event is T) | ((event: RobotEvent) => boolean);

interface Waiter {
  readonly match: (event: RobotEvent) => boolean;
  readonly found: (event: RobotEvent, index: number) => void;
}

/**
 * Records every event an adapter emits, in order, and lets a test await the next one that matches.
 * `next` consumes: it returns the first matching event after the previous `next` result, so a sequence
 * of awaits reads the stream in order. Nothing here sleeps: `next` resolves on the event or rejects on
 * its timeout; `expectNone` is the one bounded wait, for facts that are only observable as an absence.
 */
export class EventQueue {
  private readonly events: RobotEvent[] = [];
  private cursor = 0;
  private readonly waiters = new Set<Waiter>();
  private readonly unsubscribe: () => void;

  constructor(
    adapter: RobotAdapter,
    private readonly defaultTimeoutMs = 5_000,
  ) {
    this.unsubscribe = adapter.onEvent((event) => {
      this.events.push(event);
      for (const w of this.waiters) if (w.match(event)) w.found(event, this.events.length - 1);
    });
  }

  /** Position in the stream now; pass it to `since` to read what came after. */
  mark(): number {
    return this.events.length;
  }

  /** Every event recorded after `mark`, in order. */
  since(mark: number): readonly RobotEvent[] {
    return this.events.slice(mark);
  }

  /** Just past the event the last `next` returned. */
  get position(): number {
    return this.cursor;
  }

  /**
   * Awaits the first event matching `match` after the last one `next` returned (or after `from`, a mark,
   * when given); rejects after `timeoutMs`. Moves the read position past the event returned.
   */
  next<T extends RobotEvent>(
    what: string,
    match: Match<T>,
    options: { from?: number; timeoutMs?: number } = {},
  ): Promise<T> {
    const from = options.from ?? this.cursor;
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const i = this.events.findIndex((e, idx) => idx >= from && match(e));
    if (i >= 0) {
      this.cursor = i + 1;
      return Promise.resolve(this.events[i] as T);
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        match,
        found: (e, index) => {
          this.waiters.delete(waiter);
          clearTimeout(timer);
          this.cursor = index + 1;
          resolve(e as T);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last events: ${this.tail()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /**
   * Fails if an event matching `match` arrives within `windowMs` (or arrived since `fromMark`).
   * An absence can only be observed over a span of time; keep the window a few robot steps long.
   */
  expectNone(
    what: string,
    match: (event: RobotEvent) => boolean,
    windowMs: number,
    fromMark = this.mark(),
  ): Promise<void> {
    const early = this.since(fromMark).find(match);
    if (early) return Promise.reject(new Error(`expected no ${what}, got ${JSON.stringify(early)}`));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        match,
        found: (e) => {
          this.waiters.delete(waiter);
          clearTimeout(timer);
          reject(new Error(`expected no ${what}, got ${JSON.stringify(e)}`));
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve();
      }, windowMs);
      this.waiters.add(waiter);
    });
  }

  close(): void {
    this.unsubscribe();
    this.waiters.clear();
  }

  private tail(): string {
    return JSON.stringify(this.events.slice(-5));
  }
}

export const isNodeReached =
  (robotId: string, nodeId?: string) =>
  (e: RobotEvent): e is Extract<RobotEvent, { type: 'node-reached' }> =>
    e.type === 'node-reached' && e.robotId === robotId && (nodeId === undefined || e.nodeId === nodeId);

export const isActionFinished =
  (robotId: string, actionId: string) =>
  (e: RobotEvent): e is Extract<RobotEvent, { type: 'action-finished' }> =>
    e.type === 'action-finished' && e.robotId === robotId && e.actionId === actionId;

export const isActionFailed =
  (robotId: string, actionId: string) =>
  (e: RobotEvent): e is Extract<RobotEvent, { type: 'action-failed' }> =>
    e.type === 'action-failed' && e.robotId === robotId && e.actionId === actionId;

export type RobotStateEvent = Extract<RobotEvent, { type: 'robot-state' }>;

export const isRobotState =
  (robotId: string, where: (state: RobotStateEvent['state']) => boolean = () => true) =>
  (e: RobotEvent): e is RobotStateEvent =>
    e.type === 'robot-state' && e.robotId === robotId && where(e.state);
