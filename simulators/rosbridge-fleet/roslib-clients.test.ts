/**
 * The simulator driven by roslib 2.x itself, as the adapter will drive it: actionlib `ActionClient` and
 * `Goal` for ros1-move-base, the ROS 2 `Action` ops for ros2-nav2, `Topic` and `Service` for both.
 */
import { Action, ActionClient, Goal, Ros, Service, Topic } from 'roslib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RosbridgeFleet } from './rosbridge-fleet.ts';
import { withTimeout } from './wire-test-client.ts';

interface PoseWithCovarianceStamped {
  header: { frame_id: string; stamp: Record<string, number> };
  pose: { pose: { position: { x: number; y: number } } };
}

let fleet: RosbridgeFleet;
const connections: Ros[] = [];

/** roslib's connect() resolves before the socket is open: wait for the 'connection' event. */
async function connect(): Promise<Ros> {
  const ros = new Ros();
  connections.push(ros);
  const opened = new Promise<void>((resolve) =>
    ros.once('connection', () => {
      resolve();
    }),
  );
  await ros.connect(fleet.url);
  await withTimeout(opened, 3000, 'the roslib connection');
  return ros;
}

function targetPose(x: number, y: number, stamp: Record<string, number>) {
  return {
    header: { stamp, frame_id: 'map' },
    pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
  };
}

/** A move_base goal for `/amr1` through roslib's actionlib client. */
function moveBaseGoal(ros: Ros, x: number, y: number): { client: ActionClient; goal: Goal<unknown> } {
  const client = new ActionClient({
    ros,
    serverName: '/amr1/move_base',
    actionName: 'move_base_msgs/MoveBaseAction',
  });
  const goal = new Goal({
    actionClient: client,
    goalMessage: { target_pose: targetPose(x, y, { secs: 0, nsecs: 0 }) },
  });
  return { client, goal };
}

/** Resolves on the goal's next `name` event. */
function event(goal: Goal<unknown>, name: 'feedback' | 'result'): Promise<void> {
  return new Promise<void>((resolve) => {
    goal.once(name, () => {
      resolve();
    });
  });
}

beforeAll(async () => {
  fleet = await RosbridgeFleet.start({
    robots: [
      { name: 'amr1', profile: 'ros1-move-base' },
      { name: 'amr2', profile: 'ros2-nav2', start: { x: 5, y: 0, thetaRad: 0 } },
    ],
    speedup: 20,
  });
});

afterEach(() => {
  for (const ros of connections.splice(0)) ros.close();
});

afterAll(async () => {
  await fleet.close();
});

describe('roslib 2.x against the simulator', () => {
  it('when a roslib ActionClient sends a move_base goal, then it hears feedback, statuses and SUCCEEDED (3)', async () => {
    const { client, goal } = moveBaseGoal(await connect(), 2, 1);
    const statuses: number[] = [];
    let feedbacks = 0;
    goal.on('status', (s) => statuses.push(s.status));
    goal.on('feedback', () => feedbacks++);
    const result = event(goal, 'result');
    goal.send();
    await withTimeout(result, 5000, 'the move_base result');
    expect(goal.status?.status).toBe(3);
    expect(goal.status?.goal_id.id).toBe(goal.goalID);
    expect(statuses).toContain(1);
    expect(feedbacks).toBeGreaterThan(0);
    client.dispose();
  });

  it('when a roslib Goal is cancelled, then it ends PREEMPTED (2)', async () => {
    const { goal } = moveBaseGoal(await connect(), 40, 0);
    const fed = event(goal, 'feedback');
    const ended = event(goal, 'result');
    goal.send();
    await withTimeout(fed, 3000, 'feedback');
    goal.cancel();
    await withTimeout(ended, 3000, 'the result');
    expect(goal.status?.status).toBe(2);
  });

  it('when a roslib Topic subscribes to the latched amcl_pose, then the pose arrives at once', async () => {
    const ros = await connect();
    const topic = new Topic<PoseWithCovarianceStamped>({
      ros,
      name: '/amr1/amcl_pose',
      messageType: 'geometry_msgs/PoseWithCovarianceStamped',
    });
    const pose = await withTimeout(
      new Promise<PoseWithCovarianceStamped>((resolve) => {
        topic.subscribe(resolve);
      }),
      3000,
      'amcl_pose',
    );
    expect(pose.header.frame_id).toBe('map');
    expect(Object.keys(pose.header.stamp)).toEqual(['secs', 'nsecs']);
    topic.unsubscribe();
  });

  it('when a roslib Service calls set_charging, then the answer and the failure reach its callbacks', async () => {
    const ros = await connect();
    const service = new Service<{ data: boolean }, { success: boolean; message: string }>({
      ros,
      name: '/amr1/robot/set_charging',
      serviceType: 'std_srvs/SetBool',
    });
    const answer = await withTimeout(
      new Promise<{ success: boolean; message: string }>((resolve, reject) => {
        service.callService({ data: true }, resolve, reject);
      }),
      3000,
      'the service answer',
    );
    expect(answer).toEqual({ success: true, message: 'charging' });
    const missing = new Service({ ros, name: '/amr1/nope', serviceType: 'std_srvs/SetBool' });
    const failure = await withTimeout(
      new Promise<string>((resolve) => {
        missing.callService({}, () => undefined, resolve);
      }),
      3000,
      'the service failure',
    );
    expect(failure).toBe('Service /amr1/nope does not exist');
  });

  it('when a roslib ROS 2 Action sends NavigateToPose, then feedback and the SUCCEEDED result reach its callbacks', async () => {
    const ros = await connect();
    const action = new Action({
      ros,
      name: '/amr2/navigate_to_pose',
      actionType: 'nav2_msgs/action/NavigateToPose',
    });
    let feedbacks = 0;
    const result = new Promise<unknown>((resolve, reject) => {
      action.sendGoal(
        { pose: targetPose(7, 1, { sec: 0, nanosec: 0 }), behavior_tree: '' },
        resolve,
        () => feedbacks++,
        reject,
      );
    });
    expect(await withTimeout(result, 5000, 'the NavigateToPose result')).toEqual({
      error_code: 0,
      error_msg: '',
    });
    expect(feedbacks).toBeGreaterThan(0);
  });

  it('when a roslib ROS 2 goal is cancelled, then its failure callback hears the CANCELED status', async () => {
    const ros = await connect();
    const action = new Action({
      ros,
      name: '/amr2/navigate_to_pose',
      actionType: 'nav2_msgs/action/NavigateToPose',
    });
    let id: string | undefined;
    const failed = new Promise<string>((resolve) => {
      let cancelled = false;
      id = action.sendGoal(
        { pose: targetPose(40, 0, { sec: 0, nanosec: 0 }), behavior_tree: '' },
        () => undefined,
        () => {
          if (cancelled || id === undefined) return;
          cancelled = true;
          action.cancelGoal(id);
        },
        resolve,
      );
    });
    expect(await withTimeout(failed, 3000, 'the failure callback')).toMatch(/cancel/i);
  });
});
