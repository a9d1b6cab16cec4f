import { describe, expect, it } from 'vitest';
import type { RobotSpec } from '../../orchestrator/domain/robot.ts';
import { rosbridgeSiteSchema, rosRobotConfig } from './site-config.ts';

const spec: RobotSpec = {
  id: 'AMR-07',
  vehicleType: 'amr',
  adapter: 'rosbridge',
  homeNode: 'N1',
  maxSpeedMps: 1,
  loadTypes: ['pallet'],
  maxPayloadKg: 500,
};

describe('rosbridgeSiteSchema', () => {
  it('when a block has every field, then it is kept as written', () => {
    const block = {
      url: 'ws://10.0.0.5:9090',
      profile: 'ros1-move-base',
      namespace: '/amr7',
      mapFrame: { x: 12, y: -3, thetaRad: 1.57 },
      frameId: 'map',
      names: { navigate: 'move_base', battery: '/power/battery' },
      actions: { pick: { service: 'lift/raise', type: 'std_srvs/Trigger' }, drop: 'none' },
      nodeToleranceM: 0.3,
    };
    expect(rosbridgeSiteSchema.parse(block)).toEqual(block);
  });

  it.each([
    ['an http URL', { url: 'http://h:9090', profile: 'ros2-nav2' }, 'url'],
    [
      'a namespace with a space',
      { url: 'ws://h:9090', profile: 'ros2-nav2', namespace: '/a b' },
      'namespace',
    ],
    [
      'an action with no type',
      { url: 'ws://h', profile: 'ros2-nav2', actions: { pick: { service: 'x' } } },
      'actions.pick',
    ],
    ['a misspelt name', { url: 'ws://h', profile: 'ros2-nav2', names: { amcl: 'x' } }, 'names'],
  ])('when it has %s, then it is refused at that path', (_what, block, path) => {
    const read = rosbridgeSiteSchema.safeParse(block);
    expect(read.success).toBe(false);
    expect(read.error?.issues[0]?.path.join('.')).toContain(path);
  });
});

describe('rosRobotConfig', () => {
  it('when the spec has a rosbridge block, then the adapter config carries the robot id and the block', () => {
    const config = rosRobotConfig({
      ...spec,
      rosbridge: { url: 'ws://h:9090', profile: 'ros2-nav2', mapFrame: { x: 1, y: 2, thetaRad: 0 } },
    });
    expect(config).toEqual({
      robotId: 'AMR-07',
      url: 'ws://h:9090',
      profile: 'ros2-nav2',
      mapFrame: { x: 1, y: 2, thetaRad: 0 },
    });
  });

  it('when the spec has no rosbridge block, then it throws naming the robot', () => {
    expect(() => rosRobotConfig(spec)).toThrow(/AMR-07/);
  });
});
