/**
 * Whether `err` says Redis could not be reached, rather than that it refused the command: the errors
 * ioredis gives a command on a fail-fast connection (no offline queue, a command timeout, a few retries
 * per request) while Redis is down, restarting or hung. ioredis exports no classes for most of them, so
 * they are told by name and message (ioredis 5: `Redis.js`, `Command.js`, `errors/`, `utils/`).
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  return UNAVAILABLE_MESSAGES.some((text) => err.message.includes(text));
}

const UNAVAILABLE_MESSAGES = [
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Command timed out',
  'Connection is closed.',
];

/** Fail-fast options for a connection that request handlers wait on (issue 16: 503 in 100 ms, no hang). */
export const FAIL_FAST_REDIS = {
  /** Commands sent while disconnected fail at once instead of waiting for the reconnect. */
  enableOfflineQueue: false,
  /** One sent before the connection dropped is given up after its reconnect attempts (~100 ms). */
  maxRetriesPerRequest: 1,
  /** And one Redis never answers (hung, partitioned) after this long, ms. */
  commandTimeout: 2000,
} as const;
