import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { waitFor } from './wait-for.ts';

/** `npm start` running as a newcomer runs it, with the URLs its banner printed. */
export interface DemoProcess {
  /** The orchestrator's base URL. */
  readonly api: string;
  /** The WMS simulator's base URL (its ledger is at `/ledger`). */
  readonly wms: string;
  /** When the banner appeared (epoch ms): the MES simulator starts posting then. */
  readonly startedAtMs: number;
  /** Stops npm and everything it started (SIGINT to the process group); idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs `npm start` on defaults, except for what `env` sets (a free port and a private Redis prefix, say),
 * in its own process group, and resolves once the banner shows the API and the WMS ledger.
 */
export async function startDemo(env: Record<string, string>, bannerTimeoutMs = 60_000): Promise<DemoProcess> {
  const child: ChildProcess = spawn('npm', ['start'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stop() reaches npm and the service together
  });
  child.stderr?.resume();
  const banner: { api?: string | undefined; wms?: string | undefined } = {};
  createInterface({ input: child.stdout! }).on('line', (line) => {
    banner.api ??= /^\s+API\s+(http:\/\/\S+)/.exec(line)?.[1];
    banner.wms ??= /^\s+WMS ledger\s+(http:\/\/\S+)\/ledger/.exec(line)?.[1];
  });
  const stop = async (): Promise<void> => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGINT');
    await exited;
  };
  try {
    const urls = await waitFor(
      'the banner of npm start',
      () => Promise.resolve(banner.api && banner.wms ? { api: banner.api, wms: banner.wms } : undefined),
      bannerTimeoutMs,
    );
    return { ...urls, startedAtMs: Date.now(), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
