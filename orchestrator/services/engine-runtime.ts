import type { Logger } from 'pino';
import type { OrderStatus, TransportOrder } from '../domain/transport-order.ts';
import { endedUnfinished, isDone } from '../domain/order-lifecycle.ts';
import type { RobotEvent } from '../domain/robot-messages.ts';
import type { Engine, LayoutBlocks, RobotHolds } from '../engine/engine.ts';
import type {
  EngineCommand,
  EngineEvent,
  EngineOrder,
  EngineState,
  InterventionRefusal,
  PlannedOrderInput,
  RobotIntervention,
  RobotRuntime,
  StepResult,
} from '../engine/engine-types.ts';
import type { Clock } from '../ports/clock.ts';
import type { RobotAdapter } from '../ports/robot-adapter.ts';
import type { OrderService } from './order-service.ts';
import { AlarmBook, type Alarm, type NewAlarm } from './alarm-book.ts';

export type { Alarm, NewAlarm } from './alarm-book.ts';

/** The outcome of a supervisor's intervention: the robot after it, or why the engine refused it. */
export type InterventionOutcome =
  { readonly robot: RobotRuntime } | { readonly refusal: InterventionRefusal };

export interface EngineRuntimeOptions {
  readonly engine: Engine;
  readonly adapters: readonly RobotAdapter[];
  readonly orders: OrderService;
  readonly clock: Clock;
  readonly log: Logger;
  /** Real milliseconds between `tick` events (besides the ones robot progress triggers). Default 250. */
  readonly tickMs?: number;
  /**
   * A newly planned order is dispatched by a tick this many ms after it arrives instead of waiting for the
   * next regular one (B4: MES event to the first VDA 5050 order); orders arriving meanwhile join it, so
   * dispatch still assigns them as a batch. Default 20.
   */
  readonly promptTickMs?: number;
  /** Times each step, by event type (`fleetbridge_engine_step_duration_seconds`). */
  readonly metrics?: { engineStepStarted(event: EngineEvent['type']): () => void };
  /** The alarms; default a book of its own. */
  readonly alarms?: AlarmBook;
  /**
   * Whether robot commands may go out now: false once this instance may no longer be the engine leader
   * (its lease not renewed in time), so a leader that wakes up late sends nothing. Default: always.
   */
  readonly mayCommand?: () => boolean;
}

/**
 * Runs the pure engine in real time: feeds it events one at a time (robot events, planned orders, ticks),
 * persists the order transitions it decides, then sends its robot commands. Persist-then-act means a crash
 * can lose a command, never a decision: the restarted engine re-issues legs from stored orders.
 */
export class EngineRuntime {
  private state: EngineState;
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  readonly alarms: AlarmBook;

  constructor(private readonly options: EngineRuntimeOptions) {
    this.state = options.engine.initialState();
    this.alarms = options.alarms ?? new AlarmBook(options.clock, options.log);
  }

