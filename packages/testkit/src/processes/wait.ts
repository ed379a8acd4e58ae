import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

export interface EventuallyOptions {
  timeoutMs: number;
  /** Named in the error when time runs out. */
  what: string;
  /** @defaultValue 50 */
  intervalMs?: number;
  /** Give up at once when this returns true (e.g. the process died). */
  stopWhen?: () => boolean;
}

/**
 * Polls `check` until it returns a value other than undefined (a throw counts as not yet), and
 * throws once `timeoutMs` has passed. Bounded in time; the number of polls follows from it.
 */
export async function eventually<T>(check: () => Promise<T | undefined>, options: EventuallyOptions): Promise<T> {
  const { timeoutMs, what, intervalMs = 50, stopWhen } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (stopWhen?.()) throw new Error(`gave up waiting for ${what}${lastError ? ` (${String(lastError)})` : ''}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (${String(lastError)})` : ''}`);
    await sleep(intervalMs);
  }
}

/** GETs a JSON document; never throws for an HTTP error status. */
export async function getJson<T>(url: string, timeoutMs = 3_000): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: (await response.json()) as T };
}
