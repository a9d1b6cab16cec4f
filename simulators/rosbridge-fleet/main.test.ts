import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { WireTestClient, withTimeout } from './wire-test-client.ts';

describe('rosbridge fleet CLI', () => {
  it('when started with ROSBRIDGE_PORT=0, then it logs its URL, serves the robots and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'simulators/rosbridge-fleet/main.ts'], {
      env: {
        ...process.env,
        ROSBRIDGE_PORT: '0',
        ADMIN_PORT: '0',
        ROBOTS: 'amr1:ros1@1,2;amr2:ros2@5,0',
        SPEEDUP: '5',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const ready = new Promise<{ url: string; admin: string }>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        for (const line of stdout.split('\n')) {
          if (!line.includes('rosbridge fleet ready')) continue;
          const entry = JSON.parse(line) as { url: string; admin: string };
          resolve(entry);
        }
      });
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const { url, admin } = await withTimeout(ready, 20_000, `the ready line (stdout: ${stdout})`);
      expect(admin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const c = await WireTestClient.connect(url);
      c.send({ op: 'subscribe', topic: '/amr1/amcl_pose' });
      expect((await c.nextOn('/amr1/amcl_pose')).pose.pose.position).toEqual({ x: 1, y: 2, z: 0 });
      c.close();
      child.kill('SIGTERM');
      expect(await withTimeout(exited, 10_000, 'the exit')).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);
});
