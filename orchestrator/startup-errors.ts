/**
 * Start-up mistakes as messages: what is wrong, named by the variable that set it, and what to do. Used by
 * both entry points (`npm run orchestrator`, `npm start`) and `npm run check-plant`.
 */
import { ConfigError } from './config.ts';
import { ListenError } from './http/app.ts';
import { describeProblem, LayoutImportError } from './domain/layout.ts';
import { PlantFileError, plantProblemLines } from './layout-import/plant-file-error.ts';
import { RedisUnavailableError } from './orchestrator.ts';

/** Exit code of a mistake in the configuration or the plant files, or a port that cannot be bound. */
export const EXIT_CONFIG = 2;
/** Exit code when a service the orchestrator needs (Redis, MQTT) does not answer. */
export const EXIT_UNAVAILABLE = 3;
/** At most this many problems are printed; the rest are counted. */
const MAX_PROBLEM_LINES = 50;

export interface StartupFailure {
  /** One or more lines, each a complete message. */
  readonly lines: readonly string[];
  readonly exitCode: number;
}

/**
 * The message and exit code for `err` when it is a start-up mistake a person can fix: configuration,
 * plant files, port, Redis. Undefined for anything else: a bug, which should crash with its stack.
 */
export function explainStartupError(err: unknown): StartupFailure | undefined {
  if (err instanceof ConfigError) return { lines: [err.message], exitCode: EXIT_CONFIG };
  if (err instanceof PlantFileError) return { lines: plantLines(err), exitCode: EXIT_CONFIG };
  if (err instanceof LayoutImportError) {
    return { lines: err.problems.map(describeProblem), exitCode: EXIT_CONFIG };
  }
  if (err instanceof ListenError) return { lines: [listenLine(err)], exitCode: EXIT_CONFIG };
  if (err instanceof RedisUnavailableError) {
    return {
      lines: [
        `${err.message}.`,
        '  Start one with:  redis-server --port 6379 --appendonly yes',
        '  or point REDIS_URL at yours (e.g. REDIS_URL=redis://127.0.0.1:6379).',
      ],
      exitCode: EXIT_UNAVAILABLE,
    };
  }
  return undefined;
}

/** `failure` on stderr, each line after `fleetbridge: ` (continuation lines, indented, as they are). */
export function printStartupFailure(failure: StartupFailure): void {
  const text = failure.lines.map((line) => (line.startsWith('  ') ? line : `fleetbridge: ${line}`));
  process.stderr.write(`${text.join('\n')}\n`);
}

/**
 * Prints `err` and exits with its code when it is a start-up mistake; returns when it is not (rethrow it).
 * `cleanUp` runs first (a private Redis to stop, say); its own failure is ignored.
 */
export async function exitOnStartupError(err: unknown, cleanUp?: () => Promise<void> | void): Promise<void> {
  const failure = explainStartupError(err);
  if (failure === undefined) return;
  await Promise.resolve(cleanUp?.()).catch(() => undefined);
  printStartupFailure(failure);
  process.exit(failure.exitCode);
}

function plantLines(err: PlantFileError): string[] {
  const lines = plantProblemLines(err.problems.slice(0, MAX_PROBLEM_LINES));
  const more = err.problems.length - lines.length;
  const count = `${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}`;
  return [
    ...lines,
    ...(more > 0 ? [`... and ${more} more`] : []),
    `${count} in the plant files; nothing was started (npm run check-plant -- LAYOUT SITE checks them alone)`,
  ];
}

function listenLine(err: ListenError): string {
  const at = `HOST:PORT ${err.host}:${err.port}`;
  switch (err.code) {
    case 'port-in-use':
      return `${at} is already in use (PORT=${err.port}); stop what listens there, or set PORT to another port${err.port > 0 && err.port < 65535 ? `, e.g. PORT=${err.port + 1}` : ''}, or PORT=0 for any free one`;
    case 'port-denied':
      return `${at} needs privileges to bind (PORT=${err.port}); use a port of 1024 or above, e.g. PORT=8080, or PORT=0 for any free port`;
    case 'address-unavailable':
      return `${at}: HOST=${err.host} is not an address of this machine; use 127.0.0.1, 0.0.0.0 or one of its addresses`;
    case 'listen-failed':
      return `${at}: cannot listen: ${err.cause instanceof Error ? err.cause.message : String(err.cause)}`;
  }
}
