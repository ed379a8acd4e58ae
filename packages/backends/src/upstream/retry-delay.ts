/** How long to wait before a retry. */
export interface RetryDelayOptions {
  /** Delay before the first retry; doubles after each. */
  baseDelayMs: number;
  /** No wait is longer than this, whatever the upstream asks. */
  maxDelayMs: number;
  /** @defaultValue Math.random */
  random?: () => number;
}

/**
 * Exponential backoff with jitter (75–100 % of the step), or the upstream's `retry-after` when
 * it asks for less than the cap. `attempt` is 0 for the first retry.
 */
export function retryDelayMs(attempt: number, retryAfterSeconds: number | undefined, options: RetryDelayOptions): number {
  if (retryAfterSeconds !== undefined && retryAfterSeconds * 1000 <= options.maxDelayMs) return retryAfterSeconds * 1000;
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(step * (0.75 + 0.25 * (options.random ?? Math.random)()));
}

/** Resolves after `ms`, or resolves false at once when `signal` aborts (nothing to retry then). */
export function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
