import type { Logger } from 'pino';
import type { Queue } from 'bullmq';
import type { TransportOrder, OrderId } from '../domain/transport-order.ts';
import {
  IllegalTransitionError,
  isDone,
  transition,
  type TransitionInput,
} from '../domain/order-lifecycle.ts';
import type { Clock } from '../ports/clock.ts';
import type { IntakeJob } from '../queue/queues.ts';
import type { CreateResult, IdempotencyClaim, OrderStore } from '../store/order-store.ts';
import type { Notifier } from './notifier.ts';
import { LocalOrderChanges, type OrderChangeBus, type OrderListener } from '../cluster/order-changes.ts';
import { FencedOutError, type Fence } from '../cluster/leader-lease.ts';

export type { OrderListener } from '../cluster/order-changes.ts';

/**
 * Every write to an order goes through here: stored first (atomic, versioned), then its webhook is
 * enqueued. A crash between the two is healed by `redrive()` at start-up.
 */
export class OrderService {
  constructor(
    private readonly store: OrderStore,
    private readonly intake: Queue<IntakeJob>,
    private readonly notifier: Notifier,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Where changes are told: this process's listeners, and other instances' when clustered. */
    private readonly changes: OrderChangeBus = new LocalOrderChanges(),
    /** The leader's fence for the engine's writes; absent for writers that need none (API, intake, notify). */
    private readonly fence?: () => Fence | undefined,
  ) {}

  /**
   * The same service, with every status change fenced by the leader's lease: refused (FencedOutError) once
   * this instance is no longer the leader, so a deposed engine changes nothing.
   */
  fenced(fence: () => Fence | undefined): OrderService {
    return new OrderService(
      this.store,
      this.intake,
      this.notifier,
      this.clock,
      this.log,
      this.changes,
      fence,
    );
  }

  onChange(listener: OrderListener): () => void {
    return this.changes.onChange(listener);
  }

  /**
   * Stores a new order (or finds the one its idempotency key made) and queues it for intake; resolves only
   * once both are done, so an order answered 202 is never lost (issue 16). A replay of an order still
   * `received` queues its intake again (idempotent: job id = order id): the first attempt may have stored
   * the order and failed before its job was added.
   */
  async create(order: TransportOrder, claim: IdempotencyClaim): Promise<CreateResult> {
    const result = await this.store.create(order, claim);
    if (result.kind === 'created') {
      await this.queueIntake(order.id);
      await this.notifier.enqueueFor(order);
      this.publish(order);
    } else if (result.kind === 'replayed') {
      const stored = await this.store.get(result.orderId);
      if (stored?.status === 'received') await this.queueIntake(stored.id);
    }
    return result;
  }

  /**
   * Queues intake again for orders still `received` that were created before `beforeMs` (ms since epoch):
   * those whose job was never added (stored, then Redis went away before the add). Idempotent (job id =
   * order id), so safe to run on every instance at any time. Returns how many it queued.
   */
  async redriveReceived(beforeMs: number): Promise<number> {
    const stale = (await this.store.inStatus('received')).filter(
      (o) => o.status === 'received' && Date.parse(o.createdAt) < beforeMs,
    );
    for (const order of stale) {
      await this.hurryIntake(order.id);
      await this.notifier.enqueueFor(order);
    }
    return stale.length;
  }

  /**
   * Queues intake for an order left `received`; when its job is waiting out a retry delay (its attempts
   * failed while Redis or the WMS was away, and the delay may have grown to 30 s), runs it now.
   */
  private async hurryIntake(orderId: OrderId): Promise<void> {
    const job = await this.intake.getJob(orderId);
    if (!job) await this.queueIntake(orderId);
    else if (await job.isDelayed())
      await job.promote().catch(() => undefined); // ran meanwhile
    else if ((await job.isCompleted()) || (await job.isFailed())) {
      // Done with, yet the order is still received (its write was lost): a job of the same id is refused
      // while this one is kept, so it goes first.
      await job.remove().catch(() => undefined);
      await this.queueIntake(orderId);
    }
  }

  private async queueIntake(orderId: OrderId): Promise<void> {
    await this.intake.add('intake', { orderId }, { jobId: orderId });
  }

  get(id: OrderId): Promise<TransportOrder | undefined> {
    return this.store.get(id);
  }

  getMany(ids: readonly OrderId[]): Promise<TransportOrder[]> {
    return this.store.getMany(ids);
  }

  /**
   * Applies a status change. An illegal change is logged and ignored (returns undefined): it means two
   * writers raced, and the store already holds the later truth.
   */
  async transition(id: OrderId, input: Omit<TransitionInput, 'at'>): Promise<TransportOrder | undefined> {
    const at = new Date(this.clock.now()).toISOString();
    try {
      const order = await this.store.update(
        id,
        (current) => (current.status === input.to ? undefined : transition(current, { ...input, at })),
        this.currentFence(),
      );
      if (order.status === input.to) {
        await this.notifier.enqueueFor(order);
        this.publish(order);
      }
      return order;
    } catch (err) {
      if (err instanceof IllegalTransitionError) {
        this.log.warn(
          { orderId: id, from: err.from, to: err.to, by: input.by },
          'illegal order transition ignored',
        );
        return undefined;
      }
      throw err;
    }
  }

  /**
   * Changes an open order's priority or due time, with a history entry naming who and what. Returns
   * undefined when the order is done (delivered or terminal: nothing left to hurry); throws
   * OrderNotFoundError for an unknown id.
   */
  async amend(
    id: OrderId,
    change: { readonly priority?: number; readonly dueBy?: string },
    by: string,
  ): Promise<TransportOrder | undefined> {
    const at = new Date(this.clock.now()).toISOString();
    const ended = { seen: false };
    const order = await this.store.update(id, (current) => {
      ended.seen = isDone(current.status);
      if (ended.seen) return undefined;
      const what = [
        change.priority === undefined ? '' : `priority ${current.priority} -> ${change.priority}`,
        change.dueBy === undefined ? '' : `dueBy ${current.dueBy ?? 'none'} -> ${change.dueBy}`,
      ].filter(Boolean);
      return {
        ...current,
        ...(change.priority === undefined ? {} : { priority: change.priority }),
        ...(change.dueBy === undefined ? {} : { dueBy: change.dueBy }),
        history: [...current.history, { at, status: current.status, by, note: what.join('; ') }],
        updatedAt: at,
        version: current.version + 1,
      };
    });
    if (ended.seen) return undefined;
    this.publish(order);
    return order;
  }

  /**
   * Start-up re-drive: requeues intake for orders still `received`, and re-enqueues the webhook of every
   * open order's current status. Deterministic job ids and stable webhook ids make this safe to repeat.
   */
  async redrive(): Promise<TransportOrder[]> {
    const open = await this.store.openOrders();
    for (const order of open) {
      if (order.status === 'received') await this.queueIntake(order.id);
      await this.notifier.enqueueFor(order);
    }
    return open;
  }

  /** The fence to write with: none when unfenced; FencedOutError when fenced and no longer the leader. */
  private currentFence(): Fence | undefined {
    if (!this.fence) return undefined;
    const fence = this.fence();
    if (!fence) throw new FencedOutError('this instance is no longer the engine leader');
    return fence;
  }

  private publish(order: TransportOrder): void {
    this.changes.publish(order);
  }
}
