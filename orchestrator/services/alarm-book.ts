import type { Logger } from 'pino';
import type { Clock } from '../ports/clock.ts';

export interface Alarm {
  readonly id: number;
  readonly at: string;
  readonly code: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly message: string;
  readonly robotId?: string;
  readonly orderId?: string;
  /** A supervisor has seen it (`POST /v1/alarms/{id}/acknowledge`). */
  readonly acknowledged: boolean;
  /** Who acknowledged it (an API key name), and when (ISO 8601). */
  readonly acknowledgedBy?: string;
  readonly acknowledgedAt?: string;
}

/** What an alarm is raised with; the book numbers, stamps and tracks acknowledgement. */
export type NewAlarm = Omit<Alarm, 'id' | 'at' | 'acknowledged' | 'acknowledgedBy' | 'acknowledgedAt'>;

/** Alarms kept: the newest this many. */
const KEPT = 500;

/**
 * The alarms for operators (`GET /v1/alarms`, the map), kept by the engine leader: the engine's own and
 * those other services raise. Published with the fleet view, and restored from it by the next leader, so
 * a leader change neither loses them nor renumbers them.
 */
export class AlarmBook {
  private alarms: Alarm[] = [];
  private seq = 0;
  private changes = 0;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Takes over alarms a previous leader kept (newest first, as `recent` gives them). */
  restore(alarms: readonly Alarm[]): void {
    this.alarms = [...alarms].reverse().slice(-KEPT);
    this.seq = Math.max(this.seq, ...this.alarms.map((a) => a.id));
    this.changes += 1;
  }

  raise(alarm: NewAlarm): Alarm {
    this.seq += 1;
    const raised: Alarm = {
      id: this.seq,
      at: new Date(this.clock.now()).toISOString(),
      ...alarm,
      acknowledged: false,
    };
    this.alarms.push(raised);
    if (this.alarms.length > KEPT) this.alarms.shift();
    this.changes += 1;
    this.log.warn({ alarm }, 'alarm');
    return raised;
  }

  /**
   * Marks an alarm seen by `by` (an API key name); the first acknowledgement stands. Undefined when no
   * alarm has that id (any more: only the newest 500 are kept).
   */
  acknowledge(id: number, by: string): Alarm | undefined {
    const i = this.alarms.findIndex((a) => a.id === id);
    const alarm = this.alarms[i];
    if (!alarm || alarm.acknowledged) return alarm;
    const acknowledged: Alarm = {
      ...alarm,
      acknowledged: true,
      acknowledgedBy: by,
      acknowledgedAt: new Date(this.clock.now()).toISOString(),
    };
    this.alarms[i] = acknowledged;
    this.changes += 1;
    this.log.info({ alarmId: id, by }, 'alarm acknowledged');
    return acknowledged;
  }

  /** Newest first. An acknowledged alarm is a new object (the live feed diffs by identity). */
  recent(): readonly Alarm[] {
    return [...this.alarms].reverse();
  }

  /** Grows with every change: the fleet view publishes when it moved. */
  get version(): number {
    return this.changes;
  }
}
