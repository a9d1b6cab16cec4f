/**
 * Which robots went silent: an adapter tells it when a robot was last heard (`seen`) and asks it on its
 * own timer (`check`). A robot silent for `staleAfterMs` is due one `ask` (VDA 5050: a stateRequest); if it
 * stays silent `graceMs` longer it is `stale` (report it faulty), once. The next `seen` clears both and says
 * whether the robot had been reported stale, so the adapter can clear the fault. Pure bookkeeping: the
 * caller's clock, no timers of its own.
 */
export type StaleVerdict = {
  readonly robotId: string;
  readonly silentMs: number;
  readonly kind: 'ask' | 'stale';
};

interface Watched {
  at: number;
  asked: boolean;
  stale: boolean;
}

export class StaleWatch {
  private readonly watched = new Map<string, Watched>();

  constructor(
    private readonly staleAfterMs: number,
    private readonly graceMs: number,
  ) {
    if (!(staleAfterMs > 0 && graceMs >= 0))
      throw new RangeError('stale watch: need staleAfterMs > 0, graceMs >= 0');
  }

  /** The robot was heard at `now`. True when it had been reported stale (clear the fault). */
  seen(robotId: string, now: number): boolean {
    const w = this.watched.get(robotId);
    this.watched.set(robotId, { at: now, asked: false, stale: false });
    return w?.stale ?? false;
  }

  /** Stop watching (the robot went offline: silence is then expected). True when it had been reported stale. */
  forget(robotId: string): boolean {
    const stale = this.watched.get(robotId)?.stale ?? false;
    this.watched.delete(robotId);
    return stale;
  }

  isStale(robotId: string): boolean {
    return this.watched.get(robotId)?.stale ?? false;
  }

  /** What is due now: each verdict once per silence. */
  check(now: number): StaleVerdict[] {
    const due: StaleVerdict[] = [];
    for (const [robotId, w] of this.watched) {
      const silentMs = now - w.at;
      if (silentMs < this.staleAfterMs || w.stale) continue;
      if (!w.asked) {
        w.asked = true;
        due.push({ robotId, silentMs, kind: 'ask' });
      } else if (silentMs >= this.staleAfterMs + this.graceMs) {
        w.stale = true;
        due.push({ robotId, silentMs, kind: 'stale' });
      }
    }
    return due;
  }
}