  /** Rebuilds state from stored open orders, layout blocks and robot holds, connects the adapters and starts ticking. */
  async start(
    openOrders: readonly TransportOrder[],
    blocks?: LayoutBlocks,
    holds?: RobotHolds,
  ): Promise<void> {
    // Dependencies that ended while the process was down: delivered ones are dropped, failed ones fail
    // their dependents right after the restore.
    const open = new Set(openOrders.map((o) => o.id));
    const closed = [...new Set(openOrders.flatMap((o) => o.dependsOn ?? []))].filter((id) => !open.has(id));
    const stored = new Map((await this.options.orders.getMany(closed)).map((o) => [o.id, o.status]));
    const ended = new Map<string, 'delivered' | 'failed' | 'cancelled'>();
    for (const id of closed) {
      const status = stored.get(id);
      ended.set(id, status !== undefined && endedUnfinished(status) ? status : 'delivered');
    }
    this.state = this.options.engine.restore(
      openOrders.flatMap((o) => {
        const order = toEngineOrder(o);
        const dependsOn = order?.dependsOn?.filter((id) => !ended.has(id));
        if (!order || dependsOn === undefined) return order ?? [];
        const { dependsOn: _d, ...rest } = order;
        return dependsOn.length > 0 ? { ...rest, dependsOn } : rest;
      }),
      blocks,
      holds,
    );
    for (const [orderId, outcome] of ended)
      if (outcome !== 'delivered') void this.submit({ type: 'order-closed', orderId, outcome });
    // Orders that end outside the engine (refused by the WMS, cancelled before planning) settle the
    // orders waiting for them.
    this.unsubscribe.push(
      this.options.orders.onChange((order) => {
        if (endedUnfinished(order.status))
          void this.submit({ type: 'order-closed', orderId: order.id, outcome: order.status });
      }),
    );
    for (const adapter of this.options.adapters) {
      this.unsubscribe.push(
        adapter.onEvent((event) => {
          this.submitRobotEvent(event);
        }),
      );
    }
    for (const adapter of this.options.adapters) await adapter.start();
    this.timer = setInterval(() => {
      void this.submit({ type: 'tick' });
    }, this.options.tickMs ?? 250);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.promptTick) clearTimeout(this.promptTick);
    for (const off of this.unsubscribe.splice(0)) off();
    await this.queue;
    for (const adapter of this.options.adapters) await adapter.stop();
  }

  /**
   * Hands a planned order to the engine (idempotent: the engine ignores an order it already has). Its
   * dependencies are looked up in the queue, after every earlier step's transitions are stored: the
   * engine gets those still open, or the one that already failed.
   */
  planned(order: TransportOrder): Promise<void> {
    const input = toPlannedInput(order);
    if (!input) return Promise.resolve();
    // Like robot events, planned orders that arrive while the queue is busy join one batch: one step.
    if (this.plannedBatch) {
      this.plannedBatch.items.push({ order, input });
      return this.plannedBatch.done;
    }
    const items = [{ order, input }];
    const done = this.enqueue(async () => {
      if (this.plannedBatch?.items === items) this.plannedBatch = undefined;
      // One read for the batch: each order's own status (cancelled or otherwise moved on since intake
      // planned it: the engine must not take it up) and its dependencies'.
      const ids = new Set(items.flatMap((i) => [i.order.id, ...(i.order.dependsOn ?? [])]));
      const stored = new Map((await this.options.orders.getMany([...ids])).map((o) => [o.id, o.status]));
      const orders: PlannedOrderInput[] = [];
      for (const { order: o, input: planned } of items) {
        if (stored.get(o.id) !== 'planned') continue;
        const { open, failed } = dependencyState(o.dependsOn ?? [], stored);
        const { dependsOn: _d, ...rest } = planned;
        orders.push({
          ...rest,
          ...(open.length > 0 ? { dependsOn: open } : {}),
          ...(failed === undefined ? {} : { failedDependency: failed }),
        });
      }
      if (orders.length > 0) {
        await this.run({ type: 'orders-planned', orders });
        this.tickForPlanned();
      }
    }, 'orders-planned');
    this.plannedBatch = { items, done };
    return done;
  }

  private promptTick: NodeJS.Timeout | undefined;

  /** A tick shortly after newly planned orders, so they are dispatched without waiting for the timer. */
  private tickForPlanned(): void {
    if (this.promptTick || !this.timer) return;
    this.promptTick = setTimeout(() => {
      this.promptTick = undefined;
      void this.submit({ type: 'tick' });
    }, this.options.promptTickMs ?? 20);
    this.promptTick.unref();
  }

  private plannedBatch:
    { items: { order: TransportOrder; input: PlannedOrderInput }[]; done: Promise<void> } | undefined;

  /**
   * Cancels an order: the engine does it for an order it holds (a load on board only with `force`; a drop
   * under way runs to its end); one it does not hold yet (still in intake) is cancelled in the store, in
   * the engine's queue, so intake cannot hand it over in between. Resolves once stored.
   */
  cancel(orderId: string, mode: 'normal' | 'force', by: string): Promise<void> {
    return this.enqueue(async () => {
      if (this.state.orders[orderId]) {
        await this.run({ type: 'order-cancel-requested', orderId, mode, by });
        return;
      }
      const order = await this.options.orders.get(orderId);
      if (order?.status === 'received' || order?.status === 'planned')
        await this.options.orders.transition(orderId, { to: 'cancelled', by, note: `cancelled (${mode})` });
    }, 'cancel');
  }

  submit(event: EngineEvent): Promise<void> {
    return this.enqueue(async () => {
      await this.run(event);
    }, event.type);
  }

  /**
   * A supervisor's intervention on a robot (`by`: the API key name), in the engine's queue like every
   * event. The engine itself decides whether the robot's state allows it when the step runs (no check
   * here against a state that queued events may change first): a refusal changes nothing and is answered.
   */
  intervene(robotId: string, action: RobotIntervention, by: string): Promise<InterventionOutcome> {
    return this.enqueue(async () => {
      const { refusal } = await this.run({ type: 'robot-intervention', robotId, action, by });
      if (refusal) return { refusal };
      this.options.log.info({ robotId, action, by }, 'robot intervention');
      return { robot: this.state.robots[robotId]! };
    }, 'robot-intervention');
  }

  /** Runs `job` after every job queued before it; a failure is logged and does not stop the queue. */
  private enqueue<T>(job: () => Promise<T>, what: string): Promise<T> {
    const run = this.queue.then(job);
    this.queue = run.then(
      () => undefined,
      (err: unknown) => {
        this.options.log.error({ err, event: what }, 'engine step failed');
      },
    );
    return run;
  }

  /** The blocked edges and nodes the engine plans around. */
  blocks(): LayoutBlocks {
    return { edges: this.state.blockedEdges, nodes: this.state.blockedNodes };
  }

  robots(): readonly RobotRuntime[] {
    return Object.values(this.state.robots);
  }

  /** The alarms kept (the last 500), newest first. An acknowledged one is a new object (diff by identity). */
  recentAlarms(): readonly Alarm[] {
    return this.alarms.recent();
  }

  /** Marks an alarm seen by `by`; see AlarmBook.acknowledge. */
  acknowledgeAlarm(id: number, by: string): Alarm | undefined {
    return this.alarms.acknowledge(id, by);
  }

  /** True when the engine holds this order (planned and not yet delivered or ended). */
  holdsOrder(orderId: string): boolean {
    return this.state.orders[orderId] !== undefined;
  }

  /** The parts of the state the fleet view shows; the same objects while nothing changed. */
  fleetState(): { readonly robots: EngineState['robots']; readonly blocks: LayoutBlocks } {
    return { robots: this.state.robots, blocks: this.blocks() };
  }

  /**
   * Robot events are applied in batches: an event joins the batch still waiting in the queue, and the
   * batch is one engine step when its turn comes. Under load (hundreds of robots) batches grow instead of
   * the queue, so orders and ticks are not starved by thousands of one-event steps.
   */
  private submitRobotEvent(event: RobotEvent): void {
    if (this.robotBatch) this.robotBatch.push(event);
    else {
      const batch = [event];
      this.robotBatch = batch;
      void this.enqueue(() => {
        if (this.robotBatch === batch) this.robotBatch = undefined;
        return this.run(
          batch.length === 1 ? { type: 'robot', event: batch[0]! } : { type: 'robots', events: batch },
        );
      }, 'robots');
    }
    // Traffic and dispatch decide on ticks: a robot that reached a node, finished an action or asks for
    // more base (O15) should not wait for the next timer tick to be released further. Coalesced: one tick
    // for a burst of events.
    const soon =
      event.type === 'node-reached' ||
      event.type === 'action-finished' ||
      (event.type === 'robot-state' && event.state.baseRequested === true);
    if (soon && !this.tickSoon) {
      this.tickSoon = true;
      setImmediate(() => {
        this.tickSoon = false;
        void this.submit({ type: 'tick' });
      });
    }
  }

  private tickSoon = false;
  private robotBatch: RobotEvent[] | undefined;

  private async run(event: EngineEvent): Promise<StepResult> {
    const stepDone = this.options.metrics?.engineStepStarted(event.type);
    // The runtime holds one state and replaces it by each result: the step may change it in place.
    const result = this.options.engine.step(this.state, event, this.options.clock.now(), {
      input: 'consumed',
    });
    this.state = result.state;
    const robotCommands: EngineCommand[] = [];
    for (const command of result.commands) {
      switch (command.type) {
        case 'order-transition':
          await this.options.orders.transition(command.orderId, {
            to: command.to,
            by: command.by ?? 'engine',
            ...(command.detail ? { note: command.detail } : {}),
            patch: {
              ...(command.robotId ? { robotId: command.robotId } : {}),
              ...(command.reason ? { failureReason: command.reason } : {}),
              ...(command.detail && command.to === 'failed' ? { failureDetail: command.detail } : {}),
            },
          });
          break;
        case 'alarm':
          this.raise(command);
          break;
        case 'robot':
          robotCommands.push(command);
          break;
      }
    }
    if (robotCommands.length > 0 && this.options.mayCommand?.() === false) {
      this.options.log.warn(
        { commands: robotCommands.length },
        'not the engine leader any more: commands not sent',
      );
      robotCommands.length = 0;
    }
    for (const command of robotCommands) {
      if (command.type !== 'robot') continue;
      const robot = this.state.robots[command.command.robotId];
      const adapter = this.options.adapters.find((a) => a.kind === robot?.spec.adapter);
      adapter?.execute(command.command);
    }
    stepDone?.();
    return result;
  }

  private raise(command: Extract<EngineCommand, { type: 'alarm' }>): void {
    const { type: _t, ...rest } = command;
    this.alarm(rest);
  }

  /** Records an alarm for operators (`GET /v1/alarms`): the engine's, and those of other services. */
  alarm(rest: NewAlarm): void {
    this.alarms.raise(rest);
  }
}

