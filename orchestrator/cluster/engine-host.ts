import type { Logger } from 'pino';
import type { EngineSession } from './engine-session.ts';
import type { Leadership } from './leader-lease.ts';

/**
 * Runs the engine on this instance while it holds the lease: a session is started on election and stopped
 * when deposed, one after the other (an election that comes while the last session still stops waits for
 * it). A session that fails to start is logged; the lease is handed back so another instance can try.
 */
export class EngineHost {
  private session: EngineSession | undefined;
  private chain: Promise<void> = Promise.resolve();
  private term: Leadership | undefined;

  constructor(
    private readonly options: {
      readonly startSession: () => Promise<EngineSession>;
      readonly log: Logger;
      /** Told each change: 'leader' once the session runs, 'follower' once it stopped. */
      readonly onRole?: (role: 'leader' | 'follower') => void;
      /** Gives the lease up after a failed start (LeaderLease.stop and start again). */
      readonly resign?: () => Promise<void>;
    },
  ) {}

  /** Resolves once every start and stop asked for so far has run. */
  settled(): Promise<void> {
    return this.chain;
  }

  /** The running session, while this instance leads. */
  current(): EngineSession | undefined {
    return this.session;
  }

  /** For LeaderLease.onElected: resolves once the session runs (or failed to start). */
  readonly elected = (leadership: Leadership): Promise<void> => {
    this.term = leadership;
    return this.serial(async () => {
      if (this.term !== leadership || this.session) return;
      const startedAt = Date.now();
      try {
        this.session = await this.options.startSession();
      } catch (err) {
        this.options.log.error({ err, token: leadership.token }, 'engine session did not start');
        await this.options.resign?.();
        return;
      }
      // Deposed while starting: stop again at once.
      if (this.term !== leadership) {
        await this.stopSession();
        return;
      }
      this.options.onRole?.('leader');
      this.options.log.info(
        { token: leadership.token, startMs: Date.now() - startedAt },
        'engine running as leader',
      );
    });
  };

  /** For LeaderLease.onDeposed: resolves once the session stopped. */
  readonly deposed = (leadership: Leadership): Promise<void> => {
    if (this.term === leadership) this.term = undefined;
    return this.serial(() => this.stopSession());
  };

  private async stopSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    try {
      await session.stop();
    } catch (err) {
      this.options.log.error({ err }, 'engine session did not stop cleanly');
    }
    this.options.onRole?.('follower');
  }

  private serial(job: () => Promise<void>): Promise<void> {
    const run = this.chain.then(job);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
