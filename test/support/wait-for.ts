/**
 * Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs` with the last
 * observation in the message. For conditions that live in another process (HTTP, Redis), where there is
 * no event to await.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Waits until `condition` holds, or fails naming what it waited for. For state that events fill in (an
 * adapter's event list, messages a broker delivered), polled every 20 ms.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  await waitFor(what, () => Promise.resolve(condition() ? true : undefined), timeoutMs, 20);
}
