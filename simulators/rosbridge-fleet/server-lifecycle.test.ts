import { Ros, Topic } from 'roslib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RosbridgeFleet } from './rosbridge-fleet.ts';
import { WireTestClient, withTimeout, type Frame } from './wire-test-client.ts';

let fleet: RosbridgeFleet;

beforeAll(async () => {
  fleet = await RosbridgeFleet.start({ robots: [{ name: 'amr1', profile: 'ros1-move-base' }], speedup: 20 });
});

afterAll(async () => {
  await fleet.close();
});

function goalMsg(id: string, x: number): Frame {
  return {
    goal_id: { id },
    goal: {
      target_pose: { header: { frame_id: 'map' }, pose: { position: { x, y: 0 }, orientation: { w: 1 } } },
    },
  };
}

describe('kill and restart', () => {
  it('when the server is killed, then clients are dropped and the port refuses; after a restart the same URL works and the robot drove on', async () => {
    const url = fleet.url;
    const c = await WireTestClient.connect(url);
    c.send({ op: 'subscribe', topic: '/amr1/move_base/feedback' });
    c.send({ op: 'publish', topic: '/amr1/move_base/goal', msg: goalMsg('long', 45) });
    const before = await c.nextOn('/amr1/move_base/feedback');
    await fleet.killServer();
    expect(await withTimeout(c.closed, 3000, 'the dropped connection')).toBe(1006);
    expect(fleet.connectionCount).toBe(0);
    await expect(WireTestClient.connect(url)).rejects.toThrow(/ECONNREFUSED/);
    await fleet.restartServer();
    expect(fleet.url).toBe(url);
    const again = await WireTestClient.connect(url);
    again.send({ op: 'subscribe', topic: '/amr1/move_base/feedback' });
    const after = await again.nextOn('/amr1/move_base/feedback', (m) => m.status.goal_id.id === 'long');
    expect(after.feedback.base_position.pose.position.x).toBeGreaterThan(
      before.feedback.base_position.pose.position.x,
    );
    fleet.robot('amr1').abortGoal();
    again.close();
  });

  it('when roslib reconnects after a restart, then its topics subscribe again and the latched pose arrives', async () => {
    const ros = new Ros();
    const opened = (): Promise<void> =>
      withTimeout(
        new Promise<void>((resolve) =>
          ros.once('connection', () => {
            resolve();
          }),
        ),
        3000,
        'the roslib connection',
      );
    let waiting = opened();
    await ros.connect(fleet.url);
    await waiting;
    const poses: unknown[] = [];
    let notify: (() => void) | undefined;
    const topic = new Topic({
      ros,
      name: '/amr1/amcl_pose',
      messageType: 'geometry_msgs/PoseWithCovarianceStamped',
    });
    topic.subscribe((msg) => {
      poses.push(msg);
      notify?.();
    });
    const nextPose = (): Promise<void> =>
      withTimeout(new Promise<void>((resolve) => (notify = resolve)), 3000, 'an amcl_pose');
    await nextPose();
    const closed = withTimeout(
      new Promise<void>((resolve) =>
        ros.once('close', () => {
          resolve();
        }),
      ),
      3000,
      'the close',
    );
    await fleet.killServer();
    await closed;
    await fleet.restartServer();
    waiting = opened();
    const resubscribed = nextPose();
    await ros.connect(fleet.url);
    await waiting;
    await resubscribed;
    expect(poses.length).toBeGreaterThanOrEqual(2);
    ros.close();
  });

  it('when two fleets start on port 0, then each gets a port of its own; a closed fleet refuses connections', async () => {
    const other = await RosbridgeFleet.start({
      robots: [{ name: 'x', namespace: '', profile: 'ros2-nav2' }],
    });
    expect(other.url).not.toBe(fleet.url);
    const url = other.url;
    await other.close();
    await expect(WireTestClient.connect(url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('when robots share a name or a namespace, then the fleet does not start', async () => {
    await expect(
      RosbridgeFleet.start({
        robots: [
          { name: 'a', namespace: '/same', profile: 'ros1-move-base' },
          { name: 'b', namespace: 'same/', profile: 'ros2-nav2' },
        ],
      }),
    ).rejects.toThrow("namespace '/same' is used twice");
  });
});
