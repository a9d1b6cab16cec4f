import { describe, expect, it } from 'vitest';
import { normalizeNamespace, robotNames } from './ros-names.ts';

describe('robot names', () => {
  it('when a robot has a namespace, then relative names go under it and absolute ones stay', () => {
    expect(robotNames('ros1-move-base', 'amr1/', { battery: '/power/battery' })).toEqual({
      navigate: '/amr1/move_base',
      navigateThroughPoses: '',
      pose: '/amr1/amcl_pose',
      odom: '/amr1/odom',
      battery: '/power/battery',
      setCharging: '/amr1/robot/set_charging',
    });
  });

  it('when a robot has no namespace, then the names are the stack defaults at the root', () => {
    expect(robotNames('ros2-nav2', undefined)).toMatchObject({
      navigate: '/navigate_to_pose',
      navigateThroughPoses: '/navigate_through_poses',
      pose: '/amcl_pose',
    });
    expect(normalizeNamespace('/')).toBe('');
    expect(normalizeNamespace('//a/b//')).toBe('/a/b');
  });
});
