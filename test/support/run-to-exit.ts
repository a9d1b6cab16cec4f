import { spawn } from 'node:child_process';

export interface Exited {
  /** The exit code, or null when a signal ended the process. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `script` (a TypeScript entry point, through tsx) with `args` and the environment `env` on top of
 * this one, to its end. Fails after `timeoutMs` (the process is killed): a start-up mistake must end the
 * process, not leave it hanging.
 */
export function runToExit(
  script: string,
  options: { env?: Record<string, string>; args?: readonly string[]; timeoutMs?: number } = {},
): Promise<Exited> {
  const { env = {}, args = [], timeoutMs = 30_000 } = options;
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${script} did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`),
      );
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
