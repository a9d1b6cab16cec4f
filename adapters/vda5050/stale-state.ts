import { StaleWatch } from '../kit/stale-watch.ts';
import type { FaultReporter } from './faults.ts';
import type { VdaOutbox } from './outbox.ts';
import type { Link } from './vda-link.ts';

/**
 * S3: an AGV that says it is online but sends no state for `staleAfterMs` is asked for one (a
 * stateRequest), and reported faulty (`state-stale`) if none comes within `graceMs` more. Only online
 * AGVs are watched: silence is expected of the others. A state clears the fault.
 */
export class StaleState {
  private readonly watch: StaleWatch;

  constructor(
    private readonly outbox: VdaOutbox,
    private readonly faults: FaultReporter,
    staleAfterMs: number,
    graceMs: number,
  ) {
    this.watch = new StaleWatch(staleAfterMs, graceMs);
  }

  /** A valid state arrived at `now`. */
  stateArrived(link: Link, now: number): void {
    link.stateAtMs = now;
    if (link.connection === 'online') this.watch.seen(link.robotId, now);
    link.adapterErrors.delete('state-stale');
  }

  /** The AGV's connection changed: back online, its silence counts from its last state. */
  connectionChanged(link: Link): void {
    if (link.connection === 'online' && link.stateAtMs !== undefined)
      this.watch.seen(link.robotId, link.stateAtMs);
    else this.watch.forget(link.robotId);
  }

  /** Asks whom the silence makes due, and reports the stale ones (again, if a cancel cleared the fault). */
  check(links: Iterable<Link>, now: number): void {
    const asks = new Set(
      this.watch
        .check(now)
        .filter((v) => v.kind === 'ask')
        .map((v) => v.robotId),
    );
    for (const link of links) {
      if (asks.has(link.robotId)) this.outbox.instant(link, [this.outbox.instantAction('stateRequest')]);
      else if (this.watch.isStale(link.robotId) && !link.adapterErrors.has('state-stale'))
        this.faults.fault(
          link,
          'state-stale',
          `no state for ${Math.round((now - (link.stateAtMs ?? now)) / 1000)} s although the AGV is online`,
        );
    }
  }
}