/** Of an order's dependencies, those still open, and one that ended failed or cancelled (if any). */
function dependencyState(
  ids: readonly string[],
  stored: ReadonlyMap<string, OrderStatus>,
): { open: string[]; failed?: string } {
  const open: string[] = [];
  for (const id of ids) {
    const status = stored.get(id);
    if (status === undefined) continue;
    if (endedUnfinished(status)) return { open, failed: id };
    if (!isDone(status)) open.push(id);
  }
  return { open };
}

function toPlannedInput(order: TransportOrder): PlannedOrderInput | undefined {
  if (order.fromStation === undefined || order.toStation === undefined) return undefined;
  return {
    id: order.id,
    fromStation: order.fromStation,
    toStation: order.toStation,
    priority: order.priority,
    createdAtMs: Date.parse(order.createdAt),
    ...(order.dueBy ? { dueByMs: Date.parse(order.dueBy) } : {}),
    ...(order.intendedRobot ? { intendedRobot: order.intendedRobot } : {}),
    ...(order.load.loadType ? { loadType: order.load.loadType } : {}),
    ...(order.dependsOn && order.dependsOn.length > 0 ? { dependsOn: order.dependsOn } : {}),
  };
}

/** The engine's view of a stored order; undefined for orders the engine does not hold (not yet planned, done). */
function toEngineOrder(order: TransportOrder): EngineOrder | undefined {
  const input = toPlannedInput(order);
  if (!input || order.status === 'received' || order.status === 'delivered') return undefined;
  return {
    ...input,
    status: order.status,
    ...(order.robotId ? { robotId: order.robotId } : {}),
    ...(order.heldFrom ? { heldFrom: order.heldFrom } : {}),
  };
}
