/**
 * Conformance suite for the RobotAdapter port (orchestrator/ports/robot-adapter.ts), after BullMQ's
 * adapter-conformance suite: every adapter (sim, VDA 5050, rosbridge) runs the same statements through a
 * harness. Nothing here may know which adapter it drives: only the port, the layout and events.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Layout, NodeId, StationId } from '../../orchestrator/domain/layout.ts';
import type { RobotAction, RobotCommand, RobotEvent } from '../../orchestrator/domain/robot-messages.ts';
import type { RobotAdapter } from '../../orchestrator/ports/robot-adapter.ts';
import { EventQueue, isActionFailed, isActionFinished, isNodeReached, isRobotState } from './event-queue.ts';
import type { SegmentRoute } from './route-finder.ts';

export interface ContractHarness {
  /** Built but not started: the suite subscribes first, then calls `start()`. */
  readonly adapter: RobotAdapter;
  /** Robots the adapter drives; the suite moves the first one. */
  readonly robotIds: readonly string[];
  readonly layout: Layout;
  /** Route from where `robotId` stands now to `toNodeId`, or undefined when there is none. */
  routeFor(robotId: string, toNodeId: NodeId): SegmentRoute | undefined;
  /** Releases what the harness built (the suite has already stopped the adapter). */
  cleanup(): Promise<void>;
  readonly timing?: {
    /** Longest wait for an expected event, real ms. Default 5000. */
    readonly eventTimeoutMs?: number;
    /**
     * Real ms in which a moving robot certainly reports progress (reaches a node); absences (paused,
     * stopped) are checked over this window. Default 250.
     */
    readonly quietMs?: number;
  };
}

interface Goal {
  readonly route: SegmentRoute;
  readonly stationId?: StationId;
}

let taskSeq = 0;

