import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface OrchestratorProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** kill -9: no shutdown hooks, no flushing. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `orchestrator/main.ts` as its own OS process (as production does) and resolves once it logs that it
 * is listening. Its JSON log goes to stdout; stderr is kept for the failure message.
 */
export function startOrchestratorProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<OrchestratorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'orchestrator/main.ts'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`orchestrator did not start within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    const early = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`orchestrator exited with ${String(code)}\n${stderr}`));
    };
    child.once('exit', early);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (
        typeof entry === 'object' &&
        entry !== null &&
        'msg' in entry &&
        entry.msg === 'orchestrator listening' &&
        'url' in entry
      ) {
        clearTimeout(timer);
        child.off('exit', early);
        resolve({
          url: String(entry.url),
          child,
          async kill() {
            child.kill('SIGKILL');
            await exited;
          },
          async stop() {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
  });
}
