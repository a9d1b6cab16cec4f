import { describe, expect, it } from 'vitest';
import { fleetConfigFromEnv, parseRobot } from './fleet-config.ts';

describe('fleet configuration', () => {
  it('when nothing is set, then two robots (ROS 1 and ROS 2) serve on 127.0.0.1:9090 at 1 m/s', () => {
    const config = fleetConfigFromEnv({});
    expect(config.fleet).toEqual({
      robots: [
        { name: 'amr1', profile: 'ros1-move-base', start: { x: 0, y: 0, thetaRad: 0 } },
        { name: 'amr2', profile: 'ros2-nav2', start: { x: 5, y: 0, thetaRad: 0 } },
      ],
      host: '127.0.0.1',
      port: 9090,
      speedMps: 1,
      speedup: 1,
      boxHalfSizeM: 50,
    });
    expect(config.adminPort).toBeUndefined();
  });

  it('when ROBOTS gives namespaces, headings and long profile names, then each entry says so', () => {
    const config = fleetConfigFromEnv({
      ROBOTS: 'base:ros1:/@1,2,1.57; a:ros2-nav2:/fleet/a ;b:ros1-move-base',
      ROSBRIDGE_PORT: '0',
      SPEED: '1.5',
      SPEEDUP: '10',
      ADMIN_PORT: '0',
    });
    expect(config.fleet.robots).toEqual([
      { name: 'base', profile: 'ros1-move-base', namespace: '/', start: { x: 1, y: 2, thetaRad: 1.57 } },
      { name: 'a', profile: 'ros2-nav2', namespace: '/fleet/a' },
      { name: 'b', profile: 'ros1-move-base' },
    ]);
    expect(config.fleet).toMatchObject({ port: 0, speedMps: 1.5, speedup: 10 });
    expect(config.adminPort).toBe(0);
  });

  it('when an entry is malformed, then the error names it and the expected form', () => {
    expect(() => parseRobot('amr1:ros3@0,0')).toThrow(
      'ROBOTS entry "amr1:ros3@0,0": unknown profile "ros3" (ros1, ros2)',
    );
    expect(() => parseRobot('amr1:ros1@0')).toThrow(
      /the start is not x,y\[,thetaRad\]; expected name:profile/,
    );
    expect(() => parseRobot('1amr:ros1')).toThrow(/must be a ROS name/);
    expect(() => fleetConfigFromEnv({ ROBOTS: ' ; ' })).toThrow('ROBOTS names no robot');
    expect(() => fleetConfigFromEnv({ SPEED: '-1' })).toThrow(/SPEED/);
  });
});
