/**
 * The rosbridge adapter against the faults our rosbridge simulator injects (its fault API), both
 * profiles where they differ: a ROS 2 goal that is never answered, goals the robot aborts or rejects, poses
 * that stop, the bridge dying and coming back, and the default charging service.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  RosbridgeRobotAdapter,
  type RosRobotConfig,
} from '../../adapters/rosbridge/rosbridge-robot-adapter.ts';
import type { RosProfile } from '../../adapters/rosbridge/ros-names.ts';
import type { Layout } from '../../orchestrator/domain/layout.ts';
import type { RobotAction, RobotCommand } from '../../orchestrator/domain/robot-messages.ts';
import { RosbridgeFleet } from '../../simulators/rosbridge-fleet/rosbridge-fleet.ts';
import {
  EventQueue,
  isActionFailed,
  isActionFinished,
  isNodeReached,
  isRobotState,
} from '../contract/event-queue.ts';

const ROBOT = 'R1';
const IDS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
const layout: Layout = {
  id: 'line',
  name: 'line',
  version: '1',
  nodes: IDS.map((id, i) => ({ id, x: 2 * i, y: 0, mapId: 'm' })),
  edges: IDS.slice(1).flatMap((to, i) => [
    { id: `${IDS[i]!}-${to}`, from: IDS[i]!, to, lengthM: 2 },
    { id: `${to}-${IDS[i]!}`, from: to, to: IDS[i]!, lengthM: 2 },
  ]),
  stations: [],
};

function release(
  nodeIds: readonly string[],
  lastActions: readonly RobotAction[] = [],
): Extract<RobotCommand, { type: 'release-segment' }> {
  return {
    type: 'release-segment',
    robotId: ROBOT,
    taskId: `task-${nodeIds.join('')}`,
    nodes: nodeIds.map((nodeId, i) => ({ nodeId, actions: i === nodeIds.length - 1 ? lastActions : [] })),
    edgeIds: nodeIds.slice(1).map((to, i) => `${nodeIds[i]!}-${to}`),
  };
}

describe('RosbridgeRobotAdapter on the rosbridge simulator fault API', () => {
  let sim: RosbridgeFleet;
  let adapter: RosbridgeRobotAdapter;
  let events: EventQueue;

  afterEach(async () => {
    events.close();
    await adapter.stop();
    await sim.close();
  });

  async function start(
    profile: RosProfile,
    speedup = 10,
    staleAfterMs = 5000,
    actions?: RosRobotConfig['actions'],
  ): Promise<void> {
    sim = await RosbridgeFleet.start({
      robots: [{ name: 'amr1', profile, start: { x: 0, y: 0, thetaRad: 0 } }],
      speedup,
    });
    adapter = new RosbridgeRobotAdapter({
      layout,
      robots: [
        { robotId: ROBOT, url: sim.url, profile, namespace: '/amr1', ...(actions ? { actions } : {}) },
      ],
      goalAcceptTimeoutMs: 600,
      staleAfterMs,
      reconnect: { initialMs: 100, maxMs: 400 },
    });
    events = new EventQueue(adapter, 8000);
    await adapter.start();
    await events.next(
      'robot-state on A',
      isRobotState(ROBOT, (s) => s.nodeId === 'A'),
      { from: 0 },
    );
  }

  /** Awaits the simulated robot's map x passing a test (bounded polling of the simulator's own state). */
  async function simPose(test: (x: number) => boolean): Promise<void> {
    const end = Date.now() + 5000;
    while (!test(sim.robot('amr1').snapshot().pose.x)) {
      if (Date.now() > end) throw new Error('the simulated robot did not get there');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  const fault = (code: string) =>
    isRobotState(ROBOT, (s) => s.errors.some((e) => e.code === code && e.level === 'fatal'));

  it('when a ROS 2 goal is never answered (rejected), then after goalAcceptTimeoutMs the robot is goal-aborted and the actions fail', async () => {
    await start('ros2-nav2');
    sim.robot('amr1').rejectNextGoal();
    const drop: RobotAction = { actionId: 'drop-r', type: 'drop', loadId: 'L' };
    adapter.execute(release(['A', 'B', 'C'], [drop]));
    const failed = await events.next('drop failed', isActionFailed(ROBOT, 'drop-r'));
    expect(failed.reason).toMatch(/no answer to the goal to B within 600 ms/);
    await events.next('goal-aborted', fault('goal-aborted'), { from: 0 });
    expect(events.since(0).some(isNodeReached(ROBOT, 'B'))).toBe(false);
  });

  it('when a ROS 1 goal is rejected, then the robot is goal-aborted with the rejection', async () => {
    await start('ros1-move-base');
    sim.robot('amr1').rejectNextGoal();
    adapter.execute(release(['A', 'B']));
    const state = await events.next('goal-aborted', fault('goal-aborted'));
    expect(state.state.errors.find((e) => e.code === 'goal-aborted')?.message).toMatch(/^goal rejected/);
  });

  it.each(['ros1-move-base', 'ros2-nav2'] as const)(
    'when the robot aborts its goal mid-route (%s), then the fault carries its text, the actions fail, and a new release clears it',
    async (profile) => {
      await start(profile, 2);
      const pick: RobotAction = { actionId: `pick-${profile}`, type: 'pick', loadId: 'L' };
      adapter.execute(release(['A', 'B', 'C', 'D', 'E'], [pick]));
      await events.next('node-reached B', isNodeReached(ROBOT, 'B'));
      // The goal to C left when B was reached; abort that one, once the robot is on its way to C.
      await simPose((x) => x > 2.6);
      expect(sim.robot('amr1').abortGoal('stuck behind a pallet')).toBe(true);
      await events.next('pick failed', isActionFailed(ROBOT, pick.actionId));
      const state = await events.next('goal-aborted', fault('goal-aborted'), { from: 0 });
      expect(state.state.errors.find((e) => e.code === 'goal-aborted')?.message).toMatch(
        /stuck behind a pallet/,
      );
      expect(state.state.routeNodeIds).toEqual([]);
      expect(state.state.driving).toBe(false);
      const at = state.state.nodeId!;
      const back = IDS.slice(0, IDS.indexOf(at) + 1).reverse();
      adapter.execute(release(back));
      await events.next('home again', isNodeReached(ROBOT, 'A'));
      await events.next(
        'fault cleared',
        isRobotState(ROBOT, (s) => s.errors.every((e) => e.code !== 'goal-aborted')),
      );
    },
  );

  it('when poses stop, then the robot is pose-stale (fatal) and when they come back, then it is cleared', async () => {
    await start('ros2-nav2', 10, 400);
    sim.robot('amr1').stopPublishingPoses();
    const stale = await events.next('pose-stale', fault('pose-stale'));
    expect(stale.state.errors.find((e) => e.code === 'pose-stale')?.message).toMatch(/nor odometry/);
    sim.robot('amr1').resumePublishingPoses();
    await events.next(
      'pose-stale cleared',
      isRobotState(ROBOT, (s) => s.errors.every((e) => e.code !== 'pose-stale')),
    );
  });

  it('when the bridge dies mid-route and comes back (ros2-nav2), then the robot goes offline, the goal is sent again and the route completes once', async () => {
    await start('ros2-nav2', 2);
    const drop: RobotAction = { actionId: 'drop-k', type: 'drop', loadId: 'L' };
    const mark = events.mark();
    adapter.execute(release(['A', 'B', 'C', 'D', 'E', 'F'], [drop]));
    await events.next('node-reached B', isNodeReached(ROBOT, 'B'));
    await sim.killServer();
    await events.next('offline', (e) => e.type === 'connection' && e.state === 'offline');
    await sim.restartServer();
    await events.next('online', (e) => e.type === 'connection' && e.state === 'online');
    await events.next('drop finished', isActionFinished(ROBOT, 'drop-k'), { timeoutMs: 15_000 });
    const reached = events.since(mark).flatMap((e) => (e.type === 'node-reached' ? [e.nodeId] : []));
    expect(reached).toEqual(['B', 'C', 'D', 'E', 'F']);
    expect(
      events.since(mark).filter((e) => e.type === 'action-finished' || e.type === 'action-failed'),
    ).toHaveLength(1);
    expect(sim.robot('amr1').snapshot().pose.x).toBeCloseTo(10, 1);
  });

  it('when start-charging and stop-charging run, then the default set_charging service switches the charge', async () => {
    await start('ros1-move-base');
    const on: RobotAction = { actionId: 'chg-on', type: 'start-charging' };
    adapter.execute(release(['A', 'B'], [on]));
    await events.next('start-charging finished', isActionFinished(ROBOT, 'chg-on'));
    await events.next(
      'charging',
      isRobotState(ROBOT, (s) => s.charging),
    );
    expect(sim.robot('amr1').snapshot().charging).toBe(true);
    const off: RobotAction = { actionId: 'chg-off', type: 'stop-charging' };
    adapter.execute({
      ...release(['B', 'C']),
      nodes: [
        { nodeId: 'B', actions: [off] },
        { nodeId: 'C', actions: [] },
      ],
    });
    await events.next('stop-charging finished', isActionFinished(ROBOT, 'chg-off'));
    await events.next('node-reached C', isNodeReached(ROBOT, 'C'));
    expect(sim.robot('amr1').snapshot().charging).toBe(false);
  });

  it('when only part of a route is released, then the robot stops on its last node, and a continuation of the task drives on', async () => {
    await start('ros2-nav2', 4);
    const first = { ...release(['A', 'B', 'C']), taskId: 'long' };
    adapter.execute(first);
    await events.next('node-reached B', isNodeReached(ROBOT, 'B'));
    await events.next(
      'standing on C',
      isRobotState(ROBOT, (s) => s.nodeId === 'C' && !s.driving),
    );
    expect(sim.robot('amr1').snapshot().pose.x).toBeCloseTo(4, 1); // never beyond what was released
    const mark = events.mark();
    adapter.execute({ ...release(['C', 'D', 'E']), taskId: 'long' });
    await events.next('node-reached E', isNodeReached(ROBOT, 'E'));
    expect(events.since(mark).flatMap((e) => (e.type === 'node-reached' ? [e.nodeId] : []))).toEqual([
      'D',
      'E',
    ]);
  });

  it('when a configured action service fails, then the action fails with the bridge text and the route goes on', async () => {
    await start('ros1-move-base', 10, 5000, { pick: { service: 'lift/raise', type: 'std_srvs/Trigger' } });
    const pick: RobotAction = { actionId: 'pick-s', type: 'pick', loadId: 'L' };
    adapter.execute({
      ...release(['A', 'B', 'C']),
      nodes: [
        { nodeId: 'A', actions: [] },
        { nodeId: 'B', actions: [pick] },
        { nodeId: 'C', actions: [] },
      ],
    });
    const failed = await events.next('pick failed', isActionFailed(ROBOT, 'pick-s'));
    expect(failed.reason).toMatch(/\/amr1\/lift\/raise failed: .*does not exist/);
    await events.next('node-reached C', isNodeReached(ROBOT, 'C'));
    expect(events.since(0).some(isActionFinished(ROBOT, 'pick-s'))).toBe(false);
  });
});
