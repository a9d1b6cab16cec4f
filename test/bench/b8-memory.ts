/**
 * B8 (`specs/performance.md`): memory with 500 robots and 10,000 open orders. Starts the orchestrator as
 * its own OS process (as production does) on warehouse-20-40-10-2-1 with a 500-robot simulated fleet
 * (temporary site file), posts 10,000 explicit `POST /v1/transport-requests` (storage bin -> storage bin,
 * no WMS), waits until intake has taken them all in, then samples the child's RSS (VmRSS, and VmHWM for
 * the peak) from `/proc/<pid>/status` while the robots work. Target: RSS <= 300 MB. No baseline.
 * Linux only (`/proc`). Needs Redis at REDIS_URL (default redis://127.0.0.1:6379); its keys live under a
 * private prefix `fbbench-b8-<random>` and are deleted at the end.
 * Run alone: `npx tsx test/bench/b8-memory.ts`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { importMovingAiMap } from '../../orchestrator/layout-import/movingai.ts';
import { startOrchestratorProcess, type OrchestratorProcess } from '../support/orchestrator-process.ts';
import {
  HEAP_PROBE,
  procMemory,
  stopWithin,
  watchLog,
  type ProcMemory,
  type Usage,
} from './process-watch.ts';
import type { BenchOptions, BenchSection } from './bench-kit.ts';
import { KEYS, testEnv as baseTestEnv } from '../support/test-env.ts';
import {
  deleteRedisKeys,
  fmt,
  isMain,
  machineLine,
  markdownTable,
  movingAiText,
  mulberry32,
  printSection,
  randomInt,
  verdict,
} from './bench-kit.ts';

export interface B8Options extends BenchOptions {
  /** PRNG seed of the order stream (from/to bins); default `B8_SEED`. */
  readonly seed?: number;
  /** Robots in the fleet; default 500. */
  readonly robots?: number;
  /** Transport requests to get accepted (202); default 10,000. */
  readonly orders?: number;
  /** Requests in flight; default 32. */
  readonly concurrency?: number;
  /** How long RSS is sampled after intake, ms; default 10,000. */
  readonly sampleMs?: number;
}

export const B8_SEED = 20_251_108;
const MAP = 'warehouse-20-40-10-2-1';
const MAP_PATH = fileURLToPath(
  new URL(`../../orchestrator/layout-import/fixtures/mapf/${MAP}.map`, import.meta.url),
);
const RSS_TARGET_MB = 300;
const INTAKE_TIMEOUT_MS = 100_000;
const POST_TIMEOUT_MS = 90_000;

