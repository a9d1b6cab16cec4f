import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RosbridgeFleet } from './rosbridge-fleet.ts';
import { WireTestClient, type Frame } from './wire-test-client.ts';

// Two ROS 1 robots in their namespaces, 20x faster than the wall clock (1 m/s = 20 m per wall second).
let fleet: RosbridgeFleet;
let c: WireTestClient;
const NS = '/amr1/move_base';

function goal(id: string, x: number, y: number, extra: Frame = {}): Frame {
  return {
    goal_id: { stamp: { secs: 0, nsecs: 0 }, id },
    goal: {
      target_pose: {
        header: { frame_id: 'map' },
        pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      },
    },
    ...extra,
  };
}

const resultOf = (id: string) => (m: Frame) => m.status.goal_id.id === id;

beforeAll(async () => {
  fleet = await RosbridgeFleet.start({
    robots: [
      { name: 'amr1', profile: 'ros1-move-base' },
      { name: 'amr3', profile: 'ros1-move-base', start: { x: 10, y: 10, thetaRad: 0 } },
    ],
    speedup: 20,
    boxHalfSizeM: 50,
  });
});

beforeEach(async () => {
  c = await WireTestClient.connect(fleet.url);
  for (const topic of ['status', 'feedback', 'result']) c.send({ op: 'subscribe', topic: `${NS}/${topic}` });
  c.send({ op: 'advertise', topic: `${NS}/goal`, type: 'move_base_msgs/MoveBaseActionGoal' });
  c.send({ op: 'advertise', topic: `${NS}/cancel`, type: 'actionlib_msgs/GoalID' });
  await c.sync();
});

afterEach(() => {
  c.close();
  fleet.robot('amr1').releaseEStop();
  fleet.robot('amr1').setPose({ x: 0, y: 0, thetaRad: 0 });
});

afterAll(async () => {
  await fleet.close();
});

