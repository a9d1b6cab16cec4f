import type { OrderId } from '../domain/transport-order.ts';
import type { RobotId } from '../domain/robot.ts';
import type { EdgeId, NodeId } from '../domain/layout.ts';
import type { EngineCommand, EngineOrder, EngineState, RobotRuntime } from './engine-types.ts';

/**
 * The orders of one order book in insertion order (as `Object.values` gives them), kept beside it so that
 * listing them costs no walk of a dictionary-mode object (27 ms for 60,000 orders) on every step. Removed
 * orders leave a hole until the holes are half the slots.
 */
interface OrderList {
  slots: (EngineOrder | undefined)[];
  readonly at: Map<OrderId, number>;
  /** The ids of the orders on hold: what each tick looks at for reassignment, without a walk of all. */
  readonly held: Set<OrderId>;
  /** `slots` without the holes, until the next change. */
  live: EngineOrder[] | undefined;
}

/** Per order book (a record no one changes but its in-place step), its list; built on first use. */
const orderLists = new WeakMap<Record<OrderId, EngineOrder>, OrderList>();

function orderListOf(orders: Record<OrderId, EngineOrder>): OrderList {
  let list = orderLists.get(orders);
  if (!list) {
    const slots = Object.values(orders);
    // `live` is never `slots` itself: a caller may loop over it while the step sets orders.
    list = {
      slots,
      at: new Map(slots.map((o, i) => [o.id, i])),
      held: new Set(slots.filter((o) => o.status === 'on-hold').map((o) => o.id)),
      live: undefined,
    };
    orderLists.set(orders, list);
  }
  return list;
}

/**
 * Working set for one `step`. The robots and blocks of the input state are never mutated: only the records
 * a step touches are copied. The order book is copied on first change too (`copy-on-write`, the default),
 * or changed in place (`in-place`: the caller consumes its input state, see `StepOptions`), so that a step
 * costs what it changes, not the size of the order book.
 */
export class StepContext {
  private robots: Record<RobotId, RobotRuntime>;
  private orders: Record<OrderId, EngineOrder>;
  private robotsCopied = false;
  private ordersCopied = false;
  private seq: number;
  private blockedEdges: EngineState['blockedEdges'];
  private blockedNodes: EngineState['blockedNodes'];
  readonly commands: EngineCommand[] = [];

  constructor(
    state: EngineState,
    /** Milliseconds since epoch: the `now` the step was given. */
    readonly nowMs: number,
    /** The edges closed by the blocked edges and nodes (EngineContext caches it per pair of lists). */
    private readonly closedBy: (edges: readonly EdgeId[], nodes: readonly NodeId[]) => ReadonlySet<EdgeId> = (
      edges,
    ) => new Set(edges),
    private readonly mode: { readonly orders: 'copy-on-write' | 'in-place' } = { orders: 'copy-on-write' },
  ) {
    this.robots = state.robots;
    this.orders = state.orders;
    this.seq = state.seq;
    this.blockedEdges = state.blockedEdges;
    this.blockedNodes = state.blockedNodes;
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

  /** The orders on hold, in the order `allOrders` lists them. */
  ordersOnHold(): EngineOrder[] {
    const list = orderListOf(this.orders);
    return [...list.held]
      .map((id) => ({ at: list.at.get(id) ?? 0, order: this.orders[id] }))
      .sort((a, b) => a.at - b.at)
      .flatMap(({ order }) => (order ? [order] : []));
  }

  /** Every order, in the order they were first set; the caller must not change the array. */
  allOrders(): EngineOrder[] {
    const list = orderListOf(this.orders);
    list.live ??= list.slots.filter((o): o is EngineOrder => o !== undefined);
    return list.live;
  }

  /**
   * The edges no robot may be released onto: the blocked ones and those into blocked nodes. One set per
   * step (dispatch asks per order and robot), the same object while the blocks stay the same.
   */
  blocked(): ReadonlySet<EdgeId> {
    this.blockedSet ??= this.closedBy(this.blockedEdges, this.blockedNodes);
    return this.blockedSet;
  }

  private blockedSet: ReadonlySet<EdgeId> | undefined;

  /** Blocks or unblocks an edge or node; returns false when nothing changed. */
  setBlocked(target: 'edge' | 'node', id: string, blocked: boolean): boolean {
    const list = target === 'edge' ? this.blockedEdges : this.blockedNodes;
    if (list.includes(id) === blocked) return false;
    const next = blocked ? [...list, id].sort() : list.filter((x) => x !== id);
    if (target === 'edge') this.blockedEdges = next;
    else this.blockedNodes = next;
    this.blockedSet = undefined;
    return true;
  }

  blocks(): { readonly edges: readonly EdgeId[]; readonly nodes: readonly NodeId[] } {
    return { edges: this.blockedEdges, nodes: this.blockedNodes };
  }

  setRobot(robot: RobotRuntime): void {
    if (!this.robotsCopied) {
      this.robots = { ...this.robots };
      this.robotsCopied = true;
    }
    this.robots[robot.spec.id] = robot;
  }

  setOrder(order: EngineOrder): void {
    this.writableOrders();
    const list = orderLists.get(this.orders);
    if (list) {
      const at = list.at.get(order.id);
      if (at === undefined) {
        list.at.set(order.id, list.slots.length);
        list.slots.push(order);
      } else list.slots[at] = order;
      if (order.status === 'on-hold') list.held.add(order.id);
      else list.held.delete(order.id);
      list.live = undefined;
    }
    this.orders[order.id] = order;
  }

  removeOrder(id: OrderId): void {
    if (!(id in this.orders)) return;
    this.writableOrders();
    const list = orderLists.get(this.orders);
    const at = list?.at.get(id);
    if (list && at !== undefined) {
      list.slots[at] = undefined;
      list.at.delete(id);
      list.held.delete(id);
      list.live = undefined;
      if (list.at.size * 2 < list.slots.length) orderLists.delete(this.orders); // rebuilt when next asked
    }
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a record keyed by order id
    delete this.orders[id];
  }

  /** Copies the order book on the first change of a copy-on-write step; in place, there is nothing to do. */
  private writableOrders(): void {
    if (this.ordersCopied || this.mode.orders === 'in-place') return;
    this.orders = { ...this.orders };
    this.ordersCopied = true;
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  emit(command: EngineCommand): void {
    this.commands.push(command);
  }

  finish(): EngineState {
    return {
      robots: this.robots,
      orders: this.orders,
      blockedEdges: this.blockedEdges,
      blockedNodes: this.blockedNodes,
      seq: this.seq,
    };
  }
}
