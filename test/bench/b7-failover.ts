/**
 * B7 (issue 16): failover. Two orchestrator processes on one Redis prefix, 50 simulated robots busy on
 * warehouse-10-20-10-2-1 (storage bin -> storage bin transport requests, kept at about 1.5 open orders
 * per robot), and the engine leader killed with `kill -9` at a random point ten times (the killed
 * instance is started again, so there are always two). Per kill: how long until the survivor runs the
 * engine (`/readyz` says leader) and until a robot moves again (poses from `GET /v1/robots` on the
 * survivor, every 100 ms). At the end every accepted order must reach `confirmed`: lost = accepted but
 * not confirmed; duplicate = an order delivered or confirmed twice in its history. A small HTTP server
 * stands in for the WMS and acknowledges every `transport.delivered` (it also counts redeliveries, which
 * at-least-once webhooks may send; receivers deduplicate them by `webhook-id`). Collisions: two robots
 * closer than half an edge (0.5 m) in one sample. Target: 0 lost, 0 duplicated, 0 collisions, robots
 * moving again within 5 s of every kill. Run alone: `npx tsx test/bench/b7-failover.ts`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importMovingAiMap } from '../../orchestrator/layout-import/movingai.ts';
import { startOrchestratorProcess, type OrchestratorProcess } from '../support/orchestrator-process.ts';
import { KEYS, testEnv } from '../support/test-env.ts';
import type { BenchOptions, BenchSection } from './bench-kit.ts';
import { closestPair, type RobotView } from './d1-demo-plant.ts';
import {
  deleteRedisKeys,
  fmt,
  isMain,
  markdownTable,
  mulberry32,
  percentile,
  printSection,
  randomInt,
  verdict,
} from './bench-kit.ts';

const MAP = 'warehouse-10-20-10-2-1';
const MAP_PATH = fileURLToPath(
  new URL(`../../orchestrator/layout-import/fixtures/mapf/${MAP}.map`, import.meta.url),
);
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const TARGET_MOVING_MS = 5000;
const CLOSE_M = 0.5;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface B7Options extends BenchOptions {
  readonly robots?: number;
  readonly kills?: number;
  readonly seed?: number;
}

interface Kill {
  readonly leaderMs: number;
  readonly movingMs: number;
}

/** The stand-in WMS: acknowledges every webhook, counting deliveries per order. */
async function wmsReceiver(): Promise<{ server: Server; url: string; deliveries: Map<string, number> }> {
  const deliveries = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      try {
        const event = JSON.parse(body) as { type?: string; data?: { orderId?: string } };
        const id = event.data?.orderId;
        if (event.type === 'transport.delivered' && id) deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
      } catch {
        // not ours
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, deliveries };
}

async function json<T>(url: string, key?: string): Promise<T | undefined> {
  try {
    const res = await fetch(url, {
      ...(key ? { headers: { authorization: `Bearer ${key}` } } : {}),
      signal: AbortSignal.timeout(2000),
    });
    return (await res.json()) as T;
  } catch {
    return undefined;
  }
}

const engineOf = async (p: OrchestratorProcess): Promise<string | undefined> =>
  (await json<{ engine?: string }>(`${p.url}/readyz`))?.engine;

const poses = (page: { items: RobotView[] } | undefined): Map<string, string> =>
  new Map((page?.items ?? []).map((r) => [r.id, JSON.stringify(r.pose)]));

