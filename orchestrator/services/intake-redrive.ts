import type { Logger } from 'pino';
import type { Clock } from '../ports/clock.ts';
import type { OrderService } from './order-service.ts';

export interface IntakeRedriveOptions {
  readonly orders: Pick<OrderService, 'redriveReceived'>;
  readonly clock: Clock;
  readonly log: Logger;
  /** Milliseconds between rounds. Default 5000. */
  readonly everyMs?: number;
  /** An order still `received` this many ms after it was created is queued again. Default 10 000. */
  readonly afterMs?: number;
}

/**
 * Re-drives intake while the instance runs, not only at start (issue 16): an order stored just before
 * Redis went away, whose intake job was never added, is queued once Redis is back. One round at a time; a
 * round that fails (Redis still down) is logged and the next one tries again. Returns the stop function.
 */
export function startIntakeRedrive(options: IntakeRedriveOptions): () => void {
  const afterMs = options.afterMs ?? 10_000;
  let running = false;
  const round = async (): Promise<void> => {
    const queued = await options.orders.redriveReceived(options.clock.now() - afterMs);
    if (queued > 0) options.log.warn({ queued }, 'intake re-driven for orders left received');
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    round()
      .catch((err: unknown) => {
        options.log.warn({ err }, 'intake re-drive round failed; the next one tries again');
      })
      .finally(() => {
        running = false;
      });
  }, options.everyMs ?? 5000);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
