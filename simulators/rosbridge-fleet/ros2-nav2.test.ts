import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RosbridgeFleet } from './rosbridge-fleet.ts';
import { LogCapture, WireTestClient, type Frame } from './wire-test-client.ts';

// One Nav2 robot in /amr2, 20x faster than the wall clock.
const ACTION = '/amr2/navigate_to_pose';
const TYPE = 'nav2_msgs/action/NavigateToPose';
const logs = new LogCapture();
let fleet: RosbridgeFleet;
let c: WireTestClient;

function poseStamped(x: number, y: number, frameId = 'map'): Frame {
  return {
    header: { stamp: { sec: 0, nanosec: 0 }, frame_id: frameId },
    pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
  };
}

function sendGoal(id: string, x: number, y: number, frameId = 'map'): void {
  c.send({
    op: 'send_action_goal',
    id,
    action: ACTION,
    action_type: TYPE,
    args: { pose: poseStamped(x, y, frameId), behavior_tree: '' },
    feedback: true,
  });
}

const resultFor = (id: string) => (f: Frame) => f.op === 'action_result' && f.id === id;
const feedbackFor = (id: string) => (f: Frame) => f.op === 'action_feedback' && f.id === id;

beforeAll(async () => {
  fleet = await RosbridgeFleet.start({
    robots: [{ name: 'amr2', profile: 'ros2-nav2', start: { x: 5, y: 0, thetaRad: 0 } }],
    speedup: 20,
    log: logs.log,
  });
});

beforeEach(async () => {
  c = await WireTestClient.connect(fleet.url);
});

afterEach(() => {
  c.close();
});

afterAll(async () => {
  await fleet.close();
});

