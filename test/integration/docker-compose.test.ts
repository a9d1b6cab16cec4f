import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

/** No Docker engine here: `docker-compose config` checks the file itself (services, env, volumes). */
describe.skipIf(!hasCompose)('docker-compose.yml', () => {
  it('when checked by docker-compose config, then it is valid and runs the whole plant with Redis AOF on, a replica, three Sentinels and two orchestrators', async () => {
    const { stdout } = await promisify(execFile)('docker-compose', ['config'], {
      encoding: 'utf8',
      env: { ...process.env, API_KEYS: '' },
    });
    for (const service of [
      'redis:',
      'redis-replica:',
      'sentinel-1:',
      'sentinel-2:',
      'sentinel-3:',
      'mosquitto:',
      'orchestrator:',
      'orchestrator-2:',
      'wms-sim:',
      'mes-sim:',
    ])
      expect(stdout).toContain(service);
    expect(stdout).toMatch(/- --appendonly\n\s+- ["']?yes/);
    expect(stdout).toContain('REDIS_URL: redis://redis:6379');
    expect(stdout.match(/REDIS_SENTINELS: sentinel-1:26379,sentinel-2:26379,sentinel-3:26379/g)).toHaveLength(
      2,
    );
    expect(stdout).toMatch(/- --replicaof\n\s+- redis/);
    expect(stdout.match(/sentinel monitor mymaster\s+redis 6379 2/g)).toHaveLength(3);
  });
});
