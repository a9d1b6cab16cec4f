import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { runPlant } from './main.ts';

/**
 * `npm start`: the whole demo plant on defaults: orchestrator, simulated fleet, MES and WMS simulators.
 * Demo mode uses fixed, public API keys (README); never expose it beyond localhost.
 */
async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1500 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
    server.once('error', reject);
  });
}

/** Starts a private, throw-away redis-server when none answers and the binary is installed. */
async function privateRedis(): Promise<{ url: string; child: ChildProcess } | undefined> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return undefined;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fleetbridge-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i += 1) {
    if (await redisAnswers(url)) return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  return undefined;
}

async function demo(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig({ DEMO: '1', LOG_LEVEL: 'warn', ...process.env });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`fleetbridge: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let redisChild: ChildProcess | undefined;
  if (!(await redisAnswers(config.redisUrl))) {
    const started = await privateRedis();
    if (!started) {
      process.stderr.write(
        `fleetbridge: Redis is not reachable at ${config.redisUrl} and redis-server is not installed.\n` +
          '  Install and start one (Debian: apt-get install redis-server && redis-server --daemonize yes),\n' +
          '  or set REDIS_URL to a Redis you have.\n',
      );
      process.exit(3);
    }
    process.stdout.write(`Redis was not reachable at ${config.redisUrl}; started a private one at ${started.url} (data is not kept).\n`);
    redisChild = started.child;
    config = { ...config, redisUrl: started.url };
  }
  const log = pino({ level: config.logLevel, base: { service: 'fleetbridge' } });
  const running = await runPlant(config, log);
  const url = running.orchestrator.url;
  const keys = Object.fromEntries(config.apiKeys.map((k) => [k.role, k.key]));
  process.stdout.write(
    [
      '',
      `Fleetbridge demo plant "${running.plant.layout.name}": ${running.plant.fleet.length} robots, ${running.plant.layout.stations.length} stations`,
      `  API          ${url}   (health: ${url}/healthz)`,
      `  Robots       curl -H 'Authorization: Bearer ${keys.supervisor ?? ''}' ${url}/v1/robots`,
      `  Orders       curl -H 'Authorization: Bearer ${keys.supervisor ?? ''}' ${url}/v1/transport-orders`,
      ...(running.simulators.wms ? [`  WMS ledger   ${running.simulators.wms.url}/ledger`] : []),
      `  MES events   ${config.simulate.has('mes') ? `${config.mesRatePerMin}/min simulated` : 'off (SIMULATE has no mes)'}`,
      '  DEMO MODE: the API keys are the public demo keys from the README. Do not expose this port.',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  const progress = setInterval(() => {
    void (async () => {
      const counts = await running.orchestrator.store.countByStatus();
      const ledger = running.simulators.wms?.ledger.snapshot();
      const inFlight = ['received', 'planned', 'assigned', 'to-pickup', 'picking', 'to-dropoff', 'dropping', 'delivered', 'on-hold'].reduce((n, s) => n + (counts[s] ?? 0), 0);
      const wms = ledger ? ` | WMS moves ${ledger.moves.length}, discrepancies ${ledger.discrepancies.length}` : '';
      process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] orders confirmed ${counts.confirmed ?? 0}, in flight ${inFlight}, failed ${counts.failed ?? 0}${wms}\n`);
    })().catch(() => undefined);
  }, 10_000);
  progress.unref();
  const shutdown = (): void => {
    clearInterval(progress);
    void running.stop().finally(() => {
      redisChild?.kill();
      process.exit(0);
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

await demo();