describe('ros1-move-base', () => {
  it('when a goal is sent, then the robot reports ACTIVE status and feedback and ends SUCCEEDED at the goal', async () => {
    c.send({ op: 'publish', topic: `${NS}/goal`, msg: goal('g1', 3, 0) });
    const feedback = await c.nextOn(`${NS}/feedback`, resultOf('g1'));
    expect(feedback.status).toMatchObject({
      status: 1,
      text: 'This goal has been accepted by the simple action server',
    });
    expect(feedback.status.goal_id.stamp.secs).toBeGreaterThan(0); // a zero stamp becomes now, as in actionlib
    expect(feedback.feedback.base_position.header.frame_id).toBe('map');
    const status = await c.nextOn(`${NS}/status`, (m) =>
      m.status_list.some((s: Frame) => s.goal_id.id === 'g1'),
    );
    expect(status.status_list.find((s: Frame) => s.goal_id.id === 'g1').status).toBe(1);
    const result = await c.nextOn(`${NS}/result`, resultOf('g1'));
    expect(result.status).toMatchObject({ status: 3, text: 'goal reached' });
    expect(result.result).toEqual({});
    const pose = fleet.robot('amr1').snapshot().pose;
    expect(pose.x).toBeCloseTo(3, 6);
    expect(pose.y).toBeCloseTo(0, 6);
    const done = await c.nextOn(`${NS}/status`, (m) => m.status_list.some((s: Frame) => s.status === 3));
    expect(done.status_list.find((s: Frame) => s.goal_id.id === 'g1').status).toBe(3); // finished goals stay listed
  });

  it('when the goal is cancelled by id, then it ends PREEMPTED and the robot stops short of it', async () => {
    c.send({ op: 'publish', topic: `${NS}/goal`, msg: goal('g2', 40, 0) });
    await c.nextOn(`${NS}/feedback`, resultOf('g2'));
    c.send({ op: 'publish', topic: `${NS}/cancel`, msg: { stamp: { secs: 0, nsecs: 0 }, id: 'g2' } });
    const result = await c.nextOn(`${NS}/result`, resultOf('g2'));
    expect(result.status).toMatchObject({ status: 2, text: 'preempted' });
    const snap = fleet.robot('amr1').snapshot();
    expect(snap.pose.x).toBeLessThan(40);
    expect(snap.velocityMps).toBe(0);
    expect(snap.goalId).toBeUndefined();
  });

  it('when an empty GoalID is published on cancel, then every goal is cancelled', async () => {
    c.send({ op: 'publish', topic: `${NS}/goal`, msg: goal('g3', 40, 0) });
    await c.nextOn(`${NS}/feedback`, resultOf('g3'));
    c.send({ op: 'publish', topic: `${NS}/cancel`, msg: {} });
    expect((await c.nextOn(`${NS}/result`, resultOf('g3'))).status.status).toBe(2);
  });

  it('when a second goal arrives, then the first ends PREEMPTED and the second is driven to SUCCEEDED', async () => {
    c.send({ op: 'publish', topic: `${NS}/goal`, msg: goal('g4', 40, 0) });
    await c.nextOn(`${NS}/feedback`, resultOf('g4'));
    c.send({ op: 'publish', topic: `${NS}/goal`, msg: goal('g5', 0, 2) });
    expect((await c.nextOn(`${NS}/result`, resultOf('g4'))).status.status).toBe(2);
    expect((await c.nextOn(`${NS}/result`, resultOf('g5'))).status.status).toBe(3);
    expect(fleet.robot('amr1').snapshot().pose.y).toBeCloseTo(2, 6);
  });

  it('when a goal lies outside the box or has a zero quaternion, then it is ABORTED with the peer text', async () => {
    c.send({ op: 'publish', topic: `${NS}/goal`, msg: goal('far', 99, 0) });
    expect((await c.nextOn(`${NS}/result`, resultOf('far'))).status).toMatchObject({
      status: 4,
      text: 'goal outside the 100 m box (|x|,|y| <= 50.0 m)',
    });
    const zero = goal('zero', 1, 0);
    zero.goal.target_pose.pose.orientation = {};
    c.send({ op: 'publish', topic: `${NS}/goal`, msg: zero });
    expect((await c.nextOn(`${NS}/result`, resultOf('zero'))).status).toMatchObject({
      status: 4,
      text: 'goal orientation is a zero quaternion',
    });
  });

  it('when faults are injected, then the goal is REJECTED, ABORTED or refused under e-stop', async () => {
    const robot = fleet.robot('amr1');
    robot.rejectNextGoal();
    c.send({ op: 'publish', topic: `${NS}/goal`, msg: goal('rej', 1, 0) });
    expect((await c.nextOn(`${NS}/result`, resultOf('rej'))).status.status).toBe(5);
    c.send({ op: 'publish', topic: `${NS}/goal`, msg: goal('ab', 40, 0) });
    await c.nextOn(`${NS}/feedback`, resultOf('ab'));
    expect(robot.abortGoal('wheel stuck')).toBe(true);
    expect((await c.nextOn(`${NS}/result`, resultOf('ab'))).status).toMatchObject({
      status: 4,
      text: 'wheel stuck',
    });
    robot.eStop();
    c.send({ op: 'publish', topic: `${NS}/goal`, msg: goal('es', 1, 0) });
    expect((await c.nextOn(`${NS}/result`, resultOf('es'))).status).toMatchObject({
      status: 4,
      text: 'e-stop engaged',
    });
    robot.releaseEStop();
    c.send({ op: 'publish', topic: `${NS}/goal`, msg: goal('ok', 1, 0) });
    expect((await c.nextOn(`${NS}/result`, resultOf('ok'))).status.status).toBe(3);
  });

  it('when a PoseStamped is published on move_base_simple/goal, then it is driven as a goal with an id of its own', async () => {
    c.send({ op: 'advertise', topic: '/amr1/move_base_simple/goal', type: 'geometry_msgs/PoseStamped' });
    c.send({
      op: 'publish',
      topic: '/amr1/move_base_simple/goal',
      msg: { header: { frame_id: 'map' }, pose: { position: { x: 1, y: 1 }, orientation: { w: 1 } } },
    });
    const result = await c.nextOn(`${NS}/result`, (m) => m.status.status === 3);
    expect(result.status.goal_id.id).toMatch(/^\/amr1\/move_base-1-/);
  });

  it('when poses are withheld (stale), then amcl_pose stops while status goes on, and comes back on resume', async () => {
    const robot = fleet.robot('amr1');
    c.send({ op: 'subscribe', topic: '/amr1/amcl_pose' });
    await c.nextOn('/amr1/amcl_pose'); // latched
    robot.stopPublishingPoses();
    await c.sync();
    const before = c.queued((f) => f.topic === '/amr1/amcl_pose').length;
    for (let i = 0; i < 6; i++) await c.nextOn(`${NS}/status`); // 1.2 s of simulated time, 2 Hz poses
    expect(c.queued((f) => f.topic === '/amr1/amcl_pose').length).toBe(before);
    robot.resumePublishingPoses();
    await c.nextOn('/amr1/amcl_pose');
  });

  it('when the robot drives, charges or is set, then battery_state follows (percentage 0..1, status 1/2)', async () => {
    const robot = fleet.robot('amr1');
    robot.setBattery(0.5);
    c.send({ op: 'subscribe', topic: '/amr1/battery_state' });
    const set = await c.nextOn('/amr1/battery_state', (m) => m.percentage === 0.5);
    expect(set.power_supply_status).toBe(2);
    c.send({ op: 'publish', topic: `${NS}/goal`, msg: goal('drain', 10, 0) });
    await c.nextOn(`${NS}/result`, resultOf('drain'));
    expect(robot.snapshot().battery).toBeLessThan(0.5 - 10 * 0.0005 + 1e-9);
    c.send({ op: 'call_service', id: 'ch', service: '/amr1/robot/set_charging', args: { data: true } });
    const charging = await c.nextOn('/amr1/battery_state', (m) => m.power_supply_status === 1);
    await c.nextOn('/amr1/battery_state', (m) => m.percentage > charging.percentage);
    c.send({ op: 'call_service', id: 'ch2', service: '/amr1/robot/set_charging', args: { data: false } });
    await c.nextOn('/amr1/battery_state', (m) => m.power_supply_status === 2);
  });

  it('when one robot is driven, then the other namespace is untouched', async () => {
    c.send({ op: 'subscribe', topic: '/amr3/move_base/status' });
    c.send({ op: 'publish', topic: `${NS}/goal`, msg: goal('solo', 2, 0) });
    await c.nextOn(`${NS}/result`, resultOf('solo'));
    const other = await c.nextOn('/amr3/move_base/status');
    expect(other.status_list).toEqual([]);
    expect(fleet.robot('amr3').snapshot().pose).toEqual({ x: 10, y: 10, thetaRad: 0 });
  });
});
