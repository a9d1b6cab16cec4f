import type { TransportOrder } from '../domain/transport-order.ts';
import type { NewAlarm } from './engine-runtime.ts';

export interface OrderAlarmsOptions {
  /** Raises an alarm for operators (`EngineRuntime.alarm`). */
  readonly alarm: (alarm: NewAlarm) => void;
  /** Orders by status, as the store counts them. */
  readonly countByStatus: () => Promise<Record<string, number>>;
  /** Orders waiting for a robot (received or planned) above which the backlog alarm is raised. */
  readonly backlogThreshold: number;
  /** How often the backlog is counted, in milliseconds. Default 10 000. */
  readonly everyMs?: number;
  readonly onError?: (err: unknown) => void;
}

/** Statuses of an order that waits for a robot: the backlog. */
const WAITING = ['received', 'planned'] as const;

/**
 * Alarms about orders that operators must see: every failed order (with its reason), and a backlog of
 * orders waiting for a robot above a threshold. The backlog alarm is raised once when the count crosses the
 * threshold, and again only after it has fallen to half of it (no alarm storm around the line).
 */
export class OrderAlarms {
  private timer: NodeJS.Timeout | undefined;
  private backlogRaised = false;

  constructor(private readonly options: OrderAlarmsOptions) {}

  /** Feed of order changes (`OrderService.onChange`). */
  readonly onOrder = (order: TransportOrder): void => {
    if (order.status !== 'failed') return;
    const reason = order.failureReason ?? 'unknown';
    const detail = order.failureDetail ? `: ${order.failureDetail}` : '';
    this.options.alarm({
      code: 'order-failed',
      severity: 'warning',
      message: `order ${order.id} (${order.type}) failed with ${reason}${detail}`,
      orderId: order.id,
    });
  };

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.checkBacklog().catch((err: unknown) => this.options.onError?.(err));
    }, this.options.everyMs ?? 10_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Counts the backlog once; raises the alarm when it crosses the threshold. Returns the count. */
  async checkBacklog(): Promise<number> {
    const counts = await this.options.countByStatus();
    const waiting = WAITING.reduce((n, s) => n + (counts[s] ?? 0), 0);
    const threshold = this.options.backlogThreshold;
    if (!this.backlogRaised && waiting > threshold) {
      this.backlogRaised = true;
      this.options.alarm({
        code: 'backlog-high',
        severity: 'warning',
        message: `${waiting} orders wait for a robot (alarm above ${threshold}): the fleet does not keep up with the orders coming in`,
      });
    } else if (this.backlogRaised && waiting <= threshold / 2) {
      this.backlogRaised = false;
    }
    return waiting;
  }
}
