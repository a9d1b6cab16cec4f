/**
 * Watching an orchestrator child process in a benchmark: its memory from `/proc`, a heap probe preloaded
 * into it, its log lines counted by level, and a stop with a deadline (B8, and B3's memory row).
 */
import { readFileSync } from 'node:fs';
import type { OrchestratorProcess } from '../support/orchestrator-process.ts';

export interface ProcMemory {
  readonly rssMb: number;
  readonly hwmMb: number;
}

/** VmRSS and VmHWM of `pid`, in MB (MiB: the kernel's kB are KiB). */
export function procMemory(pid: number): ProcMemory {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    if (!m) throw new Error(`B8: no ${field} in /proc/${pid}/status`);
    return Number(m[1]) / 1024;
  };
  return { rssMb: kb('VmRSS'), hwmMb: kb('VmHWM') };
}

/** SIGTERM, then SIGKILL if the process has not exited within `ms`; true when it stopped on SIGTERM. */
export async function stopWithin(proc: OrchestratorProcess, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const graceful = await Promise.race([
    proc.stop().then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => {
        resolve(false);
      }, ms);
    }),
  ]);
  clearTimeout(timer);
  if (!graceful) await proc.kill();
  return graceful;
}

/**
 * Preloaded into the child (`NODE_OPTIONS=--import`): once a second one JSON line on stdout, beside the
 * pino log, with `process.memoryUsage()` (bytes), so the report can split RSS into JS heap and off-heap.
 * Plain JS in a temporary .mjs: NODE_OPTIONS imports run before the `--import tsx` loader is registered.
 */
export const USAGE_MSG = 'b8 memoryUsage';
export const HEAP_PROBE = `const write = () =>
  process.stdout.write(JSON.stringify({ level: 30, msg: '${USAGE_MSG}', ...process.memoryUsage() }) + '\\n');
setInterval(write, 1000).unref();
`;

export interface Usage {
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
  readonly arrayBuffersMb: number;
}

/**
 * Counts the child's JSON log lines by level and keeps the first few warnings and errors, and the latest
 * `process.memoryUsage()` line of the heap probe.
 */
export function watchLog(proc: OrchestratorProcess): {
  byLevel: Map<string, number>;
  byMsg: Map<string, number>;
  samples: string[];
  usage: () => Usage | undefined;
} {
  let latest: Usage | undefined;
  const byLevel = new Map<string, number>();
  const byMsg = new Map<string, number>();
  const samples: string[] = [];
  const names: Record<number, string> = {
    10: 'trace',
    20: 'debug',
    30: 'info',
    40: 'warn',
    50: 'error',
    60: 'fatal',
  };
  let rest = '';
  proc.child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      let entry: { level?: number; msg?: string } & Record<string, unknown>;
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      if (entry.msg === USAGE_MSG) {
        const mb = (k: string): number => Number(entry[k]) / 1024 / 1024;
        latest = {
          heapUsedMb: mb('heapUsed'),
          heapTotalMb: mb('heapTotal'),
          externalMb: mb('external'),
          arrayBuffersMb: mb('arrayBuffers'),
        };
        continue;
      }
      const level = names[entry.level ?? 0] ?? String(entry.level);
      byLevel.set(level, (byLevel.get(level) ?? 0) + 1);
      const msg = `${level}: ${String(entry.msg)}`;
      byMsg.set(msg, (byMsg.get(msg) ?? 0) + 1);
      if ((entry.level ?? 0) >= 40 && samples.length < 5) samples.push(line.slice(0, 300));
    }
  });
  return { byLevel, byMsg, samples, usage: () => latest };
}
