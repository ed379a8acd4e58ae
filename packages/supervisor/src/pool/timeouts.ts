/**
 * Rejects with `message` when `promise` has not settled within `ms`. Uses the global timer
 * functions (not AbortSignal.timeout) so tests with fake timers control it.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** An abort signal that fires after `ms`, on the global timers, with a cleanup. */
export function timeoutSignal(ms: number, reason: () => unknown): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(reason()), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** Exponential backoff: 0 with no failures, then initial, 2×initial, … up to max. */
export function backoffDelay(failures: number, initialMs: number, maxMs: number): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, initialMs * 2 ** (failures - 1));
}
