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

/**
 * Starts `start` with a signal that aborts after `ms`, and rejects then even if the start ignores
 * its signal: a session that hangs while starting must not hold its slot.
 */
export function startWithin(start: (signal: AbortSignal) => Promise<void>, ms: number): Promise<void> {
  const message = `not ready within ${ms} ms`;
  const deadline = timeoutSignal(ms, () => new Error(message));
  return withTimeout(start(deadline.signal), ms, message).finally(deadline.clear);
}

/** Exponential backoff: 0 with no failures, then initial, 2×initial, … up to max. */
export function backoffDelay(failures: number, initialMs: number, maxMs: number): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, initialMs * 2 ** (failures - 1));
}
