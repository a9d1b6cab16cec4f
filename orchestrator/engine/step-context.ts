import type { OrderId } from '../domain/transport-order.ts';
import type { RobotId } from '../domain/robot.ts';
import type { EdgeId, NodeId } from '../domain/layout.ts';
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

  allOrders(): EngineOrder[] {
    return Object.values(this.orders);
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
    return {
      robots: this.robots,
      orders: this.orders,
      blockedEdges: this.blockedEdges,
      blockedNodes: this.blockedNodes,
      seq: this.seq,
    };
  }
}
