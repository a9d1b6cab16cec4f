/**
 * Wire facts checked against the real ROS 1 peer (rosbridge_suite 0.11.17 + robot_node.py, see
 * ../shared/peers/ros1-rosbridge): the simulator's robot without a namespace must send frames of the
 * same shape (field names and JSON types, recursively) as the real server. Runs when ROSBRIDGE_PEER_URL
 * names a running peer (`run-peer.sh` prints it), and is skipped otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RosbridgeFleet } from './rosbridge-fleet.ts';
import { WireTestClient, type Frame } from './wire-test-client.ts';

const PEER_URL = process.env.ROSBRIDGE_PEER_URL;

/** Field names and JSON types, recursively; a list by its first element's shape. */
function shape(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shape((value as Record<string, unknown>)[k])]),
    );
  return typeof value;
}

/** The frame of both servers for the same exchange, run on both connections. */
async function both(run: (c: WireTestClient) => Promise<Frame>): Promise<[Frame, Frame]> {
  return Promise.all([run(peer), run(sim)]);
}

let fleet: RosbridgeFleet;
let peer: WireTestClient;
let sim: WireTestClient;

describe.skipIf(PEER_URL === undefined)('the simulator against the real ROS 1 peer', () => {
  beforeAll(async () => {
    fleet = await RosbridgeFleet.start({
      robots: [{ name: 'base', namespace: '', profile: 'ros1-move-base' }],
    });
    peer = await WireTestClient.connect(PEER_URL ?? '');
    sim = await WireTestClient.connect(fleet.url);
  });

  afterAll(async () => {
    peer.close();
    sim.close();
    await fleet.close();
  });

  it('when amcl_pose, odom, battery_state and move_base/status are subscribed without a type, then the messages have the same shape', async () => {
    for (const topic of ['/amcl_pose', '/odom', '/battery_state', '/move_base/status']) {
      const [real, ours] = await both(async (c) => {
        c.send({ op: 'subscribe', id: `shape-${topic}`, topic });
        const msg = await c.nextOn(topic, () => true, 5000);
        c.send({ op: 'unsubscribe', id: `shape-${topic}`, topic });
        return msg;
      });
      expect(shape(ours), topic).toEqual(shape(real));
    }
  });

  it('when set_charging is called and a missing service too, then both answers match the real ones', async () => {
    const [realOk, oursOk] = await both(async (c) => {
      c.send({ op: 'call_service', id: 'ok', service: '/robot/set_charging', args: [false] });
      return c.next((f) => f.id === 'ok', 'the answer', 5000);
    });
    expect(oursOk).toEqual(realOk);
    const [realNo, oursNo] = await both(async (c) => {
      c.send({ op: 'call_service', id: 'no', service: '/nope' });
      return c.next((f) => f.id === 'no', 'the failure', 5000);
    });
    expect(oursNo).toEqual(realNo);
  });

  it('when a goal is sent and then cancelled, then feedback and PREEMPTED result have the same shape and codes', async () => {
    const run = async (c: WireTestClient): Promise<Frame> => {
      c.send({ op: 'subscribe', topic: '/amcl_pose' });
      const at = (await c.nextOn('/amcl_pose', () => true, 5000)).pose.pose.position;
      c.send({ op: 'subscribe', topic: '/move_base/feedback' });
      c.send({ op: 'subscribe', topic: '/move_base/result' });
      c.send({ op: 'advertise', topic: '/move_base/goal', type: 'move_base_msgs/MoveBaseActionGoal' });
      c.send({ op: 'advertise', topic: '/move_base/cancel', type: 'actionlib_msgs/GoalID' });
      c.send({
        op: 'publish',
        topic: '/move_base/goal',
        msg: {
          goal_id: { stamp: { secs: 0, nsecs: 0 }, id: 'shape-goal' },
          goal: {
            target_pose: {
              header: { frame_id: 'map' },
              pose: {
                position: { x: Number(at.x) + 5, y: at.y, z: 0 },
                orientation: { x: 0, y: 0, z: 0, w: 1 },
              },
            },
          },
        },
      });
      const feedback = await c.nextOn(
        '/move_base/feedback',
        (m) => m.status.goal_id.id === 'shape-goal',
        5000,
      );
      c.send({ op: 'publish', topic: '/move_base/cancel', msg: { id: 'shape-goal' } });
      const result = await c.nextOn('/move_base/result', (m) => m.status.goal_id.id === 'shape-goal', 5000);
      return { feedback, result };
    };
    const [real, ours] = await both(run);
    expect(shape(ours)).toEqual(shape(real));
    expect(ours.feedback.status.status).toBe(real.feedback.status.status);
    expect(ours.feedback.status.text).toBe(real.feedback.status.text);
    expect(ours.result.status.status).toBe(2);
    expect(ours.result.status.text).toBe(real.result.status.text);
  });
});
