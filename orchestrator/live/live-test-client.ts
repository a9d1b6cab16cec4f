/**
 * For tests of `ws /v1/live`: a client whose messages queue up to be awaited in order, each with a
 * deadline, so tests never sleep. Used by the unit tests here and by the integration tests.
 */
import { WebSocket } from 'ws';
import type { LiveServerMessage } from '../http/live-contract.ts';

export function connectLive(url: string) {
  const ws = new WebSocket(url);
  const queue: LiveServerMessage[] = [];
  const waiters: ((m: LiveServerMessage) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as LiveServerMessage;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
    });
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      resolve();
    });
    ws.once('error', reject);
  });
  const next = (timeoutMs = 10_000): Promise<LiveServerMessage> => {
    const queued = queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no live message within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  };
  return {
    ws,
    opened,
    closed,
    next,
    send: async (text: string) => {
      await opened;
      ws.send(text);
    },
  };
}
