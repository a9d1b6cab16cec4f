/**
 * Shared pieces of the benchmark suite (the project's benchmark spec, `specs/performance.md` of the design docs): the section each
 * benchmark returns, timing, percentiles, a seeded PRNG, machine info and Markdown helpers.
 * Benchmarks may do I/O; nothing here asserts a time (benchmarks are not tests).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import type { Layout } from '../../orchestrator/domain/layout.ts';
import { importMovingAiMap } from '../../orchestrator/layout-import/movingai.ts';

/** B1-B8 are `specs/performance.md`'s suite; D1 is the demo plant's bar (issue 2). */
export type BenchId = 'B1' | 'B2' | 'B3' | 'B4' | 'B5' | 'B6' | 'B7' | 'B8' | 'B9' | 'D1' | 'D2' | 'F1';

/** What one benchmark reports; `npm run bench` joins the sections into `BENCHMARKS.md`. */
export interface BenchSection {
  readonly id: BenchId;
  readonly title: string;
  /** The section body: seeds, machine, tables and the target verdicts. */
  readonly markdown: string;
  /** Every target of the spec met in this run. */
  readonly targetsMet: boolean;
  /** Headline figures by name, with the unit in the name (`csrP99Ms`, `greedyOverOptimal`). */
  readonly figures: Record<string, number>;
}

export interface BenchOptions {
  /** Progress lines (to stderr when run directly); default: none. */
  readonly log?: (line: string) => void;
}

/** mulberry32: a seeded PRNG uniform in [0, 1); the same seed gives the same sequence everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n). */
export function randomInt(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

/** Runs `fn` once; its result and wall time in milliseconds. */
export function timed<T>(fn: () => T): { readonly value: T; readonly ms: number } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

export interface Summary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentile `p` (0..100) of `samples`; NaN when empty. Does not modify `samples`. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarize(samples: readonly number[]): Summary {
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return {
    count: samples.length,
    mean,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: percentile(samples, 100),
  };
}

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  };
}

export function machineLine(): string {
  const m = machineInfo();
  return `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform}; load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}.`;
}

/** `x` with `digits` decimals (thousands not grouped), or `n/a` for NaN. */
export function fmt(x: number, digits = 2): string {
  return Number.isNaN(x) ? 'n/a' : x.toFixed(digits);
}

export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export function verdict(met: boolean): string {
  return met ? 'met' : 'NOT met';
}

/** The text of a Moving AI map copied into the layout-import fixtures (`warehouse-20-40-10-2-1`). */
export function movingAiText(name: string): string {
  return readFileSync(
    new URL(`../../orchestrator/layout-import/fixtures/mapf/${name}.map`, import.meta.url),
    'utf8',
  );
}

export function movingAiLayout(name: string): Layout {
  return importMovingAiMap(movingAiText(name), { name }).value;
}

/** Lets pending I/O (progress lines) and timers run between long synchronous phases. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(script).href === moduleUrl;
}

/**
 * For `if (isMain(import.meta.url)) await printSection(run)`: runs the benchmark with progress on
 * stderr and prints its Markdown on stdout; exit code 1 when it threw.
 */
export async function printSection(run: (options: BenchOptions) => Promise<BenchSection>): Promise<void> {
  try {
    const section = await run({ log: (line) => process.stderr.write(`${line}\n`) });
    process.stdout.write(`## ${section.id}: ${section.title}\n\n${section.markdown}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}

/** Deletes every key under `prefix:` (a benchmark's private Redis prefix); returns how many. */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
