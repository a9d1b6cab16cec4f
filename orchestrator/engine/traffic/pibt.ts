import type { NodeId } from '../../domain/layout.ts';
import type { RobotId } from '../../domain/robot.ts';
import type { RobotRuntime } from '../engine-types.ts';

/**
 * One planning round of asynchronous PIBT (Okumura et al., "Priority Inheritance with Backtracking for
 * Iterative Multi-agent Path Finding", AIJ 2022), adapted to robots that arrive at nodes at different
 * times:
 *
 * - Reservations: a robot always holds the node it stands on; a robot released onto an edge holds both its
 *   ends until it reports the far one. So two robots never share a node and never swap along an edge,
 *   whatever their speeds: collision freedom does not depend on timing.
 * - Each round, robots at rest choose their next node (or stay) in priority order; a robot that wants a
 *   node where a lower-priority robot rests pushes it (priority inheritance), and if the pushed robot
 *   cannot move, the pusher backtracks to its next choice. Nodes held by moving robots are simply waited for.
 * - Priority: earlier goal start goes first (PIBT's "time since last goal"), so every waiting robot ages
 *   into the top spot, and PIBT moves the top robot towards its goal.
 * - Swap situations (PIBT's known gap, typical at dead-end stations): when a pushed robot is cornered in a
 *   dead end and its own best move is the pusher's node, it inherits a priority above the pusher, so next
 *   round the pusher gives way instead of both waiting forever. A pushed robot steps off the pusher's way
 *   (into a side pocket or a side aisle) before it considers its own cost: retreating into the pusher's
 *   goal, even when that is its own cheapest move, only swaps the two roles and they trade places forever
 *   (two robots in facing bins, each bound for the other's).
 * - An idle robot cornered in a dead end that another robot is bound for (a bin, a station) cannot be
 *   pushed anywhere: it is given a place to go out of the dead end, and then the swap rule above applies.
 * - A robot never follows into a node another robot is leaving in the same round (arrivals are not
 *   synchronous); it moves the round after.
 *
 * Why not a library: no maintained JS library plans time-aware multi-robot traffic; ngraph.path is
 * single-agent and has no notion of time (STYLE.md, "Known traps").
 */

export interface TrafficAgent {
  readonly id: RobotId;
  readonly node: NodeId;
  /** Where it wants to go; its own node for an idle robot (it moves only when pushed). */
  readonly goal: NodeId;
  /** Lower goes first. */
  readonly priority: number;
}

export interface TrafficGraph {
  /** Nodes reachable in one edge from `node` for this agent (edge allowed, node not blocked). */
  neighbours(agent: TrafficAgent, node: NodeId): readonly NodeId[];
  /** Seconds from `node` to the agent's goal; Infinity when unreachable. */
  cost(agent: TrafficAgent, node: NodeId): number;
}

export interface TrafficPlan {
  /** Agents that move this round, to the node they move to. */
  readonly moves: ReadonlyMap<RobotId, NodeId>;
  /** Agents that must outrank `above` next round (swap resolution): new priority per robot. */
  readonly boosts: ReadonlyMap<RobotId, number>;
  /**
   * Idle agents cornered in a dead end that is another agent's goal: only they can clear the way, by
   * leaving through the node the other stands on, so they need somewhere to go.
   */
  readonly evictions: ReadonlySet<RobotId>;
}

/**
 * Plans one round. `held` are nodes no agent may enter (robots on edges, robots that cannot move);
 * agents are robots at rest that may move.
 */
