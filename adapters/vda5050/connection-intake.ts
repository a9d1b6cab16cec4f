import type { ConnectionState } from '../../orchestrator/domain/robot.ts';
import type { AdapterContext } from './adapter-options.ts';
import type { VdaOutbox } from './outbox.ts';
import type { StaleState } from './stale-state.ts';
import type { Link } from './vda-link.ts';

/** The AGVs' retained `connection` messages as `connection` events (C1, C2). */
export class ConnectionIntake {
  constructor(
    private readonly ctx: AdapterContext,
    private readonly outbox: VdaOutbox,
    private readonly stale: StaleState,
  ) {}

  onConnection(link: Link, message: unknown): void {
    const wire = (message as { connectionState?: unknown }).connectionState;
    // C2: the will's timestamp and headerId are old by design; only the state counts.
    const state: ConnectionState | undefined =
      wire === 'ONLINE'
        ? 'online'
        : wire === 'OFFLINE'
          ? 'offline'
          : wire === 'CONNECTIONBROKEN' || wire === 'CONNECTION_BROKEN'
            ? 'connection-broken'
            : undefined;
    if (state === undefined) {
      this.ctx.log.warn(
        { robotId: link.robotId, connectionState: wire },
        'vda5050: unknown connection state',
      );
      return;
    }
    if (state === link.connection) return;
    this.change(link, state);
    // C1: reachable, but nothing is decided before a fresh state: ask for one.
    // F1: and for its factsheet, unless a retained one came. One action per message: vda-5050-lib 1.4.0
    // crashes on a message whose first instant action ends at once (it drops it from the list it iterates).
    if (state === 'online') {
      this.outbox.instant(link, [this.outbox.instantAction('stateRequest')]);
      if (link.factsheet === undefined)
        this.outbox.instant(link, [this.outbox.instantAction('factsheetRequest')]);
    }
  }

  /** After the retained messages: an AGV without a connection message has never been online here. */
  neverSeen(links: Iterable<Link>): void {
    for (const link of links) if (link.connection === undefined) this.change(link, 'offline');
  }

  private change(link: Link, state: ConnectionState): void {
    link.connection = state;
    this.stale.connectionChanged(link);
    this.ctx.emit({ type: 'connection', robotId: link.robotId, state });
  }
}
