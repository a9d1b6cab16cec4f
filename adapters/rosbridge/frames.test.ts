import { describe, expect, it } from 'vitest';
import {
  layoutToMap,
  mapToLayout,
  normalizeAngle,
  quaternionToYaw,
  rosTime,
  yawToQuaternion,
} from './frames.ts';

describe('layout frame <-> robot map frame', () => {
  const frame = { x: 10, y: 5, thetaRad: Math.PI / 2 };

  it('when a robot stands at the map origin, then it stands at the frame pose in the layout', () => {
    expect(mapToLayout(frame, { x: 0, y: 0, thetaRad: 0 })).toEqual({ x: 10, y: 5, thetaRad: Math.PI / 2 });
  });

  it('when the map is turned a quarter, then layout +y ahead of the origin is map +x', () => {
    const p = layoutToMap(frame, { x: 10, y: 7, thetaRad: Math.PI / 2 });
    expect(p.x).toBeCloseTo(2, 9);
    expect(p.y).toBeCloseTo(0, 9);
    expect(p.thetaRad).toBeCloseTo(0, 9);
  });

  it('when a pose goes to the map and back, then it is the same pose', () => {
    const pose = { x: -3.2, y: 17.5, thetaRad: 2.5 };
    const back = mapToLayout(frame, layoutToMap(frame, pose));
    expect(back.x).toBeCloseTo(pose.x, 9);
    expect(back.y).toBeCloseTo(pose.y, 9);
    expect(back.thetaRad).toBeCloseTo(pose.thetaRad, 9);
  });

  it('when angles wrap, then they are kept in (-pi, pi]', () => {
    expect(normalizeAngle(3 * Math.PI)).toBeCloseTo(Math.PI, 9);
    expect(normalizeAngle(-Math.PI)).toBe(Math.PI);
    expect(normalizeAngle(-0.5 - 2 * Math.PI)).toBeCloseTo(-0.5, 9);
  });
});

describe('quaternions and ROS times', () => {
  it('when a yaw goes to a quaternion and back, then it is the same yaw; a zero quaternion has none', () => {
    for (const yaw of [0, 1, -2, 3]) expect(quaternionToYaw(yawToQuaternion(yaw))).toBeCloseTo(yaw, 9);
    expect(quaternionToYaw({ x: 0, y: 0, z: 0, w: 0 })).toBeNaN();
  });

  it('when a time is written, then ROS 1 has secs/nsecs and ROS 2 sec/nanosec', () => {
    expect(rosTime('ros1-move-base', 1500.25)).toEqual({ secs: 1, nsecs: 500_250_000 });
    expect(rosTime('ros2-nav2', 2000)).toEqual({ sec: 2, nanosec: 0 });
  });
});