export function planRound(
  agents: readonly TrafficAgent[],
  held: ReadonlySet<NodeId>,
  graph: TrafficGraph,
): TrafficPlan {
  const ordered = [...agents].sort(
    (a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const occupant = new Map<NodeId, TrafficAgent>();
  for (const a of ordered) occupant.set(a.node, a);
  const next = new Map<RobotId, NodeId>();
  const taken = new Map<NodeId, RobotId>();
  const boosts = new Map<RobotId, number>();
  const evictions = new Set<RobotId>();

  /**
   * A pushed robot first avoids the nodes on its pusher's way (those nearer the pusher's goal than the
   * node the pusher takes); then cheaper first, then staying, then node id: deterministic.
   */
  const candidatesOf = (a: TrafficAgent, pusher?: TrafficAgent): NodeId[] => {
    const options = [a.node, ...graph.neighbours(a, a.node)];
    const cost = new Map(options.map((n) => [n, graph.cost(a, n)]));
    const inWay = (n: NodeId): number =>
      pusher && graph.cost(pusher, n) < graph.cost(pusher, a.node) ? 1 : 0;
    return options.sort(
      (x, y) =>
        inWay(x) - inWay(y) ||
        cost.get(x)! - cost.get(y)! ||
        (x === a.node ? -1 : y === a.node ? 1 : x < y ? -1 : x > y ? 1 : 0),
    );
  };

  const stay = (a: TrafficAgent): void => {
    next.set(a.id, a.node);
    taken.set(a.node, a.id);
  };

  /** Agents on the current push chain: they leave only after the ones they push, so none can be pushed into. */
  const chain = new Set<RobotId>();

  const pibt = (a: TrafficAgent, caller: TrafficAgent | undefined): boolean => {
    const candidates = candidatesOf(a, caller);
    chain.add(a.id);
    try {
      return tryCandidates(a, caller, candidates);
    } finally {
      chain.delete(a.id);
    }
  };

  const tryCandidates = (
    a: TrafficAgent,
    caller: TrafficAgent | undefined,
    candidates: readonly NodeId[],
  ): boolean => {
    for (const c of candidates) {
      if (taken.has(c) || held.has(c)) continue;
      if (caller && c === caller.node) continue; // moving into the pusher's node would be a swap
      if (graph.cost(a, c) === Infinity && c !== a.node) continue;
      const b = occupant.get(c);
      // A push chain closing on itself is a rotation: fine when everyone moves at once, impossible for
      // robots that each wait until the node ahead is empty.
      if (b && b.id !== a.id && chain.has(b.id)) continue;
      next.set(a.id, c);
      taken.set(c, a.id);
      if (b && b.id !== a.id && !next.has(b.id)) {
        if (!pibt(b, a)) {
          // b stays on c (pibt set that). The swap case: b is cornered (a dead end whose only way out is a's
          // node) and wants out through it. Then b outranks a next round and a gives way; a mere wait for
          // a moving robot is no reason to reorder (that would make the two trade places forever).
          const cornered = graph.neighbours(b, b.node).every((n) => n === a.node);
          if (cornered && b.goal !== b.node && candidatesOf(b)[0] === a.node) {
            boosts.set(b.id, Math.min(boosts.get(b.id) ?? Infinity, a.priority - 1));
          }
          if (cornered && b.goal === b.node && a.goal === c) evictions.add(b.id);
          continue;
        }
      }
      return c !== a.node || !caller;
    }
    stay(a);
    return false;
  };

  for (const a of ordered) if (!next.has(a.id)) pibt(a, undefined);

  const moves = new Map<RobotId, NodeId>();
  for (const a of ordered) {
    const to = next.get(a.id);
    if (to !== undefined && to !== a.node) moves.set(a.id, to);
  }
  return { moves, boosts, evictions };
}

/** Robots at rest that traffic may move this round. */
export function isMovable(robot: RobotRuntime): boolean {
  return robot.moving === undefined && mayBeReleased(robot);
}

/**
 * Robots traffic may release further edges to, at rest or under way: located, online, willing (not paused
 * by itself or a supervisor), free.
 */
export function mayBeReleased(robot: RobotRuntime): boolean {
  return (
    robot.nodeId !== undefined &&
    robot.reported &&
    robot.connection === 'online' &&
    robot.mode === 'automatic' &&
    !robot.paused &&
    !robot.operatorPaused &&
    robot.task?.kind !== 'resync' &&
    !(robot.task?.kind === 'order-leg' && robot.task.phase === 'acting') &&
    !(robot.task?.kind === 'charge' && robot.task.phase === 'charging') &&
    !robot.errors.some((e) => e.level === 'fatal')
  );
}