/**
 * The API keys and environment of `test/support/plant-harness.ts` (`KEYS`, `testEnv`), repeated here:
 * that module imports `redis-prefix.ts`, which calls vitest's `inject` at load and so cannot be imported
 * outside vitest. Keep in step with it.
 */
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const testEnv = (prefix: string, extra: Record<string, string> = {}): Record<string, string> =>
  baseTestEnv(prefix, REDIS_URL, extra);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function run(options: B8Options = {}): Promise<BenchSection> {
  const seed = options.seed ?? B8_SEED;
  const robotCount = options.robots ?? 500;
  const orderCount = options.orders ?? 10_000;
  const concurrency = options.concurrency ?? 32;
  const sampleMs = options.sampleMs ?? 10_000;
  const log = options.log ?? ((): void => undefined);

  // The fleet: distinct home nodes, every k-th free cell in file order (rows top to bottom).
  const layout = importMovingAiMap(movingAiText(MAP), { name: MAP }).value;
  const step = Math.floor(layout.nodes.length / robotCount);
  if (step < 1) throw new Error(`B8: ${layout.nodes.length} nodes cannot home ${robotCount} robots`);
  const fleet = Array.from({ length: robotCount }, (_, i) => ({
    id: `R${String(i + 1).padStart(3, '0')}`,
    vehicleType: 'grid',
    adapter: 'sim',
    homeNode: layout.nodes[i * step]!.id,
    maxSpeedMps: 1,
  }));
  const bins = layout.stations.filter((s) => s.role === 'storage-bin').map((s) => s.id);
  if (bins.length < 2) throw new Error('B8: the map has fewer than two storage bins');
  const random = mulberry32(seed);
  const pairs = Array.from({ length: orderCount }, () => {
    const from = bins[randomInt(random, bins.length)]!;
    let to = from;
    while (to === from) to = bins[randomInt(random, bins.length)]!;
    return { from, to };
  });

  const dir = await mkdtemp(join(os.tmpdir(), 'fbbench-b8-'));
  const sitePath = join(dir, `${MAP}.site.json`);
  await writeFile(sitePath, JSON.stringify({ name: `B8 ${MAP}`, stations: [], fleet }));
  const probePath = join(dir, 'b8-heap-probe.mjs');
  await writeFile(probePath, HEAP_PROBE);
  const nodeOptions = [process.env.NODE_OPTIONS, `--import=${pathToFileURL(probePath).href}`]
    .filter(Boolean)
    .join(' ');
  const prefix = `fbbench-b8-${randomUUID().slice(0, 8)}`;

  let proc: OrchestratorProcess | undefined;
  let deletedKeys = 0;
  try {
    log(`B8: starting the orchestrator (${robotCount} robots on ${MAP}, prefix ${prefix})`);
    const startAt = Date.now();
    proc = await startOrchestratorProcess(
      testEnv(prefix, { LAYOUT: MAP_PATH, SITE: sitePath, SIMULATE: 'fleet', NODE_OPTIONS: nodeOptions }),
      60_000,
    );
    const startupMs = Date.now() - startAt;
    const pid = proc.child.pid;
    if (pid === undefined) throw new Error('B8: the orchestrator process has no pid');
    const logs = watchLog(proc);
    const idle = procMemory(pid);
    log(`B8: listening at ${proc.url} after ${startupMs} ms; idle RSS ${fmt(idle.rssMb, 0)} MB`);
    const base = proc.url.replace(/\/$/, '');

    // Intake: bounded concurrency until orderCount are accepted (202).
    let next = 0;
    let accepted = 0;
    let retried = 0;
    const failures = new Map<string, number>();
    let firstFailure = '';
    const postStart = performance.now();
    const deadline = Date.now() + POST_TIMEOUT_MS;
    const worker = async (): Promise<void> => {
      while (next < orderCount && Date.now() < deadline) {
        const i = next++;
        const { from, to } = pairs[i]!;
        for (let attempt = 0; attempt < 3; attempt++) {
          let status = 0;
          let body = '';
          try {
            const res = await fetch(`${base}/v1/transport-requests`, {
              method: 'POST',
              headers: {
                Authorization: `Bearer ${KEYS.wms}`,
                'Content-Type': 'application/json',
                'Idempotency-Key': `b8-${i}`,
              },
              body: JSON.stringify({
                type: 'custom',
                from: { location: from },
                to: { location: to },
                externalRefs: { bench: 'B8', seq: String(i) },
              }),
            });
            status = res.status;
            body = await res.text();
          } catch (error) {
            body = error instanceof Error ? error.message : String(error);
          }
          if (status === 202) {
            accepted++;
            if (accepted % 2000 === 0) log(`B8: ${accepted} accepted`);
            break;
          }
          const key = String(status || 'network');
          failures.set(key, (failures.get(key) ?? 0) + 1);
          if (!firstFailure) firstFailure = `${key} ${body.slice(0, 300)}`;
          // Idempotent: the same key again returns the same order, so a retry cannot duplicate it.
          if (status >= 400 && status < 500 && status !== 429) break;
          retried++;
          await sleep(100);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const postMs = performance.now() - postStart;
    const afterPosts = procMemory(pid);
    log(
      `B8: ${accepted} of ${orderCount} accepted in ${fmt(postMs / 1000, 1)} s; RSS ${fmt(afterPosts.rssMb, 0)} MB`,
    );

    // Wait for intake: no order left in `received` (the store's status sets, read from Redis directly;
    // the API's status filter walks the whole time index per call, so it is used once, as a cross-check).
    const redis = new Redis(REDIS_URL);
    interface Sample extends ProcMemory {
      readonly atS: number;
      readonly received: number;
      readonly planned: number;
      readonly open: number;
      readonly usage: Usage | undefined;
    }
    const samples: Sample[] = [];
    let intakeMs = NaN;
    let apiReceived = NaN;
    const intakeStart = performance.now();
    try {
      const counts = async (): Promise<{ received: number; planned: number; open: number }> => {
        const [received, planned, open] = await Promise.all([
          redis.scard(`${prefix}:orders:status:received`),
          redis.scard(`${prefix}:orders:status:planned`),
          redis.scard(`${prefix}:orders:open`),
        ]);
        return { received, planned, open };
      };
      const intakeDeadline = Date.now() + INTAKE_TIMEOUT_MS;
      let lastLog = Date.now();
      for (;;) {
        const c = await counts();
        if (c.received === 0) {
          intakeMs = performance.now() - intakeStart;
          break;
        }
        if (Date.now() > intakeDeadline) {
          log(
            `B8: intake not done ${INTAKE_TIMEOUT_MS / 1000} s after the posts (${c.received} still received)`,
          );
          break;
        }
        if (Date.now() - lastLog >= 10_000) {
          lastLog = Date.now();
          const m = procMemory(pid);
          log(
            `B8: waiting for intake: ${c.received} received, ${c.planned} planned; RSS ${fmt(m.rssMb, 0)} MB`,
          );
        }
        await sleep(250);
      }
      const res = await fetch(`${base}/v1/transport-orders?status=received&limit=1`, {
        headers: { Authorization: `Bearer ${KEYS.supervisor}` },
      });
      apiReceived = ((await res.json()) as { items: unknown[] }).items.length;
      log(
        `B8: ${Number.isNaN(intakeMs) ? 'gave up waiting for intake;' : `intake done ${fmt(intakeMs / 1000, 1)} s after the posts;`} ` +
          `API shows ${apiReceived} received; sampling RSS for ${sampleMs / 1000} s`,
      );
      const sampleStart = performance.now();
      const sampleCount = 6;
      for (let s = 0; s < sampleCount; s++) {
        if (s > 0) await sleep(sampleMs / (sampleCount - 1));
        const m = procMemory(pid);
        const c = await counts();
        samples.push({ atS: (performance.now() - sampleStart) / 1000, ...m, ...c, usage: logs.usage() });
        log(
          `B8: t+${fmt(samples.at(-1)!.atS, 1)} s RSS ${fmt(m.rssMb, 0)} MB, peak ${fmt(m.hwmMb, 0)} MB, ` +
            `heap used ${fmt(logs.usage()?.heapUsedMb ?? NaN, 0)} MB, array buffers ${fmt(logs.usage()?.arrayBuffersMb ?? NaN, 0)} MB; ` +
            `${c.received} received, ${c.planned} planned, ${c.open} open`,
        );
      }
    } finally {
      redis.disconnect();
    }
    const robotsRes = await fetch(`${base}/v1/robots`, {
      headers: { Authorization: `Bearer ${KEYS.supervisor}` },
    });
    const robots = ((await robotsRes.json()) as { items: { orderId: string | null }[] }).items;
    const busy = robots.filter((r) => r.orderId !== null).length;

    log('B8: stopping the orchestrator (SIGTERM)');
    const stopStart = performance.now();
    const graceful = await stopWithin(proc, 20_000);
    const stopMs = performance.now() - stopStart;
    proc = undefined;
    log(`B8: stopped ${graceful ? 'on SIGTERM' : 'by SIGKILL after 20 s'} in ${fmt(stopMs / 1000, 1)} s`);

    const last = samples.at(-1)!;
    const rssMaxSampled = Math.max(...samples.map((s) => s.rssMb));
    const peak = Math.max(...samples.map((s) => s.hwmMb));
    const allAccepted = accepted === orderCount;
    const intakeDone = !Number.isNaN(intakeMs);
    const rssMet = allAccepted && rssMaxSampled <= RSS_TARGET_MB;
    const peakMet = allAccepted && peak <= RSS_TARGET_MB;
    const failed = [...failures.values()].reduce((a, b) => a + b, 0);
    const figures: Record<string, number> = {
      robots: robotCount,
      ordersAccepted: accepted,
      ordersOpenAtEnd: last.open,
      ordersReceivedAtEnd: last.received,
      ordersPlannedAtEnd: last.planned,
      robotsBusy: busy,
      startupMs,
      idleRssMb: idle.rssMb,
      afterPostsRssMb: afterPosts.rssMb,
      rssNowMb: last.rssMb,
      rssMaxSampledMb: rssMaxSampled,
      rssPeakHwmMb: peak,
      heapUsedNowMb: last.usage?.heapUsedMb ?? NaN,
      arrayBuffersNowMb: last.usage?.arrayBuffersMb ?? NaN,
      postSeconds: postMs / 1000,
      postReqPerS: accepted / (postMs / 1000),
      intakeAfterPostsSeconds: intakeMs / 1000,
      failedRequests: failed,
    };
    const levels = [...logs.byLevel].map(([l, n]) => `${l} ${n}`).join(', ') || 'none';
    const topMsgs = [...logs.byMsg]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([m, n]) => `\`${m}\` x${n}`)
      .join('; ');
    const mb = (x: number | undefined): string => fmt(x ?? NaN, 0);
    const markdown = [
      `Seed ${seed}; ${MAP} (${layout.nodes.length} nodes, ${bins.length} storage bins); ${robotCount} simulated ` +
        `robots (adapter sim, 1 m/s, SIM_SPEEDUP 10) on every ${step}th free cell; ${orderCount} ` +
        `\`POST /v1/transport-requests\` bin -> bin (uniform random pairs), ${concurrency} in flight, no WMS. ` +
        `The orchestrator runs as its own process (\`node --import tsx orchestrator/main.ts\`, so the tsx ` +
        `loader is part of its RSS); RSS is VmRSS and the peak VmHWM of that process from \`/proc/<pid>/status\`, ` +
        `sampled ${samples.length} times over ${sampleMs / 1000} s once intake had taken every order in ` +
        `(or after ${INTAKE_TIMEOUT_MS / 1000} s at most). Heap and array-buffer figures come from ` +
        `\`process.memoryUsage()\` inside the child (a preloaded probe printing one line a second).`,
      machineLine(),
      '',
      markdownTable(
        [
          'phase',
          'RSS MB',
          'peak (VmHWM) MB',
          'JS heap used MB',
          'array buffers MB',
          'received / planned / open',
        ],
        [
          ['idle, after start-up', mb(idle.rssMb), mb(idle.hwmMb), '', '', '0 / 0 / 0'],
          [
            `after the ${accepted} posts (${fmt(postMs / 1000, 1)} s, ${fmt(accepted / (postMs / 1000), 0)} req/s)`,
            mb(afterPosts.rssMb),
            mb(afterPosts.hwmMb),
            '',
            '',
            '',
          ],
          ...samples.map((s) => [
            `${intakeDone ? 'intake done' : `intake wait ended (${INTAKE_TIMEOUT_MS / 1000} s)`} + ${fmt(s.atS, 1)} s`,
            mb(s.rssMb),
            mb(s.hwmMb),
            mb(s.usage?.heapUsedMb),
            mb(s.usage?.arrayBuffersMb),
            `${s.received} / ${s.planned} / ${s.open}`,
          ]),
        ],
      ),
      '',
      `Accepted ${accepted} of ${orderCount} (failed responses ${failed}` +
        (failed
          ? `: ${[...failures].map(([k, n]) => `${k} x${n}`).join(', ')}; first: \`${firstFailure}\``
          : '') +
        `; retries ${retried}). ` +
        (intakeDone
          ? `Intake had every order out of \`received\` ${fmt(intakeMs / 1000, 1)} s after the last post. `
          : `Intake had NOT taken every order in ${INTAKE_TIMEOUT_MS / 1000} s after the last post ` +
            `(${last.received} still \`received\` at the end; the API listed ${apiReceived}). `) +
        `${busy} of ${robotCount} robots had an order at the end; shutdown ` +
        `${graceful ? 'on SIGTERM' : 'needed SIGKILL (no exit 20 s after SIGTERM)'} in ${fmt(stopMs / 1000, 1)} s. ` +
        `Orchestrator log (info): ${levels}; most frequent: ${topMsgs || 'none'}.` +
        (logs.samples.length ? `\nFirst warnings: ${logs.samples.map((s) => `\`${s}\``).join(' ')}` : ''),
      '',
      `- RSS <= ${RSS_TARGET_MB} MB with ${robotCount} robots and ${orderCount} open orders ` +
        `(highest sample ${mb(rssMaxSampled)} MB): ${verdict(rssMet)}.`,
      `- Peak RSS over the whole run (VmHWM, start-up and intake included) ${mb(peak)} MB <= ${RSS_TARGET_MB} MB: ` +
        `${verdict(peakMet)} (context; the target names RSS).`,
    ].join('\n');
    return {
      id: 'B8',
      title: `Memory, ${robotCount} robots and ${orderCount} open orders`,
      markdown,
      targetsMet: rssMet,
      figures,
    };
  } finally {
    if (proc) await stopWithin(proc, 10_000).catch(() => undefined);
    deletedKeys = await deleteRedisKeys(REDIS_URL, prefix).catch((error: unknown) => {
      log(`B8: could not delete keys under ${prefix}: ${String(error)}`);
      return 0;
    });
    log(`B8: deleted ${deletedKeys} Redis keys under ${prefix}`);
    await rm(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await printSection(run);
