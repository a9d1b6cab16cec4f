import type { OrderId } from '../domain/transport-order.ts';
import type { RobotId } from '../domain/robot.ts';
import type { EngineCommand, EngineOrder, EngineState, RobotRuntime } from './engine-types.ts';

/**
 * Copy-on-write working set for one `step`: the input state is never mutated, and only the records a step
 * touches are copied, so a step costs what it changes, not the size of the fleet or the order book.
 */
export class StepContext {
  private robots: Record<RobotId, RobotRuntime>;
  private orders: Record<OrderId, EngineOrder>;
  private robotsCopied = false;
  private ordersCopied = false;
  private seq: number;
  private blockedEdges: EngineState['blockedEdges'];
  readonly commands: EngineCommand[] = [];

  constructor(
    state: EngineState,
    /** Milliseconds since epoch: the `now` the step was given. */
    readonly nowMs: number,
  ) {
    this.robots = state.robots;
    this.orders = state.orders;
    this.seq = state.seq;
    this.blockedEdges = state.blockedEdges;
  }

  robot(id: RobotId): RobotRuntime | undefined {
    return this.robots[id];
  }

  order(id: OrderId): EngineOrder | undefined {
    return this.orders[id];
  }

  allRobots(): RobotRuntime[] {
    return Object.values(this.robots);
  }

  allOrders(): EngineOrder[] {
    return Object.values(this.orders);
  }

  /** The blocked edges as a set; built once per step (dispatch asks for it per order and robot). */
  blocked(): ReadonlySet<string> {
    this.blockedSet ??= new Set(this.blockedEdges);
    return this.blockedSet;
  }

  private blockedSet: ReadonlySet<string> | undefined;

  setRobot(robot: RobotRuntime): void {
    if (!this.robotsCopied) {
      this.robots = { ...this.robots };
      this.robotsCopied = true;
    }
    this.robots[robot.spec.id] = robot;
  }

  setOrder(order: EngineOrder): void {
    if (!this.ordersCopied) {
      this.orders = { ...this.orders };
      this.ordersCopied = true;
    }
    this.orders[order.id] = order;
  }

  removeOrder(id: OrderId): void {
    if (!(id in this.orders)) return;
    if (!this.ordersCopied) {
      this.orders = { ...this.orders };
      this.ordersCopied = true;
    }
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a record keyed by order id
    delete this.orders[id];
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  emit(command: EngineCommand): void {
    this.commands.push(command);
  }

  finish(): EngineState {
    return { robots: this.robots, orders: this.orders, blockedEdges: this.blockedEdges, seq: this.seq };
  }
}
