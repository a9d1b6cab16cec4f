import { describe, expect, it } from 'vitest';
import { missingForTests, missingMessage } from './preflight.ts';

describe('the preflight of npm test', () => {
  it('when the ROS peer is not installed, then it is named with the command that installs it', () => {
    const missing = missingForTests({
      redisAnswers: true,
      mqttAnswers: true,
      rosPeer: { dir: '/peers/ros1', work: '/nowhere/ros-peer' },
    });
    expect(missing).toContainEqual({
      what: "the ROS 1 rosbridge peer in /nowhere/ros-peer (the rosbridge adapter's real-peer tests)",
      command: 'bash /peers/ros1/setup-ros1.sh /nowhere/ros-peer /peers/ros1/rosbridge_suite',
    });
  });

  it('when packages are missing, then one apt-get line installs them and bash .ci/run is offered', () => {
    const text = missingMessage([
      { what: 'chromium at /usr/bin/chromium', debianPackage: 'chromium' },
      { what: 'mosquitto', debianPackage: 'mosquitto' },
    ]);
    expect(text.split('\n')).toEqual([
      'npm test needs system packages this machine lacks:',
      '  - chromium at /usr/bin/chromium',
      '  - mosquitto',
      'Install them with:',
      '  apt-get install -y chromium mosquitto',
      '(or run `bash .ci/run`, which installs all of them on Debian and then runs npm test)',
    ]);
  });
});