export async function run(options: B7Options = {}): Promise<BenchSection> {
  const log = options.log ?? (() => {});
  const robotCount = options.robots ?? 50;
  const killCount = options.kills ?? 10;
  const random = mulberry32(options.seed ?? 7);
  const layout = importMovingAiMap((await import('node:fs')).readFileSync(MAP_PATH, 'utf8'), {
    name: MAP,
  }).value;
  const step = Math.floor(layout.nodes.length / robotCount);
  const fleet = Array.from({ length: robotCount }, (_, i) => ({
    id: `R${String(i + 1).padStart(3, '0')}`,
    vehicleType: 'grid',
    adapter: 'sim',
    homeNode: layout.nodes[i * step]!.id,
    maxSpeedMps: 1,
  }));
  const bins = layout.stations.filter((s) => s.role === 'storage-bin').map((s) => s.id);
  const dir = await mkdtemp(join(os.tmpdir(), 'fbbench-b7-'));
  const sitePath = join(dir, `${MAP}.site.json`);
  await writeFile(sitePath, JSON.stringify({ name: `B7 ${MAP}`, stations: [], fleet }));
  const prefix = `fbbench-b7-${randomUUID().slice(0, 8)}`;
  const wms = await wmsReceiver();
  const env = testEnv(prefix, REDIS_URL, {
    LAYOUT: MAP_PATH,
    SITE: sitePath,
    SIMULATE: 'fleet',
    SIM_SPEEDUP: '4',
    WMS_URL: wms.url,
    LOG_LEVEL: 'warn',
  });
  const instances: OrchestratorProcess[] = [];
  const accepted: string[] = [];
  const kills: Kill[] = [];
  let minDistance = Infinity;
  let collisions = 0;
  let seq = 0;
  let stopLoad = false;
  try {
    instances.push(await startOrchestratorProcess(env, 60_000));
    instances.push(await startOrchestratorProcess(env, 60_000));
    log(`B7: two instances up (${instances.map((p) => p.url).join(', ')}), ${robotCount} robots on ${MAP}`);

    // Load and watch, on whichever instance answers.
    const alive = (): OrchestratorProcess[] =>
      instances.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    const post = async (): Promise<void> => {
      const target = alive()[seq % Math.max(1, alive().length)];
      if (!target) return;
      const i = seq++;
      const from = bins[randomInt(random, bins.length)]!;
      let to = from;
      while (to === from) to = bins[randomInt(random, bins.length)]!;
      for (let attempt = 0; attempt < 20; attempt += 1) {
        const p = alive()[attempt % Math.max(1, alive().length)];
        if (!p) break;
        try {
          const res = await fetch(`${p.url}/v1/transport-requests`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${KEYS.wms}`,
              'content-type': 'application/json',
              'idempotency-key': `b7-${i}`,
            },
            body: JSON.stringify({
              type: 'custom',
              from: { location: from },
              to: { location: to },
              externalRefs: { bench: 'B7', seq: String(i) },
            }),
            signal: AbortSignal.timeout(3000),
          });
          const body = (await res.json()) as { id?: string };
          if (res.status === 202 && body.id) {
            if (!accepted.includes(body.id)) accepted.push(body.id);
            return;
          }
        } catch {
          // that instance just died: the same key on the other
        }
        await sleep(200);
      }
    };
    const load = (async () => {
      while (!stopLoad) {
        const p = alive()[0];
        const open = p
          ? ((
              await json<{ items: unknown[] }>(
                `${p.url}/v1/transport-orders?limit=200&status=planned`,
                KEYS.supervisor,
              )
            )?.items.length ?? 0)
          : 0;
        if (open < robotCount) await Promise.all(Array.from({ length: 10 }, post));
        await sleep(500);
      }
    })();
    const watch = (async () => {
      while (!stopLoad) {
        const p = alive()[0];
        const robots = p
          ? (await json<{ items: RobotView[] }>(`${p.url}/v1/robots`, KEYS.supervisor))?.items
          : undefined;
        if (robots) {
          const d = closestPair(robots);
          minDistance = Math.min(minDistance, d);
          if (d < CLOSE_M) collisions += 1;
        }
        await sleep(200);
      }
    })();

    await sleep(15_000);
    for (let k = 0; k < killCount; k += 1) {
      await sleep(4000 + randomInt(random, 8000));
      let leader: OrchestratorProcess | undefined;
      for (const p of alive()) if ((await engineOf(p)) === 'leader') leader = p;
      const survivor = alive().find((p) => p !== leader);
      if (!leader || !survivor) throw new Error(`B7: kill ${k + 1}: no leader and follower to test`);
      const killedAt = Date.now();
      await leader.kill();
      let leaderMs = NaN;
      let movingMs = NaN;
      let before = new Map<string, string>();
      while (Date.now() - killedAt < 30_000 && (Number.isNaN(leaderMs) || Number.isNaN(movingMs))) {
        if (Number.isNaN(leaderMs) && (await engineOf(survivor)) === 'leader') {
          leaderMs = Date.now() - killedAt;
          // Moving means a pose changes after the new engine took over (not the view changing hands).
          before = poses(await json<{ items: RobotView[] }>(`${survivor.url}/v1/robots`, KEYS.supervisor));
          continue;
        }
        if (!Number.isNaN(leaderMs) && Number.isNaN(movingMs)) {
          const now =
            (await json<{ items: RobotView[] }>(`${survivor.url}/v1/robots`, KEYS.supervisor))?.items ?? [];
          if (now.some((r) => before.has(r.id) && before.get(r.id) !== JSON.stringify(r.pose)))
            movingMs = Date.now() - killedAt;
        }
        await sleep(100);
      }
      kills.push({ leaderMs, movingMs });
      log(
        `B7: kill ${k + 1}: engine on the survivor after ${fmt(leaderMs, 0)} ms, robots moving after ${fmt(movingMs, 0)} ms`,
      );
      instances.splice(instances.indexOf(leader), 1);
      instances.push(await startOrchestratorProcess(env, 60_000));
    }
    stopLoad = true;
    await Promise.all([load, watch]);

    // Drain: every accepted order confirmed, each once.
    log(`B7: ${accepted.length} orders accepted; waiting for every one to be confirmed`);
    const p = alive()[0]!;
    const deadline = Date.now() + 300_000;
    let histories: { id: string; status: string; history: { status: string }[] }[] = [];
    while (Date.now() < deadline) {
      histories = (
        await Promise.all(
          accepted.map((id) =>
            json<{ id: string; status: string; history: { status: string }[] }>(
              `${p.url}/v1/transport-orders/${id}`,
              KEYS.supervisor,
            ),
          ),
        )
      ).filter((o): o is NonNullable<typeof o> => o !== undefined);
      if (histories.length === accepted.length && histories.every((o) => o.status === 'confirmed')) break;
      await sleep(2000);
    }
    const lost = accepted.length - histories.filter((o) => o.status === 'confirmed').length;
    const duplicated = histories.filter(
      (o) =>
        o.history.filter((h) => h.status === 'delivered').length > 1 ||
        o.history.filter((h) => h.status === 'confirmed').length > 1,
    ).length;
    const redelivered = [...wms.deliveries.values()].filter((n) => n > 1).length;
    const moving = kills.map((k) => k.movingMs);
    const leaderTimes = kills.map((k) => k.leaderMs);
    const met =
      lost === 0 && duplicated === 0 && collisions === 0 && moving.every((ms) => ms <= TARGET_MOVING_MS);
    const markdown = `Two orchestrator processes (\`npm run orchestrator\`, one Redis prefix, leader lease 3 s renewed every 1 s),
${robotCount} simulated robots on ${MAP} (SIM_SPEEDUP 4), bin-to-bin transport requests posted round robin to
both instances and kept at about one waiting order per robot; after 15 s, ${killCount} times at a random
point (4 to 12 s apart) the leader killed with \`kill -9\` and started again as a follower. Takeover is
timed on the survivor: \`/readyz\` saying \`leader\`, then a robot's pose changing in \`GET /v1/robots\`.

${markdownTable(
  ['kill', 'engine on the survivor after (ms)', 'robots moving again after (ms)'],
  kills.map((k, i) => [String(i + 1), fmt(k.leaderMs, 0), fmt(k.movingMs, 0)]),
)}

| orders accepted | lost | delivered or confirmed twice | webhooks redelivered (deduplicated by webhook-id) | collisions (closer than ${CLOSE_M} m) | closest two robots (m) |
| --- | --- | --- | --- | --- | --- |
| ${accepted.length} | ${lost} | ${duplicated} | ${redelivered} | ${collisions} | ${fmt(minDistance, 2)} |

- Takeover: engine median ${fmt(percentile(leaderTimes, 50), 0)} ms, max ${fmt(Math.max(...leaderTimes), 0)} ms; robots moving median ${fmt(percentile(moving, 50), 0)} ms, max ${fmt(Math.max(...moving), 0)} ms.
- 0 lost, 0 duplicated, 0 collisions, robots moving again within ${TARGET_MOVING_MS / 1000} s of every kill: ${verdict(met)}
`;
    return {
      id: 'B7',
      title: 'failover: the engine leader killed ten times (issue 16)',
      markdown,
      targetsMet: met,
      figures: {
        medianMovingMs: percentile(moving, 50),
        maxMovingMs: Math.max(...moving),
        lost,
        duplicated,
        collisions,
      },
    };
  } finally {
    stopLoad = true;
    for (const p of instances) await p.stop().catch(() => undefined);
    wms.server.close();
    await rm(dir, { recursive: true, force: true });
    await deleteRedisKeys(REDIS_URL, prefix).catch(() => 0);
  }
}

if (isMain(import.meta.url)) await printSection(run);
