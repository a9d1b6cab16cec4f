import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RosbridgeFleet } from './rosbridge-fleet.ts';
import { LogCapture, WireTestClient, type Frame } from './wire-test-client.ts';

// A robot without a namespace (the real peer's names) and a ROS 2 one, 10x faster than the wall clock.
const logs = new LogCapture();
let fleet: RosbridgeFleet;
const clients: WireTestClient[] = [];

async function connect(): Promise<WireTestClient> {
  const client = await WireTestClient.connect(fleet.url);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  fleet = await RosbridgeFleet.start({
    robots: [
      { name: 'base', namespace: '', profile: 'ros1-move-base' },
      { name: 'amr2', profile: 'ros2-nav2', start: { x: 5, y: 0, thetaRad: 0 } },
    ],
    speedup: 10,
    log: logs.log,
  });
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

afterAll(async () => {
  await fleet.close();
});

const isResponse = (id: string) => (f: Frame) => f.op === 'service_response' && f.id === id;

describe('rosbridge protocol', () => {
  it('when the server starts on port 0, then it reports a ws URL on 127.0.0.1 with the bound port', () => {
    expect(fleet.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(fleet.url.endsWith(':0')).toBe(false);
  });

  it('when a client subscribes to a latched topic without a type, then the last message arrives at once', async () => {
    const c = await connect();
    c.send({ op: 'subscribe', id: 's1', topic: '/amcl_pose' });
    const msg = await c.nextOn('/amcl_pose');
    expect(msg.header.frame_id).toBe('map');
    expect(Object.keys(msg.header.stamp as object)).toEqual(['secs', 'nsecs']);
    expect(msg.pose.pose.orientation).toEqual({ x: 0, y: 0, z: 0, w: 1 });
    expect(msg.pose.covariance).toHaveLength(36);
  });

  it('when a client subscribes twice to a topic, then each message arrives once, until both are gone', async () => {
    const c = await connect();
    c.send({ op: 'subscribe', id: 'a', topic: '/odom' });
    c.send({ op: 'subscribe', id: 'b', topic: '/odom', type: 'nav_msgs/Odometry' });
    const first = await c.nextOn('/odom');
    const second = await c.nextOn('/odom');
    expect(second.header.seq).toBe(Number(first.header.seq) + 1);
    c.send({ op: 'unsubscribe', id: 'a', topic: '/odom' });
    await c.nextOn('/odom'); // 'b' still holds the subscription
    c.send({ op: 'unsubscribe', topic: '/odom' }); // without an id: all of this client's
    await c.sync();
    const before = c.queued((f) => f.topic === '/odom').length;
    c.send({ op: 'subscribe', topic: '/move_base/status' });
    for (let i = 0; i < 3; i++) await c.nextOn('/move_base/status');
    expect(c.queued((f) => f.topic === '/odom').length).toBe(before);
  });

  it('when a subscription has a throttle_rate, then messages are at least that far apart', async () => {
    const c = await connect();
    c.send({ op: 'subscribe', id: 't', topic: '/odom', throttle_rate: 150 });
    const a = await c.nextOn('/odom');
    const b = await c.nextOn('/odom');
    const simGapMs =
      (b.header.stamp.secs - a.header.stamp.secs) * 1000 +
      (b.header.stamp.nsecs - a.header.stamp.nsecs) / 1e6;
    expect(simGapMs).toBeGreaterThanOrEqual(150 * 10 * 0.9); // 150 wall ms at speedup 10
  });

  it('when a client subscribes to an unknown topic without a type or with a conflicting type, then it is only logged', async () => {
    const c = await connect();
    c.send({ op: 'subscribe', id: 'w2', topic: '/nowhere' });
    c.send({ op: 'subscribe', id: 'w1', topic: '/amcl_pose', type: 'std_msgs/String' });
    await c.sync();
    expect(
      logs.has('[id: w2] subscribe: Cannot infer topic type for topic /nowhere as it is not yet advertised'),
    ).toBe(true);
    expect(
      logs.has(
        'subscribe: Tried to register topic /amcl_pose with type std_msgs/String but it is already established with type geometry_msgs/PoseWithCovarianceStamped',
      ),
    ).toBe(true);
    expect(c.queued(() => true).filter((f) => f.op !== 'service_response')).toEqual([]);
  });

  it('when a client advertises and publishes, then subscribers (itself included) get the message; an unknown topic is logged', async () => {
    const c = await connect();
    const other = await connect();
    c.send({ op: 'advertise', id: 'p', topic: '/chatter', type: 'std_msgs/String' });
    c.send({ op: 'subscribe', topic: '/chatter' });
    other.send({ op: 'subscribe', topic: '/chatter', type: 'std_msgs/String' });
    await other.sync();
    c.send({ op: 'publish', topic: '/chatter', msg: { data: 'hi' } });
    expect(await c.nextOn('/chatter')).toEqual({ data: 'hi' });
    expect(await other.nextOn('/chatter')).toEqual({ data: 'hi' });
    c.send({ op: 'publish', id: 'p1', topic: '/nowhere3', msg: {} });
    await c.sync();
    expect(
      logs.has('[id: p1] publish: Cannot infer topic type for topic /nowhere3 as it is not yet advertised'),
    ).toBe(true);
  });

  it('when a service is called, then success and failure come back in the real server shapes', async () => {
    const c = await connect();
    c.send({ op: 'call_service', id: 'c1', service: '/robot/set_charging', args: { data: true } });
    expect(await c.next(isResponse('c1'), 'c1')).toEqual({
      op: 'service_response',
      service: '/robot/set_charging',
      values: { success: true, message: 'charging' },
      result: true,
      id: 'c1',
    });
    c.send({ op: 'call_service', id: 'c2', service: '/robot/set_charging', args: [false] });
    expect((await c.next(isResponse('c2'), 'c2')).values).toEqual({ success: true, message: 'not charging' });
    c.send({ op: 'call_service', id: 'c3', service: '/nope' });
    expect(await c.next(isResponse('c3'), 'c3')).toEqual({
      op: 'service_response',
      service: '/nope',
      values: 'Service /nope does not exist',
      result: false,
      id: 'c3',
    });
    c.send({ op: 'call_service', id: 'c4', service: '/robot/set_charging', args: { data: 'x' } });
    const c4 = await c.next(isResponse('c4'), 'c4');
    expect(c4.result).toBe(false);
    expect(c4.values).toMatch(/SetBoolRequest message requires a bool for field data/);
    c.send({ op: 'call_service', id: 'c5', service: '/robot/set_charging', args: { nodata: true } });
    expect((await c.next(isResponse('c5'), 'c5')).values).toBe(
      'Message type std_srvs/SetBoolRequest does not have a field nodata',
    );
    c.send({ op: 'call_service', id: 'c6', service: '/move_base/clear_costmaps' });
    expect((await c.next(isResponse('c6'), 'c6')).values).toEqual({});
  });

  it('when a client advertises a service, then calls from another client are relayed to it and back', async () => {
    const provider = await connect();
    const caller = await connect();
    provider.send({ op: 'advertise_service', service: '/sum', type: 'rospy_tutorials/AddTwoInts' });
    await provider.sync();
    caller.send({ op: 'call_service', id: 'sum-1', service: '/sum', args: { a: 2, b: 3 } });
    const request = await provider.next(
      (f) => f.op === 'call_service' && f.service === '/sum',
      'the relayed call',
    );
    expect(request.args).toEqual({ a: 2, b: 3 });
    provider.send({
      op: 'service_response',
      id: request.id,
      service: '/sum',
      values: { sum: 5 },
      result: true,
    });
    expect((await caller.next(isResponse('sum-1'), 'the sum')).values).toEqual({ sum: 5 });
  });

  it('when a frame arrives in fragments, then it is handled once whole', async () => {
    const c = await connect();
    const whole = JSON.stringify({ op: 'call_service', id: 'frag', service: '/move_base/clear_costmaps' });
    const parts = [whole.slice(0, 10), whole.slice(10, 30), whole.slice(30)];
    parts.reverse().forEach((data, i) => {
      c.send({ op: 'fragment', id: 'f1', data, num: parts.length - 1 - i, total: parts.length });
    });
    expect((await c.next(isResponse('frag'), 'the defragmented call')).result).toBe(true);
  });

  it('when frames are malformed or ops unknown, then they are logged and ignored, and no status op is sent', async () => {
    const c = await connect();
    c.sendRaw('not json');
    c.sendRaw('[1,2,3]');
    c.send({ topic: 'x' });
    c.send({ op: 'bogus', id: 'b1' });
    c.send({ op: 'set_level', level: 'error' });
    c.send({ op: 'subscribe', id: 'm1' });
    c.send({ op: 'publish', topic: 42 });
    c.send({ op: 'publish', id: 'g', topic: '/move_base/goal', msg: { goal_id: { id: 7 } } });
    await c.sync();
    expect(logs.has('Received a message without an op.')).toBe(true);
    expect(logs.has('[id: b1] Unknown operation: bogus.')).toBe(true);
    expect(logs.has('Unknown operation: set_level.')).toBe(true);
    expect(logs.has('[id: m1] subscribe: Expected a topic field but none was found.')).toBe(true);
    expect(logs.has('publish: Expected field topic to be a string')).toBe(true);
    expect(
      logs.has(
        '[id: g] publish: move_base_msgs/MoveBaseActionGoal message: MoveBaseActionGoal.goal_id.id must be a string',
      ),
    ).toBe(true);
    expect(c.queued((f) => f.op === 'status')).toEqual([]);
    expect(fleet.robot('base').snapshot().goalId).toBeUndefined();
  });
});