export function robotAdapterContract(name: string, makeHarness: () => Promise<ContractHarness>): void {
  describe(`RobotAdapter contract: ${name}`, () => {
    let h: ContractHarness;
    let events: EventQueue;
    let stopped = false;
    let quietMs = 250;

    beforeEach(async () => {
      h = await makeHarness();
      events = new EventQueue(h.adapter, h.timing?.eventTimeoutMs ?? 5_000);
      quietMs = h.timing?.quietMs ?? 250;
      stopped = false;
    });

    afterEach(async () => {
      events.close();
      if (!stopped) await h.adapter.stop();
      await h.cleanup();
    });

    const robot = (): string => {
      const id = h.robotIds[0];
      if (id === undefined) throw new Error('the harness gave no robots');
      return id;
    };

    /** Starts the adapter and returns the node the first robot stands on. */
    async function startAndLocate(): Promise<NodeId> {
      await h.adapter.start();
      const state = await events.next(
        'first robot-state with a node',
        isRobotState(robot(), (s) => s.nodeId !== undefined),
        { from: 0 },
      );
      return state.state.nodeId!;
    }

    /** The shortest route of at least `minNodes` nodes from where the robot stands, to a station node when asked. */
    function goal(minNodes: number, options: { atStation?: boolean; avoid?: readonly NodeId[] } = {}): Goal {
      const stationOf = new Map(h.layout.stations.flatMap((s) => s.nodeIds.map((n) => [n, s.id] as const)));
      const candidates = options.atStation ? [...stationOf.keys()] : h.layout.nodes.map((n) => n.id);
      let best: Goal | undefined;
      for (const nodeId of candidates) {
        if (options.avoid?.includes(nodeId)) continue;
        const route = h.routeFor(robot(), nodeId);
        if (!route || route.nodes.length < minNodes) continue;
        if (best && best.route.nodes.length <= route.nodes.length) continue;
        const stationId = stationOf.get(nodeId);
        best = { route, ...(stationId === undefined ? {} : { stationId }) };
      }
      if (!best) throw new Error(`layout ${h.layout.id} has no route of ${minNodes}+ nodes for ${robot()}`);
      return best;
    }

    /** A release-segment over `route`, with `lastActions` on its final node. */
    function segment(route: SegmentRoute, lastActions: readonly RobotAction[] = []): RobotCommand {
      taskSeq += 1;
      return {
        type: 'release-segment',
        robotId: robot(),
        taskId: `contract-task-${taskSeq}`,
        nodes: route.nodes.map((nodeId, i) => ({
          nodeId,
          actions: i === route.nodes.length - 1 ? lastActions : [],
        })),
        edgeIds: route.edgeIds,
      };
    }

    function action(type: RobotAction['type'], g: Goal, loadId: string): RobotAction {
      taskSeq += 1;
      return {
        actionId: `contract-${type}-${taskSeq}`,
        type,
        loadId,
        ...(g.stationId === undefined ? {} : { stationId: g.stationId }),
      };
    }

    const last = (route: SegmentRoute): NodeId => route.nodes.at(-1)!;
    const nodesReached = (list: readonly RobotEvent[]): NodeId[] =>
      list.flatMap((e) => (e.type === 'node-reached' && e.robotId === robot() ? [e.nodeId] : []));

    it('when the adapter starts, then every robot reports connection online and a robot-state with its node', async () => {
      await h.adapter.start();
      expect(h.robotIds.length).toBeGreaterThan(0);
      for (const id of h.robotIds) {
        await events.next(
          `${id} online`,
          (e) => e.type === 'connection' && e.robotId === id && e.state === 'online',
          { from: 0 },
        );
        const state = await events.next(`${id} robot-state`, isRobotState(id), { from: 0 });
        expect(state.state.nodeId, `${id} nodeId`).toBeDefined();
        expect(
          h.layout.nodes.some((n) => n.id === state.state.nodeId),
          `${id} stands on a layout node`,
        ).toBe(true);
      }
    });

    it('when a segment is released, then the robot reports every node in order and ends at the goal', async () => {
      await startAndLocate();
      const { route } = goal(4);
      const mark = events.mark();
      h.adapter.execute(segment(route));
      await events.next('node-reached at the goal', isNodeReached(robot(), last(route)));
      expect(nodesReached(events.since(mark))).toEqual(route.nodes.slice(1));
      const state = await events.next(
        'robot-state at the goal',
        isRobotState(robot(), (s) => s.nodeId === last(route) && !s.driving),
      );
      expect(state.state.nodeId).toBe(last(route));
    });

    it('when a pick runs on the last node, then it finishes and the robot reports the load on board', async () => {
      await startAndLocate();
      const g = goal(3, { atStation: true });
      const pick = action('pick', g, `load-${taskSeq}`);
      h.adapter.execute(segment(g.route, [pick]));
      await events.next('node-reached at the pick node', isNodeReached(robot(), last(g.route)));
      await events.next('pick finished', isActionFinished(robot(), pick.actionId));
      await events.next(
        'robot-state with the load',
        isRobotState(robot(), (s) => s.loads?.includes(pick.loadId!) === true),
      );
      expect(events.since(0).some(isActionFailed(robot(), pick.actionId))).toBe(false);
    });

    it('when a drop runs after a pick, then the robot no longer reports the load', async () => {
      await startAndLocate();
      const from = goal(3, { atStation: true });
      const loadId = `load-drop-${taskSeq}`;
      const pick = action('pick', from, loadId);
      h.adapter.execute(segment(from.route, [pick]));
      await events.next('pick finished', isActionFinished(robot(), pick.actionId));
      await events.next(
        'robot-state with the load',
        isRobotState(robot(), (s) => s.loads?.includes(loadId) === true),
      );

      const to = goal(2, { atStation: true, avoid: [last(from.route)] });
      const drop = action('drop', to, loadId);
      h.adapter.execute(segment(to.route, [drop]));
      await events.next('drop finished', isActionFinished(robot(), drop.actionId));
      const state = await events.next(
        'robot-state without the load',
        isRobotState(robot(), (s) => s.loads !== undefined && !s.loads.includes(loadId)),
      );
      expect(state.state.nodeId).toBe(last(to.route));
    });

    it('when the task is cancelled on a long segment, then the robot stops before its end and the pick there never runs', async () => {
      const home = await startAndLocate();
      const g = goal(12, { atStation: true });
      const pick = action('pick', g, `load-cancel-${taskSeq}`);
      h.adapter.execute(segment(g.route, [pick]));
      await events.next('first node on the way', isNodeReached(robot(), g.route.nodes[1]));
      const mark = events.mark();
      h.adapter.execute({ type: 'cancel-task', robotId: robot() });
      const stoppedAt = await events.next(
        'robot-state standing still',
        isRobotState(robot(), (s) => !s.driving && !s.paused),
        { from: mark },
      );
      // "Stop at the next node" (port contract): at most one more node after the cancel.
      expect(nodesReached(events.since(mark)).length).toBeLessThanOrEqual(1);
      expect(stoppedAt.state.nodeId).not.toBe(last(g.route));

      // Barrier instead of a sleep: a new task driven to its end proves the old one is gone for good.
      const back = h.routeFor(robot(), home);
      expect(back, 'route back home').toBeDefined();
      h.adapter.execute(segment(back!));
      await events.next('back home', isNodeReached(robot(), home), { from: mark });
      expect(nodesReached(events.since(0))).not.toContain(last(g.route));
      expect(events.since(0).some(isActionFinished(robot(), pick.actionId))).toBe(false);
    });

    it('when the robot is paused, then it makes no progress, and when resumed, then it drives on to the goal', async () => {
      await startAndLocate();
      const { route } = goal(12);
      const mark = events.mark();
      h.adapter.execute(segment(route));
      await events.next('first node on the way', isNodeReached(robot(), route.nodes[1]));
      h.adapter.execute({ type: 'pause', robotId: robot() });
      await events.next(
        'robot-state paused',
        isRobotState(robot(), (s) => s.paused),
      );
      await events.expectNone('node-reached while paused', isNodeReached(robot()), quietMs, events.position);

      h.adapter.execute({ type: 'resume', robotId: robot() });
      await events.next('node-reached at the goal', isNodeReached(robot(), last(route)));
      expect(nodesReached(events.since(mark))).toEqual(route.nodes.slice(1));
    });

    it('when a segment does not start where the robot stands, then each of its actions fails and the robot stays', async () => {
      const home = await startAndLocate();
      const g = goal(3, { atStation: true });
      const wrong: SegmentRoute = { nodes: g.route.nodes.slice(1), edgeIds: g.route.edgeIds.slice(1) };
      const first = action('pick', g, `load-wrong-a-${taskSeq}`);
      const pick = action('pick', g, `load-wrong-b-${taskSeq}`);
      const command = segment(wrong, [pick]);
      if (command.type !== 'release-segment') throw new Error('unreachable');
      const [head, ...tail] = command.nodes;
      h.adapter.execute({ ...command, nodes: [{ ...head!, actions: [first] }, ...tail] });
      await events.next('first action failed', isActionFailed(robot(), first.actionId), { from: 0 });
      await events.next('pick failed', isActionFailed(robot(), pick.actionId), { from: 0 });

      // The robot did not move: a valid segment from home is driven from its first edge.
      const mark = events.mark();
      h.adapter.execute(segment(g.route));
      await events.next('goal of the valid segment', isNodeReached(robot(), last(g.route)));
      expect(nodesReached(events.since(0))).toEqual(g.route.nodes.slice(1));
      expect(g.route.nodes[0]).toBe(home);
      expect(events.since(mark).some((e) => e.type === 'action-finished')).toBe(false);
    });

    it('when a listener unsubscribes, then it receives no further events', async () => {
      const seen: RobotEvent[] = [];
      const unsubscribe = h.adapter.onEvent((e) => seen.push(e));
      await startAndLocate();
      expect(seen.length).toBeGreaterThan(0);
      unsubscribe();
      const before = seen.length;
      const { route } = goal(3);
      h.adapter.execute(segment(route));
      await events.next('node-reached at the goal', isNodeReached(robot(), last(route)));
      expect(seen.length).toBe(before);
    });

    it('when the adapter is stopped mid-segment, then stop resolves and no event arrives after it', async () => {
      await startAndLocate();
      const { route } = goal(12);
      h.adapter.execute(segment(route));
      await events.next('first node on the way', isNodeReached(robot(), route.nodes[1]));
      await h.adapter.stop();
      stopped = true;
      await events.expectNone('event after stop()', () => true, quietMs);
    });
  });
}
