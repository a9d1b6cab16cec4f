/**
 * `npm run cluster`: the demo plant as two orchestrator instances behind one port, so a newcomer can kill
 * the engine leader and watch the map go on. Starts Redis if none answers (as `npm start`), the WMS
 * simulator, two `npm run orchestrator` processes on one Redis prefix (in-process simulated fleet: its
 * robots' positions are kept in Redis, so the next leader drives them on), a front proxy on PORT (default
 * 8080) and the MES simulator posting through it. A killed instance is started again after 3 s, as a
 * follower. Demo mode: the public demo keys; never expose it beyond localhost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadConfig, type Config } from '../orchestrator/config.ts';
import { loadPlant } from '../orchestrator/main.ts';
import { redisAnswers, startPrivateRedis, type PrivateRedis } from '../orchestrator/services/local-redis.ts';
import { startSimulators } from '../orchestrator/simulators-launcher.ts';
import { exitOnStartupError } from '../orchestrator/startup-errors.ts';
import { FrontProxy } from './front-proxy.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Instance {
  readonly name: string;
  child: ChildProcess | undefined;
  port: number | undefined;
}

/** Starts `npm run orchestrator` as `instance`; resolves with its port once it listens. */
function spawnInstance(instance: Instance, env: Record<string, string>, onExit: () => void): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'orchestrator/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  instance.child = child;
  instance.port = undefined;
  child.once('exit', () => {
    instance.child = undefined;
    instance.port = undefined;
    onExit();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`${instance.name} exited with ${String(code)} before it listened`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry: { level?: number; msg?: string; url?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg === 'orchestrator listening' && entry.url) {
        instance.port = Number(new URL(entry.url).port);
        resolve(instance.port);
      } else if ((entry.level ?? 0) >= 40 || /leader/.test(entry.msg ?? ''))
        process.stdout.write(`[${instance.name}] ${entry.msg ?? line}\n`);
    });
  });
}

async function readiness(port: number | undefined): Promise<{ engine?: string } | undefined> {
  if (port === undefined) return undefined;
  try {
    return (await (
      await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) })
    ).json()) as {
      engine?: string;
    };
  } catch {
    return undefined;
  }
}

async function cluster(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig({ DEMO: '1', LOG_LEVEL: 'warn', ...process.env });
  } catch (err) {
    await exitOnStartupError(err);
    throw err;
  }
  if (config.fleet !== 'sim') {
    process.stderr.write(
      'fleetbridge: npm run cluster runs the in-process simulated fleet only (FLEET=sim)\n',
    );
    process.exit(2);
  }
  const log = pino({ level: config.logLevel, base: { service: 'fleetbridge-cluster' } });
  const plant = await loadPlant(config, log).catch(async (err: unknown) => {
    await exitOnStartupError(err);
    throw err;
  });
  let privateRedis: PrivateRedis | undefined;
  if (!(await redisAnswers(config.redisUrl))) {
    privateRedis = await startPrivateRedis();
    if (!privateRedis) {
      process.stderr.write(
        `fleetbridge: Redis is not reachable at ${config.redisUrl} and redis-server is not installed.\n`,
      );
      process.exit(3);
    }
    config = { ...config, redisUrl: privateRedis.url };
  }
  const simulators = await startSimulators({ config, plant, log, phase: 'before', wms: true });
  const env: Record<string, string> = {
    DEMO: '1',
    HOST: '127.0.0.1',
    PORT: '0',
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.redisPrefix,
    SIMULATE: 'fleet',
    SIM_SPEEDUP: String(config.simSpeedup),
    WMS_URL: simulators.wmsUrl!,
    ...(config.wmsWebhookSecret ? { WMS_WEBHOOK_SECRET: config.wmsWebhookSecret } : {}),
  };
  let stopping = false;
  const instances: Instance[] = [
    { name: 'instance-a', child: undefined, port: undefined },
    { name: 'instance-b', child: undefined, port: undefined },
  ];
  const start = (instance: Instance): Promise<number> =>
    spawnInstance(instance, env, () => {
      if (stopping) return;
      process.stdout.write(`[${instance.name}] exited; starting it again in 3 s (it joins as a follower)\n`);
      setTimeout(() => {
        void start(instance).catch((err: unknown) => {
          process.stderr.write(`[${instance.name}] ${(err as Error).message}\n`);
        });
      }, 3000);
    });
  // The instances never outlive the launcher, whatever ends it.
  process.once('exit', () => {
    for (const i of instances) i.child?.kill('SIGKILL');
  });
  await start(instances[0]!);
  await start(instances[1]!);
  const proxy = new FrontProxy(() =>
    instances.flatMap((i) => (i.port === undefined ? [] : [{ host: '127.0.0.1', port: i.port }])),
  );
  const url = await proxy.listen(config.host, config.port);
  try {
    simulators.startMes(url);
  } catch (err) {
    process.stderr.write(`fleetbridge: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const supervisor = config.apiKeys.find((k) => k.role === 'supervisor')?.key ?? '';
  const roles = async (): Promise<string> =>
    (
      await Promise.all(
        instances.map(
          async (i) => `${i.name} pid ${i.child?.pid ?? '-'} ${(await readiness(i.port))?.engine ?? 'down'}`,
        ),
      )
    ).join(', ');
  process.stdout.write(
    [
      '',
      `Fleetbridge cluster demo "${plant.layout.name}": ${plant.fleet.length} robots, two instances behind ${url}`,
      `  Map          ${url}/   (sign in with the supervisor key: ${supervisor})`,
      `  Instances    ${await roles()}`,
      "  Try it       kill -9 the leader's pid: the other takes the engine over within seconds, the map goes on",
      '  DEMO MODE: the API keys are the public demo keys from the README. Do not expose this port.',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  const status = setInterval(() => {
    void roles().then((line) =>
      process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`),
    );
  }, 10_000);
  status.unref();
  const shutdown = (): void => {
    stopping = true;
    clearInterval(status);
    void (async () => {
      await simulators.stopMes();
      await proxy.close();
      await Promise.all(
        instances.map(
          (i) =>
            new Promise<void>((resolve) => {
              if (!i.child) {
                resolve();
                return;
              }
              i.child.once('exit', () => {
                resolve();
              });
              i.child.kill('SIGTERM');
            }),
        ),
      );
      await simulators.stop();
      privateRedis?.stop();
      process.exit(0);
    })();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

await cluster();