describe('ros2-nav2', () => {
  it('when a NavigateToPose goal is sent, then feedback comes and the result has status 4 SUCCEEDED', async () => {
    sendGoal('send_action_goal:/amr2/navigate_to_pose:1', 8, 0);
    const feedback = await c.next(feedbackFor('send_action_goal:/amr2/navigate_to_pose:1'), 'feedback');
    expect(feedback.action).toBe(ACTION);
    expect(Object.keys(feedback.values).sort()).toEqual([
      'current_pose',
      'distance_remaining',
      'estimated_time_remaining',
      'navigation_time',
      'number_of_recoveries',
    ]);
    expect(feedback.values.current_pose.header.frame_id).toBe('map');
    expect(Object.keys(feedback.values.navigation_time)).toEqual(['sec', 'nanosec']);
    expect(feedback.values.distance_remaining).toBeGreaterThan(0);
    const result = await c.next(resultFor('send_action_goal:/amr2/navigate_to_pose:1'), 'the result');
    expect(result).toEqual({
      op: 'action_result',
      action: ACTION,
      values: { error_code: 0, error_msg: '' },
      status: 4,
      result: true,
      id: 'send_action_goal:/amr2/navigate_to_pose:1',
    });
    expect(fleet.robot('amr2').snapshot().pose.x).toBeCloseTo(8, 6);
  });

  it('when cancel_action_goal names the goal, then its result has status 5 CANCELED', async () => {
    sendGoal('c1', 40, 0);
    await c.next(feedbackFor('c1'), 'feedback');
    c.send({ op: 'cancel_action_goal', id: 'c1', action: ACTION });
    const result = await c.next(resultFor('c1'), 'the result');
    expect(result).toMatchObject({ status: 5, result: true });
    expect(fleet.robot('amr2').snapshot().velocityMps).toBe(0);
  });

  it('when the next goal is to be rejected, then it gets no answer at all and the robot stays put', async () => {
    const robot = fleet.robot('amr2');
    robot.rejectNextGoal();
    const before = robot.snapshot().pose;
    sendGoal('rejected', 0, 0);
    await c.sync();
    expect(robot.snapshot()).toMatchObject({ goalId: undefined, velocityMps: 0, pose: before });
    sendGoal('after', before.x, before.y + 1);
    await c.next(resultFor('after'), 'the next goal');
    expect(c.queued((f) => f.id === 'rejected')).toEqual([]);
    expect(robot.snapshot().rejectNextGoal).toBe(false);
  });

  it('when a second goal arrives, then the first ends with status 6 ABORTED, as Nav2 does', async () => {
    sendGoal('first', 40, 0);
    await c.next(feedbackFor('first'), 'feedback');
    sendGoal('second', 6, 1);
    expect((await c.next(resultFor('first'), 'the first result')).status).toBe(6);
    expect((await c.next(resultFor('second'), 'the second result')).status).toBe(4);
  });

  it('when a goal is outside the box, in another frame or aborted, then the result has status 6 and an error', async () => {
    sendGoal('far', 99, 0);
    expect((await c.next(resultFor('far'), 'far')).values).toEqual({
      error_code: 9000,
      error_msg: 'goal outside the 100 m box (|x|,|y| <= 50.0 m)',
    });
    sendGoal('odom', 1, 0, 'odom');
    expect((await c.next(resultFor('odom'), 'odom')).values.error_code).toBe(9002);
    sendGoal('ab', 40, 0);
    await c.next(feedbackFor('ab'), 'feedback');
    fleet.robot('amr2').abortGoal('lost localization');
    expect(await c.next(resultFor('ab'), 'ab')).toMatchObject({
      status: 6,
      values: { error_code: 9000, error_msg: 'lost localization' },
    });
  });

  it('when the goal is malformed, then the result is result:false with status 0 and an error string', async () => {
    c.send({ op: 'send_action_goal', id: 'bad', action: ACTION, action_type: TYPE, args: { pose: 'here' } });
    const result = await c.next(resultFor('bad'), 'bad');
    expect(result).toMatchObject({ status: 0, result: false });
    expect(typeof result.values).toBe('string');
    c.send({ op: 'send_action_goal', action: ACTION, action_type: TYPE, args: {} });
    await c.sync();
    expect(logs.has('send_action_goal: Action goal must have an ID')).toBe(true);
  });

  it('when NavigateThroughPoses is sent, then the robot passes every pose and reports the poses left', async () => {
    c.send({
      op: 'send_action_goal',
      id: 'through',
      action: '/amr2/navigate_through_poses',
      action_type: 'nav2_msgs/action/NavigateThroughPoses',
      args: { poses: [poseStamped(6, 0), poseStamped(6, 2), poseStamped(4, 2)], behavior_tree: '' },
      feedback: true,
    });
    const feedback = await c.next(feedbackFor('through'), 'feedback');
    expect(feedback.values.number_of_poses_remaining).toBeGreaterThan(0);
    expect((await c.next(resultFor('through'), 'the result')).status).toBe(4);
    const pose = fleet.robot('amr2').snapshot().pose;
    expect([pose.x, pose.y].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([4, 2]);
  });

  it('when the cancel_goal service is called (roslib cancelAllGoals), then the goal is CANCELED', async () => {
    sendGoal('all', 40, 0);
    await c.next(feedbackFor('all'), 'feedback');
    c.send({ op: 'call_service', id: 'cancel', service: `${ACTION}/_action/cancel_goal`, args: {} });
    expect((await c.next(resultFor('all'), 'the result')).status).toBe(5);
    const response = await c.next((f) => f.op === 'service_response' && f.id === 'cancel', 'the response');
    expect(response.values.return_code).toBe(0);
    expect(response.values.goals_canceling[0].goal_id.uuid).toHaveLength(16);
  });

  it('when a client subscribes, then pose and battery topics carry ROS 2 types and times', async () => {
    c.send({
      op: 'subscribe',
      topic: '/amr2/amcl_pose',
      type: 'geometry_msgs/msg/PoseWithCovarianceStamped',
    });
    const pose = await c.nextOn('/amr2/amcl_pose');
    expect(Object.keys(pose.header)).toEqual(['stamp', 'frame_id']);
    expect(Object.keys(pose.header.stamp)).toEqual(['sec', 'nanosec']);
    c.send({ op: 'subscribe', topic: '/amr2/battery_state', type: 'sensor_msgs/msg/BatteryState' });
    const battery = await c.nextOn('/amr2/battery_state');
    expect(battery.percentage).toBeGreaterThan(0);
    expect(battery.percentage).toBeLessThanOrEqual(1);
    c.send({ op: 'call_service', id: 'ch', service: '/amr2/robot/set_charging', args: { data: true } });
    await c.nextOn('/amr2/battery_state', (m) => m.power_supply_status === 1);
    c.send({ op: 'call_service', id: 'ch2', service: '/amr2/robot/set_charging', args: { data: false } });
    await c.nextOn('/amr2/battery_state', (m) => m.power_supply_status === 2);
  });
});
